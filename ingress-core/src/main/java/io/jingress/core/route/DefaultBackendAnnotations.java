package io.jingress.core.route;

import java.util.ArrayList;
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
 *
 * <p>Also reads {@code custom-http-errors: "404,503"}: the endpoints' answers with these statuses
 * (400 to 599) are replaced by the default backend's error page. A code that is not one is a problem
 * and left out, the others kept. Without a usable {@code default-backend} the error pages come from
 * the default backend Service ({@link RouteCompiler#withDefaultBackendService}, ingress-nginx's
 * {@code --default-backend-service}), as in ingress-nginx; without that either, the annotation has no
 * effect, and says so.
 */
final class DefaultBackendAnnotations {
    static final String DEFAULT_BACKEND = "default-backend";
    static final String CUSTOM_HTTP_ERRORS = "custom-http-errors";
    /** The names read here, without prefix. */
    static final List<String> NAMES = List.of(DEFAULT_BACKEND, CUSTOM_HTTP_ERRORS);

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

        /** The default backend Service's backend, whatever its endpoints; null when there is none. */
        default Backend serverDefault() {
            return null;
        }
    }

    private DefaultBackendAnnotations() {
    }

    static void read(Map<String, String> annotations, Services services, RoutePolicy.Builder builder,
            List<String> problems) {
        RouteAnnotations.Named errors = RouteAnnotations.value(annotations, CUSTOM_HTTP_ERRORS);
        List<Integer> codes = errors == null ? List.of() : errorCodes(errors, problems);
        FallbackBackend fallback = fallback(annotations, services, codes, problems);
        Backend serverDefault = fallback == null && !codes.isEmpty() ? services.serverDefault() : null;
        if (fallback != null) {
            builder.fallback(fallback);
        } else if (serverDefault != null) {
            builder.fallback(new FallbackBackend(errors.name(), serverDefault, codes, false));
        } else if (!codes.isEmpty()) {
            problems.add(errors.quoted() + " has no effect without a Service to fetch the error pages from (a"
                    + " default-backend, or the controller's --default-backend-service): the endpoints' answers pass unchanged");
        }
    }

    private static FallbackBackend fallback(Map<String, String> annotations, Services services, List<Integer> codes,
            List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, DEFAULT_BACKEND);
        if (named == null) {
            return null;
        }
        String name = named.value();
        if (!isServiceName(name)) {
            problems.add(named.quoted() + " is not a Service name (lower-case letters, digits and '-', starting"
                    + " with a letter, at most 63): routes without a ready endpoint answer 503");
            return null;
        }
        StringBuilder why = new StringBuilder();
        Backend backend = services.firstPort(name, why);
        if (backend == null) {
            problems.add(named.quoted() + ": " + why + ": routes without a ready endpoint answer 503");
            return null;
        }
        if (backend.status() != Backend.Status.READY && backend.status() != Backend.Status.NO_READY_ENDPOINTS) {
            problems.add(named.quoted() + ": " + backend.reason() + ": routes without a ready endpoint answer 503");
            return null;
        }
        if (!backend.isReady()) {
            problems.add(named.quoted() + ": " + backend.reason() + ": until it has one, routes without a ready"
                    + " endpoint answer 503");
        }
        return new FallbackBackend(named.name(), backend, codes);
    }

    /** The statuses of {@code custom-http-errors}, each once, in the order written; a bad one is a problem and left out. */
    static List<Integer> errorCodes(RouteAnnotations.Named errors, List<String> problems) {
        List<Integer> codes = new ArrayList<>();
        for (String written : errors.value().split(",", -1)) {
            String code = written.trim();
            int status = code.length() == 3 && code.chars().allMatch(c -> c >= '0' && c <= '9') ? Integer.parseInt(code) : -1;
            if (status < 400 || status > 599) {
                if (!code.isEmpty()) {
                    problems.add(errors.quoted() + ": \"" + code + "\" is not a status from 400 to 599: it is left out");
                }
                continue;
            }
            if (!codes.contains(status)) {
                codes.add(status);
            }
        }
        return codes;
    }

    /** A Service's name: a DNS-1035 label, as the API server takes one. */
    /** {@code namespace/name} of the Service {@code default-backend} names; null when not set or not a Service name. */
    static String serviceKey(Map<String, String> annotations, String namespace) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, DEFAULT_BACKEND);
        return named == null || !isServiceName(named.value()) ? null : namespace + "/" + named.value();
    }

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
