package io.jingress.core.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The regex paths of one host whose paths are regexes, in the order they are tried, and its
 * fallback. ingress-nginx writes them as {@code location ~* "^path"} blocks sorted by the length
 * of the path, longest first (equal lengths in reverse byte order), and nginx takes the first that
 * matches; so does this. Immutable once built.
 */
final class RegexPaths {
    // ingress-nginx (controller.go): a stable sort by path descending, then a stable one by length descending
    private static final Comparator<Route> NGINX_ORDER = Comparator.comparingInt((Route route) -> route.path().length())
            .reversed().thenComparing(Route::path, Comparator.reverseOrder());

    private final Route[] routes;
    private final Route fallback;

    private RegexPaths(List<Route> routes, Route fallback) {
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(NGINX_ORDER);  // stable: equal paths cannot both be here, see RouteCompiler
        this.routes = sorted.toArray(Route[]::new);
        this.fallback = fallback;
    }

    /** The host's regex routes (any order) and its defaultBackend's route, or null. */
    static RegexPaths of(List<Route> routes, Route fallback) {
        return new RegexPaths(routes, fallback);
    }

    /**
     * The first route whose regex finds a match in {@code path}, else the fallback (may be null). A
     * regex that overflows the stack on this path (java.util.regex recurses once per repetition of
     * a group such as {@code (a|b)*}) counts as not matching it, rather than failing the request.
     */
    Route match(String path) {
        for (Route route : routes) {
            try {
                if (route.pathPattern().matcher(path).find()) {
                    return route;
                }
            } catch (StackOverflowError tooDeep) {
                // not this route; the next may match
            }
        }
        return fallback;
    }

    /** The routes in the order they are tried. */
    List<Route> routes() {
        return List.of(routes);
    }
}
