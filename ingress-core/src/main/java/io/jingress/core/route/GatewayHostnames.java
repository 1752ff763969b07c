package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;

/**
 * Gateway API hostnames: exact names and {@code *.} wildcards, where a wildcard matches any name
 * that ends with its suffix and has at least one more label ({@code *.example.com} matches
 * {@code a.example.com} and {@code a.b.example.com}, not {@code example.com}); unlike an Ingress's
 * wildcard, which takes one label only.
 */
final class GatewayHostnames {
    private GatewayHostnames() {
    }

    /** Whether {@code name} is a DNS name (RFC 1123 labels), or {@code *.} and one; no IP address. */
    static boolean valid(String name) {
        String rest = name.startsWith("*.") ? name.substring(2) : name;
        if (rest.isEmpty() || rest.length() > 253) {
            return false;
        }
        boolean allDigitsAndDots = true;
        for (String label : rest.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                    return false;
                }
                allDigitsAndDots &= c >= '0' && c <= '9';
            }
        }
        return !allDigitsAndDots;
    }

    /** Whether the exact {@code name} is matched by {@code pattern} (exact, or a {@code *.} wildcard). */
    static boolean matches(String pattern, String name) {
        if (!pattern.startsWith("*.")) {
            return pattern.equals(name);
        }
        String suffix = pattern.substring(1);  // ".example.com"
        return name.length() > suffix.length() && name.endsWith(suffix) && !name.startsWith("*.");
    }

    /**
     * The names a listener with {@code listener} (null: any) and a route with {@code route} (empty:
     * the listener's) share: for each route name, the more specific of the two when one matches the
     * other. A {@code null} in the answer means any host.
     */
    static List<String> intersect(String listener, List<String> route) {
        List<String> out = new ArrayList<>();
        if (route.isEmpty()) {
            out.add(listener);
            return out;
        }
        for (String name : route) {
            String shared = intersect(listener, name);
            if (shared != null && !out.contains(shared)) {
                out.add(shared);
            }
        }
        return out;
    }

    private static String intersect(String listener, String route) {
        if (listener == null || listener.equals(route)) {
            return route;
        }
        boolean listenerWild = listener.startsWith("*.");
        boolean routeWild = route.startsWith("*.");
        if (!routeWild) {
            return listenerWild && matches(listener, route) ? route : null;
        }
        if (!listenerWild) {
            return matches(route, listener) ? listener : null;
        }
        // two wildcards: the longer one, if it is under the other
        if (route.length() > listener.length()) {
            return route.endsWith(listener.substring(1)) ? route : null;
        }
        return listener.endsWith(route.substring(1)) ? listener : null;
    }
}
