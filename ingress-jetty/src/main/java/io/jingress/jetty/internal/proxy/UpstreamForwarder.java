package io.jingress.jetty.internal.proxy;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.route.RoutePolicy;
import io.jingress.jetty.internal.admin.AccessLog;
import io.jingress.jetty.internal.http1.LeanExchanges;
import io.jingress.jetty.internal.net.BackendAddresses;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Promise;

/**
 * Forwards HTTP/1.x requests without a body, or with a small one read whole first, on the proxy's
 * own keep-alive connections ({@link UpstreamConnection}, pooled per endpoint by
 * {@link UpstreamPool}) and turns what they
 * report into the client's response: the same headers, accounting and retry decisions as
 * {@link RoutingProxy}'s Jetty {@code ProxyHandler} path, which it takes from there. Nothing here
 * blocks: it runs on selector threads.
 */
final class UpstreamForwarder implements UpstreamRelay {
    private final RoutingProxy proxy;
    private final UpstreamPool pool;

    UpstreamForwarder(RoutingProxy proxy, UpstreamPool pool) {
        this.proxy = proxy;
        this.pool = pool;
    }

    /**
     * The largest request body read whole before the request goes upstream, as nginx buffers
     * request bodies (ingress-nginx's {@code client-body-buffer-size} is 8 KB, nginx's own 16 KB).
     * The request then goes out as one write, and an endpoint never sees a request whose client
     * gave up halfway through its body.
     */
    static final int MAX_BUFFERED_BODY = 16 * 1024;

