package io.jingress.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the router needs of a {@code gateway.networking.k8s.io/v1} HTTPRoute. Immutable; values are
 * carried as written and checked by the route compiler, which reports bad ones as a
 * {@link Problem} naming {@code HTTPRoute namespace/name} and the field.
 *
 * <pre>{@code
 * HttpRoute route = new HttpRoute("shop", "cart", Instant.EPOCH,
 *     List.of(HttpRoute.ParentRef.of("infra", "web")),
 *     List.of("shop.example.com"),
 *     List.of(HttpRouteRule.of(
 *         List.of(HttpRouteMatch.pathPrefix("/cart")),
 *         List.of(HttpBackendRef.service("cart", 8080)))));
 * }</pre>
 *
 * @param namespace the namespace
 * @param name the name
 * @param creationTimestamp when it was created: the older of two equally specific matches wins;
 *     {@code null} is taken as {@link Instant#EPOCH}
 * @param parentRefs {@code spec.parentRefs}: the Gateways (and listeners) it attaches to
 * @param hostnames {@code spec.hostnames}, exact or {@code *.} wildcards; empty: the listeners' hostnames
 * @param rules {@code spec.rules}
 */
public record HttpRoute(String namespace, String name, Instant creationTimestamp, List<ParentRef> parentRefs,
        List<String> hostnames, List<HttpRouteRule> rules) {
    /** The kind, as problems and logs name it. */
    public static final String KIND = "HTTPRoute";

    public HttpRoute {
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

    /**
     * A {@code spec.parentRefs} entry: a Gateway, and optionally one of its listeners by name and/or port.
     *
     * @param namespace the Gateway's namespace; {@code null} for the route's own
     * @param name the Gateway's name
     * @param sectionName a listener's name, or {@code null} for every listener
     * @param port a listener's port, or {@code null} for every port
     */
    public record ParentRef(String namespace, String name, String sectionName, Integer port) {
        public ParentRef {
            Objects.requireNonNull(name, "name");
        }

        /** Every listener of the Gateway {@code namespace/name}. */
        public static ParentRef of(String namespace, String name) {
            return new ParentRef(namespace, name, null, null);
        }
    }
}
