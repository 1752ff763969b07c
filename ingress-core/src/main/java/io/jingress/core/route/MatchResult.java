package io.jingress.core.route;

/**
 * What {@link RouteTable#match} found: a {@link Route} (possibly the default backend's), or a
 * {@link NoMatch} saying why nothing matched.
 *
 * <pre>{@code
 * MatchResult result = table.match(host, RequestPaths.normalize(rawPath));
 * if (result instanceof Route route) {
 *     forward(route.backend());
 * } else {
 *     respond(404, ((NoMatch) result).reason());
 * }
 * }</pre>
 */
public sealed interface MatchResult permits Route, NoMatch {

    /** Whether a route (a rule or the default backend) matched. */
    default boolean isMatch() {
        return this instanceof Route;
    }
}
