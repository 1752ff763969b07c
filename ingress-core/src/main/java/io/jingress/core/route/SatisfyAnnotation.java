package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * Reads {@code satisfy}, nginx's {@code satisfy} directive: {@code "all"} (the default) asks a
 * request to pass both the source ranges and the authentication of the Ingress; {@code "any"}
 * lets in a client the allowlist admits without authentication, and asks any other client to
 * authenticate (see {@code docs/routing.md}). As ingress-nginx, only the exact words {@code any}
 * and {@code all} are read; any other value is a problem, and {@code all} applies: a mistake never
 * widens access.
 */
final class SatisfyAnnotation {
    static final String NAME = "satisfy";

    private SatisfyAnnotation() {
    }

    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        if (named == null || named.value().equals("all")) {
            return;
        }
        if (named.value().equals("any")) {
            builder.satisfyAny();
            return;
        }
        problems.add(named.quoted() + " is not \"any\" or \"all\": \"all\" applies, a request must pass both the"
                + " source ranges and the authentication");
    }
}
