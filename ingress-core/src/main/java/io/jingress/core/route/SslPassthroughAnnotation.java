package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * {@code ssl-passthrough: "true"}: TLS connections whose SNI names one of the Ingress's hosts go to
 * the host's backend undecrypted (see {@link SslPassthroughHosts}). Read by the compiler, not into
 * the {@link RoutePolicy}: it decides per host what the listener does, not what a request gets.
 *
 * <p>Its value is a Go boolean, as ingress-nginx reads it ({@code strconv.ParseBool}): anything else
 * is reported, and TLS ends at the proxy as without it.
 */
final class SslPassthroughAnnotation {
    static final String NAME = "ssl-passthrough";

    private SslPassthroughAnnotation() {
    }

    /** Whether the annotation is on; a value that is no boolean adds a problem and is off. */
    static boolean read(Map<String, String> annotations, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        if (named == null) {
            return false;
        }
        Boolean on = RouteAnnotations.parseBool(named.value());
        if (on == null) {
            problems.add(named.quoted() + " is not \"true\" or \"false\": TLS ends at the proxy as without it");
            return false;
        }
        return on;
    }

    /** The annotation's full name as set (ours first), for problems; null when it is not set. */
    static String nameSet(Map<String, String> annotations) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        return named == null ? null : named.name();
    }
}
