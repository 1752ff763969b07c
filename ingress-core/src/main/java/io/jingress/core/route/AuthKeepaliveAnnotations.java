package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * Reads {@code auth-keepalive}, {@code auth-keepalive-requests}, {@code auth-keepalive-timeout} and
 * {@code auth-keepalive-share-vars} into an {@link AuthKeepalive}. A value that is no whole number
 * in range is a problem and is not applied (the proxy's own pooling holds), as ingress-nginx falls
 * back to its defaults.
 */
final class AuthKeepaliveAnnotations {
    static final String KEEPALIVE = "auth-keepalive";
    static final String REQUESTS = "auth-keepalive-requests";
    static final String TIMEOUT = "auth-keepalive-timeout";
    static final String SHARE_VARS = "auth-keepalive-share-vars";
    static final List<String> NAMES = List.of(KEEPALIVE, REQUESTS, TIMEOUT, SHARE_VARS);

    private AuthKeepaliveAnnotations() {
    }

    /** The keepalive asked for, or null when none of the three is set (or usable). */
    static AuthKeepalive read(Map<String, String> annotations, List<String> problems) {
        int idle = number(annotations, KEEPALIVE, 0, problems);
        int requests = number(annotations, REQUESTS, 1, problems);
        int timeout = number(annotations, TIMEOUT, 1, problems);
        RouteAnnotations.Named share = RouteAnnotations.value(annotations, SHARE_VARS);
        if (share != null && !share.value().isEmpty()) {
            Boolean on = RouteAnnotations.parseBool(share.value());
            if (on == null) {
                problems.add(share.quoted() + " is neither true nor false: the auth service gets the endpoint's"
                        + " X-Request-ID, as with true");
            } else if (!on) {
                problems.add(share.quoted() + " has no effect: the auth service always gets the endpoint's X-Request-ID,"
                        + " as with true");
            }
        }
        if (idle < 0 && requests < 0 && timeout < 0) {
            return null;
        }
        return new AuthKeepalive(idle, Math.max(requests, 0), Math.max(timeout, 0));
    }

    /** The annotation's whole number, at least {@code min}; -1 when not set or not usable (a problem added). */
    private static int number(Map<String, String> annotations, String name, int min, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, name);
        if (named == null || named.value().trim().isEmpty()) {
            return -1;
        }
        try {
            int value = Integer.parseInt(named.value().trim());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        problems.add(named.quoted() + " is not a whole number of at least " + min + ": not applied, the proxy's own"
                + " keepalive to the auth service holds");
        return -1;
    }
}
