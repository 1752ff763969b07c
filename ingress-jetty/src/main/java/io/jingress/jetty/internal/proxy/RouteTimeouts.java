package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.RoutePolicy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.util.thread.Scheduler;

/**
 * An HTTPRoute rule's {@code timeouts} on its requests ({@link RoutePolicy#requestTimeoutMillis()},
 * {@link RoutePolicy#backendRequestTimeoutMillis()}): a task of the server's {@link Scheduler} for
 * the request, from the moment it is sent on to an endpoint, and one for each try. When one runs
 * out it stops the try under way as the client giving up would ({@link Exchange#upstreamBegins}),
 * with a {@link Passed}, which is a {@link TimeoutException}: the try fails as a read timeout does,
 * 504 while nothing was sent to the client, the answer cut short after. Once the request's own
 * deadline passed, no other endpoint is tried ({@link RoutingProxy#retryElsewhere}), and a try
 * that begins after it is stopped at once.
 *
 * <p>Not on upgraded connections (WebSocket): their tunnel's idle timeout is the read timeout.
 */
final class RouteTimeouts {
    private final Exchange exchange;
    private final Scheduler scheduler;
    private final long backendRequestMillis;  // 0: none
    private volatile Scheduler.Task requestTimer;
    private volatile Scheduler.Task tryTimer;
    /** The number of the try under way, counted only with a backendRequest timeout. */
    private volatile int attempt;
    /** Why the request's own time ran out ({@code timeouts.request}); null while it has not. */
    private volatile Passed requestPassed;
    /** Why the try numbered {@link #tryPassedAttempt} ran out of time; null while none did. */
    private volatile Passed tryPassed;
    private volatile int tryPassedAttempt;

    private RouteTimeouts(Exchange exchange, Scheduler scheduler, long backendRequestMillis) {
        this.exchange = exchange;
        this.scheduler = scheduler;
        this.backendRequestMillis = backendRequestMillis;
    }

    /** Why a try ended: the request's or the try's time ran out. No stack trace: a decision, not a fault. */
    static final class Passed extends TimeoutException {
        Passed(String field, long millis) {
            super("the route's " + field + " of " + millis + " ms passed");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * The request is sent on to an endpoint: its route's timeouts start, if it has any (then
     * {@link Exchange#timeouts} holds them; else it stays null and nothing here costs anything).
     */
    static void start(Exchange exchange, RoutePolicy policy, Scheduler scheduler) {
        long request = policy.requestTimeoutMillis();
        long backendRequest = policy.backendRequestTimeoutMillis();
        if (request <= 0 && backendRequest <= 0) {
            return;
        }
        RouteTimeouts timeouts = new RouteTimeouts(exchange, scheduler, backendRequest);
        exchange.timeouts = timeouts;
        if (request > 0) {
            timeouts.requestTimer = scheduler.schedule(() -> timeouts.requestTimedOut(new Passed("timeouts.request", request)),
                    request, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A try of {@code exchange} begins (before anything of it is sent): its own time starts, if its
     * route has a backendRequest timeout.
     */
    static void tryBegins(Exchange exchange) {
        RouteTimeouts timeouts = exchange.timeouts;
        if (timeouts == null || timeouts.backendRequestMillis <= 0) {
            return;
        }
        long millis = timeouts.backendRequestMillis;
        int which = ++timeouts.attempt;
        timeouts.tryTimer = timeouts.scheduler.schedule(
                () -> timeouts.tryTimedOut(which, new Passed("timeouts.backendRequest", millis)), millis, TimeUnit.MILLISECONDS);
    }

    /** The try of {@code exchange} ended (answered, failed, or given up on by the client). */
    static void tryEnds(Exchange exchange) {
        RouteTimeouts timeouts = exchange.timeouts;
        if (timeouts != null) {
            cancel(timeouts.tryTimer);
            timeouts.tryTimer = null;
        }
    }

    /** The exchange ended: nothing of it is timed any more. */
    void exchangeEnds() {
        cancel(tryTimer);
        cancel(requestTimer);
        tryTimer = null;
        requestTimer = null;
    }

    private static void cancel(Scheduler.Task timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    /** Why the request's own time ran out, or null. */
    Passed requestPassed() {
        return requestPassed;
    }

    /** Why a try that begins now must stop at once: the request's time ran out, or this try's; null: neither. */
    Passed passed() {
        Passed passed = requestPassed;
        return passed != null ? passed : tryPassedAttempt == attempt ? tryPassed : null;
    }

    // timeouts.request ran out: the try under way, if any, is stopped at once, and any that begins from now on
    private void requestTimedOut(Passed passed) {
        requestPassed = passed;
        exchange.stopTry(passed);
    }

    // timeouts.backendRequest ran out for the try numbered which: it is stopped, if it is still under way
    private void tryTimedOut(int which, Passed passed) {
        if (which != attempt) {
            return;
        }
        tryPassed = passed;
        tryPassedAttempt = which;
        exchange.stopTry(passed);
    }
}
