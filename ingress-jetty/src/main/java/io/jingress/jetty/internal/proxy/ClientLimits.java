package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.RateLimit;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.eclipse.jetty.http.HttpStatus;

/**
 * The counts of one Ingress's {@link RateLimit}, per client address: its {@code limit-rps} and
 * {@code limit-rpm} rates and its {@code limit-connections} requests in progress. Checked in
 * nginx's order: the rates ({@code limit_req}) first, then the requests in progress
 * ({@code limit_conn}); a request a rate refuses is counted by none.
 */
final class ClientLimits {
    /** The most clients each limit keeps, about as many as the 5 MB zone ingress-nginx gives each limit holds. */
    static final int CAPACITY = 65_536;

    static final PlainResponses.Body TOO_MANY_RPS = tooMany("too many requests from this client (limit-rps)");
    static final PlainResponses.Body TOO_MANY_RPM = tooMany("too many requests from this client (limit-rpm)");
    static final PlainResponses.Body TOO_MANY_CONNECTIONS =
            tooMany("too many requests in progress from this client (limit-connections)");

    private final RateLimit limit;
    private final RequestRate perSecond;  // null: no limit-rps
    private final RequestRate perMinute;  // null: no limit-rpm
    private final ConcurrentRequests inProgress;  // null: no limit-connections

    ClientLimits(RateLimit limit, int capacity, LongSupplier clock) {
        this.limit = limit;
        int rps = limit.requestsPerSecond();
        int rpm = limit.requestsPerMinute();
        this.perSecond = rps > 0 ? new RequestRate(rps, TimeUnit.SECONDS.toNanos(1), limit.burst(rps), capacity, clock) : null;
        this.perMinute = rpm > 0 ? new RequestRate(rpm, TimeUnit.MINUTES.toNanos(1), limit.burst(rpm), capacity, clock) : null;
        this.inProgress = limit.connections() > 0 ? new ConcurrentRequests(limit.connections(), capacity) : null;
    }

    RateLimit limit() {
        return limit;
    }

    /**
     * Counts a request of {@code client}: null when it may go on (with a request in progress counted
     * when there is a {@code limit-connections}, which {@link #release} ends), else the refusal.
     */
    PlainResponses.Body admit(String client) {
        if (perSecond != null && !perSecond.tryAcquire(client)) {
            return TOO_MANY_RPS;
        }
        if (perMinute != null && !perMinute.tryAcquire(client)) {
            if (perSecond != null) {
                perSecond.refund(client);
            }
            return TOO_MANY_RPM;
        }
        if (inProgress != null && !inProgress.tryAcquire(client)) {
            return TOO_MANY_CONNECTIONS;
        }
        return null;
    }

    /** Whether {@link #admit} counts a request in progress, which must be released. */
    boolean countsInProgress() {
        return inProgress != null;
    }

    /** Ends a request of {@code client} in progress that {@link #admit} counted. */
    void release(String client) {
        inProgress.release(client);
    }

    /** Requests of {@code client} in progress now (0 without {@code limit-connections}). */
    int inProgress(String client) {
        return inProgress == null ? 0 : inProgress.inProgress(client);
    }

    /**
     * {@code refusal} with the status the controller ConfigMap gives it ({@code limit-req-status-code},
     * {@code limit-conn-status-code}); itself with the default 503.
     */
    static PlainResponses.Body withStatus(PlainResponses.Body refusal, io.jingress.core.route.ServerSettings settings) {
        int status = refusal == TOO_MANY_CONNECTIONS ? settings.limitConnectionStatus() : settings.limitRequestStatus();
        if (status == refusal.status()) {
            return refusal;
        }
        // made once per refusal and status: refusals come thickest when a client floods
        return RESTATED.computeIfAbsent(new Restated(refusal, status), r -> {
            String text = new String(refusal.bytes(), java.nio.charset.StandardCharsets.UTF_8);
            return new PlainResponses.Body(status, status + " " + HttpStatus.getMessage(status)
                    + text.substring(text.indexOf(':')));
        });
    }

    private record Restated(PlainResponses.Body refusal, int status) {
    }

    private static final java.util.Map<Restated, PlainResponses.Body> RESTATED = new java.util.concurrent.ConcurrentHashMap<>();

    private static PlainResponses.Body tooMany(String why) {
        return new PlainResponses.Body(HttpStatus.SERVICE_UNAVAILABLE_503, "503 Service Unavailable: " + why + "\n");
    }
}
