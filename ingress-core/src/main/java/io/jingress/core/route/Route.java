package io.jingress.core.route;

import io.jingress.core.model.PathType;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One served path of one Ingress rule (or an Ingress's default backend), or one match of one
 * Gateway API HTTPRoute rule ({@link #kind()} {@code HTTPRoute}), as compiled into a
 * {@link RouteTable}. Immutable.
 *
 * <p>An HTTPRoute match may carry {@link #conditions()} (method, headers, query parameters) that
 * the path alone cannot decide. Where a path has such routes, {@link RouteTable#match} returns a
 * route with {@link #candidates()}: every route that may take a request of this host and path, in
 * Gateway API precedence, the less specific paths' routes after this path's own. The proxy then
 * takes the first whose conditions hold ({@link #select}); none: 404.
 */
public final class Route implements MatchResult {
    /** The {@link #kind()} of a route of an Ingress. */
    public static final String KIND_INGRESS = "Ingress";
    /** The {@link #kind()} of a route of a Gateway API HTTPRoute. */
    public static final String KIND_HTTP_ROUTE = "HTTPRoute";
    /** The {@link #kind()} of a route of a Gateway API GRPCRoute. */
    public static final String KIND_GRPC_ROUTE = "GRPCRoute";
    /**
     * The {@link #kind()} of a route to the default backend Service ({@link RouteCompiler#withDefaultBackendService}):
     * the fallback of a host whose paths do not match, or the catch-all; {@link #ingress()} names the Service.
     */
    public static final String KIND_SERVICE = "Service";

    private final String ingress;
    private final String host;
    private final String path;
    private final PathType pathType;
    private final int ruleIndex;
    private final int pathIndex;
    private final boolean defaultBackend;
    private final boolean sslRedirect;
    private final RoutePolicy policy;
    private final Backend backend;
    private final Pattern pathPattern;
    private final RegexPaths regexPaths;  // only in the marker of a regex host, which is never a match
    private final Canary canary;
    private final String kind;
    private final RouteConditions conditions;  // HTTPRoute: what else a request must have; null: nothing
    private final Route[] candidates;          // a slot of conditional routes: the routes to try, in order
    private final BackendSplit split;          // HTTPRoute: more than one backendRef; null: backend alone
    private final HttpRouteFilters filters;    // HTTPRoute: its rule's filters; null: none

    Route(String ingress, String host, String path, PathType pathType, int ruleIndex, int pathIndex,
            boolean defaultBackend, boolean sslRedirect, RoutePolicy policy, Backend backend) {
        this(ingress, host, path, pathType, ruleIndex, pathIndex, defaultBackend, sslRedirect, policy, backend, null, null);
    }

    Route(String ingress, String host, String path, PathType pathType, int ruleIndex, int pathIndex,
            boolean defaultBackend, boolean sslRedirect, RoutePolicy policy, Backend backend, Pattern pathPattern,
            Canary canary) {
        this(KIND_INGRESS, Objects.requireNonNull(ingress, "ingress"), host, path, pathType, ruleIndex, pathIndex, defaultBackend,
                sslRedirect, Objects.requireNonNull(policy, "policy"), Objects.requireNonNull(backend, "backend"), pathPattern,
                null, canary, null, null, null, null);
    }

    // an HTTPRoute's or GRPCRoute's match (candidates null), or the slot value standing for several (candidates set)
    Route(String kind, String gatewayRoute, String host, String path, PathType pathType, int ruleIndex, int matchIndex,
            RoutePolicy policy, Backend backend, RouteConditions conditions, BackendSplit split,
            HttpRouteFilters filters, Route[] candidates) {
        this(KIND_GRPC_ROUTE.equals(kind) ? KIND_GRPC_ROUTE : KIND_HTTP_ROUTE, Objects.requireNonNull(gatewayRoute, "gatewayRoute"),
                host, path, pathType, ruleIndex, matchIndex, false, false, Objects.requireNonNull(policy, "policy"),
                Objects.requireNonNull(backend, "backend"), null, null, null, conditions, candidates, split, filters);
    }

    private Route(String kind, String ingress, String host, String path, PathType pathType, int ruleIndex, int pathIndex,
            boolean defaultBackend, boolean sslRedirect, RoutePolicy policy, Backend backend, Pattern pathPattern,
            RegexPaths regexPaths, Canary canary, RouteConditions conditions, Route[] candidates, BackendSplit split,
            HttpRouteFilters filters) {
        this.kind = kind;
        this.ingress = ingress;
        this.host = host;
        this.path = path;
        this.pathType = pathType;
        this.ruleIndex = ruleIndex;
        this.pathIndex = pathIndex;
        this.defaultBackend = defaultBackend;
        this.sslRedirect = sslRedirect;
        this.policy = policy;
        this.backend = backend;
        this.pathPattern = pathPattern;
        this.regexPaths = regexPaths;
        this.canary = canary;
        this.conditions = conditions;
        this.candidates = candidates;
        this.split = split;
        this.filters = filters;
    }

    // the default backend Service's route: a host's fallback (host set), or the catch-all (host null)
    static Route defaultBackendService(String service, String host, boolean sslRedirect, Backend backend) {
        return new Route(KIND_SERVICE, Objects.requireNonNull(service, "service"), host, null, null, -1, -1, true, sslRedirect,
                RoutePolicy.NONE, Objects.requireNonNull(backend, "backend"), null, null, null, null, null, null, null);
    }

    // the value a regex host's Prefix "/" holds in the index: it sends the match to the host's regexes
    static Route marker(RegexPaths regexPaths) {
        return new Route(KIND_INGRESS, "", null, null, null, -1, -1, false, false, RoutePolicy.NONE, null, null,
                Objects.requireNonNull(regexPaths, "regexPaths"), null, null, null, null, null);
    }

    /** The regexes of the host this marker stands for; null for every route a match returns. */
    RegexPaths regexPaths() {
        return regexPaths;
    }

    /**
     * The object this route comes from, as {@code namespace/name}: an Ingress, or for
     * {@link #kind()} {@code HTTPRoute} an HTTPRoute, for {@code GRPCRoute} a GRPCRoute, for
     * {@code Service} the default backend Service.
     */
    public String ingress() {
        return ingress;
    }

    /**
     * {@link #KIND_INGRESS}, {@link #KIND_HTTP_ROUTE}, {@link #KIND_GRPC_ROUTE} or {@link #KIND_SERVICE}:
     * the kind of the object {@link #ingress()} names.
     */
    public String kind() {
        return kind;
    }

    /** Whether this route comes from a Gateway API HTTPRoute. */
    public boolean isHttpRoute() {
        return kind == KIND_HTTP_ROUTE;
    }

    /** Whether this route comes from a Gateway API route: an HTTPRoute or a GRPCRoute. */
    public boolean isGatewayRoute() {
        return kind == KIND_HTTP_ROUTE || kind == KIND_GRPC_ROUTE;
    }

    /**
     * Whether this route goes to the default backend Service ({@link RouteCompiler#withDefaultBackendService},
     * ingress-nginx's {@code --default-backend-service}): then it is also {@link #isDefaultBackend()}.
     */
    public boolean isDefaultBackendService() {
        return kind == KIND_SERVICE;
    }

    /**
     * How logs, {@code /routes} and problems name where this route comes from: {@code Ingress ns/name},
     * or {@code HTTPRoute ns/name spec.rules[i].matches[j]} (or {@code GRPCRoute ...}), or
     * {@code Service ns/name (default backend)}.
     */
    public String source() {
        if (kind == KIND_SERVICE) {
            return kind + " " + ingress + " (default backend)";
        }
        if (kind != KIND_INGRESS) {
            return kind + " " + ingress + " spec.rules[" + ruleIndex + "]" + (pathIndex < 0 ? "" : ".matches[" + pathIndex + "]");
        }
        return kind + " " + ingress;
    }

    /**
     * What a request must have besides its host and path for this HTTPRoute match to take it
     * (method, headers, query parameters); {@code null} when nothing (every Ingress route).
     */
    public RouteConditions conditions() {
        return conditions;
    }

    /**
     * The routes a request of this route's host and path may go to, in the order they are tried,
     * when some of them have {@link #conditions()}; empty for a route that takes every request
     * {@link RouteTable#match} returns it for. See {@link #select}.
     */
    public List<Route> candidates() {
        return candidates == null ? List.of() : List.of(candidates);
    }

    /** Whether {@link RouteTable#match} returned a choice of routes that {@link #select} must make. */
    public boolean hasCandidates() {
        return candidates != null;
    }

    /**
     * The route that takes a request with this method, headers and query: this route itself when it
     * has no {@link #candidates()}, else the first candidate whose {@link #conditions()} hold, or
     * {@code null} when none does (the proxy answers 404).
     *
     * @param method the request's method
     * @param header a request header's value by name (any case), its fields joined by {@code ","}; null when absent
     * @param rawQuery the request's query as sent, without {@code ?}; null when none
     */
    public Route select(String method, Function<String, String> header, String rawQuery) {
        return select(method, null, header, rawQuery);
    }

    /**
     * The route that takes a request with this method, path, headers and query: this route itself
     * when it has no {@link #candidates()}, else the first candidate whose {@link #conditions()}
     * hold, or {@code null} when none does (the proxy answers 404).
     *
     * @param method the request's method
     * @param path the request's path as matched (a GRPCRoute's match on a method of any service reads it);
     *     null when not known
     * @param header a request header's value by name (any case), its fields joined by {@code ","}; null when absent
     * @param rawQuery the request's query as sent, without {@code ?}; null when none
     */
    public Route select(String method, String path, Function<String, String> header, String rawQuery) {
        if (candidates == null) {
            return this;
        }
        for (Route candidate : candidates) {
            RouteConditions c = candidate.conditions;
            if (c == null || c.matches(method, path, header, rawQuery)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The weighted backends of an HTTPRoute rule with more than one backendRef; {@code null} when
     * {@link #backend()} takes every request.
     */
    public BackendSplit split() {
        return split;
    }

    /** The filters of this HTTPRoute match's rule; {@code null} for none (and every Ingress route). */
    public HttpRouteFilters filters() {
        return filters;
    }

    /**
     * The rule's host (lower case, may be {@code *.foo.com}), or {@code null} for any host; for a
     * default backend, the host it is the fallback of ({@code null}: the rules without host, or the catch-all).
     */
    public String host() {
        return host;
    }

    /**
     * The path as compiled: normalised, or for a regex path ({@link #pathPattern()}) the regex as
     * written; {@code null} for the default backend.
     */
    public String path() {
        return path;
    }

    /** The path type as written in the Ingress; {@code null} for the default backend. */
    public PathType pathType() {
        return pathType;
    }

    /** The index in {@code spec.rules}; -1 for the default backend. */
    public int ruleIndex() {
        return ruleIndex;
    }

    /** The index in the rule's {@code http.paths}; -1 for the default backend. */
    public int pathIndex() {
        return pathIndex;
    }

    /**
     * Whether this is an Ingress's {@code spec.defaultBackend} (or the default backend Service,
     * {@link #isDefaultBackendService()}): the fallback of its {@link #host()} when none of the host's
     * paths matched, or (host {@code null}, {@link RouteTable#defaultRoute()}) the catch-all for hosts
     * without rules.
     */
    public boolean isDefaultBackend() {
        return defaultBackend;
    }

    /**
     * Whether plain-HTTP requests should be redirected to HTTPS: the host is listed in the
     * {@code spec.tls} of a served Ingress and this route's Ingress does not carry
     * {@code nginx.ingress.kubernetes.io/ssl-redirect: "false"} (or {@code jingress.io/ssl-redirect: "false"});
     * or, whatever the host and {@code ssl-redirect}, the Ingress carries {@code force-ssl-redirect: "true"}.
     */
    public boolean sslRedirect() {
        return sslRedirect;
    }

    /** What the Ingress's annotations ask of each request this route takes; {@link RoutePolicy#NONE} if nothing. */
    public RoutePolicy policy() {
        return policy;
    }

    /**
     * The regex this route's path matches by, when its host's paths are regexes ({@code use-regex}
     * or {@code rewrite-target} on any Ingress of the host): {@code ^} and the path as written,
     * case-insensitive, which {@link java.util.regex.Matcher#find()} tries on the normalised request path. Null for
     * a path matched as {@code Exact} or {@code Prefix}, and for the default backend.
     */
    public Pattern pathPattern() {
        return pathPattern;
    }

    /** Where matching requests go (those its {@link #canary()} takes aside). */
    public Backend backend() {
        return backend;
    }

    /**
     * The canary Ingress's backend that takes a share of this route's requests, and the rule that
     * chooses them; null when no canary Ingress ({@code canary: "true"}) names this host and path.
     */
    public Canary canary() {
        return canary;
    }

    @Override
    public String toString() {
        if (defaultBackend) {
            return "Route[" + ingress + " defaultBackend -> " + backend.key() + "]";
        }
        if (regexPaths != null) {
            return "Route[regex host]";
        }
        if (kind != KIND_INGRESS) {
            return "Route[" + source() + " " + (host == null ? "*" : host) + " " + path + " (" + pathType.apiName()
                    + (conditions != null ? ", " + conditions.describe() : "") + ") -> "
                    + (candidates != null ? candidates.length + " candidates" : split != null ? split.describe() : backend.key()) + "]";
        }
        return "Route[" + ingress + " " + (host == null ? "*" : host) + " " + path + " (" + pathType.apiName()
                + (pathPattern != null ? ", regex" : "") + ") -> " + backend.key() + "]";
    }
}
