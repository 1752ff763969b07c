package io.jingress.k8s;

import io.jingress.core.model.PathType;
import io.jingress.core.model.PortRef;
import io.jingress.core.route.Backend;
import io.jingress.core.route.Route;
import java.util.List;
import java.util.Objects;

/**
 * Where one request goes and why, as {@link RouteExplainer} found it: the same decision the proxy
 * makes. Immutable. {@link #toString()} explains it in a few lines for a person, e.g.
 *
 * <pre>
 * GET http://myapp.kubia.com/path -> 200 forwarded
 *   Ingress default/ingress-myapp, rule 0, path 0: / (Prefix)
 *   Service default/kubia, port 80 -> targetPort 8080
 *   ready endpoints: 10.244.1.5:8080, 10.244.2.7:8080, 10.244.3.9:8080
 * </pre>
 *
 * <p>A route of an HTTPRoute reads {@code HTTPRoute shop/cart, rule 1, match 0: /cart (PathPrefix)}; of a
 * GRPCRoute likewise, its method match read as the path it is ({@code /shop.Cart/Add (Exact)}).
 *
 * @param method the request method
 * @param url the request URL as given
 * @param host the host matched (the URL's, without port)
 * @param path the normalised path, or {@code null} when the path cannot be routed safely (400)
 * @param status what the proxy answers: 200 (forwarded to an endpoint), 308 (to HTTPS), 400, 404,
 *     405 (CONNECT), 500 (a rewrite-target that gives no valid path), 502 (a backend-protocol not
 *     spoken) or 503
 * @param ingress the matched Ingress's (or HTTPRoute's, GRPCRoute's) {@code namespace/name}, or the
 *     default backend Service's ({@code --default-backend-service}); {@code null} when nothing matched
 * @param kind the kind of the object {@code ingress} names, {@link Route#KIND_INGRESS},
 *     {@link Route#KIND_HTTP_ROUTE}, {@link Route#KIND_GRPC_ROUTE} or {@link Route#KIND_SERVICE};
 *     {@code null} when nothing matched
 * @param ruleIndex the index of the matched rule in the Ingress, or -1 (no match, or the default backend)
 * @param pathIndex the index of the matched path in the rule (an HTTPRoute's: of the match; -1 for
 *     a rule without matches), or -1
 * @param rulePath the matched path as written in the Ingress, or {@code null}
 * @param pathType the matched path's type, or {@code null}
 * @param defaultBackend whether the request fell through to a {@code defaultBackend} (or the default
 *     backend Service)
 * @param defaultBackendHost the host (as its rules write it, e.g. {@code *.example.com}) whose
 *     Ingress's {@code defaultBackend} took the request because none of the host's paths matched;
 *     {@code null} when the request took no defaultBackend or took one for any host (the catch-all
 *     of an Ingress without rules, or of one whose rules have no host)
 * @param service the backend Service's {@code namespace/name}, or {@code null}
 * @param servicePort the backend's Service port as the Ingress names it, or {@code null}
 * @param targetPort the Service port's {@code targetPort} by number or name, or {@code null} when the
 *     Service or its port is not found
 * @param endpoints the ready endpoints ({@code ip:port}) that would receive the request
 * @param policy what the matched Ingress's annotations ask of the request, a phrase a setting
 *     ({@link io.jingress.core.route.RoutePolicy#describe()}); empty when nothing or no match
 * @param location the {@code Location} of a redirect (the 308 to HTTPS, or one an annotation asks),
 *     else {@code null}
 * @param reason why, in words: which hop is broken when the request is not forwarded
 */
