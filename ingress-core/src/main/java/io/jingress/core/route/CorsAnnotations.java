package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads CORS as ingress-nginx does: {@code enable-cors} switches it on, and only then are
 * {@code cors-allow-origin}, {@code cors-allow-methods}, {@code cors-allow-headers},
 * {@code cors-expose-headers}, {@code cors-allow-credentials} and {@code cors-max-age} read, into
 * a {@link RouteCors}. Values are held to ingress-nginx's patterns (letters for methods; letters,
 * digits, {@code -} and {@code _} for header names; {@code scheme://host[:port]} for origins), with
 * a space as the only white space, so that nothing else reaches a header. A value that is not
 * understood is a problem sentence, and:
 * <ul>
 * <li>an origin entry is left out; when none is left, no origin is allowed (never {@code *});</li>
 * <li>methods, headers and max-age keep ingress-nginx's default; expose-headers sends none;</li>
 * <li>credentials are not allowed (ingress-nginx would allow them: a mistake must not open access).</li>
 * </ul>
 */
final class CorsAnnotations {
    static final String ENABLE = "enable-cors";
    static final String ALLOW_ORIGIN = "cors-allow-origin";
    static final String ALLOW_METHODS = "cors-allow-methods";
    static final String ALLOW_HEADERS = "cors-allow-headers";
    static final String EXPOSE_HEADERS = "cors-expose-headers";
    static final String ALLOW_CREDENTIALS = "cors-allow-credentials";
    static final String MAX_AGE = "cors-max-age";
    private static final List<String> SETTINGS =
            List.of(ALLOW_ORIGIN, ALLOW_METHODS, ALLOW_HEADERS, EXPOSE_HEADERS, ALLOW_CREDENTIALS, MAX_AGE);
    /** The names read here, without prefix. */
    static final List<String> NAMES = List.of(ENABLE, ALLOW_ORIGIN, ALLOW_METHODS, ALLOW_HEADERS, EXPOSE_HEADERS,
            ALLOW_CREDENTIALS, MAX_AGE);

    private static final Pattern METHODS = Pattern.compile("(?:[A-Za-z]++,?+ ?+)++");
    private static final Pattern HEADERS = Pattern.compile("(?:[A-Za-z0-9_-]++,?+ ?+)++");
    private static final Pattern EXPOSED = Pattern.compile("(?:(?:[A-Za-z0-9_-]++|\\*),?+ ?+)++");

    private CorsAnnotations() {
    }

    /** Sets the policy's CORS from {@code annotations}, adding a sentence per problem. */
    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named enable = RouteAnnotations.value(annotations, ENABLE);
        Boolean enabled = enable == null ? Boolean.FALSE : RouteAnnotations.parseBool(enable.value());
        if (enabled == null) {
            problems.add(enable.quoted() + " is not true or false: CORS stays off");
        }
        if (!Boolean.TRUE.equals(enabled)) {
            List<String> unused = new ArrayList<>();
            for (String name : SETTINGS) {
                RouteAnnotations.Named setting = RouteAnnotations.value(annotations, name);
                if (setting != null) {
                    unused.add(setting.name());
                }
            }
            if (!unused.isEmpty()) {
                problems.add(String.join(", ", unused) + (unused.size() == 1 ? " has" : " have")
                        + " no effect without " + (enable != null ? enable.name() : RouteAnnotations.NGINX_PREFIX + ENABLE)
                        + ": \"true\"");
            }
            return;
        }
        List<String> origins = new ArrayList<>();
        boolean any = origins(RouteAnnotations.value(annotations, ALLOW_ORIGIN), origins, problems);
        String methods = list(RouteAnnotations.value(annotations, ALLOW_METHODS), METHODS, RouteCors.DEFAULT_METHODS,
                "HTTP methods (letters only)", "the default " + RouteCors.DEFAULT_METHODS + " is sent", problems);
        String headers = list(RouteAnnotations.value(annotations, ALLOW_HEADERS), HEADERS, RouteCors.DEFAULT_HEADERS,
                "header names (letters, digits, - and _)", "the default " + RouteCors.DEFAULT_HEADERS + " is sent", problems);
        String expose = list(RouteAnnotations.value(annotations, EXPOSE_HEADERS), EXPOSED, null,
                "header names (letters, digits, - and _) or *", "no Access-Control-Expose-Headers is sent", problems);
        boolean credentials = credentials(RouteAnnotations.value(annotations, ALLOW_CREDENTIALS), problems);
        long maxAge = maxAge(RouteAnnotations.value(annotations, MAX_AGE), problems);
        builder.cors(new RouteCors(any, origins, methods, headers, expose, credentials, maxAge));
    }

    /**
     * Fills {@code origins} with the entries understood; true when any origin is allowed ({@code *},
     * or the annotation not set or empty, as in ingress-nginx).
     */
    private static boolean origins(RouteAnnotations.Named value, List<String> origins, List<String> problems) {
        if (value == null || value.value().isEmpty()) {
            return true;
        }
        List<String> bad = new ArrayList<>();
        boolean any = false;
        for (String entry : value.value().split(",", -1)) {
            String origin = entry.trim();
            if (origin.isEmpty()) {
                continue;  // "a, , b" or a trailing comma: nothing asked (ingress-nginx would match every origin)
            }
            if (origin.equals("*")) {
                any = true;
            } else if (isOrigin(origin)) {
                origins.add(origin);
            } else {
                bad.add(origin);
            }
        }
        if (any) {
            if (!origins.isEmpty() || !bad.isEmpty()) {
                problems.add(value.quoted() + " lists * among its origins: every origin is allowed, as in ingress-nginx,"
                        + " and the other entries are not needed");
            }
            origins.clear();
            return true;
        }
        if (!bad.isEmpty()) {
            problems.add(value.quoted() + ": " + String.join(", ", bad) + (bad.size() == 1 ? " is not an origin" : " are not origins")
                    + " (scheme://host or scheme://host:port, *.host for one label, or null), left out"
                    + (origins.isEmpty() ? "; no origin is left, so no origin is allowed" : ""));
        }
        if (origins.isEmpty() && bad.isEmpty()) {
            problems.add(value.quoted() + " names no origin: no origin is allowed");
        }
        return false;
    }

    /**
     * ingress-nginx's origin pattern {@code [a-z]+://(\*\.)?[A-Za-z0-9\-.]*(:\d+)?} or {@code null},
     * with a host that is not empty (nor just {@code *.}).
     */
    static boolean isOrigin(String origin) {
        if (origin.equals("null")) {
            return true;
        }
        int colon = origin.indexOf("://");
        if (colon <= 0) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = origin.charAt(i);
            if (c < 'a' || c > 'z') {
                return false;
            }
        }
        int host = colon + 3;
        if (origin.startsWith("*.", host)) {
            host += 2;
        }
        int end = host;
        while (end < origin.length() && isHostChar(origin.charAt(end))) {
            end++;
        }
        if (end == host) {
            return false;
        }
        if (end == origin.length()) {
            return true;
        }
        if (origin.charAt(end) != ':' || end + 1 == origin.length()) {
            return false;
        }
        for (int i = end + 1; i < origin.length(); i++) {
            char c = origin.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHostChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.';
    }

    /**
     * A list as ingress-nginx's patterns take it, {@code ([A-Za-z]+,?\s?)+} for methods, with digits,
     * {@code -} and {@code _} for header names and {@code *} too for exposed ones, but with a space as
     * the only white space (a tab or line break would reach the header); the value trimmed, else
     * {@code fallback} and a problem. Possessive, so a long bad value is refused in linear time.
     */
    private static String list(RouteAnnotations.Named value, Pattern pattern, String fallback, String what, String instead,
            List<String> problems) {
        if (value == null || value.value().isEmpty()) {
            return fallback;
        }
        if (pattern.matcher(value.value()).matches()) {
            return value.value();
        }
        problems.add(value.quoted() + " is not a list of " + what + " separated by commas: " + instead);
        return fallback;
    }

    /** {@code cors-allow-credentials}: true unless set to false; a value not understood allows none. */
    private static boolean credentials(RouteAnnotations.Named value, List<String> problems) {
        if (value == null || value.value().isEmpty()) {
            return true;
        }
        Boolean credentials = RouteAnnotations.parseBool(value.value());
        if (credentials == null) {
            problems.add(value.quoted() + " is not true or false: credentials are not allowed"
                    + " (ingress-nginx would allow them; a mistake must not widen access)");
            return false;
        }
        return credentials;
    }

    private static long maxAge(RouteAnnotations.Named value, List<String> problems) {
        if (value == null || value.value().isEmpty()) {
            return RouteCors.DEFAULT_MAX_AGE;
        }
        String text = value.value();
        boolean digits = text.length() <= 10;
        for (int i = 0; i < text.length() && digits; i++) {
            digits = text.charAt(i) >= '0' && text.charAt(i) <= '9';
        }
        if (!digits || Long.parseLong(text) > Integer.MAX_VALUE) {
            problems.add(value.quoted() + " is not a number of seconds (0 to " + Integer.MAX_VALUE + "): "
                    + RouteCors.DEFAULT_MAX_AGE + " is sent");
            return RouteCors.DEFAULT_MAX_AGE;
        }
        return Long.parseLong(text);
    }
}
