package io.jingress.core.route;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A redirect the proxy answers itself for an Ingress's routes, read from its annotations
 * ({@code permanent-redirect}, {@code temporal-redirect}, {@code app-root}): a status and a
 * {@code Location}, which may name a few of nginx's variables that are filled in per request
 * ({@code $request_uri}, {@code $uri}, {@code $host}, {@code $scheme}; the URLs of external
 * authentication, {@link ExternalAuth}, also {@code $http_host} and {@code $escaped_request_uri}).
 * Immutable.
 *
 * <pre>{@code
 * RouteRedirect redirect = route.policy().redirectFor(path);
 * if (redirect != null) {
 *     String location = redirect.hasVariables()
 *             ? redirect.locationFor(scheme, host, httpHost, path, pathAndQuery)
 *             : redirect.location();
 *     // answer redirect.status() with Location: location (400 when location is null)
 * }
 * }</pre>
 */
public final class RouteRedirect {
    /** What a part of a {@code Location} is: text as written, or a variable filled in per request. */
    enum Part {
        TEXT, REQUEST_URI, URI, HOST, SCHEME, HTTP_HOST,
        /** The {@code :port} of {@code $http_host}, or nothing: no annotation writes it (from-to-www-redirect keeps the port). */
        PORT,
        /** {@code $escaped_request_uri} (external authentication's): {@code $request_uri} with all but unreserved characters percent-encoded. */
        ESCAPED_REQUEST_URI
    }

    private final int status;
    private final String location;
    private final String annotation;
    private final boolean rootOnly;
    // the location in parts: kinds[i] and, for TEXT, texts[i]; empty when it has no variable
    private final Part[] kinds;
    private final String[] texts;

    RouteRedirect(int status, String location, String annotation, boolean rootOnly, List<Part> kinds, List<String> texts) {
        this.status = status;
        this.location = Objects.requireNonNull(location, "location");
        this.annotation = Objects.requireNonNull(annotation, "annotation");
        this.rootOnly = rootOnly;
        boolean variables = false;
        for (Part kind : kinds) {
            variables |= kind != Part.TEXT;
        }
        this.kinds = variables ? kinds.toArray(new Part[0]) : new Part[0];
        this.texts = variables ? texts.toArray(new String[0]) : new String[0];
    }

    /** The status: 301, 302, 303, 307 or 308. */
    public int status() {
        return status;
    }

    /** The {@code Location} as the annotation wrote it, variables and all. */
    public String location() {
        return location;
    }

    /** The annotation it was read from, without prefix: {@code permanent-redirect}, {@code temporal-redirect} or {@code app-root}. */
    public String annotation() {
        return annotation;
    }

    /** Whether it answers only a request for exactly {@code /} ({@code app-root}); else every request of the routes. */
    public boolean rootOnly() {
        return rootOnly;
    }

    /** Whether {@link #location()} names a variable, so {@link #locationFor} must fill it in per request. */
    public boolean hasVariables() {
        return kinds.length > 0;
    }

    /**
     * The {@code Location} for one request: {@link #location()} itself when it has no variable, else
     * with each variable filled in.
     *
     * @param scheme {@code $scheme}: {@code http} or {@code https}, as the client connected
     * @param host {@code $host}: the request's host name, lower case, without port
     * @param httpHost {@code $http_host}: the host and port as the request named them
     * @param path {@code $uri}: the normalised path the proxy would forward
     * @param pathAndQuery {@code $request_uri}: that path and the query, escaped, as forwarded
     * @return the location, or {@code null} when a value filled in holds a space or a control
     *     character, which no header may carry
     */
    public String locationFor(String scheme, String host, String httpHost, String path, String pathAndQuery) {
        if (kinds.length == 0) {
            return location;
        }
        StringBuilder filled = new StringBuilder(location.length() + pathAndQuery.length() + host.length());
        for (int i = 0; i < kinds.length; i++) {
            String value = switch (kinds[i]) {
                case TEXT -> texts[i];
                case REQUEST_URI -> pathAndQuery;
                case URI -> path;
                case HOST -> host;
                case SCHEME -> scheme;
                case HTTP_HOST -> httpHost;
                case PORT -> portOf(httpHost);
                case ESCAPED_REQUEST_URI -> escapeComponent(pathAndQuery);
            };
            if (kinds[i] != Part.TEXT && !safe(value)) {
                return null;
            }
            filled.append(value);
        }
        return filled.toString();
    }

    // ":port" after the host of a $http_host (after "]" for an IPv6 literal), or ""
    private static String portOf(String httpHost) {
        int colon = httpHost.lastIndexOf(':');
        return colon > httpHost.lastIndexOf(']') ? httpHost.substring(colon) : "";
    }

    /**
     * The redirect of {@code from-to-www-redirect} to {@code host}: 308, as ingress-nginx's default
     * {@code http-redirect-code}, to the request's scheme, {@code host} and the port the request
     * named, with the request's path and query unchanged.
     */
    static RouteRedirect toHost(String host) {
        return new RouteRedirect(308, "$scheme://" + host + "$request_uri", HostAnnotations.FROM_TO_WWW, false,
                List.of(Part.SCHEME, Part.TEXT, Part.PORT, Part.REQUEST_URI), Arrays.asList(null, "://" + host, null, null));
    }

    /**
     * {@code value} as nginx's {@code set_escape_uri} writes it: every character but
     * {@code A-Z a-z 0-9 - . _ ~} percent-encoded (upper-case hex), its own {@code %} too.
     */
    static String escapeComponent(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~') {
                escaped.append(c);
            } else {
                // the value is escaped ASCII already (a path and query as forwarded): one byte a char
                escaped.append('%').append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            }
        }
        return escaped.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean safe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** {@code redirect 301 to https://new.example.com$request_uri (permanent-redirect)}, or {@code / to /app (app-root)}. */
    public String describe() {
        if (rootOnly) {
            return "/ to " + appRootPath() + " (" + annotation + ")";
        }
        return "redirect " + status + " to " + location + " (" + annotation + ")";
    }

    // app-root's location is "$scheme://$http_host" + the path as written
    private String appRootPath() {
        return texts.length == 0 ? location : texts[texts.length - 1];
    }

    @Override
    public String toString() {
        return "RouteRedirect[" + describe() + "]";
    }
}
