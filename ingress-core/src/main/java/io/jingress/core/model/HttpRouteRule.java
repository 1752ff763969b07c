package io.jingress.core.model;

import java.util.List;

/**
 * One {@code spec.rules} entry of an {@link HttpRoute}: requests matching any of its
 * {@link #matches()} (all when empty: {@code PathPrefix /}) get its {@link #filters()} applied and go
 * to its {@link #backendRefs()}, split by weight.
 *
 * @param matches {@code matches}, ORed; empty means one {@code PathPrefix /} match
 * @param filters {@code filters}, applied in order
 * @param backendRefs {@code backendRefs}
 * @param unserved the rule's fields that were given and that Jingress does not apply ({@code timeouts},
 *     {@code retry}, {@code sessionPersistence}): the rule is served without them, with a WARNING each
 */
public record HttpRouteRule(List<HttpRouteMatch> matches, List<HttpRouteFilter> filters, List<HttpBackendRef> backendRefs,
        List<String> unserved) {

    public HttpRouteRule {
        matches = matches == null ? List.of() : List.copyOf(matches);
        filters = filters == null ? List.of() : List.copyOf(filters);
        backendRefs = backendRefs == null ? List.of() : List.copyOf(backendRefs);
        unserved = unserved == null ? List.of() : List.copyOf(unserved);
    }

    /** A rule with every field served. */
    public HttpRouteRule(List<HttpRouteMatch> matches, List<HttpRouteFilter> filters, List<HttpBackendRef> backendRefs) {
        this(matches, filters, backendRefs, List.of());
    }

    /** A rule without filters. */
    public static HttpRouteRule of(List<HttpRouteMatch> matches, List<HttpBackendRef> backendRefs) {
        return new HttpRouteRule(matches, List.of(), backendRefs);
    }
}
