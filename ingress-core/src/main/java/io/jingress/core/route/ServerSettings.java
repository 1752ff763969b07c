package io.jingress.core.route;

import java.util.List;
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
 * @param tlsProtocols the TLS protocols the HTTPS listener accepts ({@code ssl-protocols}: {@code TLSv1.2},
 *     {@code TLSv1.3}); null: the server's own (both, ingress-nginx's default)
 * @param tlsCipherSuites the TLS 1.2 cipher suites the HTTPS listener accepts, by their standard names,
 *     in the server's order of preference ({@code ssl-ciphers}); null: the server's own. TLS 1.3's are
 *     always the server's, as nginx's {@code ssl_ciphers} does not choose them
 * @param compression the gzip compression of the endpoints' answers ({@code use-gzip}, {@code gzip-level},
 *     {@code gzip-min-length}, {@code gzip-types}); null: none, the default
 */
public record ServerSettings(RequestBlocks requestBlocks, HeaderNameRules headerNameRules, int httpsRedirectStatus,
        int limitRequestStatus, int limitConnectionStatus, String strictTransportSecurity,
        Set<String> hiddenResponseHeaders, boolean backendServerHeader, List<String> tlsProtocols,
        List<String> tlsCipherSuites, ResponseCompression compression) {

    /**
     * ingress-nginx's: nothing blocked, its header names, 308, 503 and 503; the server's HSTS; no Server;
     * the server's TLS; no compression.
     */
    public static final ServerSettings DEFAULTS = new ServerSettings(RequestBlocks.NONE, HeaderNameRules.NGINX, 308, 503, 503,
            null, Set.of(), false, null, null, null);

    public ServerSettings {
        Objects.requireNonNull(requestBlocks, "requestBlocks");
        Objects.requireNonNull(headerNameRules, "headerNameRules");
        hiddenResponseHeaders = Set.copyOf(hiddenResponseHeaders);
        tlsProtocols = tlsProtocols == null ? null : List.copyOf(tlsProtocols);
        tlsCipherSuites = tlsCipherSuites == null ? null : List.copyOf(tlsCipherSuites);
    }

    /** Settings with the server's own TLS protocols and cipher suites and no compression, as before those were carried. */
    public ServerSettings(RequestBlocks requestBlocks, HeaderNameRules headerNameRules, int httpsRedirectStatus,
            int limitRequestStatus, int limitConnectionStatus, String strictTransportSecurity,
            Set<String> hiddenResponseHeaders, boolean backendServerHeader) {
        this(requestBlocks, headerNameRules, httpsRedirectStatus, limitRequestStatus, limitConnectionStatus,
                strictTransportSecurity, hiddenResponseHeaders, backendServerHeader, null, null, null);
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
