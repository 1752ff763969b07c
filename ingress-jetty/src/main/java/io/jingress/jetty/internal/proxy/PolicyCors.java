package io.jingress.jetty.internal.proxy;

import java.util.ArrayList;
import java.util.List;

import io.jingress.core.route.RouteCors;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;

/**
 * CORS as an Ingress's {@code enable-cors} asks ({@link RouteCors}), or an HTTPRoute's {@code CORS}
 * filter, the way ingress-nginx's template does it: a preflight from an allowed origin ({@code OPTIONS} with {@code Origin} and
 * {@code Access-Control-Request-Method}) is answered 204 by the proxy, never reaching an endpoint;
 * every other answer of the route from an allowed origin, the endpoint's or the proxy's own (502,
 * 503, 504...), gets {@code Access-Control-Allow-Origin}, {@code -Allow-Credentials},
 * {@code -Allow-Methods}, {@code -Allow-Headers}, {@code -Expose-Headers} and {@code -Max-Age}.
 *
 * <p>With {@code *} (the default) the origin said is {@code *}, whether or not the request names
 * one; with a list, the request's {@code Origin} is echoed when listed, and every answer says
 * {@code Vary: Origin} so that a cache never gives one origin's answer to another. The endpoint's
 * own {@code Access-Control-Allow-*}, {@code -Expose-Headers} and {@code -Max-Age} are dropped on
 * such routes, allowed origin or not: the Ingress decides, and the browser sees one of each.
 *
 * <p>The fields are encoded once per {@link RouteCors} (kept with it, see {@link RouteCors#compiled});
 * per request only an echoed origin makes a field.
 */
final class PolicyCors {
    private static final HttpField VARY_ORIGIN = new PreEncodedHttpField(HttpHeader.VARY, "Origin");
    private static final HttpField ANY_ORIGIN = new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");

    private PolicyCors() {
    }

    /**
     * Marks the exchange's answer for {@code routeCors}'s headers and answers a preflight from an
     * allowed origin; true when it did. Called after the redirect to HTTPS and any access check.
     */
    static boolean answered(Exchange exchange, RouteCors routeCors, Response proxyToClientResponse) {
        Fields fields = routeCors.compiled(Fields.class, Fields::new);
        exchange.cors = fields;
        HttpFields clientToProxyHeaders = exchange.getHeaders();
        String origin = clientToProxyHeaders.get(HttpHeader.ORIGIN);
        if (origin == null) {
            return false;
        }
        if (!fields.anyOrigin) {
            if (!routeCors.allowsOrigin(origin)) {
                return false;  // proxied as it came; the answer says Vary: Origin and no Access-Control-*
            }
            exchange.corsOrigin = origin;
        }
        if (!HttpMethod.OPTIONS.is(exchange.getMethod()) || !clientToProxyHeaders.contains(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD)) {
            return false;
        }
        // No Content-Length nor Content-Type: RFC 9110 forbids the first on a 204, and nginx drops
        // both from a 204 whatever ingress-nginx's template sets.
        HttpFields.Mutable proxyToClientHeaders = proxyToClientResponse.getHeaders();
        fields.addTo(proxyToClientHeaders, exchange.corsOrigin);
        if (routeCors.echoesRequestedMethod()) {
            // an HTTPRoute CORS filter's "*" with credentials, which browsers would take literally
            proxyToClientHeaders.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS,
                    clientToProxyHeaders.get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD));
        }
        if (routeCors.echoesRequestedHeaders()) {
            String asked = clientToProxyHeaders.get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
            if (asked == null) {
                proxyToClientHeaders.remove(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS);
            } else {
                proxyToClientHeaders.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, asked);
            }
        }
        if (exchange.responseHeaders != null) {
            exchange.responseHeaders.putOn(proxyToClientHeaders);  // custom-headers: on the preflight's answer too
        }
        if (exchange.strictTransportSecurity != null) {
            proxyToClientHeaders.put(exchange.strictTransportSecurity);
        }
        proxyToClientResponse.setStatus(HttpStatus.NO_CONTENT_204);
        proxyToClientResponse.write(true, BufferUtil.EMPTY_BUFFER, exchange);
        return true;
    }

    /** Whether an endpoint's header is one the route's CORS sets itself, so the endpoint's is dropped. */
    static boolean isReplaced(HttpHeader header) {
        if (header == null) {
            return false;
        }
        return switch (header) {
            case ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_METHODS,
                    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE -> true;
            default -> false;
        };
    }

    /** One {@link RouteCors}'s header fields, encoded once. */
    static final class Fields {
        final boolean anyOrigin;
        // all but Access-Control-Allow-Origin (which leads them when every origin is allowed)
        private final HttpField[] fields;

        Fields(RouteCors cors) {
            this.anyOrigin = cors.allowsAnyOrigin();
            List<HttpField> made = new ArrayList<>();
            if (anyOrigin) {
                made.add(ANY_ORIGIN);
            }
            if (cors.allowCredentials()) {
                made.add(new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"));
            }
            made.add(new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, cors.allowMethods()));
            if (!cors.allowHeaders().isEmpty()) {  // an HTTPRoute CORS filter's may be none
                made.add(new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, cors.allowHeaders()));
            }
            if (cors.exposeHeaders() != null) {
                made.add(new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, cors.exposeHeaders()));
            }
            made.add(new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_MAX_AGE, Long.toString(cors.maxAge())));
            this.fields = made.toArray(new HttpField[0]);
        }

        /**
         * Adds the headers of an answer: all of them when every origin is allowed; else
         * {@code Vary: Origin}, and the rest when {@code origin} (the request's, allowed) is not null.
         */
        void addTo(HttpFields.Mutable headers, String origin) {
            if (!anyOrigin) {
                headers.add(VARY_ORIGIN);
                if (origin == null) {
                    return;
                }
                headers.add(new HttpField(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin));
            }
            for (HttpField field : fields) {
                headers.add(field);
            }
        }
    }
}
