package io.jingress.jetty.internal.proxy;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.route.Backend;
import io.jingress.core.route.FallbackBackend;
import io.jingress.core.route.Route;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code default-backend} ({@link FallbackBackend}): a request whose backend has no endpoint to give,
 * which would be answered 503, goes to the annotation's Service instead, as it came (method, path,
 * body, the route's policy), with the headers ingress-nginx adds to such a request: {@code X-Code: 503},
 * {@code X-Format} (the client's {@code Accept}), {@code X-Namespace}, {@code X-Ingress-Name},
 * {@code X-Service-Name}, {@code X-Service-Port} (of the route's own backend) and the request's
 * {@code X-Request-ID}, which every proxied request carries. Client headers of those names are
 * replaced. Reached only when no endpoint was picked: a route that has one pays nothing.
 */
final class DefaultBackendFallback {
    static final String X_CODE = "X-Code";
    static final String X_FORMAT = "X-Format";
    static final String X_ORIGINAL_URI = "X-Original-URI";
    static final String X_NAMESPACE = "X-Namespace";
    static final String X_INGRESS_NAME = "X-Ingress-Name";
    static final String X_SERVICE_NAME = "X-Service-Name";
    static final String X_SERVICE_PORT = "X-Service-Port";

    private DefaultBackendFallback() {
    }

    /**
     * Sends {@code exchange}, whose backend gave no endpoint, to {@code fallback}: the endpoint picked
     * there (the exchange's backend and headers changed to match), or null when it has none either.
     */
    static Endpoint take(Exchange exchange, FallbackBackend fallback) {
        Backend backend = fallback.backend();
        Endpoint endpoint = backend.status() == Backend.Status.READY ? backend.balancer().pick(exchange) : null;
        if (endpoint == null) {
            return null;
        }
        Backend own = exchange.backend;
        exchange.backend = backend;
        exchange.errorPages = null;  // its answer is not replaced by its own error page: it was told X-Code 503
        exchange.sendHeaders(errorHeaders(exchange, exchange.getHeaders(), 503, own, null));
        return endpoint;
    }

    /**
     * The client's headers with ingress-nginx's error headers put: {@code X-Code: code}, and
     * {@code X-Original-URI} when not null (the error pages of custom-http-errors send it, the fallback
     * of a route without endpoints does not).
     */
    static HttpFields errorHeaders(Exchange exchange, HttpFields clientHeaders, int code, Backend own, String originalUri) {
        HttpFields.Mutable headers = HttpFields.build(clientHeaders);
        headers.put(X_CODE, Integer.toString(code));
        putOrRemove(headers, X_FORMAT, clientHeaders.get(HttpHeader.ACCEPT));
        if (originalUri != null) {
            headers.put(X_ORIGINAL_URI, originalUri);
        }
        Route route = exchange.route;
        String ingress = route.ingress();
        headers.put(X_NAMESPACE, own.namespace());
        headers.put(X_INGRESS_NAME, ingress.substring(ingress.indexOf('/') + 1));
        putOrRemove(headers, X_SERVICE_NAME, own.serviceName());
        putOrRemove(headers, X_SERVICE_PORT, own.port() == null ? null : own.port().toString());
        return headers.asImmutable();
    }

    // nginx sends no header whose value is empty
    private static void putOrRemove(HttpFields.Mutable headers, String name, String value) {
        if (value == null || value.isEmpty()) {
            headers.remove(name);
        } else {
            headers.put(name, value);
        }
    }
}
