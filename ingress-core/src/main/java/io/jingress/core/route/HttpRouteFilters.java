package io.jingress.core.route;

import io.jingress.core.model.HttpRouteFilter;

import java.util.Objects;

/**
 * The filters of a Gateway API HTTPRoute rule that the proxy applies per request (see
 * {@link Route#filters()}): a redirect answered by the proxy, a path rewrite, and changes to the
 * request headers sent upstream and the response headers sent back. A URLRewrite's hostname and a
 * RequestMirror are carried by the route's {@link RoutePolicy} ({@link RoutePolicy#upstreamHost()},
 * {@link RoutePolicy#mirror()}), as for an Ingress. Immutable.
 */
public final class HttpRouteFilters {
    private final HttpRouteFilter.HeaderModifier requestHeaders;
    private final HttpRouteFilter.HeaderModifier responseHeaders;
    private final HttpRouteFilter.Redirect redirect;
    private final HttpRouteFilter.PathModifier rewritePath;

    HttpRouteFilters(HttpRouteFilter.HeaderModifier requestHeaders, HttpRouteFilter.HeaderModifier responseHeaders,
            HttpRouteFilter.Redirect redirect, HttpRouteFilter.PathModifier rewritePath) {
        this.requestHeaders = requestHeaders;
        this.responseHeaders = responseHeaders;
        this.redirect = redirect;
        this.rewritePath = rewritePath;
    }

    /** RequestHeaderModifier: applied to the headers sent upstream (set, then add, then remove); null when none. */
    public HttpRouteFilter.HeaderModifier requestHeaders() {
        return requestHeaders;
    }

    /** ResponseHeaderModifier: applied to the headers sent to the client (set, then add, then remove); null when none. */
    public HttpRouteFilter.HeaderModifier responseHeaders() {
        return responseHeaders;
    }

    /** RequestRedirect: the proxy answers it itself; null when none. */
    public HttpRouteFilter.Redirect redirect() {
        return redirect;
    }

    /** URLRewrite's path: how the path sent upstream changes; null when it is sent as asked. */
    public HttpRouteFilter.PathModifier rewritePath() {
        return rewritePath;
    }

    /**
     * The {@code Location} of {@link #redirect()} for a request, as the Gateway API specifies: each
     * part not given keeps the request's; the port is left out when it is the scheme's own (80 for
     * http, 443 for https); without a port and with a scheme the port is the scheme's, without
     * either it is the request's.
     *
     * @param scheme the request's scheme ({@code http} or {@code https})
     * @param host the request's host name, without port
     * @param port the request's port (of its Host, else the scheme's)
     * @param path the request's normalised path
     * @param query the request's query, without {@code ?}; null when none
     * @param route the route that matched (whose path a ReplacePrefixMatch replaces)
     */
    public String redirectLocation(String scheme, String host, int port, String path, String query, Route route) {
        Objects.requireNonNull(redirect, "redirect");
        String toScheme = redirect.scheme() != null ? redirect.scheme() : scheme;
        String toHost = redirect.hostname() != null ? redirect.hostname() : host;
        int toPort;
        if (redirect.port() != null) {
            toPort = redirect.port();
        } else if (redirect.scheme() != null) {
            toPort = "https".equals(toScheme) ? 443 : 80;
        } else {
            toPort = port;
        }
        String toPath = redirect.path() == null ? path : replacedPath(redirect.path(), path, route);
        boolean defaultPort = "http".equals(toScheme) && toPort == 80 || "https".equals(toScheme) && toPort == 443;
        String hostPart = toHost.indexOf(':') >= 0 && !toHost.startsWith("[") ? "[" + toHost + "]" : toHost;
        return toScheme + "://" + hostPart + (defaultPort ? "" : ":" + toPort) + toPath
                + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    /** The path sent upstream for a request's normalised {@code path} under {@link #rewritePath()}. */
    public String rewrittenPath(String path, Route route) {
        return rewritePath == null ? path : replacedPath(rewritePath, path, route);
    }

    // ReplaceFullPath: the value; ReplacePrefixMatch: the route's prefix replaced, element-wise, by the value
    static String replacedPath(HttpRouteFilter.PathModifier modifier, String path, Route route) {
        if (HttpRouteFilter.REPLACE_FULL_PATH.equals(modifier.type())) {
            return modifier.value();
        }
        String prefix = route.path();
        String rest = prefix == null || prefix.equals("/") ? path
                : path.length() > prefix.length() ? path.substring(prefix.length()) : "";
        String value = modifier.value();
        if (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        if (!rest.isEmpty() && rest.charAt(0) != '/') {
            rest = "/" + rest;
        }
        String out = value + rest;
        return out.isEmpty() ? "/" : out;
    }

    /** The filters in words, for {@code /routes} and explain. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        if (redirect != null) {
            out.append("RequestRedirect");
        }
        if (rewritePath != null) {
            out.append(out.isEmpty() ? "" : ", ").append("URLRewrite path ").append(rewritePath.type()).append(' ')
                    .append(rewritePath.value());
        }
        if (requestHeaders != null) {
            out.append(out.isEmpty() ? "" : ", ").append("RequestHeaderModifier");
        }
        if (responseHeaders != null) {
            out.append(out.isEmpty() ? "" : ", ").append("ResponseHeaderModifier");
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "HttpRouteFilters[" + describe() + "]";
    }
}
