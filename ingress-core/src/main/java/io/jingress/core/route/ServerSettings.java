package io.jingress.core.route;

import java.util.Objects;
import java.util.Set;

/**
 * What the controller's ConfigMap ({@link RouteCompiler#withConfigMap}) sets for the whole proxy
 * rather than for the Ingresses' routes; {@link #DEFAULTS}, ingress-nginx's, without one.
 *
 * @param requestBlocks what {@code block-cidrs}, {@code block-user-agents} and {@code block-referers}
 *     refuse (403) before any route is matched
 * @param headerNameRules which client header fields go on by their names
 *     ({@code enable-underscores-in-headers}, {@code ignore-invalid-headers})
 * @param httpsRedirectStatus the status of the redirect of plain HTTP to HTTPS ({@code ssl-redirect},
 *     {@code force-ssl-redirect}): {@code http-redirect-code}, 301, 302, 307 or 308 (the default)
 * @param limitRequestStatus the status that refuses a client over {@code limit-rps} or
 *     {@code limit-rpm}: {@code limit-req-status-code}, 503 by default
 * @param limitConnectionStatus the status that refuses a client over {@code limit-connections}:
 *     {@code limit-conn-status-code}, 503 by default
 * @param strictTransportSecurity the {@code Strict-Transport-Security} of the answers over TLS when
 *     the ConfigMap sets {@code hsts}, {@code hsts-max-age}, {@code hsts-include-subdomains} or
 *     {@code hsts-preload} ({@code ""}: none, {@code hsts: "false"}); null when it sets none, and the
 *     server's own applies
 * @param hiddenResponseHeaders the endpoints' response header fields never passed to the client
 *     ({@code hide-headers}, nginx's {@code proxy_hide_header}), lower case; empty by default
 * @param backendServerHeader whether the endpoints' {@code Server} reaches the client
 *     ({@code allow-backend-server-header}); by default it does not
 */
public record ServerSettings(RequestBlocks requestBlocks, HeaderNameRules headerNameRules, int httpsRedirectStatus,
        int limitRequestStatus, int limitConnectionStatus, String strictTransportSecurity,
        Set<String> hiddenResponseHeaders, boolean backendServerHeader) {

    /** ingress-nginx's: nothing blocked, its header names, 308, 503 and 503; the server's HSTS; no Server. */
    public static final ServerSettings DEFAULTS = new ServerSettings(RequestBlocks.NONE, HeaderNameRules.NGINX, 308, 503, 503,
            null, Set.of(), false);

    public ServerSettings {
        Objects.requireNonNull(requestBlocks, "requestBlocks");
        Objects.requireNonNull(headerNameRules, "headerNameRules");
        hiddenResponseHeaders = Set.copyOf(hiddenResponseHeaders);
    }

    /** Whether the endpoint's response field {@code name} (any case) is kept from the client ({@code hide-headers}). */
    public boolean hides(String name) {
        for (String hidden : hiddenResponseHeaders) {
            if (hidden.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
