package io.jingress.jetty.internal.proxy;

import io.jingress.core.model.HttpRouteFilter;
import io.jingress.core.route.HttpRouteFilters;
import io.jingress.core.route.Route;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;

/**
 * The filters of a Gateway API HTTPRoute rule ({@link Route#filters()}), applied per request: a
 * RequestRedirect answered here, a URLRewrite's path set as the path sent upstream, a
 * RequestHeaderModifier applied to the headers sent upstream ({@link Exchange#sendHeaders}) and a
 * ResponseHeaderModifier kept for {@link RoutingProxy#copyServerHeaders}. A URLRewrite's hostname
 * and a RequestMirror go through the route's policy, as an Ingress's {@code upstream-vhost} and
 * {@code mirror-target} do.
 */
final class GatewayFilters {
    private static final PlainResponses.Body MOVED = new PlainResponses.Body(HttpStatus.MOVED_PERMANENTLY_301,
            "301 Moved Permanently\n");
    private static final PlainResponses.Body FOUND = new PlainResponses.Body(HttpStatus.FOUND_302, "302 Found\n");

    private GatewayFilters() {
    }

    /**
     * Applies {@code filters} of the exchange's route; true when a redirect answered.
     *
     * @param host the host the request was routed by (its URI's, else its Host header)
     * @param path the normalised path it was routed by
     * @param query the query sent upstream, or null
     */
    static boolean answered(Exchange exchange, HttpRouteFilters filters, String host, String path, String query,
            Response proxyToClientResponse) {
        Route route = exchange.route;
        HttpRouteFilter.Redirect redirect = filters.redirect();
        if (redirect != null) {
            String scheme = PolicyRedirects.scheme(exchange);
            String location = filters.redirectLocation(scheme, PolicyRedirects.hostName(exchange, host),
                    portOf(exchange, host, scheme), path, query, route);
            proxyToClientResponse.getHeaders().put(HttpHeader.LOCATION, location);
            PlainResponses.write(proxyToClientResponse, exchange,
                    redirect.statusCode() != null && redirect.statusCode() == 301 ? MOVED : FOUND);
            return true;
        }
        if (filters.rewritePath() != null) {
            String rewritten = filters.rewrittenPath(path, route);
            exchange.pathAndQuery = query == null ? rewritten : rewritten + '?' + query;
        }
        modifyRequest(exchange, filters.requestHeaders());
        exchange.gatewayResponseHeaders = filters.responseHeaders();
        return false;
    }

    /**
     * Applies the filters of the backendRef the exchange goes to ({@link io.jingress.core.route.Backend#filters()}):
     * its RequestHeaderModifier on the headers sent upstream (after the rule's), its
     * ResponseHeaderModifier kept for the answer (after the rule's).
     */
    static void applyBackend(Exchange exchange, HttpRouteFilters filters) {
        modifyRequest(exchange, filters.requestHeaders());
        exchange.backendResponseHeaders = filters.responseHeaders();
    }

    // a RequestHeaderModifier (or none) on the headers sent upstream from now on
    private static void modifyRequest(Exchange exchange, HttpRouteFilter.HeaderModifier modifier) {
        if (modifier != null) {
            HttpFields.Mutable headers = HttpFields.build(exchange.getHeaders());
            apply(modifier, headers);
            exchange.sendHeaders(headers);
        }
    }

    /** Sets, then adds, then removes, names compared without case. */
    static void apply(HttpRouteFilter.HeaderModifier modifier, HttpFields.Mutable fields) {
        for (HttpRouteFilter.Header header : modifier.set()) {
            fields.put(header.name(), header.value());
        }
        for (HttpRouteFilter.Header header : modifier.add()) {
            fields.add(header.name(), header.value());
        }
        for (String name : modifier.remove()) {
            fields.remove(name);
        }
    }

    // the port the client asked for: its URI's, else its Host's, else its scheme's
    private static int portOf(Exchange exchange, String host, String scheme) {
        int port = exchange.getHttpURI().getPort();
        if (port > 0) {
            return port;
        }
        if (host != null) {
            int colon = host.lastIndexOf(':');
            if (colon > host.lastIndexOf(']')) {
                try {
                    return Integer.parseInt(host.substring(colon + 1));
                } catch (NumberFormatException notANumber) {
                    // falls to the scheme's
                }
            }
        }
        return "https".equals(scheme) ? 443 : 80;
    }
}
