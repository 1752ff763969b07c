package io.jingress.core.route;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * External authentication of an Ingress's routes, read from ingress-nginx's {@code auth-url} and
 * its companions ({@code auth-method}, {@code auth-signin}, {@code auth-signin-redirect-param},
 * {@code auth-response-headers}, {@code auth-request-redirect}, {@code auth-always-set-cookie}):
 * before a request goes to an endpoint, the proxy asks the auth service at {@link #url()} (the
 * request's headers, no body) and lets the request through only on a 2xx. Immutable.
 *
 * <p>The URLs may name a few of nginx's variables ({@code $host}, {@code $http_host},
 * {@code $scheme}, {@code $request_uri}, {@code $escaped_request_uri}, {@code $uri}), filled in per
 * request as {@link RouteRedirect#locationFor} does.
 *
 * <p>With {@code auth-cache-key} and {@code auth-cache-duration}, the service's answers are kept
 * for a while ({@link #cache()}).
 *
 * <p>An Ingress whose auth annotations cannot be used as they ask ({@link #usable()} false) is
 * never served unauthenticated: its routes answer 503, as ingress-nginx denies such a location.
 *
 * <pre>{@code
 * ExternalAuth auth = route.policy().externalAuth();
 * if (auth != null && auth.usable()) {
 *     String url = auth.urlFor(scheme, host, httpHost, path, pathAndQuery);
 *     // ask url; 2xx: proxy the request with auth.responseHeaders() copied from the answer
 * }
 * }</pre>
 */
public final class ExternalAuth {
    /** The query parameter the request's URL is given to the sign-in page in, unless {@code auth-signin-redirect-param} names another. */
    public static final String DEFAULT_REDIRECT_PARAM = "rd";

    private final String url;
    private final RouteRedirect urlTemplate;
    private final boolean hostInUrl;
    private final String method;
    private final RouteRedirect signin;
    private final List<String> responseHeaders;
    private final RouteRedirect requestRedirect;
    private final boolean alwaysSetCookie;
    private final String refusal;
    private final AuthCache cache;
    private final AuthKeepalive keepalive;

    ExternalAuth(String url, RouteRedirect urlTemplate, boolean hostInUrl, String method, RouteRedirect signin,
            List<String> responseHeaders, RouteRedirect requestRedirect, boolean alwaysSetCookie, String refusal,
            AuthCache cache, AuthKeepalive keepalive) {
        this.url = Objects.requireNonNull(url, "url");
        this.urlTemplate = urlTemplate;
        this.hostInUrl = hostInUrl;
        this.method = method;
        this.signin = signin;
        this.responseHeaders = List.copyOf(responseHeaders);
        this.requestRedirect = requestRedirect;
        this.alwaysSetCookie = alwaysSetCookie;
        this.refusal = refusal;
        this.cache = cache;
        this.keepalive = keepalive;
    }

    /**
     * How the connections to the auth service are kept ({@code auth-keepalive}, {@code auth-keepalive-requests},
     * {@code auth-keepalive-timeout}); null: as the proxy keeps its connections to endpoints.
     */
    public AuthKeepalive keepalive() {
        return keepalive;
    }

    /**
     * How long the auth service's answers are kept ({@code auth-cache-key}, {@code auth-cache-duration});
     * null: none is, every request is checked (as without {@code auth-cache-key} in ingress-nginx).
     */
    public AuthCache cache() {
        return cache;
    }

    /** The auth service's URL as {@code auth-url} wrote it, variables and all. */
    public String url() {
        return url;
    }

    /**
     * Whether the annotations can be used as they ask; when not, every request of the routes is
     * answered 503 and {@link #refusal()} says why (the Ingress's WARNING says it too).
     */
    public boolean usable() {
        return refusal == null;
    }

    /** Why the annotations cannot be used (see {@link #usable()}), or null. */
    public String refusal() {
        return refusal;
    }

    /**
     * The auth URL for one request, with its variables filled in; null when a value filled in
     * cannot go in a URL (see {@link RouteRedirect#locationFor}) or the annotations are not usable.
     * Parameters as {@link RouteRedirect#locationFor}'s; {@code pathAndQuery} is the request's as
     * the client asked it (before any {@code rewrite-target}).
     */
    public String urlFor(String scheme, String host, String httpHost, String path, String pathAndQuery) {
        return urlTemplate == null ? null : urlTemplate.locationFor(scheme, host, httpHost, path, pathAndQuery);
    }

    /**
     * Whether the URL's host is {@code $host}: the request's host then chooses where the proxy
     * calls, which it may only do for a rule that names its host (exact or wildcard), never for a
     * rule that takes any host (that would let a client send the proxy anywhere).
     */
    public boolean hostInUrl() {
        return hostInUrl;
    }

    /** The method the auth service is asked with ({@code auth-method}); null: {@code GET}, as nginx's subrequest. */
    public String method() {
        return method;
    }

    /**
     * The 302 a request the auth service answers 401 gets ({@code auth-signin}, with the request's
     * URL added in {@code rd} unless the URL names that parameter already); null: the 401 is passed on.
     */
    public RouteRedirect signin() {
        return signin;
    }

    /** The headers of the auth service's 2xx answer that replace the request's own upstream ({@code auth-response-headers}). */
    public List<String> responseHeaders() {
        return responseHeaders;
    }

    /**
     * The {@code X-Auth-Request-Redirect} sent to the auth service for one request
     * ({@code auth-request-redirect}, its variables filled in); null when the annotation is not
     * set, and the request's {@code $request_uri} is sent.
     */
    public String requestRedirectFor(String scheme, String host, String httpHost, String path, String pathAndQuery) {
        return requestRedirect == null ? null : requestRedirect.locationFor(scheme, host, httpHost, path, pathAndQuery);
    }

    /**
     * Whether the auth service's {@code Set-Cookie} goes on every answer ({@code auth-always-set-cookie});
     * else only on answers of status 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308, as nginx's
     * {@code add_header} without {@code always}.
     */
    public boolean alwaysSetCookie() {
        return alwaysSetCookie;
    }

    /** {@code external authentication at http://auth/check (auth-url), sign-in ..., ...}. */
    public String describe() {
        if (refusal != null) {
            return "answered 503: " + refusal;
        }
        StringBuilder text = new StringBuilder("external authentication at ").append(url).append(" (auth-url");
        if (method != null) {
            text.append(", ").append(method);
        }
        text.append(')');
        if (signin != null) {
            text.append(", 401 redirected to ").append(shown(signin.location())).append(" (auth-signin)");
        }
        if (!responseHeaders.isEmpty()) {
            text.append(", upstream gets ").append(String.join(", ", responseHeaders)).append(" from its answer");
        }
        if (requestRedirect != null) {
            text.append(", X-Auth-Request-Redirect: ").append(shown(requestRedirect.location()));
        }
        if (alwaysSetCookie) {
            text.append(", its Set-Cookie on every answer");
        }
        if (cache != null) {
            text.append(", ").append(cache.describe());
        }
        if (keepalive != null) {
            text.append(", ").append(keepalive.describe());
        }
        return text.toString();
    }

    /** The userinfo of a URL ({@code user:password@}), as {@link #shown} hides it. */
    private static final Pattern USERINFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@");

    /**
     * A URL as it is shown ({@link #describe}: {@code /routes}, {@code --explain}, logs): a
     * password in its userinfo is no one's business there, so the userinfo reads {@code ***}. (An
     * {@code auth-url} with one is refused; {@code auth-signin} is the client's redirect, its own.)
     */
    static String shown(String url) {
        return USERINFO.matcher(url).replaceFirst("$1***@");
    }

    @Override
    public String toString() {
        return "ExternalAuth[" + describe() + "]";
    }
}
