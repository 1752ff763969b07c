package io.jingress.core.route;

import io.jingress.core.lb.BalancerPolicy;
import io.jingress.core.lb.Strategy;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads ingress-nginx's {@code session-cookie-*} annotations and {@code affinity-mode}: the
 * attributes of the cookie that cookie affinity sets ({@link SessionCookie}). A value not
 * understood is a problem that costs that attribute only. They mean something only with
 * {@code affinity: cookie} (or {@code jingress.io/load-balance: cookie}); without it they are
 * reported as having no effect.
 */
final class SessionCookieAnnotations {
    static final String PATH = "session-cookie-path";
    static final String DOMAIN = "session-cookie-domain";
    static final String MAX_AGE = "session-cookie-max-age";
    static final String EXPIRES = "session-cookie-expires";
    static final String SAME_SITE = "session-cookie-samesite";
    static final String CONDITIONAL_SAME_SITE_NONE = "session-cookie-conditional-samesite-none";
    static final String SECURE = "session-cookie-secure";
    static final String CHANGE_ON_FAILURE = "session-cookie-change-on-failure";
    static final String PARTITIONED = "session-cookie-partitioned";
    static final String AFFINITY_MODE = "affinity-mode";
    static final List<String> NAMES = List.of(PATH, DOMAIN, MAX_AGE, EXPIRES, SAME_SITE, CONDITIONAL_SAME_SITE_NONE,
            SECURE, CHANGE_ON_FAILURE, AFFINITY_MODE, PARTITIONED);

    private SessionCookieAnnotations() {
    }

    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        boolean any = false;
        for (String name : NAMES) {
            any |= RouteAnnotations.value(annotations, name) != null;
        }
        if (!any) {
            return;
        }
        if (BalancerPolicy.fromAnnotations(annotations).strategy() != Strategy.COOKIE_AFFINITY) {
            for (String name : NAMES) {
                RouteAnnotations.Named named = RouteAnnotations.value(annotations, name);
                if (named != null) {
                    problems.add(named.quoted() + " has no effect: the Ingress does not ask for cookie affinity"
                            + " (affinity: \"cookie\")");
                }
            }
            return;
        }
        String path = path(annotations, problems);
        String domain = domain(annotations, problems);
        Long maxAge = seconds(annotations, MAX_AGE, "Max-Age", problems);
        Long expires = seconds(annotations, EXPIRES, "Expires", problems);
        String sameSite = sameSite(annotations, problems);
        boolean conditional = bool(annotations, CONDITIONAL_SAME_SITE_NONE,
                "SameSite=None is sent to every User-Agent", problems);
        boolean secure = bool(annotations, SECURE, "the cookie is Secure over TLS only", problems);
        boolean partitioned = bool(annotations, PARTITIONED, "the cookie is not Partitioned", problems);
        readChangeOnFailure(annotations, problems);
        readMode(annotations, problems);
        if (path != null || domain != null || maxAge != null || expires != null || sameSite != null || secure
                || partitioned) {
            builder.sessionCookie(new SessionCookie(path, domain, maxAge, expires, sameSite, conditional, secure,
                    partitioned));
        }
    }

    private static String path(Map<String, String> annotations, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, PATH);
        if (named == null) {
            return null;
        }
        if (!isAttributeValue(named.value()) || !named.value().startsWith("/")) {
            problems.add(named.quoted() + " is not a cookie path (it starts with / and has no ';', space or control"
                    + " character): the cookie's Path is the path of the route that answered");
            return null;
        }
        return named.value();
    }

    private static String domain(Map<String, String> annotations, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, DOMAIN);
        if (named == null) {
            return null;
        }
        String value = named.value();
        boolean ok = !value.isEmpty();
        for (int i = 0; ok && i < value.length(); i++) {
            char c = value.charAt(i);
            ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.';
        }
        if (!ok) {
            problems.add(named.quoted() + " is not a domain name (letters, digits, '-' and '.'): the cookie has no"
                    + " Domain, so it is the request host's");
            return null;
        }
        return value;
    }

    private static Long seconds(Map<String, String> annotations, String name, String attribute, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, name);
        if (named == null) {
            return null;
        }
        String value = named.value();
        int start = value.startsWith("-") ? 1 : 0;
        boolean ok = value.length() > start && value.length() - start <= 10;
        for (int i = start; ok && i < value.length(); i++) {
            ok = value.charAt(i) >= '0' && value.charAt(i) <= '9';
        }
        if (!ok) {
            problems.add(named.quoted() + " is not a number of seconds: the cookie has no " + attribute);
            return null;
        }
        return Long.parseLong(value);
    }

    private static String sameSite(Map<String, String> annotations, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, SAME_SITE);
        if (named == null) {
            return null;
        }
        switch (named.value().toLowerCase(Locale.ROOT)) {
            case "none":
                return "None";
            case "lax":
                return "Lax";
            case "strict":
                return "Strict";
            default:
                problems.add(named.quoted() + " is not one of None, Lax, Strict: the cookie has no SameSite");
                return null;
        }
    }

    private static boolean bool(Map<String, String> annotations, String name, String instead, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, name);
        if (named == null) {
            return false;
        }
        Boolean value = RouteAnnotations.parseBool(named.value());
        if (value == null) {
            problems.add(named.quoted() + " is not \"true\" or \"false\": " + instead);
            return false;
        }
        return value;
    }

    private static void readChangeOnFailure(Map<String, String> annotations, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, CHANGE_ON_FAILURE);
        if (named == null) {
            return;
        }
        Boolean value = RouteAnnotations.parseBool(named.value());
        if (value == null || !value) {
            // ingress-nginx's false retries the endpoint that just failed; ours never does
            problems.add(named.quoted() + (value == null ? " is not \"true\" or \"false\"" : " is not supported")
                    + ": a request whose endpoint failed is retried on another endpoint, which the cookie then names,"
                    + " as with \"true\"");
        }
    }

    // the mode itself is the balancer's (AnnotationPolicy reads it); here only its problems
    private static void readMode(Map<String, String> annotations, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, AFFINITY_MODE);
        if (named == null || named.value().equalsIgnoreCase("persistent") || named.value().equalsIgnoreCase("balanced")) {
            return;
        }
        problems.add(named.quoted() + " is not one of balanced, persistent: sessions stay on their endpoint while it"
                + " is there, as with \"persistent\"; new endpoints get new sessions only");
    }

    /** A cookie attribute value: visible ASCII without ';' (RFC 6265 av-octets), not empty. */
    private static boolean isAttributeValue(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == ';') {
                return false;
            }
        }
        return true;
    }
}
