package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * Reads {@code default-backend}: the name of a Service in the Ingress's namespace that takes the
 * requests of the Ingress's routes whose own backend has no ready endpoint ({@link FallbackBackend}).
 * ingress-nginx resolves it to the Service's first port; so does Jingress. The Service is looked up
 * when the table is compiled ({@link Services}); a value that is no Service name, a Service that does
 * not exist or has no port is a problem sentence, and the routes answer 503 as without the
 * annotation. A Service without ready endpoints is a problem too, but kept: it takes requests
 * once it has some (the table is compiled again then).
 */
final class DefaultBackendAnnotations {
    static final String DEFAULT_BACKEND = "default-backend";
    /** The names read here, without prefix. */
    static final List<String> NAMES = List.of(DEFAULT_BACKEND);

    /** Resolves a Service of the Ingress's namespace at its first port, when the table is compiled. */
    interface Services {
        /** None: every Service is unknown (annotations read without a cluster state). */
        Services NONE = (name, why) -> {
            why.append("no Services are known here");
            return null;
        };

        /**
         * The backend of Service {@code name} at its first port, whatever its endpoints; null when the
         * Service does not exist or has no port, with the reason appended to {@code why}.
         */
        Backend firstPort(String name, StringBuilder why);
    }

    private DefaultBackendAnnotations() {
    }

    static void read(Map<String, String> annotations, Services services, RoutePolicy.Builder builder,
            List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, DEFAULT_BACKEND);
        if (named == null) {
            return;
        }
        String name = named.value();
        if (!isServiceName(name)) {
            problems.add(named.quoted() + " is not a Service name (lower-case letters, digits and '-', starting"
                    + " with a letter, at most 63): routes without a ready endpoint answer 503");
            return;
        }
        StringBuilder why = new StringBuilder();
        Backend backend = services.firstPort(name, why);
        if (backend == null) {
            problems.add(named.quoted() + ": " + why + ": routes without a ready endpoint answer 503");
            return;
        }
        if (backend.status() != Backend.Status.READY && backend.status() != Backend.Status.NO_READY_ENDPOINTS) {
            problems.add(named.quoted() + ": " + backend.reason() + ": routes without a ready endpoint answer 503");
            return;
        }
        if (!backend.isReady()) {
            problems.add(named.quoted() + ": " + backend.reason() + ": until it has one, routes without a ready"
                    + " endpoint answer 503");
        }
        builder.fallback(new FallbackBackend(named.name(), backend));
    }

    /** A Service's name: a DNS-1035 label, as the API server takes one. */
    static boolean isServiceName(String name) {
        int n = name.length();
        if (n == 0 || n > 63 || name.charAt(0) < 'a' || name.charAt(0) > 'z' || name.charAt(n - 1) == '-') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
                return false;
            }
        }
        return true;
    }
}
