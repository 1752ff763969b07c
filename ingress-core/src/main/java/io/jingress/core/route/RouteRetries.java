package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;

/**
 * When a request that failed on one endpoint goes to the next: ingress-nginx's
 * {@code proxy-next-upstream}, {@code proxy-next-upstream-tries} and
 * {@code proxy-next-upstream-timeout}, as nginx's {@code proxy_next_upstream*} directives.
 *
 * <p>{@link #DEFAULT} is what the proxy does for an Ingress that sets none of them: an idempotent
 * request with nothing of its body sent goes to another endpoint when the connect failed or timed
 * out, the connection broke before any answer, or the answer was not HTTP; not on a read timeout
 * nor on any status; the server's {@code maxTries} tries in all.
 *
 * <pre>{@code
 * RouteRetries retries = policy.retries();
 * if (retries.onStatus(503)) { ... }  // proxy-next-upstream: "error timeout http_503"
 * }</pre>
 *
 * <p>An HTTPRoute rule's {@code retry} is one too ({@link #anyEndpoint()} true): its {@code codes}
 * are {@link #statuses()}, a try may go to an endpoint tried already (a Service of one Pod is
 * retried on that Pod), and {@link #backoffMillis()} pass between a failed try and the next.
 *
 * @param conditions which failures move a request on: the sum of the flags of this class (0: none, {@code off})
 * @param tries tries in all counting the first; 0: as many as the backend has endpoints; -1: the server's {@code maxTries}
 * @param timeoutMillis how long all tries of a request may take before no further one begins; 0: no limit
 * @param statuses answer statuses that move a request on besides the {@code http_NNN} conditions (an
 *     HTTPRoute's {@code retry.codes}); empty for an Ingress's
 * @param backoffMillis the least time between a failed try and the next; 0: the next begins at once
 * @param anyEndpoint whether the next try may go to an endpoint tried already, once every endpoint
 *     was; false: only untried endpoints, as nginx's {@code proxy_next_upstream}
 */
