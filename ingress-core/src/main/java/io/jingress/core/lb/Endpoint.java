package io.jingress.core.lb;

import io.jingress.core.internal.lb.EndpointState;
import java.util.Objects;

/**
 * One address and port that receives traffic (a ready Pod endpoint), with the live state the
 * balancers and passive health keep for it. Made and interned by {@link Balancers#endpoint}, so its
 * state survives route table swaps for as long as the endpoint exists.
 *
 * <p>The proxy reports every request: {@code long start = endpoint.onStart();} before forwarding,
 * then {@code endpoint.onEnd(start, success)} when the upstream exchange ends (or
 * {@code endpoint.onCancel()} when the client gave up on it first). That feeds the
 * in-flight count (least request), the latency average (peak EWMA, on the registry's clock) and
 * passive health: {@link PassiveHealth#consecutiveFailures()} failures in a row eject the endpoint.
 */
public final class Endpoint {
    private final String address;
    private final int port;
    private final String zone;
    private final String targetName;
    private final int weight;
    private final String id;
    private final EndpointState state;

    Endpoint(String address, int port, String zone, String targetName, int weight, EndpointState state) {
        this.address = Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.port = port;
        this.zone = zone;
        this.targetName = targetName;
        this.weight = Math.max(1, weight);
        this.id = idOf(address, port);
        this.state = Objects.requireNonNull(state, "state");
    }

    static String idOf(String address, int port) {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    EndpointState state() {
        return state;
    }

    /** The IP address (or DNS name, for ExternalName Services). */
    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** The zone, or {@code null}. */
    public String zone() {
        return zone;
    }

    /** The Pod (targetRef) name, or {@code null}. */
    public String targetName() {
        return targetName;
    }

    /** The weight for weighted strategies, at least 1. */
    public int weight() {
        return weight;
    }

    /** {@code address:port}, with an IPv6 address in brackets. */
    public String id() {
        return id;
    }

    /** Requests forwarded to this endpoint and not yet ended. */
    public int inFlight() {
        return state.inFlight();
    }

    /** Marks the start of a request to this endpoint; returns the start time to pass to {@link #onEnd}. */
    public long onStart() {
        return state.onStart();
    }

    /**
     * Marks the end of a request started with {@link #onStart}.
     *
     * @param success whether a response came back from upstream; a success resets the run of
     *     consecutive failures and is the only kind of request whose latency is sampled
     */
    public void onEnd(long startNanos, boolean success) {
        state.onEnd(startNanos, success);
    }

    /**
     * Marks the end of a request started with {@link #onStart} that the client gave up on before
     * the endpoint answered (it closed its connection, reset its stream, or stalled sending its
     * body): neither a success nor a failure, so passive health and the latency average are left
     * as they were.
     */
    public void onCancel() {
        state.onCancel();
    }

    /** Total requests started. */
    public long requests() {
        return state.requests();
    }

    /** Total requests that failed. */
    public long failures() {
        return state.failures();
    }

    /** Whether passive health has ejected this endpoint now (balancers skip it, within their cap). */
    public boolean isEjected() {
        return state.isEjected(state.now());
    }

    /** A snapshot of this endpoint's live state, for display. */
    public Stats stats() {
        long now = state.now();
        double ewma = state.ewmaNanos(now);
        return new Stats(state.requests(), state.failures(), state.consecutiveFailures(), state.ejections(),
                state.isEjected(now), state.inFlight(), ewma < 0 ? Double.NaN : ewma / 1_000_000.0);
    }

    /**
     * What an endpoint has seen, for the admin pages.
     *
     * @param requests requests started
     * @param failures requests that failed
     * @param consecutiveFailures failures since the last success or ejection
     * @param ejections times passive health has ejected it
     * @param ejected whether it is ejected now
     * @param inFlight requests started and not yet ended
     * @param ewmaMillis the peak EWMA latency now, in milliseconds; {@code NaN} before the first success
     */
    public record Stats(long requests, long failures, int consecutiveFailures, int ejections, boolean ejected,
            int inFlight, double ewmaMillis) {
    }

    @Override
    public String toString() {
        return id;
    }
}
