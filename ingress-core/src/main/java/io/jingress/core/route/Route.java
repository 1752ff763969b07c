package io.jingress.core.route;

import io.jingress.core.model.PathType;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One served path of one Ingress rule (or an Ingress's default backend), as compiled into a
 * {@link RouteTable}. Immutable.
 */
public final class Route implements MatchResult {
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

    Route(String ingress, String host, String path, PathType pathType, int ruleIndex, int pathIndex,
            boolean defaultBackend, boolean sslRedirect, RoutePolicy policy, Backend backend) {
        this(ingress, host, path, pathType, ruleIndex, pathIndex, defaultBackend, sslRedirect, policy, backend, null, null);
    }

    Route(String ingress, String host, String path, PathType pathType, int ruleIndex, int pathIndex,
            boolean defaultBackend, boolean sslRedirect, RoutePolicy policy, Backend backend, Pattern pathPattern,
            Canary canary) {
        this.pathPattern = pathPattern;
        this.regexPaths = null;
        this.ingress = Objects.requireNonNull(ingress, "ingress");
        this.host = host;
        this.path = path;
        this.pathType = pathType;
        this.ruleIndex = ruleIndex;
        this.pathIndex = pathIndex;
        this.defaultBackend = defaultBackend;
        this.sslRedirect = sslRedirect;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.canary = canary;
    }

    // the value a regex host's Prefix "/" holds in the index: it sends the match to the host's regexes
    private Route(RegexPaths regexPaths) {
        this.ingress = "";
        this.host = null;
        this.path = null;
        this.pathType = null;
        this.ruleIndex = -1;
        this.pathIndex = -1;
        this.defaultBackend = false;
        this.sslRedirect = false;
        this.policy = RoutePolicy.NONE;
        this.backend = null;
        this.pathPattern = null;
        this.regexPaths = regexPaths;
        this.canary = null;
    }

    static Route marker(RegexPaths regexPaths) {
        return new Route(Objects.requireNonNull(regexPaths, "regexPaths"));
    }

    /** The regexes of the host this marker stands for; null for every route a match returns. */
    RegexPaths regexPaths() {
        return regexPaths;
    }

    /** The Ingress this route comes from, as {@code namespace/name}. */
    public String ingress() {
        return ingress;
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
     * Whether this is an Ingress's {@code spec.defaultBackend}: the fallback of its {@link #host()}
     * when none of the host's paths matched, or (host {@code null}, {@link RouteTable#defaultRoute()})
     * the catch-all for hosts without rules.
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
        return "Route[" + ingress + " " + (host == null ? "*" : host) + " " + path + " (" + pathType.apiName()
                + (pathPattern != null ? ", regex" : "") + ") -> " + backend.key() + "]";
    }
}