public record RouteRetries(int conditions, int tries, long timeoutMillis, java.util.Set<Integer> statuses, long backoffMillis,
        boolean anyEndpoint) {
    /** {@code error}: the connect failed, or the connection broke before the answer's head. */
    public static final int ERROR = 1;
    /** Part of {@code timeout}: the connect timed out. */
    public static final int CONNECT_TIMEOUT = 1 << 1;
    /** Part of {@code timeout}: the endpoint stayed silent past the read timeout before any answer. */
    public static final int READ_TIMEOUT = 1 << 2;
    /** {@code invalid_header}: the answer was not HTTP this proxy can read, or empty. */
    public static final int INVALID_HEADER = 1 << 3;
    /** {@code non_idempotent}: POST, PATCH and other methods are moved on too. */
    public static final int NON_IDEMPOTENT = 1 << 4;
    private static final int[] STATUSES = {500, 502, 503, 504, 403, 404, 429};
    private static final int FIRST_STATUS_BIT = 5;
    private static final int STATUS_BITS = ((1 << STATUSES.length) - 1) << FIRST_STATUS_BIT;

    /** What the proxy does when an Ingress asks nothing (see the class comment). */
    public static final RouteRetries DEFAULT = new RouteRetries(ERROR | CONNECT_TIMEOUT | INVALID_HEADER, -1, 0);

    public RouteRetries {
        if (tries < -1) {
            throw new IllegalArgumentException("tries " + tries);
        }
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("timeoutMillis " + timeoutMillis);
        }
        if (backoffMillis < 0) {
            throw new IllegalArgumentException("backoffMillis " + backoffMillis);
        }
        statuses = statuses == null ? java.util.Set.of() : java.util.Set.copyOf(statuses);
    }

    /** An Ingress's retries ({@code proxy-next-upstream*}): no other statuses, no backoff, untried endpoints only. */
    public RouteRetries(int conditions, int tries, long timeoutMillis) {
        this(conditions, tries, timeoutMillis, java.util.Set.of(), 0, false);
    }

    /**
     * An HTTPRoute rule's {@code retry}: on a failure without an answer (the connect failed or timed
     * out, the connection broke, the endpoint was silent past the read timeout or the rule's
     * {@code backendRequest} timeout, the answer was not HTTP) and on the answer statuses
     * {@code codes}; {@code tries} in all (-1: the server's), {@code backoffMillis} apart, on any
     * endpoint once each was tried.
     */
    static RouteRetries ofHttpRoute(java.util.Set<Integer> codes, int tries, long backoffMillis) {
        return new RouteRetries(ERROR | CONNECT_TIMEOUT | READ_TIMEOUT | INVALID_HEADER, tries, 0, codes, backoffMillis, true);
    }

    /** The flag of {@code http_NNN} for {@code status}; 0 when nginx has no such condition. */
    public static int statusFlag(int status) {
        for (int i = 0; i < STATUSES.length; i++) {
            if (STATUSES[i] == status) {
                return 1 << (FIRST_STATUS_BIT + i);
            }
        }
        return 0;
    }

    /** Whether a request is moved on at all: false for {@code off}. */
    public boolean any() {
        return (conditions & ~NON_IDEMPOTENT) != 0 || !statuses.isEmpty();
    }

    /** Whether {@code flag} (one of this class's) is among the conditions. */
    public boolean on(int flag) {
        return (conditions & flag) != 0;
    }

    /** Whether an answer of {@code status} is dropped and the request moved on. */
    public boolean onStatus(int status) {
        return (conditions & STATUS_BITS) != 0 && (conditions & statusFlag(status)) != 0
                || !statuses.isEmpty() && statuses.contains(status);
    }

    /** Whether some answer status moves a request on (then the answer's head is looked at). */
    public boolean onAnyStatus() {
        return (conditions & STATUS_BITS) != 0 || !statuses.isEmpty();
    }

    /** The conditions as nginx writes them: {@code "error timeout http_503"}, {@code "off"}. */
    public String conditionNames() {
        if (!any()) {
            return "off";
        }
        List<String> names = new ArrayList<>();
        if (on(ERROR)) {
            names.add("error");
        }
        if (on(CONNECT_TIMEOUT) && on(READ_TIMEOUT)) {
            names.add("timeout");
        } else if (on(CONNECT_TIMEOUT)) {
            names.add("connect timeout");
        }
        if (on(INVALID_HEADER)) {
            names.add("invalid_header");
        }
        for (int status : STATUSES) {
            if (onStatus(status)) {
                names.add("http_" + status);
            }
        }
        if (on(NON_IDEMPOTENT)) {
            names.add("non_idempotent");
        }
        return String.join(" ", names);
    }

    /** The phrase of {@link RoutePolicy#describe()}. */
    String describe() {
        if (anyEndpoint) {
            return describeRetry();
        }
        if (!any()) {
            return "no retry on another endpoint (proxy-next-upstream: off)";
        }
        StringBuilder phrase = new StringBuilder("next endpoint on ").append(conditionNames());
        if (tries == 0) {
            phrase.append(", tries up to the endpoints' number");
        } else if (tries > 0) {
            phrase.append(", ").append(tries).append(tries == 1 ? " try" : " tries");
        }
        if (timeoutMillis > 0) {
            phrase.append(", within ").append(timeoutMillis / 1000).append(" s");
        }
        return phrase.append(" (proxy-next-upstream)").toString();
    }

    // an HTTPRoute's retry: "retried on a failure without an answer and on 502, 503, at most 2 times, 100 ms apart (retry)"
    private String describeRetry() {
        if (tries == 1) {
            return "not retried (retry.attempts: 0)";
        }
        StringBuilder phrase = new StringBuilder("retried on a failure without an answer");
        if (!statuses.isEmpty()) {
            phrase.append(" and on ").append(String.join(", ", statuses.stream().sorted().map(String::valueOf).toList()));
        }
        if (tries > 1) {
            phrase.append(", at most ").append(tries - 1).append(tries == 2 ? " time" : " times");
        } else {
            phrase.append(", as often as the server's tries allow");
        }
        if (backoffMillis > 0) {
            phrase.append(", ").append(GatewayDurations.describe(backoffMillis)).append(" apart");
        }
        return phrase.append(" (retry)").toString();
    }
}
