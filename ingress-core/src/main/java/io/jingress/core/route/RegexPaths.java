package io.jingress.core.route;

import io.jingress.core.internal.route.RegexBudget;
import io.jingress.core.internal.route.ReportGate;

import java.lang.System.Logger.Level;
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
    private static final System.Logger LOG = System.getLogger(RegexPaths.class.getName());
    private static final ReportGate REPORTED = ReportGate.everyMinute();
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
     * The first route whose regex finds a match in {@code path}, else the fallback (may be null).
     * A regex that overflows the stack on this path (java.util.regex recurses once per repetition
     * of a group such as {@code (a|b)*}), or that takes more steps than {@link RegexBudget} allows
     * (it backtracks without end, as {@code (a+){2,64}$} on many {@code a}s), ends the search with
     * {@link NoMatch#REGEX_FAILED}: the request neither pins its thread nor goes to a route the
     * regex might have kept it from.
     */
    MatchResult match(String path) {
        for (Route route : routes) {
            try {
                if (RegexBudget.find(route.pathPattern(), path)) {
                    return route;
                }
            } catch (StackOverflowError tooDeep) {
                report(route, path, "overflowed the stack");
                return NoMatch.REGEX_FAILED;
            } catch (RegexBudget.Exceeded tooCostly) {
                report(route, path, "took more than " + RegexBudget.budget(path.length()) + " steps");
                return NoMatch.REGEX_FAILED;
            }
        }
        return fallback;
    }

    // the request's path is not logged: the client wrote it, and it may be 8 KiB long
    private static void report(Route route, String path, String what) {
        if (REPORTED.open(route.ingress() + " " + route.host() + " " + route.path())) {
            LOG.log(Level.WARNING, "Ingress " + route.ingress() + ": host " + (route.host() == null ? "(any)" : route.host())
                    + " path \"" + route.path() + "\": the regex " + what + " on a request path of " + path.length()
                    + " chars, and the request was answered 500; a regex that backtracks this much costs a thread"
                    + " that long per request: rewrite it (logged at most once a minute per path)");
        }
    }

    /** The routes in the order they are tried. */
    List<Route> routes() {
        return List.of(routes);
    }
}
