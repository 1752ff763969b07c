package io.jingress.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One {@code backendRefs} entry of an {@link HttpRouteRule} (or the target of a RequestMirror
 * filter). Jingress serves Services (group {@code ""}, kind {@code Service}) with a port.
 *
 * @param group {@code group}; {@code null} means {@code ""}
 * @param kind {@code kind}; {@code null} means {@code Service}
 * @param namespace {@code namespace}; {@code null} for the route's own (another needs a {@link ReferenceGrant})
 * @param name {@code name}
 * @param port {@code port}, required for a Service; {@code null} when not given
 * @param weight {@code weight}; {@code null} means 1, 0 means no request goes there
 * @param filters {@code filters} of this backend: RequestHeaderModifier and ResponseHeaderModifier are
 *     applied to the requests that go to it (another type: a problem, its rule not served)
 */
public record HttpBackendRef(String group, String kind, String namespace, String name, Integer port, Integer weight,
        List<HttpRouteFilter> filters) {

    public HttpBackendRef {
        group = group == null ? "" : group;
        kind = kind == null ? "Service" : kind;
        Objects.requireNonNull(name, "name");
        weight = weight == null ? 1 : weight;
        filters = filters == null ? List.of() : List.copyOf(filters);
    }

    /** A Service of the route's namespace, weight 1. */
    public static HttpBackendRef service(String name, int port) {
        return new HttpBackendRef("", "Service", null, name, port, 1, List.of());
    }

    /** This reference with {@code weight}. */
    public HttpBackendRef withWeight(int weight) {
        return new HttpBackendRef(group, kind, namespace, name, port, weight, filters);
    }

    /** This reference to the Service in {@code namespace}. */
    public HttpBackendRef inNamespace(String namespace) {
        return new HttpBackendRef(group, kind, namespace, name, port, weight, filters);
    }
}
