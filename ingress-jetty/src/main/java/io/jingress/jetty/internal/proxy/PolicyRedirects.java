package io.jingress.jetty.internal.proxy;

import java.util.Locale;

import io.jingress.core.route.RoutePolicy;
import io.jingress.core.route.RouteRedirect;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Response;

/**
 * The redirects an Ingress's annotations ask the proxy to answer itself ({@code permanent-redirect},
 * {@code temporal-redirect}, {@code app-root}; see {@link RouteRedirect}). They run before the
 * redirect of plain HTTP to HTTPS, as ingress-nginx's {@code return} directives run before the Lua
 * that sends that redirect. Over TLS the answer carries the exchange's
 * {@code Strict-Transport-Security}, as the proxy's other answers do; over plain HTTP never.
 */
final class PolicyRedirects {
    // the short text of each redirect status, encoded once
    private static final PlainResponses.Body[] BODIES = new PlainResponses.Body[309];

    static {
        for (int status : new int[] {301, 302, 303, 307, 308}) {
            BODIES[status] = new PlainResponses.Body(status, status + " " + HttpStatus.getMessage(status) + "\n");
        }
    }

    private static final PlainResponses.Body CANNOT_REDIRECT = new PlainResponses.Body(HttpStatus.BAD_REQUEST_400,
            "400 Bad Request: the request's host cannot be put in a redirect\n");

    private PolicyRedirects() {
    }

    /**
     * Answers the request with the redirect {@code policy} asks for its normalised {@code path}, if
     * any; true when it did.
     *
     * @param host the host the request was routed by (its URI's, else its Host header)
     */
    static boolean answered(Exchange exchange, RoutePolicy policy, String host, String path, Response proxyToClientResponse) {
        RouteRedirect redirect = policy.redirectFor(path);
        if (redirect == null) {
            return false;
        }
        String location = redirect.location();
        if (redirect.hasVariables()) {
            location = redirect.locationFor(scheme(exchange), hostName(exchange, host), httpHost(exchange, host),
                    path, exchange.pathAndQuery);
            if (location == null) {
                PlainResponses.write(proxyToClientResponse, exchange, CANNOT_REDIRECT);
                return true;
            }
        }
        proxyToClientResponse.getHeaders().put(HttpHeader.LOCATION, location);
        PlainResponses.write(proxyToClientResponse, exchange, BODIES[redirect.status()]);
        return true;
    }

    /** {@code $scheme}: as the client connected (the connection's security or a trusted proxy's word, not the target's scheme). */
    static String scheme(Exchange exchange) {
        return exchange.secure() ? "https" : "http";
    }

    /**
     * {@code $http_host}: the host and port as the request named them; {@code host} is the one it
     * was routed by (its URI's, else its Host header; null: none).
     */
    static String httpHost(Exchange exchange, String host) {
        if (host == null) {
            return "";
        }
        HttpURI uri = exchange.getHttpURI();
        // Jetty gives an IPv6 host in brackets, as a URL writes it
        return uri.getHost() != null && uri.getPort() > 0 ? host + ':' + uri.getPort() : host;
    }

    /** {@code $host}: the host name the request was routed by, lower case, without port. */
    static String hostName(Exchange exchange, String host) {
        if (host == null) {
            return "";
        }
        int colon = host.lastIndexOf(':');
        String name = exchange.getHttpURI().getHost() == null && colon > host.lastIndexOf(']') ? host.substring(0, colon) : host;
        return name.toLowerCase(Locale.ROOT);
    }
}
