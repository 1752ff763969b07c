package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * Reads {@code force-ssl-redirect}: {@code "true"} redirects plain-HTTP requests of the Ingress's
 * routes to HTTPS (308) whether or not their host is in a {@code spec.tls}, as ingress-nginx does
 * for clusters whose load balancer terminates TLS; it wins over {@code ssl-redirect: "false"}, as
 * in ingress-nginx. A value that is not a boolean is a problem, and no redirect is forced.
 */
final class ForceSslRedirectAnnotation {
    static final String NAME = "force-ssl-redirect";

    private ForceSslRedirectAnnotation() {
    }

    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        if (named == null) {
            return;
        }
        Boolean on = RouteAnnotations.parseBool(named.value());
        if (on == null) {
            problems.add(named.quoted() + " is not \"true\" or \"false\": plain HTTP is redirected to HTTPS only for"
                    + " hosts in spec.tls (ssl-redirect)");
        } else if (on) {
            builder.forceSslRedirect();
        }
    }
}
