package io.jingress.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the router needs of a {@code gateway.networking.k8s.io/v1} GRPCRoute. Immutable; values are
 * carried as written and checked by the route compiler, which reports bad ones as a
 * {@link Problem} naming {@code GRPCRoute namespace/name} and the field. Its calls go to the
 * Services' endpoints in HTTP/2 over cleartext (h2c), as the Gateway API asks of GRPCRoute backends.
 *
 * <pre>{@code
 * GrpcRoute route = new GrpcRoute("shop", "cart", Instant.EPOCH,
 *     List.of(HttpRoute.ParentRef.of("infra", "web")),
 *     List.of("grpc.example.com"),
 *     List.of(GrpcRouteRule.of(
 *         List.of(GrpcRouteMatch.method("shop.Cart", "Add")),
 *         List.of(HttpBackendRef.service("cart", 9000)))));
 * }</pre>
 *
 * @param namespace the namespace
 * @param name the name
 * @param creationTimestamp when it was created: the older of two equally specific matches wins, and
 *     of an HTTPRoute and a GRPCRoute sharing a hostname on a listener the older is attached;
 *     {@code null} is taken as {@link Instant#EPOCH}
 * @param parentRefs {@code spec.parentRefs}: the Gateways (and listeners) it attaches to
 * @param hostnames {@code spec.hostnames}, exact or {@code *.} wildcards; empty: the listeners' hostnames
 * @param rules {@code spec.rules}
 */
public record GrpcRoute(String namespace, String name, Instant creationTimestamp, List<HttpRoute.ParentRef> parentRefs,
        List<String> hostnames, List<GrpcRouteRule> rules) {
    /** The kind, as problems and logs name it. */
    public static final String KIND = "GRPCRoute";

    public GrpcRoute {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        creationTimestamp = creationTimestamp == null ? Instant.EPOCH : creationTimestamp;
        parentRefs = parentRefs == null ? List.of() : List.copyOf(parentRefs);
        hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /** {@code namespace/name}, the way logs and reports name it. */
    public String key() {
        return namespace + "/" + name;
    }
}
