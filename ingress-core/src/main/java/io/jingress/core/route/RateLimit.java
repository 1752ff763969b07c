package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How much one client, by address, may ask of an Ingress's routes: ingress-nginx's
 * {@code limit-rps}, {@code limit-rpm} (requests per second and per minute, each with a burst of
 * the rate times {@code limit-burst-multiplier}, nginx's {@code limit_req ... nodelay}) and
 * {@code limit-connections} (requests in progress at once, nginx's {@code limit_conn}); clients in
 * {@code limit-allowlist} (older name {@code limit-whitelist}) are not limited. Only the settings;
 * the proxy keeps each client's count. Immutable, with value equality, so a proxy can keep its
 * counts across route table rebuilds while the settings stay the same.
 *
 * <pre>{@code
 * RateLimit limit = route.policy().rateLimit();
 * if (!limit.isNone() && !limit.exempts(clientAddress)) {
 *     // count the request against limit.requestsPerSecond() and limit.burst(limit.requestsPerSecond())
 * }
 * }</pre>
 */
public final class RateLimit {
    /** ingress-nginx's burst multiplier when {@code limit-burst-multiplier} is not set. */
    public static final int DEFAULT_BURST_MULTIPLIER = 5;

    /** No limit: the Ingress sets none of {@code limit-rps}, {@code limit-rpm}, {@code limit-connections}. */
    public static final RateLimit NONE = new RateLimit(0, 0, 0, DEFAULT_BURST_MULTIPLIER, null);

    private final int requestsPerSecond;
    private final int requestsPerMinute;
    private final int connections;
    private final int burstMultiplier;
    private final ClientAccess exempt;  // null: no client is exempt

    private RateLimit(int requestsPerSecond, int requestsPerMinute, int connections, int burstMultiplier, ClientAccess exempt) {
        this.requestsPerSecond = requestsPerSecond;
        this.requestsPerMinute = requestsPerMinute;
        this.connections = connections;
        this.burstMultiplier = burstMultiplier;
        this.exempt = exempt;
    }

    /** The limits read; {@code exempt} is an allowlist of ranges, or null. {@link #NONE} when no limit is set. */
    static RateLimit of(int requestsPerSecond, int requestsPerMinute, int connections, int burstMultiplier, ClientAccess exempt) {
        if (requestsPerSecond <= 0 && requestsPerMinute <= 0 && connections <= 0) {
            return NONE;
        }
        return new RateLimit(Math.max(0, requestsPerSecond), Math.max(0, requestsPerMinute), Math.max(0, connections),
                burstMultiplier, exempt);
    }

    /** Whether no limit is set, so nothing need be counted. */
    public boolean isNone() {
        return this == NONE;
    }

    /** Requests a client may make per second ({@code limit-rps}); 0: no such limit. */
    public int requestsPerSecond() {
        return requestsPerSecond;
    }

    /** Requests a client may make per minute ({@code limit-rpm}); 0: no such limit. */
    public int requestsPerMinute() {
        return requestsPerMinute;
    }

    /** Requests of one client that may be in progress at once ({@code limit-connections}); 0: no such limit. */
    public int connections() {
        return connections;
    }

    /** {@code limit-burst-multiplier}: the burst of a rate is the rate times this; {@value #DEFAULT_BURST_MULTIPLIER} when not set. */
    public int burstMultiplier() {
        return burstMultiplier;
    }

    /**
     * The burst of {@code rate}, as ingress-nginx writes nginx's {@code limit_req burst=}: requests a
     * client may make at once beyond the one the rate allows, answered at once ({@code nodelay}).
     */
    public long burst(int rate) {
        return (long) rate * burstMultiplier;
    }

    /**
     * Whether the client at {@code clientAddress} is not limited: its address is in
     * {@code limit-allowlist}. Address text as {@link ClientAccess#admits} reads it.
     */
    public boolean exempts(CharSequence clientAddress) {
        return exempt != null && exempt.admits(clientAddress);
    }

    /** The exempt ranges, as {@code network/prefix}; empty when none. */
    public List<String> exemptRanges() {
        return exempt == null ? List.of() : exempt.allowedRanges();
    }

    /** One phrase per limit, for {@code /routes} and explain: {@code 10 requests/s per client, burst 50 (limit-rps)}. */
    List<String> phrases() {
        List<String> phrases = new ArrayList<>(4);
        if (requestsPerSecond > 0) {
            phrases.add(requestsPerSecond + (requestsPerSecond == 1 ? " request" : " requests") + "/s per client, burst " + burst(requestsPerSecond) + " (limit-rps)");
        }
        if (requestsPerMinute > 0) {
            phrases.add(requestsPerMinute + (requestsPerMinute == 1 ? " request" : " requests") + "/min per client, burst " + burst(requestsPerMinute) + " (limit-rpm)");
        }
        if (connections > 0) {
            phrases.add(connections + (connections == 1 ? " request" : " requests") + " at a time per client (limit-connections)");
        }
        if (exempt != null) {
            phrases.add("clients not limited: " + String.join(", ", exemptRanges()) + " (limit-allowlist)");
        }
        return phrases;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RateLimit that && requestsPerSecond == that.requestsPerSecond
                && requestsPerMinute == that.requestsPerMinute && connections == that.connections
                && burstMultiplier == that.burstMultiplier && exemptRanges().equals(that.exemptRanges());
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestsPerSecond, requestsPerMinute, connections, burstMultiplier, exemptRanges());
    }

    @Override
    public String toString() {
        return isNone() ? "RateLimit[none]" : "RateLimit" + phrases();
    }
}
