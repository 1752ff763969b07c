package io.jingress.core.route;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * External authorization of an HTTPRoute rule (its {@code ExternalAuth} filter, protocol {@code HTTP}),
 * as Envoy's ext_authz HTTP service does it: before a request goes on, the auth service (a Service
 * of the cluster, {@link #backend()}) is asked with the request's method, {@link #pathPrefix()} and
 * the request's path and query, its {@code Host}, {@code Authorization} and the headers
 * {@link #allowedRequestHeaders()} names, no body. Its {@code 200} lets
 * the request through, with the answer's headers {@link #allowedResponseHeaders()} names (all of
 * them but {@code Host} and the framing ones when it names none) set on it; any other answer goes
 * to the client as it is (status, headers, body); an auth service that cannot be asked is a
 * {@code 403}. Immutable. Unlike {@link ExternalAuth} (an Ingress's {@code auth-url}), whose
 * semantics are ingress-nginx's.
 *
 * <pre>{@code
 * GatewayAuth auth = route.policy().gatewayAuth();
 * if (auth != null) { ... ask auth.backend() at auth.pathPrefix() + path ... }
 * }</pre>
 */
public final class GatewayAuth {
    private final String filter;
    private final Backend backend;
    private final String pathPrefix;
    private final List<String> allowedRequestHeaders;
    private final List<String> allowedResponseHeaders;

    GatewayAuth(String filter, Backend backend, String pathPrefix, List<String> allowedRequestHeaders,
            List<String> allowedResponseHeaders) {
        this.filter = Objects.requireNonNull(filter, "filter");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.pathPrefix = pathPrefix == null ? "" : pathPrefix;
        this.allowedRequestHeaders = allowedRequestHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.allowedResponseHeaders = allowedResponseHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    /** The filter, as messages name it: {@code HTTPRoute shop/cart spec.rules[0].filters[1]}. */
    public String filter() {
        return filter;
    }

    /**
     * The auth service's Service port: its endpoints (balanced as a route's), spoken to over TLS
     * when a BackendTLSPolicy applies to it ({@link Backend#tls()}). Not ready: requests are
     * answered 503 (no ready endpoint) or 500 (a backendRef that is not valid), never let through.
     */
    public Backend backend() {
        return backend;
    }

    /** What goes before the request's path for the auth service ({@code http.path}); empty: nothing. */
    public String pathPrefix() {
        return pathPrefix;
    }

    /** The client's headers sent besides {@code Host}, {@code Authorization} and {@code Content-Length}; lower case. */
    public List<String> allowedRequestHeaders() {
        return allowedRequestHeaders;
    }

    /**
     * The headers of the auth service's 200 set on the request sent on, replacing the client's;
     * lower case; empty: all of the answer's but {@code Host} and the framing and hop-by-hop ones.
     */
    public List<String> allowedResponseHeaders() {
        return allowedResponseHeaders;
    }

    /** One phrase for {@code /routes} and explain. */
    public String describe() {
        StringBuilder text = new StringBuilder("external authorization by ").append(backend.key());
        if (!pathPrefix.isEmpty()) {
            text.append(" at ").append(pathPrefix).append("<path>");
        }
        text.append(" (ExternalAuth filter: only its 200 lets a request through");
        if (!allowedRequestHeaders.isEmpty()) {
            text.append("; sent also ").append(String.join(", ", allowedRequestHeaders));
        }
        text.append("; upstream gets ").append(allowedResponseHeaders.isEmpty() ? "its answer's headers"
                : String.join(", ", allowedResponseHeaders) + " from its answer");
        if (!backend.isReady()) {
            text.append("; answered ").append(backend.status() == Backend.Status.INVALID_REFERENCE ? "500" : "503")
                    .append(": ").append(backend.reason());
        }
        return text.append(')').toString();
    }

    @Override
    public String toString() {
        return "GatewayAuth[" + describe() + "]";
    }
}
