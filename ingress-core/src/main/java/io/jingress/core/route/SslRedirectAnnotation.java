package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * Reads {@code ssl-redirect}: {@code "false"} switches off the redirect to HTTPS of the
 * Ingress's TLS hosts. As ingress-nginx reads it (Go's {@code strconv.ParseBool}: {@code 0},
 * {@code f}, {@code F}, {@code false}, {@code FALSE}, {@code False} and the same for true), ours
 * over ingress-nginx's when both are set. A value that is no boolean is a problem, and the
 * redirect stays on, as in ingress-nginx, whose parser then falls back to its default.
 */
final class SslRedirectAnnotation {
    static final String NAME = "ssl-redirect";

    private SslRedirectAnnotation() {
    }

    /** Whether the Ingress's annotations switch the redirect of its TLS hosts off. */
    static boolean switchedOff(Map<String, String> annotations) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        return named != null && Boolean.FALSE.equals(RouteAnnotations.parseBool(named.value()));
    }

    /** Adds a sentence to {@code problems} when the value is no boolean. */
    static void check(Map<String, String> annotations, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        if (named != null && RouteAnnotations.parseBool(named.value()) == null) {
            problems.add(named.quoted() + " is not \"true\" or \"false\": plain HTTP to the Ingress's TLS hosts is"
                    + " redirected to HTTPS");
        }
    }
}
