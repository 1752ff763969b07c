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
    private RouteTimeouts() {
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

    /** The request is sent on to an endpoint: its route's timeouts start, if it has any. */
    static void start(Exchange exchange, RoutePolicy policy, Scheduler scheduler) {
        long request = policy.requestTimeoutMillis();
        long backendRequest = policy.backendRequestTimeoutMillis();
        if (request <= 0 && backendRequest <= 0) {
            return;
        }
        exchange.timeoutScheduler = scheduler;
        exchange.backendRequestMillis = backendRequest;
        if (request > 0) {
            exchange.requestTimer = scheduler.schedule(() -> exchange.timedOut(new Passed("timeouts.request", request)),
                    request, TimeUnit.MILLISECONDS);
        }
    }

    /** A try begins (before anything of it is sent): its own time starts, if its route has a backendRequest timeout. */
    static void tryBegins(Exchange exchange) {
        long millis = exchange.backendRequestMillis;
        if (millis <= 0) {
            return;
        }
        int attempt = ++exchange.attempt;
        exchange.tryTimer = exchange.timeoutScheduler.schedule(
                () -> exchange.tryTimedOut(attempt, new Passed("timeouts.backendRequest", millis)), millis, TimeUnit.MILLISECONDS);
    }

    /** The try ended (answered, failed, or given up on by the client). */
    static void tryEnds(Exchange exchange) {
        Scheduler.Task timer = exchange.tryTimer;
        if (timer != null) {
            exchange.tryTimer = null;
            timer.cancel();
        }
    }

    /** The exchange ended: nothing of it is timed any more. */
    static void exchangeEnds(Exchange exchange) {
        tryEnds(exchange);
        Scheduler.Task timer = exchange.requestTimer;
        if (timer != null) {
            exchange.requestTimer = null;
            timer.cancel();
        }
    }
}
