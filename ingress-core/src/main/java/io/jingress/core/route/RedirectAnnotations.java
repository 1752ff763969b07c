package io.jingress.core.route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the redirects the proxy answers itself: {@code permanent-redirect} (+ {@code -code}),
 * {@code temporal-redirect} (+ {@code -code}) and {@code app-root}, as ingress-nginx reads them,
 * into {@link RouteRedirect}s. A value that is not understood is a problem sentence, and the
 * redirect is left out (the routes are proxied as if the annotation were not there); a bad code
 * is a problem, and the default code is used.
 */
final class RedirectAnnotations {
    static final String PERMANENT = "permanent-redirect";
    static final String PERMANENT_CODE = "permanent-redirect-code";
    static final String TEMPORAL = "temporal-redirect";
    static final String TEMPORAL_CODE = "temporal-redirect-code";
    static final String APP_ROOT = "app-root";
    /** The names read here, without prefix. */
    static final List<String> NAMES = List.of(PERMANENT, PERMANENT_CODE, TEMPORAL, TEMPORAL_CODE, APP_ROOT);

    private static final String VARIABLES = "$request_uri, $uri, $host and $scheme";
    private static final String AUTH_VARIABLES = "$request_uri, $escaped_request_uri, $uri, $host, $http_host and $scheme";

    private RedirectAnnotations() {
    }

