package io.jingress.k8s;

import io.jingress.core.internal.route.RegexBudget;
import io.jingress.core.route.PathRewrite;
import io.jingress.core.route.Route;
import java.util.regex.Matcher;

/** The path the endpoint receives when the route's Ingress has a {@code rewrite-target}, as the proxy builds it. */
final class Rewrites {
    private Rewrites() {
    }

    /**
     * The path and query forwarded for the normalised {@code path} and escaped {@code query} (null:
     * none): as asked when there is no rewrite (or the route is a default backend); null when the
     * rewrite gives no valid path (the proxy answers 500).
     */
    static String upstreamTarget(Route route, String path, String query) {
        PathRewrite rewrite = route.policy().rewrite();
        if (rewrite == null || !rewrite.appliesTo(route)) {
            return query == null ? path : path + "?" + query;
        }
        Matcher matched;
        try {
            matched = route.pathPattern() == null ? null : RegexBudget.found(route.pathPattern(), path);
        } catch (RegexBudget.Exceeded | StackOverflowError tooCostly) {
            return null;  // as the proxy: 500
        }
        return rewrite.apply(matched, query);
    }

    /** "; the path is rewritten to ... (annotation)" for a rewritten request, else nothing. */
    static String phrase(Route route, String rewritten) {
        PathRewrite rewrite = route.policy().rewrite();
        if (rewrite == null || !rewrite.appliesTo(route)) {
            return "";
        }
        return "; the endpoint receives " + rewritten + " (" + rewrite.annotation() + ": \"" + rewrite.target() + "\")";
    }
}
