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
 * @param retry {@code retry}, as written; null when not given
 * @param sessionPersistence {@code sessionPersistence}, as written; null when not given
 * @param unserved the rule's fields that were given and that Jingress does not apply: the rule is
 *     served without them, with a WARNING each (none of HTTPRoute v1's now; kept for fields to come)
 */
public record HttpRouteRule(List<HttpRouteMatch> matches, List<HttpRouteFilter> filters, List<HttpBackendRef> backendRefs,
        Timeouts timeouts, Retry retry, SessionPersistence sessionPersistence, List<String> unserved) {

    public HttpRouteRule {
        matches = matches == null ? List.of() : List.copyOf(matches);
        filters = filters == null ? List.of() : List.copyOf(filters);
        backendRefs = backendRefs == null ? List.of() : List.copyOf(backendRefs);
        unserved = unserved == null ? List.of() : List.copyOf(unserved);
    }

    /** A rule without timeouts, retry and sessionPersistence. */
    public HttpRouteRule(List<HttpRouteMatch> matches, List<HttpRouteFilter> filters, List<HttpBackendRef> backendRefs,
            List<String> unserved) {
        this(matches, filters, backendRefs, null, null, null, unserved);
    }

    /** A rule without timeouts, retry and sessionPersistence, every field served. */
    public HttpRouteRule(List<HttpRouteMatch> matches, List<HttpRouteFilter> filters, List<HttpBackendRef> backendRefs) {
        this(matches, filters, backendRefs, null, null, null, List.of());
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

    /**
     * A rule's {@code retry}: when a try that failed is made again, read when the table is
     * compiled. A value out of range is a WARNING on its field, and the rule is not served.
     *
     * @param codes {@code codes}: the answer statuses (400 to 599) that are retried; empty: none,
     *     only a try that failed without an answer (connection refused or broken, timed out) is
     * @param attempts {@code attempts}: how many times a request is retried at most (0: never);
     *     null: the server's tries less one
     * @param backoff {@code backoff}: the least time between a failed try and the next, a Gateway
     *     API duration as written; null: none
     */
    public record Retry(List<Integer> codes, Integer attempts, String backoff) {
        public Retry {
            codes = codes == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(codes));
        }
    }

    /**
     * A rule's {@code sessionPersistence}: a client's requests stay with the endpoint its first went
     * to, by a cookie the proxy sets. Read when the table is compiled.
     *
     * @param sessionName {@code sessionName}: the cookie's name; null: {@code INGRESSCOOKIE}
     * @param type {@code type}: {@code Cookie} (null: the same) or {@code Header}
     * @param absoluteTimeout {@code absoluteTimeout}, a Gateway API duration as written: how long a
     *     session lasts; null: not given
     * @param lifetimeType {@code cookieConfig.lifetimeType}: {@code Session} (null: the same), a cookie
     *     the browser drops when it closes, or {@code Permanent}, one that lasts {@code absoluteTimeout}
     */
    public record SessionPersistence(String sessionName, String type, String absoluteTimeout, String lifetimeType) {
    }
}
