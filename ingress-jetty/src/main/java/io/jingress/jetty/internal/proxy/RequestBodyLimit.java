package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.Route;
import io.jingress.core.route.RoutePolicy;
import io.jingress.core.route.RouteTable;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

/**
 * The largest request body a route takes: its Ingress's {@code proxy-body-size}, else the
 * server's {@code maxRequestBodyBytes}, as nginx's {@code client_max_body_size}. A
 * {@code Content-Length} over it is answered 413 before an endpoint is picked; a body without a
 * length is counted as it streams upstream ({@link #overflowed}), and one that grows past it stops
 * the upstream try as a client's failure would (its connection closed, the endpoint not blamed)
 * and is answered 413 (see {@link RoutingProxy#answerClientFailure}).
 */
final class RequestBodyLimit {
    private RequestBodyLimit() {
    }

    /** The limit of a route of {@code policy} on a server whose own is {@code serverLimit}; 0: none. */
    static long of(RoutePolicy policy, long serverLimit) {
        long own = policy.maxRequestBodyBytes();
        return own >= 0 ? own : serverLimit;
    }

    /**
     * Answers 413 when the request's {@code Content-Length} is over {@code limit} (0: none) and
     * returns true; else a body of unknown length is marked to be counted as it streams.
     */
    static boolean answered(Exchange exchange, long limit, Response proxyToClientResponse) {
        if (limit <= 0) {
            return false;
        }
        long length = exchange.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (length > limit) {
            refuse(exchange, proxyToClientResponse);
            return true;
        }
        if (length < 0) {
            // chunked over HTTP/1.1, or HTTP/2 DATA without a content-length (a framed length is
            // kept by the connection: longer DATA fails the stream)
            exchange.bodyLimit = limit;
        }
        return false;
    }

    /**
     * Writes the 413 on a response nothing was committed to; its {@code Connection: close} ends an
     * HTTP/1 connection after it. What the client still sends of an HTTP/1 body is read and
     * dropped first ({@link BodyDiscard}): a client that writes its whole body before it reads
     * would otherwise fail on a broken pipe and never see the 413. Not when the client
     * waits for a {@code 100 Continue} it never got (it sends no body), nor over HTTP/2, where the
     * stream is reset after the answer.
     */
    static void refuse(Exchange exchange, Response proxyToClientResponse) {
        PlainResponses.write(proxyToClientResponse, BodyDiscard.after(exchange), PlainResponses.CONTENT_TOO_LARGE,
                exchange.strictTransportSecurity);
    }

    /**
     * Counts {@code chunk} of a streamed body that has a limit ({@code exchange.bodyLimit > 0});
     * when the body has grown past it, the chunk is released, the upstream try stopped, and the
     * failure to hand upstream in its place is returned; else null.
     */
    static Content.Chunk overflowed(Exchange exchange, Content.Chunk chunk) {
        exchange.bodyBytes += chunk.remaining();
        if (exchange.bodyBytes <= exchange.bodyLimit) {
            return null;
        }
        chunk.release();
        exchange.clientFailed(TooLarge.INSTANCE);
        return Content.Chunk.from(TooLarge.INSTANCE, true);
    }

    /**
     * The smallest limit of any route of {@code table}, or of the server; {@link Long#MAX_VALUE}
     * when there is none. A 100 Continue may be sent before a request is routed only for a body
     * no longer than this.
     */
    static long smallest(RouteTable table, long serverLimit) {
        long smallest = serverLimit > 0 ? serverLimit : Long.MAX_VALUE;
        for (Route route : table.routes()) {
            smallest = smaller(smallest, route, serverLimit);
        }
        for (Route route : table.hostDefaultRoutes()) {
            smallest = smaller(smallest, route, serverLimit);
        }
        Route fallback = table.defaultRoute();
        return fallback == null ? smallest : smaller(smallest, fallback, serverLimit);
    }

    private static long smaller(long smallest, Route route, long serverLimit) {
        long limit = of(route.policy(), serverLimit);
        return limit > 0 && limit < smallest ? limit : smallest;
    }

    /**
     * Why a streamed body went no further: it grew past the route's limit. One shared instance:
     * no stack trace, no suppressed exceptions, so nothing in it changes.
     */
    static final class TooLarge extends Exception {
        static final TooLarge INSTANCE = new TooLarge();

        private TooLarge() {
            super("the request body grew past the route's limit (proxy-body-size)", null, false, false);
        }
    }
}