public record RouteExplanation(
        String method,
        String url,
        String host,
        String path,
        int status,
        String ingress,
        String kind,
        int ruleIndex,
        int pathIndex,
        String rulePath,
        PathType pathType,
        boolean defaultBackend,
        String defaultBackendHost,
        String service,
        PortRef servicePort,
        PortRef targetPort,
        List<String> endpoints,
        List<String> policy,
        String location,
        String reason) {

    public RouteExplanation {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        policy = policy == null ? List.of() : List.copyOf(policy);
        Objects.requireNonNull(reason, "reason");
    }

    /** Whether a route (or the default backend) matched. */
    public boolean matched() {
        return ingress != null;
    }

    /** Whether the proxy would forward the request to one of {@link #endpoints()}. */
    public boolean forwarded() {
        return status == 200;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append(method).append(' ').append(url).append(" -> ").append(status).append(' ')
                .append(forwarded() ? "forwarded" : reason);
        boolean gatewayRoute = Route.KIND_HTTP_ROUTE.equals(kind) || Route.KIND_GRPC_ROUTE.equals(kind);
        if (ingress != null && gatewayRoute) {
            text.append("\n  ").append(kind).append(' ').append(ingress).append(", rule ").append(ruleIndex);
            if (pathIndex < 0) {
                text.append(" (no matches): every path");
            } else {
                text.append(", match ").append(pathIndex).append(": ").append(rulePath).append(" (")
                        .append(pathType == PathType.EXACT ? "Exact" : "PathPrefix").append(')');
            }
        } else if (ingress != null && Route.KIND_SERVICE.equals(kind)) {
            text.append("\n  the default backend Service ").append(ingress).append(" (--default-backend-service): ")
                    .append(defaultBackendHost != null ? "none of the paths of host " + defaultBackendHost + " matched"
                            : "no rule matched");
        } else if (ingress != null) {
            text.append("\n  Ingress ").append(ingress);
            if (defaultBackendHost != null) {
                text.append(", defaultBackend of host ").append(defaultBackendHost).append(" (none of its paths matched)");
            } else if (defaultBackend) {
                text.append(", defaultBackend (no rule matched)");
            } else if (pathIndex < 0) {
                // a name from-to-www-redirect redirects: the route stands for the rule's host, not a path
                text.append(", rule ").append(ruleIndex).append(": every path of the name");
            } else {
                text.append(", rule ").append(ruleIndex).append(", path ").append(pathIndex).append(": ")
                        .append(rulePath).append(" (").append(pathType == null ? "?" : pathType.apiName()).append(')');
            }
        }
        if (!policy.isEmpty()) {
            // an HTTPRoute's (or GRPCRoute's) come from its filters and backends, not from annotations
            text.append(gatewayRoute ? "\n  route: " : "\n  annotations: ").append(String.join("; ", policy));
        }
        if (service != null) {
            text.append("\n  Service ").append(service).append(", port ").append(servicePort);
            if (targetPort != null) {
                text.append(" -> targetPort ").append(targetPort);
            }
        }
        if (ingress != null) {
            text.append(endpoints.isEmpty() ? "\n  no ready endpoints" : "\n  ready endpoints: " + String.join(", ", endpoints));
        }
        if (location != null) {
            text.append("\n  Location: ").append(location);
        }
        if (forwarded()) {
            text.append("\n  ").append(reason);
        }
        return text.toString();
    }
    /** Collects an explanation as the explainer walks the hops. */
    static final class Builder {
        private final String method;
        private final String url;
        private final String host;
        private String path;
        private int status;
        private String reason;
        private Route route;
        private PortRef targetPort;
        private List<String> endpoints = List.of();
        private String location;
        private java.util.Set<String> fromConfigMap = java.util.Set.of();

        Builder(String method, String url, String host) {
            this.method = method;
            this.url = url;
            this.host = host;
        }

        Builder path(String path) {
            this.path = path;
            return this;
        }

        Builder route(Route route, PortRef targetPort, List<String> endpoints) {
            this.route = route;
            this.targetPort = targetPort;
            this.endpoints = endpoints;
            return this;
        }

        /** The annotations the controller's ConfigMap gave the route's Ingress (see {@code RouteTable.configMapDefaults}). */
        Builder fromConfigMap(java.util.Set<String> names) {
            this.fromConfigMap = names;
            return this;
        }

        Builder status(int status, String reason) {
            this.status = status;
            this.reason = reason;
            return this;
        }

        Builder redirect(int status, String location, String reason) {
            this.location = location;
            return status(status, reason);
        }

        RouteExplanation build() {
            if (route == null) {
                return new RouteExplanation(method, url, host, path, status, null, null, -1, -1, null, null, false,
                        null, null, null, null, List.of(), List.of(), location, reason);
            }
            Backend backend = route.backend();
            String service = backend.serviceName() == null ? null : backend.namespace() + "/" + backend.serviceName();
            boolean fallback = route.isDefaultBackend();
            return new RouteExplanation(method, url, host, path, status, route.ingress(), route.kind(),
                    fallback ? -1 : route.ruleIndex(), fallback ? -1 : route.pathIndex(),
                    fallback ? null : route.path(), fallback ? null : route.pathType(), fallback,
                    fallback ? route.host() : null, service, backend.port(), targetPort, endpoints,
                    policies(route, fromConfigMap), location, reason);
        }

        // the route's settings, and its backend's TLS (a BackendTLSPolicy's); what of them the
        // controller's ConfigMap gave, said as such
        private static List<String> policies(Route route, java.util.Set<String> fromConfigMap) {
            if (route.backend().tls() == null && fromConfigMap.isEmpty()) {
                return route.policy().describe();
            }
            List<String> policies = new java.util.ArrayList<>(route.policy().describe());
            if (route.backend().tls() != null) {
                policies.add(route.backend().tls().describe());
            }
            if (!fromConfigMap.isEmpty()) {
                policies.add("from the controller's ConfigMap, not on the Ingress: "
                        + String.join(", ", new java.util.TreeSet<>(fromConfigMap)));
            }
            return policies;
        }
    }
}
