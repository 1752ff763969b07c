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
 * @param timeouts {@code timeouts}, as written; null when not given
 * @param unserved the rule's fields that were given and that Jingress does not apply ({@code retry},
 *     {@code sessionPersistence}): the rule is served without them, with a WARNING each
 */
public record HttpRouteRule(List<HttpRouteMatch> matches, List<HttpRouteFilter> filters, List<HttpBackendRef> backendRefs,
        Timeouts timeouts, List<String> unserved) {

    public HttpRouteRule {
        matches = matches == null ? List.of() : List.copyOf(matches);
        filters = filters == null ? List.of() : List.copyOf(filters);
        backendRefs = backendRefs == null ? List.of() : List.copyOf(backendRefs);
        unserved = unserved == null ? List.of() : List.copyOf(unserved);
    }

    /** A rule without timeouts. */
    public HttpRouteRule(List<HttpRouteMatch> matches, List<HttpRouteFilter> filters, List<HttpBackendRef> backendRefs,
            List<String> unserved) {
        this(matches, filters, backendRefs, null, unserved);
    }

    /** A rule without timeouts, every field served. */
    public HttpRouteRule(List<HttpRouteMatch> matches, List<HttpRouteFilter> filters, List<HttpBackendRef> backendRefs) {
        this(matches, filters, backendRefs, null, List.of());
    }

    /** A rule without filters. */
    public static HttpRouteRule of(List<HttpRouteMatch> matches, List<HttpBackendRef> backendRefs) {
        return new HttpRouteRule(matches, List.of(), backendRefs);
    }

    /**
     * A rule's {@code timeouts}: Gateway API durations as written ({@code "10s"}, {@code "1m30s"},
     * {@code "500ms"}; {@code "0s"} turns the timeout off), each null when not given. They are read
     * when the table is compiled; one that is not such a duration is a WARNING on its field, and the
     * rule is not served.
     *
     * @param request {@code request}: the longest a request may take, from the moment it is sent
     *     on to an endpoint (its body, the tries and the whole answer); then 504, or, once the
     *     answer began, its connection (HTTP/2: stream) is cut
     * @param backendRequest {@code backendRequest}: the longest one try to an endpoint may take,
     *     until its answer is whole; not longer than {@code request}
     */
    public record Timeouts(String request, String backendRequest) {
    }
}
