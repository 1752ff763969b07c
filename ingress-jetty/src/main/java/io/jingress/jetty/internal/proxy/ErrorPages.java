package io.jingress.jetty.internal.proxy;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.route.Backend;
import io.jingress.core.route.FallbackBackend;
import io.jingress.core.route.RoutePolicy;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * {@code custom-http-errors} with {@code default-backend} ({@link FallbackBackend#errorCodes()}): an
 * endpoint's answer with one of the codes, or the proxy's own 502 or 504 when the endpoint could not
 * be reached or did not answer in time, is not sent to the client. Its body is read and dropped (up
 * to {@link #MAX_DISCARDED} bytes, so the upstream connection is kept; past that it is closed), and
 * the client gets instead the default backend's answer, status included, to a {@code GET} (a
 * {@code HEAD} stays one) of {@code /} and the query, with the client's headers and ingress-nginx's
 * {@code X-Code} (the status replaced), {@code X-Format} (the client's {@code Accept}),
 * {@code X-Original-URI} (the target the client sent), {@code X-Namespace}, {@code X-Ingress-Name},
 * {@code X-Service-Name}, {@code X-Service-Port} and the request's {@code X-Request-ID}: what
 * ingress-nginx's error location sends. When the default backend has no endpoint, or cannot be
 * reached, the client gets the replaced status with a short plain body of the proxy's: the
 * endpoint's status says what happened, and a gateway error in its place would say something else.
 *
 * <p>The error page goes out as a second exchange over the first's response and callback (so the
 * first ends once, with the error page's status), on the route {@link FallbackBackend#errorPageRoute()},
 * which has none of the Ingress's policy: ingress-nginx's error location has none of its
 * location's settings either. A route without the annotation pays one null check per answer.
 */
final class ErrorPages {
    /** The most bytes of an intercepted answer's body read and dropped to keep its connection. */
    static final int MAX_DISCARDED = 64 * 1024;

    private static final Exchange.ExchangeListener NOT_COUNTED = new Exchange.ExchangeListener() {
        @Override
        public void onExchangeEnd(Exchange exchange, int status) {
            // the first exchange ends after it and is counted then, with the error page's status
        }

        @Override
        public java.util.concurrent.Executor executor() {
            return Runnable::run;
        }
    };

    private ErrorPages() {
    }

    /** The fallback whose error pages replace the route's answers, when its Ingress asks for some; else null. */
    static FallbackBackend of(RoutePolicy policy) {
        FallbackBackend fallback = policy.fallback();
        return fallback == null || fallback.errorCodes().isEmpty() ? null : fallback;
    }

    /**
     * Whether an answer with {@code status} from the exchange's endpoint is replaced: then it is
     * marked so, and nothing of it is to be written to the client.
     */
    static boolean intercepts(Exchange exchange, int status) {
        FallbackBackend pages = exchange.errorPages;
        if (pages == null || !pages.intercepts(status)) {
            return false;
        }
        exchange.interceptedStatus = status;
        return true;
    }

    /**
     * The answer to a failed try, {@code answer}, when it is to be replaced by an error page (then
     * the page is fetched and true returned); false: write {@code answer} as always. An error
     * page's own failure is answered with the status it replaces.
     */
    static boolean replaced(RoutingProxy proxy, Exchange exchange, PlainResponses.Body answer) {
        if (exchange.errorPageFor != 0) {
            PlainResponses.write(exchange.proxyToClientResponse(), exchange, plain(exchange.errorPageFor));
            return true;
        }
        int status = answer.status();
        // a gateway's errors only: a 400 for the client's own broken body is no answer of the Service
        if ((status != HttpStatus.BAD_GATEWAY_502 && status != HttpStatus.GATEWAY_TIMEOUT_504) || !intercepts(exchange, status)) {
            return false;
        }
        fetch(proxy, exchange);
        return true;
    }

    /**
     * Fetches the error page for the intercepted answer of {@code exchange} (its body dropped, its
     * try ended): the default backend's answer becomes the client's.
     */
    static void fetch(RoutingProxy proxy, Exchange exchange) {
        int status = exchange.interceptedStatus;
        FallbackBackend pages = exchange.errorPages;
        exchange.proxyToClientResponse().reset();
        Backend own = exchange.backend;
        String originalUri = exchange.getHttpURI().getPathQuery();
        HttpFields headers = DefaultBackendFallback.errorHeaders(exchange, pageHeaders(exchange.getHeaders()), status, own,
                originalUri);
        Exchange page = new Exchange(new PageRequest(exchange, headers), exchange.proxyToClientResponse(), exchange,
                NOT_COUNTED);
        page.route = pages.errorPageRoute();
        page.backend = pages.backend();
        page.errorPageFor = status;
        page.requestId = exchange.requestId;
        page.strictTransportSecurity = exchange.strictTransportSecurity;
        // the client a trusted proxy named, and its scheme (see TrustedForwarding)
        page.clientAddress = exchange.clientAddress();
        page.trustedForwardedFor = exchange.trustedForwardedFor;
        page.forwardedScheme = exchange.forwardedScheme;
        page.cors = exchange.cors;
        page.corsOrigin = exchange.corsOrigin;
        page.responseHeaders = exchange.responseHeaders;
        // as nginx's "rewrite (.*) / break": the path is /, the query is kept
        String query = exchange.pathAndQuery.indexOf('?') < 0 ? null
                : exchange.pathAndQuery.substring(exchange.pathAndQuery.indexOf('?'));
        page.pathAndQuery = query == null ? "/" : "/" + query;
        Backend backend = pages.backend();
        Endpoint endpoint = backend.status() == Backend.Status.READY ? backend.balancer().pick(page) : null;
        if (endpoint == null) {
            PlainResponses.write(exchange.proxyToClientResponse(), exchange, plain(status));
            return;
        }
        page.endpoint = endpoint;
        page.tries = 1;
        // the client giving up now stops the error page's try
        exchange.upstreamBegins((aborted, cause) -> page.clientFailed(cause));
        proxy.sendErrorPage(page);
    }

    /** The client's headers without those of its body, which the error page's request has none of. */
    private static HttpFields pageHeaders(HttpFields clientHeaders) {
        HttpFields.Mutable headers = HttpFields.build(clientHeaders);
        headers.remove(HttpHeader.CONTENT_LENGTH);
        headers.remove(HttpHeader.TRANSFER_ENCODING);
        headers.remove(HttpHeader.CONTENT_TYPE);
        headers.remove(HttpHeader.CONTENT_ENCODING);
        headers.remove(HttpHeader.EXPECT);
        return headers;
    }

    /** The proxy's own answer with {@code status}, when no error page could be had. */
    static PlainResponses.Body plain(int status) {
        return new PlainResponses.Body(status, status + " " + HttpStatus.getMessage(status) + "\n");
    }

    /** The error page's request: a GET (or HEAD) without a body, with the error headers. */
    private static final class PageRequest extends Request.Wrapper {
        private final String method;
        private final HttpFields headers;

        PageRequest(Request clientToProxyRequest, HttpFields headers) {
            super(clientToProxyRequest);
            this.method = HttpMethod.HEAD.is(clientToProxyRequest.getMethod()) ? HttpMethod.HEAD.asString()
                    : HttpMethod.GET.asString();
            this.headers = headers;
        }

        @Override
        public String getMethod() {
            return method;
        }

        @Override
        public HttpFields getHeaders() {
            return headers;
        }

        @Override
        public Content.Chunk read() {
            return Content.Chunk.EOF;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run();
        }
    }
}
