package io.jingress.jetty.internal.proxy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jingress.core.route.RequestMirror;
import io.jingress.core.route.RoutePolicy;
import io.jingress.jetty.internal.admin.ProxyMetrics;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Request mirroring ({@code mirror-target}, see {@link RequestMirror}), as ingress-nginx's
 * {@code mirror} location: when a request of a mirrored route goes to an endpoint, a copy goes to
 * the mirror, and its answer is read and dropped. The client's answer waits for nothing here and
 * nothing of the mirror's (status, failure, slowness) reaches it; unlike nginx, whose mirror
 * subrequest holds the next request on the connection until the mirror has answered, the client's
 * connection is free at once.
 *
 * <p>The copy: the client's method; the target's URL ({@code $request_uri}: the path and query the
 * client asked, before a rewrite); the client's end-to-end headers (hop-by-hop ones and the forwarded
 * ones the proxy sets for an endpoint left out, {@code X-Forwarded-For} with the client's address
 * appended, as an endpoint gets it) with {@code Host} from {@code mirror-host}, else the target's
 * host name; the body when {@code mirror-request-body} is on and the proxy holds it whole
 * anyway: a {@code Content-Length} body of at most {@link UpstreamForwarder#MAX_BUFFERED_BODY} bytes
 * sent on the proxy's own connections. A request whose body the proxy streams (longer, chunked, an
 * HTTP/2 body without a length, or one whose endpoint takes Jetty's client) is not mirrored at all:
 * a copy without its body would be a different request, and holding the body for the mirror would
 * hold the request.
 *
 * <p>It goes out on the proxy's own Jetty {@link HttpClient}, as external authentication's call
 * ({@link ExternalAuthCheck}): asynchronously, timed by the route's {@code proxy-connect-timeout} and
 * {@code proxy-read-timeout}, else the server's. At most {@link #MAX_IN_FLIGHT} copies are in flight
 * at once across the proxy; past that a copy is dropped and counted
 * ({@code jingress_mirror_dropped_total}), so a slow mirror cannot hold the proxy's memory.
 *
 * <p>Each copy carries {@link #MARK}, and a request that carries it is not mirrored again: a
 * {@code mirror-target} that leads back to a mirrored route (this proxy's own address or Service,
 * another replica) would otherwise send copies of copies without end, one client request keeping
 * the proxy and the endpoint busy for ever.
 */
final class RequestMirrors {
    /** The copies in flight at once, across the proxy; with bodies of at most 16 KiB, 8 MiB at most. */
    static final int MAX_IN_FLIGHT = 512;
    /** The header marking a copy (value {@code 1}); a request with it is never mirrored. */
    static final String MARK = "X-Jingress-Mirror";

    private final ExternalAuthCheck.HttpClientSource client;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;
    private final ProxyMetrics metrics;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();

    RequestMirrors(ExternalAuthCheck.HttpClientSource client, long connectTimeoutMillis, long readTimeoutMillis,
            ProxyMetrics metrics, int maxInFlight) {
        this.client = client;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
    }

    /**
     * Sends the copy of a request going to an endpoint of a mirrored route ({@code exchange.mirrorUri}
     * set), its body in {@code exchange.body} when it has one. Never throws, never blocks.
     */
    void send(Exchange exchange) {
        RoutePolicy policy = exchange.route.policy();
        RequestMirror mirror = policy.mirror();
        byte[] body = mirror.requestBody() ? exchange.body : null;
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            metrics.onMirrorDropped();
            return;
        }
        try {
            Request proxyToMirrorRequest = client.httpClient().newRequest(mirror.urlFor(exchange.mirrorUri));
            long readTimeout = UpstreamTimeouts.readMillis(policy, readTimeoutMillis);
            proxyToMirrorRequest.method(exchange.getMethod())
                    .idleTimeout(readTimeout, TimeUnit.MILLISECONDS)
                    .timeout(UpstreamTimeouts.connectMillis(policy, connectTimeoutMillis) + readTimeout, TimeUnit.MILLISECONDS);
            if (policy.connectTimeoutMillis() > 0) {
                proxyToMirrorRequest.tag(new UpstreamTimeouts.ConnectTag(policy.connectTimeoutMillis()));
            }
            HttpFields.Mutable proxyToMirrorHeaders = HttpFields.build();
            ProxyHeaders.copyClientHeaders(exchange, exchange.getHeaders(), proxyToMirrorHeaders);
            PolicyHeaders.setConfigured(policy, proxyToMirrorHeaders);
            proxyToMirrorHeaders.remove(HttpHeader.CONTENT_LENGTH);  // the body's own, set by Jetty's client
            proxyToMirrorHeaders.remove(HttpHeader.EXPECT);
            proxyToMirrorHeaders.put(HttpHeader.HOST, mirror.host());
            proxyToMirrorHeaders.put(MARK, "1");
            proxyToMirrorRequest.headers(headers -> headers.add(proxyToMirrorHeaders));
            if (body != null && body.length > 0) {
                proxyToMirrorRequest.body(new BytesRequestContent(contentType(exchange), body));
            }
            // the answer is read (Jetty's client drains it to keep the connection) and dropped
            proxyToMirrorRequest.send(result -> inFlight.decrementAndGet());
        } catch (RuntimeException notSent) {
            // a URL Jetty's client refuses, or a client not started: the client's request goes on without its copy
            inFlight.decrementAndGet();
            metrics.onMirrorDropped();
        }
    }

    private static String contentType(Exchange exchange) {
        return exchange.getHeaders().get(HttpHeader.CONTENT_TYPE);
    }
}
