package io.jingress.jetty.internal.proxy;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.route.Backend;
import io.jingress.core.route.GatewayAuth;
import io.jingress.core.route.RoutePolicy;

import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;

/**
 * External authorization of an HTTPRoute rule's {@code ExternalAuth} filter ({@link GatewayAuth}),
 * as Envoy's ext_authz HTTP service does it (Gateway API implementations mostly run on Envoy):
 * before a request goes to an endpoint, one endpoint of the auth Service (picked by its balancer;
 * over TLS, verified, when a BackendTLSPolicy applies to it) is asked
 * <ul>
 *   <li>with the request's method, the filter's {@code http.path} followed by the request's path and
 *       query (as the client sent them), and no body ({@code Content-Length: 0} for a method that
 *       takes one; Jetty's client frames a GET's by leaving it out), no {@code Content-Type};</li>
 *   <li>with the client's {@code Host} and {@code Authorization}, and the headers of
 *       {@code http.allowedHeaders}: nothing else (cookies only when allowed);</li>
 * </ul>
 * and then
 * <ul>
 *   <li>200: the request goes on ({@link ExternalAuthCheck.Resume#authorized}) with the answer's
 *       headers that {@code http.allowedResponseHeaders} names set on it in place of the client's
 *       (the client's left out when the answer has none: a client cannot forge them; none named:
 *       all of the answer's but {@code Host}, {@code Date}, {@code Server},
 *       {@code Set-Cookie}, the {@code Content-*} and the hop-by-hop ones);</li>
 *   <li>any other answer goes to the client as it is: its status, its end-to-end headers and its
 *       body (up to {@link #MAX_DENIAL_BODY} bytes);</li>
 *   <li>no answer in time, no answer at all, or a denial body larger than that: 403 (Envoy's
 *       {@code status_on_error}), with a body saying which.</li>
 * </ul>
 * An auth Service without a ready endpoint: 503; a backendRef that is not valid: 500. The call is
 * asynchronous, timed as {@link ExternalAuthCheck}'s, and aborted when the client gives up.
 */
