package io.jingress.jetty.internal.proxy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jingress.core.internal.route.RegexBudget;
import io.jingress.core.route.PathRewrite;
import io.jingress.core.route.Route;
import io.jingress.core.route.RoutePolicy;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;

/**
 * The rewrite of {@code rewrite-target} ({@link PathRewrite}): the path and query the backend
 * receives ({@code exchange.pathAndQuery}, which the lean forwarder, Jetty's client and the
 * WebSocket tunnel all send) is replaced after the route's regex is run again on the normalised
 * path for its captures. It runs after the redirects, which name the path the client asked for, as
 * nginx's {@code rewrite ... break} runs in the location. A target that gives no valid request
 * target for this request (a capture cut an escape in two) is answered 500, never forwarded, as is
 * a request whose regex cannot be run again within its {@link RegexBudget} or the stack (it found
 * its match within them when the route was matched, so this is not expected). A
 * default backend's route, and a path that is the target itself, are forwarded unchanged
 * ({@link PathRewrite#appliesTo}).
 */
final class PathRewrites {
    static final PlainResponses.Body NO_VALID_PATH = new PlainResponses.Body(HttpStatus.INTERNAL_SERVER_ERROR_500,
            "500 Internal Server Error: the route's rewrite-target gives no valid path for this request\n");

    private PathRewrites() {
    }

    /** Rewrites the exchange's path and query if {@code policy} has a rewrite; true when it answered 500 instead. */
    static boolean answered(Exchange exchange, RoutePolicy policy, Response proxyToClientResponse) {
        PathRewrite rewrite = policy.rewrite();
        Route route = exchange.route;
        if (rewrite == null || !rewrite.appliesTo(route)) {
            return false;
        }
        String pathAndQuery = exchange.pathAndQuery;
        int question = pathAndQuery.indexOf('?');  // a normalised path has none: the first starts the query
        String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        String query = question < 0 ? null : pathAndQuery.substring(question + 1);
        Pattern pattern = route.pathPattern();
        Matcher matched;
        try {
            // null when not found, which cannot be: the route was matched by this regex on this path
            matched = pattern == null ? null : RegexBudget.found(pattern, path);
        } catch (RegexBudget.Exceeded | StackOverflowError tooCostly) {
            PlainResponses.write(proxyToClientResponse, exchange, NO_VALID_PATH);
            return true;
        }
        String rewritten = rewrite.apply(matched, query);
        if (rewritten == null) {
            PlainResponses.write(proxyToClientResponse, exchange, NO_VALID_PATH);
            return true;
        }
        exchange.pathAndQuery = rewritten;
        return false;
    }
}
