package io.jingress.jetty.internal.proxy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.jingress.core.route.RouteRetries;

import org.eclipse.jetty.client.HttpResponseException;

/**
 * The retry decisions of a route whose Ingress sets {@code proxy-next-upstream},
 * {@code -tries} or {@code -timeout} ({@link RouteRetries}); a route whose policy is NONE keeps
 * {@link RoutingProxy}'s own (the same as {@link RouteRetries#DEFAULT}) and never comes here.
 *
 * <p>An answer whose status is among the route's conditions is dropped before anything of it
 * reaches the client, its connection closed (as nginx does), and the request goes to the next
 * endpoint; on the lean path from {@link UpstreamConnection} (the head just parsed), on Jetty's in
 * the response listener's {@code onBegin}. Only a request whose body can be sent again: none, one
 * read whole (the lean path), or one streamed but not touched yet.
 */
final class NextUpstream {
    private NextUpstream() {
    }

    /** Tries in all for this request: the route's, the endpoints' number for 0, the server's for -1; 1 for {@code off}. */
    static int maxTries(Exchange exchange, RouteRetries retries, int serverMaxTries) {
        if (!retries.any()) {
            return 1;
        }
        int tries = retries.tries();
        if (tries < 0) {
            return serverMaxTries;
        }
        if (tries == 0) {
            return Math.max(1, exchange.backend.balancer().endpoints().size());
        }
        return tries;
    }

    /** Whether the failed try may be repeated on another endpoint under the route's retries. */
    static boolean mayRetry(Exchange exchange, RouteRetries retries, Throwable failure, int serverMaxTries) {
        if (failure instanceof StatusAnswer) {
            // movesOn decided it, with the same checks, before the answer was dropped: the time
            // since must not turn a dropped answer into a 502
            return true;
        }
        return allowed(exchange, retries, serverMaxTries, GrpcUpstream.neverSent(exchange, failure)) && on(retries, failure);
    }

    /**
     * Whether an answer of {@code status} is dropped and the request moved on: the route asks it
     * for that status, the request may be sent again, and another endpoint is there to try (under
     * an HTTPRoute's retry, any endpoint: see {@link RouteRetries#anyEndpoint()}).
     */
    static boolean movesOn(Exchange exchange, int status, int serverMaxTries) {
        RouteRetries retries = exchange.route.policy().retries();
        return retries.onStatus(status) && allowed(exchange, retries, serverMaxTries, false)
                && (retries.anyEndpoint() || exchange.backend.balancer().endpoints().size() > exchange.tries);
    }

    /** {@code neverSent}: the try failed before anything of the request left, so its method does not matter. */
    private static boolean allowed(Exchange exchange, RouteRetries retries, int serverMaxTries, boolean neverSent) {
        if (exchange.bodyConsumed || exchange.tries >= maxTries(exchange, retries, serverMaxTries)) {
            return false;
        }
        if (!neverSent && !retries.on(RouteRetries.NON_IDEMPOTENT) && !RoutingProxy.isIdempotent(exchange.getMethod())) {
            return false;
        }
        long timeout = retries.timeoutMillis();
        if (timeout > 0) {
            // the tries so far, back to back: the failed one is counted in by then (endUpstream)
            long spent = Math.max(0, exchange.upstreamNanos);
            if (exchange.upstreamOpen) {
                spent += System.nanoTime() - exchange.tryStartNanos;
            }
            return spent < TimeUnit.MILLISECONDS.toNanos(timeout);
        }
        return true;
    }

    /**
     * Whether a failed try counts as the endpoint's success for passive health: an answer of 403 or
     * 404 dropped for the next endpoint, which nginx never holds against a server either.
     */
    static boolean answered(Throwable failure) {
        return failure instanceof StatusAnswer answer && (answer.status == 403 || answer.status == 404);
    }

    /** Whether the route's conditions name this failure. */
    private static boolean on(RouteRetries retries, Throwable failure) {
        if (failure instanceof TimeoutException) {
            // the endpoint was silent past the read timeout (before any answer: the callers check)
            return retries.on(RouteRetries.READ_TIMEOUT);
        }
        if (RoutingProxy.isTimeout(failure)) {
            return retries.on(RouteRetries.CONNECT_TIMEOUT);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UpstreamConnection.BadAnswer || t instanceof HttpResponseException) {
                return retries.on(RouteRetries.INVALID_HEADER);
            }
        }
        return retries.on(RouteRetries.ERROR);
    }

    /**
     * Ends a try whose answer's status moves the request on (see {@link #movesOn}): its answer is
     * dropped and its connection closed. No stack trace: it is a decision, not a fault.
     */
    static final class StatusAnswer extends IOException {
        final int status;

        StatusAnswer(int status) {
            super("the endpoint answered " + status + ", which proxy-next-upstream moves on");
            this.status = status;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
