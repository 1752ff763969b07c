package io.jingress.core.route;

/**
 * Which request header fields the proxy passes on by their names, as nginx's
 * {@code ignore_invalid_headers} and {@code underscores_in_headers} decide (the controller
 * ConfigMap's {@code ignore-invalid-headers} and {@code enable-underscores-in-headers}). By default,
 * as in ingress-nginx, a field whose name holds anything but letters, digits and hyphens is dropped:
 * an application that reads headers through CGI-style names ({@code HTTP_X_REAL_IP}) cannot tell
 * {@code X_Real_IP}, which a client may send, from the {@code X-Real-IP} the proxy writes.
 *
 * @param underscores names with {@code _} are valid ({@code enable-underscores-in-headers})
 * @param ignoreInvalid fields with names that are not valid are dropped ({@code ignore-invalid-headers})
 */
public record HeaderNameRules(boolean underscores, boolean ignoreInvalid) {
    /** ingress-nginx's defaults: underscores not valid, invalid names dropped. */
    public static final HeaderNameRules NGINX = new HeaderNameRules(false, true);

    /** Whether a client's field named {@code name} is passed on. */
    public boolean passes(String name) {
        if (!ignoreInvalid) {
            return true;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || (c == '_' && underscores)) {
                continue;
            }
            return false;
        }
        return true;
    }
}