    /**
     * Whether the request goes out on an {@link UpstreamConnection}: an HTTP/1.x or HTTP/2 request
     * without a body or with a {@code Content-Length} of at most {@link #MAX_BUFFERED_BODY}, which
     * is most of them, to an endpoint given by IP address. An {@code Expect: 100-continue} is met
     * by the client's connection when the body is read (Jetty's sends the 100 Continue then; the
     * lean one has met it already) and is not passed on. The rest (larger or chunked bodies, an
     * HTTP/2 body without a length, which {@link Exchange#announceFramedBody} has marked chunked
     * by then, ExternalName Services, whose DNS names must not be resolved on a selector thread,
     * and endpoints spoken to over TLS, see {@link UpstreamTls})
     * take Jetty's {@code ProxyHandler}, which streams the body (an expectation met the same way:
     * {@link Exchange#meetExpectation}).
     */
    static boolean fits(Exchange exchange, Endpoint endpoint) {
        HttpVersion version = exchange.getConnectionMetaData().getHttpVersion();
        if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0 && version != HttpVersion.HTTP_2) {
            return false;
        }
        HttpFields headers = exchange.getHeaders();
        return !headers.contains(HttpHeader.TRANSFER_ENCODING)
                && headers.getLongField(HttpHeader.CONTENT_LENGTH) <= MAX_BUFFERED_BODY
                && needsNoLookup(endpoint.address())
                && !UpstreamTls.wanted(exchange)  // plain HTTP/1.1 only: TLS takes Jetty's client
                && !GrpcUpstream.wanted(exchange);  // and HTTP/2 the gRPC one
    }

    /** Reads the request's body, if it has one, then sends the request to its endpoint (see {@link #fits}). */
    void start(Exchange exchange) {
        long length = exchange.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (length <= 0) {
            firstTry(exchange);
            return;
        }
        // read with its head by the lean connection, which made it an array of its own: used as it is
        byte[] buffered = LeanExchanges.takeBufferedBody(exchange);
        if (buffered != null) {
            exchange.body = buffered;
            firstTry(exchange);
            return;
        }
        new BodyReader(exchange, (int) length).run();
    }

    /** The first try of an exchange, its body (if any) whole: a mirrored route's copy goes out first. */
    private void firstTry(Exchange exchange) {
        if (exchange.mirrorUri != null) {
            proxy.mirror(exchange);
        }
        forward(exchange, false);
    }

    /**
     * Reads a body of a known length into one array, as its chunks arrive, without blocking: when
     * none is there it asks to be run again when one is.
     */
    private final class BodyReader implements Runnable {
        private final Exchange exchange;
        private final byte[] body;
        private int filled;

        BodyReader(Exchange exchange, int length) {
            this.exchange = exchange;
            this.body = new byte[length];
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = exchange.read();
                if (chunk == null) {
                    exchange.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    // the client went away or stalled (idle timeout) before its body was whole:
                    // nothing was sent upstream; a 408 for a stall, else the exchange ends as 499
                    Throwable failure = chunk.getFailure();
                    exchange.clientFailed(failure);
                    RoutingProxy.answerClientFailure(exchange.proxyToClientResponse(), exchange, failure,
                            exchange.strictTransportSecurity);
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                int n = bytes.remaining();
                boolean fits = n <= body.length - filled;
                if (fits) {
                    bytes.get(body, filled, n);
                    filled += n;
                }
                boolean last = chunk.isLast();
                chunk.release();
                // Jetty frames the body by its Content-Length, so neither happens; if it did, the
                // body sent would not be the one announced
                if (!fits) {
                    exchange.failed(new IOException("request body longer than its Content-Length " + body.length));
                    return;
                }
                if (last && filled < body.length) {
                    exchange.failed(new IOException("request body ended after " + filled + " of the "
                            + body.length + " bytes of its Content-Length"));
                    return;
                }
                if (last || filled == body.length) {
                    exchange.body = body;
                    firstTry(exchange);
                    return;
                }
            }
        }
    }

    /**
     * Whether an address goes out on the own connections, which look no name up: an IPv6 literal,
     * or digits and dots. The pool connects to a canonical dotted quad only and refuses any other
     * number ({@code 127.1}, see {@link BackendAddresses#isIpLiteral}), which Jetty's client would
     * not take as a host either.
     */
    static boolean needsNoLookup(String address) {
        return address.indexOf(':') >= 0 || BackendAddresses.isNumeric(address);
    }

    /** Sends the exchange to its endpoint on a pooled connection, or on a new one ({@code fresh}: always new). */
    void forward(Exchange exchange, boolean fresh) {
        RouteTimeouts.Passed passed = exchange.requestTimedOut();
        if (passed != null) {
            // the route's timeouts.request ran out before this try (its body was being read): not sent
            onUpstreamFailure(exchange, passed, false, false);
            return;
        }
        Endpoint endpoint = exchange.endpoint;
        if (exchange.logged) {
            exchange.setAttribute(AccessLog.UPSTREAM_ADDR, endpoint.id());
        }
        exchange.upstreamStart = endpoint.onStart();
        exchange.upstreamOpen = true;
        exchange.tryStartNanos = System.nanoTime();
        RouteTimeouts.tryBegins(exchange);
        LeanExchanges.watchForClose(exchange);  // the body, if any, is read whole
        RoutePolicy policy = exchange.route.policy();
        long readTimeout = UpstreamTimeouts.readMillis(policy, pool.readTimeoutMillis());
        UpstreamConnection pooled = fresh ? null : pool.take(endpoint, readTimeout);
        if (pooled != null) {
            pooled.send(exchange, this);
            return;
        }
        long connectTimeout = UpstreamTimeouts.connectMillis(policy, pool.connectTimeoutMillis());
        pool.connect(endpoint, exchange.getConnectionMetaData().getConnector(), connectTimeout, readTimeout, new Promise<>() {
            @Override
            public void succeeded(UpstreamConnection connection) {
                connection.send(exchange, UpstreamForwarder.this);
            }

            @Override
            public void failed(Throwable failure) {
                onUpstreamFailure(exchange, failure, false, false);
            }
        });
    }

    @Override
    public boolean onResponseHead(Exchange exchange, int status, HttpFields serverToProxyHeaders) {
        if (exchange.logged) {
            exchange.setAttribute(AccessLog.UPSTREAM_STATUS, RoutingProxy.statusBox(status));
        }
        if (exchange.errorPages != null && ErrorPages.intercepts(exchange, status)) {
            return true;  // custom-http-errors: an error page replaces it
        }
        Response proxyToClientResponse = exchange.proxyToClientResponse();
        proxyToClientResponse.setStatus(status);
        RoutingProxy.copyServerHeaders(exchange, serverToProxyHeaders, proxyToClientResponse.getHeaders());
        return false;
    }

    @Override
    public void onBodyDropped(Exchange exchange) {
        ErrorPages.fetch(proxy, exchange);
    }

    @Override
    public boolean movesOn(Exchange exchange, int status) {
        return proxy.movesOn(exchange, status);
    }

    @Override
    public void onUpstreamComplete(Exchange exchange) {
        RoutingProxy.endUpstream(exchange, true);
    }

    @Override
    public void onExchangeComplete(Exchange exchange) {
        ResumingExecutor.completeHere(exchange);
    }

    @Override
    public void onUpstreamFailure(Exchange exchange, Throwable failure, boolean responseBegun, boolean stale) {
        if (stale && !exchange.staleRetried && RoutingProxy.isIdempotent(exchange.getMethod())) {
            // The upstream closed a pooled connection as we reused it: not the endpoint's fault,
            // and nothing reached it; once per request, on a new connection.
            exchange.staleRetried = true;
            RoutingProxy.endUpstream(exchange, true);
            forward(exchange, true);
            return;
        }
        RoutingProxy.endUpstream(exchange, NextUpstream.answered(failure));
        Response proxyToClientResponse = exchange.proxyToClientResponse();
        Throwable clientFailure = exchange.clientFailure();
        if (clientFailure != null) {
            // nobody to answer, nor to try another endpoint for
            RoutingProxy.answerClientFailure(proxyToClientResponse, exchange, clientFailure, exchange.strictTransportSecurity);
            return;
        }
        if (proxyToClientResponse.isCommitted()) {
            exchange.failed(failure);
            return;
        }
        if (exchange.interceptedStatus != 0) {
            // the body of an answer an error page replaces broke off: the page is fetched all the same
            ErrorPages.fetch(proxy, exchange);
            return;
        }
        if (!responseBegun && proxy.retryElsewhere(exchange, failure)) {
            proxyToClientResponse.reset();
            proxy.afterBackoff(exchange, () -> forward(exchange, false));
            return;
        }
        proxyToClientResponse.reset();
        PlainResponses.Body answer = RoutingProxy.failureAnswer(failure);
        if ((exchange.errorPages != null || exchange.errorPageFor != 0) && ErrorPages.replaced(proxy, exchange, answer)) {
            return;
        }
        PlainResponses.write(proxyToClientResponse, exchange, answer);
    }

    @Override
    public void onClientFailure(Exchange exchange, Throwable failure) {
        // The client went away (or its connection failed a write): not the endpoint's doing. A
        // try whose answer was all read has ended already.
        RoutingProxy.cancelUpstream(exchange);
        exchange.failed(failure);
    }
}
