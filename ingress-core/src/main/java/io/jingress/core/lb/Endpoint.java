package io.jingress.core.lb;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One address and port that receives traffic (a ready Pod endpoint), with the live state the
 * balancers and passive health keep for it. Made and interned by {@link Balancers#endpoint}, so its
 * state survives route table swaps for as long as the endpoint exists.
 *
 * <p>The proxy reports every request: {@code long start = endpoint.onStart();} before forwarding,
 * then {@code endpoint.onEnd(start, success)} when the upstream exchange ends.
 */
public final class Endpoint {
    private final String address;
    private final int port;
    private final String zone;
    private final String targetName;
    private final int weight;
    private final String id;
    private final LongSupplier nanoClock;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    Endpoint(String address, int port, String zone, String targetName, int weight, LongSupplier nanoClock) {
        this.address = Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.port = port;
        this.zone = zone;
        this.targetName = targetName;
        this.weight = Math.max(1, weight);
        this.id = idOf(address, port);
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    static String idOf(String address, int port) {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
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
        return inFlight.get();
    }

    /** Marks the start of a request to this endpoint; returns the start time to pass to {@link #onEnd}. */
    public long onStart() {
        inFlight.incrementAndGet();
        requests.incrementAndGet();
        return nanoClock.getAsLong();
    }

    /** Marks the end of a request started with {@link #onStart}. */
    public void onEnd(long startNanos, boolean success) {
        inFlight.decrementAndGet();
        if (!success) {
            failures.incrementAndGet();
        }
    }

    /** Total requests started. */
    public long requests() {
        return requests.get();
    }

    /** Total requests that failed. */
    public long failures() {
        return failures.get();
    }

    @Override
    public String toString() {
        return id;
    }
}