final class GatewayAuthCheck {
    /** The largest denial body passed on to the client; a larger one is a 403 of the proxy's own. */
    static final int MAX_DENIAL_BODY = 64 * 1024;
    // the auth service's 200: headers never set on the request sent on when it names none
    private static final Set<String> NOT_COPIED = Set.of("host", "date", "server", "set-cookie", "content-length",
            "content-type", "content-encoding", "content-range", "content-location", "content-language", "content-md5",
            "content-disposition", "expires", "last-modified", "etag", "age", "vary", "cache-control");
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "content-encoding");

    private final ExternalAuthCheck.HttpClientSource client;
    private final UpstreamTlsContexts tlsContexts;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;
    private final ExternalAuthCheck.Resume resume;

    GatewayAuthCheck(ExternalAuthCheck.HttpClientSource client, UpstreamTlsContexts tlsContexts, long connectTimeoutMillis,
            long readTimeoutMillis, ExternalAuthCheck.Resume resume) {
        this.client = client;
        this.tlsContexts = tlsContexts;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.resume = resume;
    }

    /**
     * Starts the auth call for a request of a route whose policy has {@code auth}; true always: the
     * request is answered here, or goes on through {@link ExternalAuthCheck.Resume#authorized}.
     * The auth service is asked about the request as the client sent it: the rule's URLRewrite and
     * RequestHeaderModifier change only what is sent on, as Envoy's router applies them after ext_authz.
     */
    boolean started(Exchange exchange, RoutePolicy policy, GatewayAuth auth, Response proxyToClientResponse) {
        Backend backend = auth.backend();
        Endpoint endpoint = backend.isReady() ? backend.balancer().pick(exchange) : null;
        if (endpoint == null) {
            boolean invalid = backend.status() == Backend.Status.INVALID_REFERENCE;
            ExternalAuthCheck.refuse(exchange, new PlainResponses.Body(invalid ? HttpStatus.INTERNAL_SERVER_ERROR_500 : HttpStatus.SERVICE_UNAVAILABLE_503,
                    (invalid ? "500 Internal Server Error" : "503 Service Unavailable") + ": the authorization service of "
                            + auth.filter() + " cannot be asked (" + backend.reason() + "); nothing is served without it\n"));
            return true;
        }
        Object tlsTag = null;
        if (backend.tls() != null) {
            tlsTag = tlsContexts.tagFor(backend.tls(), backend, policy.connectTimeoutMillis());
            if (tlsTag instanceof String why) {
                ExternalAuthCheck.refuse(exchange, new PlainResponses.Body(HttpStatus.INTERNAL_SERVER_ERROR_500, "500 Internal Server Error: the"
                        + " authorization service of " + auth.filter() + " is to be spoken to over TLS that cannot be done ("
                        + why + "); nothing is served without it\n"));
                return true;
            }
        }
        org.eclipse.jetty.client.Request proxyToAuthRequest = client.httpClient()
                .newRequest((tlsTag != null ? "https://" : "http://") + RoutingProxy.uriHost(endpoint) + ":" + endpoint.port())
                .path(auth.pathPrefix() + clientPathAndQuery(exchange))
                .method(exchange.getMethod());
        if (tlsTag != null) {
            proxyToAuthRequest.tag(tlsTag);
        } else if (policy.connectTimeoutMillis() > 0) {
            proxyToAuthRequest.tag(new UpstreamTimeouts.ConnectTag(policy.connectTimeoutMillis()));
        }
        long connectTimeout = UpstreamTimeouts.connectMillis(policy, connectTimeoutMillis);
        long readTimeout = UpstreamTimeouts.readMillis(policy, readTimeoutMillis);
        proxyToAuthRequest.idleTimeout(readTimeout, TimeUnit.MILLISECONDS)
                .timeout(connectTimeout + readTimeout, TimeUnit.MILLISECONDS);
        // as the client sent them: a rule's RequestHeaderModifier is for the request sent on (Envoy's
        // ext_authz runs before its router applies it)
        HttpFields clientHeaders = exchange.clientHeaders();
        proxyToAuthRequest.headers(headers -> {
            String host = clientHeaders.get(HttpHeader.HOST);
            if (host == null) {
                host = exchange.getHttpURI().getAuthority();  // HTTP/2's :authority
            }
            if (host != null) {
                headers.put(HttpHeader.HOST, host);
            }
            headers.put(HttpHeader.CONTENT_LENGTH, "0");  // no body, and no Content-Type
            for (HttpField field : clientHeaders) {
                String name = field.getLowerCaseName();
                if (field.getHeader() == HttpHeader.AUTHORIZATION
                        || auth.allowedRequestHeaders().contains(name) && !ProxyHeaders.isHopByHop(field)
                        && field.getHeader() != HttpHeader.HOST && !FRAMING.contains(name)) {
                    headers.add(field);
                }
            }
        });
        org.eclipse.jetty.client.Request sent = proxyToAuthRequest;
        exchange.upstreamBegins((aborted, cause) -> sent.abort(cause));
        proxyToAuthRequest.send(new BufferingResponseListener(MAX_DENIAL_BODY) {
            @Override
            public void onComplete(Result result) {
                answered(exchange, auth, result, getContent());
            }
        });
        return true;
    }

    /** The auth service answered, or the call failed: on a thread of the client's executor. */
    private void answered(Exchange exchange, GatewayAuth auth, Result result, byte[] body) {
        Response proxyToClientResponse = exchange.proxyToClientResponse();
        try {
            if (ExternalAuthCheck.clientGone(exchange)) {
                return;
            }
            org.eclipse.jetty.client.Response authToProxyResponse = result.getResponse();
            if (result.isFailed()) {
                String why = authToProxyResponse != null && authToProxyResponse.getStatus() > 0 && result.getResponseFailure() != null
                        && !RoutingProxy.isTimeout(result.getFailure())
                        ? "its answer was larger than " + MAX_DENIAL_BODY + " bytes or broke off"
                        : RoutingProxy.isTimeout(result.getFailure()) ? "it did not answer in time" : "it could not be reached";
                ExternalAuthCheck.refuse(exchange, new PlainResponses.Body(HttpStatus.FORBIDDEN_403, "403 Forbidden: the authorization"
                        + " service of " + auth.filter() + " gave no answer (" + why + ")\n"));
                return;
            }
            HttpFields authToProxyHeaders = authToProxyResponse.getHeaders();
            if (authToProxyResponse.getStatus() == HttpStatus.OK_200) {
                exchange.sendHeaders(withAnswerHeaders(exchange.getHeaders(), auth, authToProxyHeaders));
                resume.authorized(exchange);
                return;
            }
            // denied: the auth service's answer as it is
            proxyToClientResponse.setStatus(authToProxyResponse.getStatus());
            HttpFields.Mutable headers = proxyToClientResponse.getHeaders();
            for (HttpField field : authToProxyHeaders) {
                if (!ProxyHeaders.isHopByHop(field) && !FRAMING.contains(field.getLowerCaseName())
                        && field.getHeader() != HttpHeader.DATE && field.getHeader() != HttpHeader.SERVER) {
                    headers.add(field);
                }
            }
            headers.put(HttpHeader.CONTENT_LENGTH, body.length);
            if (exchange.strictTransportSecurity != null) {
                headers.put(exchange.strictTransportSecurity);
            }
            proxyToClientResponse.write(true, ByteBuffer.wrap(body), BodyDiscard.after(exchange));
        } catch (RuntimeException x) {
            // thrown on its way on (resume): nothing has completed the exchange yet
            if (proxyToClientResponse.isCommitted()) {
                exchange.failed(x);
            } else {
                proxyToClientResponse.reset();
                PlainResponses.write(proxyToClientResponse, exchange, ExternalAuthCheck.NOT_SENT_ON);
            }
        }
    }

    // the path and query the client asked for (a rule's URLRewrite changes only what is sent on)
    private static String clientPathAndQuery(Exchange exchange) {
        String pathQuery = exchange.getHttpURI().getPathQuery();
        return pathQuery == null || pathQuery.isEmpty() ? "/" : pathQuery;
    }

    /** The request's headers with the auth service's (those the filter names, or all it may set) in place of the client's. */
    static HttpFields withAnswerHeaders(HttpFields clientToProxyHeaders, GatewayAuth auth, HttpFields authToProxyHeaders) {
        HttpFields.Mutable headers = HttpFields.build(clientToProxyHeaders);
        for (String name : auth.allowedResponseHeaders()) {
            headers.remove(name);  // the auth service's alone: a client cannot forge one the answer leaves out
        }
        java.util.Set<String> replaced = new java.util.HashSet<>();
        for (HttpField field : authToProxyHeaders) {
            String name = field.getLowerCaseName();
            boolean copied = auth.allowedResponseHeaders().isEmpty()
                    ? !NOT_COPIED.contains(name) && !name.startsWith("content-") && !ProxyHeaders.isHopByHop(field)
                    : auth.allowedResponseHeaders().contains(name);
            if (!copied) {
                continue;
            }
            if (replaced.add(name)) {
                headers.remove(name);
            }
            headers.add(field);
        }
        return headers.asImmutable();
    }
}