    /** Sets the policy's redirect and app root from {@code annotations}, adding a sentence a problem. */
    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named temporal = RouteAnnotations.value(annotations, TEMPORAL);
        RouteAnnotations.Named permanent = RouteAnnotations.value(annotations, PERMANENT);
        // ingress-nginx reads temporal-redirect first, and permanent-redirect only without it
        RouteRedirect redirect = redirect(annotations, temporal, TEMPORAL, TEMPORAL_CODE, 302, problems);
        if (redirect == null) {
            redirect = redirect(annotations, permanent, PERMANENT, PERMANENT_CODE, 301, problems);
        } else if (present(permanent)) {
            problems.add(permanent.quoted() + " is not used: " + temporal.name()
                    + " is set too, and it wins, as in ingress-nginx");
        }
        if (redirect != null) {
            builder.redirect(redirect);
        }
        RouteRedirect appRoot = appRoot(RouteAnnotations.value(annotations, APP_ROOT), problems);
        if (appRoot != null) {
            builder.appRoot(appRoot);
        }
    }

    private static boolean present(RouteAnnotations.Named named) {
        return named != null && !named.value().isEmpty();
    }

    /** The redirect {@code url} asks, with the code of annotation {@code codeName}; null when none or bad. */
    private static RouteRedirect redirect(Map<String, String> annotations, RouteAnnotations.Named url, String urlName,
            String codeName, int defaultCode, List<String> problems) {
        RouteAnnotations.Named code = RouteAnnotations.value(annotations, codeName);
        if (!present(url)) {
            // an empty URL is no redirect in ingress-nginx either
            if (present(code)) {
                problems.add(code.quoted() + " has no effect without " + urlName + ": the routes are proxied");
            }
            return null;
        }
        List<RouteRedirect.Part> kinds = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        String bad = parseLocation(url.value(), kinds, texts);
        if (bad != null) {
            problems.add(url.quoted() + " is not used: " + bad + "; the routes are proxied as if it were not there");
            return null;
        }
        int status = code == null || code.value().isEmpty() ? defaultCode : status(code, defaultCode, problems);
        return new RouteRedirect(status, url.value(), urlName, false, kinds, texts);
    }

    private static int status(RouteAnnotations.Named code, int defaultCode, List<String> problems) {
        int status;
        try {
            status = Integer.parseInt(code.value());
        } catch (NumberFormatException e) {
            status = -1;
        }
        switch (status) {
            case 301, 302, 303, 307, 308 -> {
                return status;
            }
            case 300, 304, 305, 306 -> problems.add(code.quoted() + " is not a redirect code Jingress answers (nginx answers "
                    + status + " without a Location): " + defaultCode + " is used");
            default -> problems.add(code.quoted() + " is not a redirect code (301, 302, 303, 307 or 308): "
                    + defaultCode + " is used");
        }
        return defaultCode;
    }

    /**
     * Splits a redirect URL into text and variables; the reason it is refused, or null. It must be
     * an absolute {@code http} or {@code https} URL (or start with {@code $scheme://}) with a host, of
     * printable ASCII without spaces; {@code $name} or {@code ${name}} is one of {@link #VARIABLES}.
     */
    static String parseLocation(String url, List<RouteRedirect.Part> kinds, List<String> texts) {
        return parseLocation(url, kinds, texts, false);
    }

    /**
     * As {@link #parseLocation(String, List, List)}; with {@code authVariables} (external
     * authentication's URLs) {@code $http_host} and {@code $escaped_request_uri} are filled in too.
     */
    static String parseLocation(String url, List<RouteRedirect.Part> kinds, List<String> texts, boolean authVariables) {
        String bad = parseText(url, kinds, texts, authVariables);
        return bad != null ? bad : absolute(url);
    }

    /**
     * Splits text into parts as {@link #parseLocation} does, without asking that it be a URL; the
     * reason it is refused, or null.
     */
    static String parseText(String url, List<RouteRedirect.Part> kinds, List<String> texts, boolean authVariables) {
        String variables = authVariables ? AUTH_VARIABLES : VARIABLES;
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return c == ' ' ? "a URL holds no space (percent-encode it as %20)"
                        : c < ' ' || c == 0x7F ? "a URL holds no control character"
                        : "a URL is ASCII (percent-encode other characters as their UTF-8 bytes)";
            }
        }
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < url.length()) {
            char c = url.charAt(i);
            if (c != '$') {
                text.append(c);
                i++;
                continue;
            }
            boolean braced = i + 1 < url.length() && url.charAt(i + 1) == '{';
            int start = braced ? i + 2 : i + 1;
            int end = start;
            while (end < url.length() && isNameChar(url.charAt(end))) {
                end++;
            }
            if (braced && (end >= url.length() || url.charAt(end) != '}')) {
                return "${ is not closed by } after a variable's name";
            }
            String variable = url.substring(start, end);
            RouteRedirect.Part kind = switch (variable) {
                case "request_uri" -> RouteRedirect.Part.REQUEST_URI;
                case "uri" -> RouteRedirect.Part.URI;
                case "host" -> RouteRedirect.Part.HOST;
                case "scheme" -> RouteRedirect.Part.SCHEME;
                case "http_host" -> authVariables ? RouteRedirect.Part.HTTP_HOST : null;
                case "escaped_request_uri" -> authVariables ? RouteRedirect.Part.ESCAPED_REQUEST_URI : null;
                default -> null;
            };
            if (kind == null) {
                return variable.isEmpty() ? "a $ is not followed by a variable's name (only " + variables + " are filled in)"
                        : "$" + variable + " is not a variable Jingress fills in (only " + variables + " are)";
            }
            if (text.length() > 0) {
                kinds.add(RouteRedirect.Part.TEXT);
                texts.add(text.toString());
                text.setLength(0);
            }
            kinds.add(kind);
            texts.add(null);
            i = braced ? end + 1 : end;
        }
        if (text.length() > 0) {
            kinds.add(RouteRedirect.Part.TEXT);
            texts.add(text.toString());
        }
        return null;
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    /** Why {@code url} is not an absolute http(s) URL with a host, or null when it is. */
    private static String absolute(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        int authority;
        if (lower.startsWith("http://")) {
            authority = 7;
        } else if (lower.startsWith("https://")) {
            authority = 8;
        } else if (url.startsWith("$scheme://")) {
            authority = 10;
        } else if (url.startsWith("${scheme}://")) {
            authority = 12;
        } else {
            return "it is not an absolute http:// or https:// URL";
        }
        int end = authority;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String host = url.substring(authority, end);
        int at = host.lastIndexOf('@');
        host = host.substring(at + 1);
        return host.isEmpty() || host.startsWith(":") ? "it names no host" : null;
    }

    /** The app root {@code value} asks: a path that starts with {@code /}; null when none or bad. */
    private static RouteRedirect appRoot(RouteAnnotations.Named value, List<String> problems) {
        if (!present(value)) {
            return null;
        }
        String path = value.value();
        String bad = !path.startsWith("/") ? "it is not a path that starts with /"
                : path.indexOf('$') >= 0 ? "it names a variable, which app-root does not fill in"
                : null;
        if (bad == null) {
            for (int i = 0; i < path.length() && bad == null; i++) {
                char c = path.charAt(i);
                if (c <= ' ' || c >= 0x7F) {
                    bad = "a path holds no space, control character or non-ASCII character (percent-encode them)";
                }
            }
        }
        if (bad != null) {
            problems.add(value.quoted() + " is not used: " + bad + "; / is proxied as any other path");
            return null;
        }
        // ingress-nginx: return 302 $scheme://$http_host<app-root>
        return new RouteRedirect(302, "$scheme://$http_host" + path, APP_ROOT, true,
                List.of(RouteRedirect.Part.SCHEME, RouteRedirect.Part.TEXT, RouteRedirect.Part.HTTP_HOST,
                        RouteRedirect.Part.TEXT),
                Arrays.asList(null, "://", null, path));
    }
}
