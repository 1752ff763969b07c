package io.jingress.core.model;

import java.util.List;

/**
 * One {@code spec.rules} entry of a {@link GrpcRoute}: calls matching any of its {@link #matches()}
 * (every call when empty) get its {@link #filters()} applied and go to its {@link #backendRefs()},
 * split by weight. The filters are those of an HTTPRoute that a GRPCRoute may have
 * ({@code RequestHeaderModifier}, {@code ResponseHeaderModifier}, {@code RequestMirror},
 * {@code ExtensionRef}).
 *
 * @param matches {@code matches}, ORed; empty means every call
 * @param filters {@code filters}, applied in order
 * @param backendRefs {@code backendRefs}
 * @param unserved the rule's fields that were given and that Jingress does not apply
 *     ({@code sessionPersistence}): the rule is served without them, with a WARNING each
 */
public record GrpcRouteRule(List<GrpcRouteMatch> matches, List<HttpRouteFilter> filters, List<HttpBackendRef> backendRefs,
        List<String> unserved) {

    public GrpcRouteRule {
        matches = matches == null ? List.of() : List.copyOf(matches);
        filters = filters == null ? List.of() : List.copyOf(filters);
        backendRefs = backendRefs == null ? List.of() : List.copyOf(backendRefs);
        unserved = unserved == null ? List.of() : List.copyOf(unserved);
    }

    /** A rule with every field served. */
    public GrpcRouteRule(List<GrpcRouteMatch> matches, List<HttpRouteFilter> filters, List<HttpBackendRef> backendRefs) {
        this(matches, filters, backendRefs, List.of());
    }

    /** A rule without filters. */
    public static GrpcRouteRule of(List<GrpcRouteMatch> matches, List<HttpBackendRef> backendRefs) {
        return new GrpcRouteRule(matches, List.of(), backendRefs);
    }
}
