package io.jingress.core.route;

import io.jingress.core.internal.route.PathTrie;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The hosts whose paths are regexes, while one table is compiled: as in ingress-nginx, when
 * {@code use-regex} or {@code rewrite-target} is on for any Ingress of a host, every path of that
 * host, of every Ingress, is a case-insensitive regex {@code ^path}, except {@code Exact} paths,
 * which stay exact and are looked up first. The rules without host count as one host.
 */
final class RegexHosts {
    private final Map<String, List<Route>> routes = new LinkedHashMap<>();  // host key to its regex routes
    private final Map<String, Map<String, Route>> byPath = new HashMap<>();  // host key to path as written
    private final Map<String, Route> fallbacks = new HashMap<>();

    /** Makes the host of key {@code host} (lower case; "*" for the rules without host) a regex host. */
    void add(String host) {
        routes.computeIfAbsent(host, h -> new ArrayList<>());
    }

    boolean contains(String host) {
        return routes.containsKey(host);
    }

    boolean isEmpty() {
        return routes.isEmpty();
    }

    /**
     * The regex of a path as written, or why it cannot be one: a path must be printable ASCII (a
     * normalised request path is), and a regex in Java's syntax.
     */
    static Pattern compile(String written, StringBuilder problem) {
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                problem.append("\"").append(written).append("\" is not a regular expression Jingress can match: character ")
                        .append(String.format("U+%04X", (int) c)).append(" at index ").append(i)
                        .append(" is not printable ASCII, which no normalised request path holds");
                return null;
            }
        }
        try {
            return Pattern.compile("^" + written, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            problem.append("\"").append(written).append("\" is not a valid regular expression (Java's syntax): ")
                    .append(e.getDescription());
            if (e.getIndex() > 0) {
                problem.append(" near index ").append(e.getIndex() - 1);  // after the "^" put in front
            }
            return null;
        }
    }

    /** The route already serving this path as written on this host, or null. */
    Route find(String host, String written) {
        Map<String, Route> paths = byPath.get(host);
        return paths == null ? null : paths.get(written);
    }

    void add(String host, Route route) {
        routes.get(host).add(route);
        byPath.computeIfAbsent(host, h -> new HashMap<>()).put(route.path(), route);
    }

    /** Whether a path of the host is "/" as written, which takes every request (no fallback is needed). */
    boolean takesAll(String host) {
        return find(host, "/") != null;
    }

    /** Sets the host's defaultBackend route, tried after all its regexes. */
    void fallback(String host, Route route) {
        fallbacks.put(host, route);
    }

    /** Whether the host has a fallback route already. */
    boolean hasFallback(String host) {
        return fallbacks.containsKey(host);
    }

    /** Puts each regex host's marker in its Prefix "/" slot: a match that reaches it tries the regexes. */
    void addMarkers(Function<String, PathTrie<Route>> pathsOf) {
        routes.forEach((host, regexRoutes) -> {
            Route marker = Route.marker(RegexPaths.of(regexRoutes, fallbacks.get(host)));
            pathsOf.apply(host).addPrefix("/", marker);
        });
    }
}
