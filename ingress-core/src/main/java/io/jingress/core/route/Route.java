package io.jingress.core.route;

import io.jingress.core.model.PathType;

import java.util.Objects;

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

    Route(String ingress, String host, String path, PathType pathType, int ruleIndex, int pathIndex,
            boolean defaultBackend, boolean sslRedirect, RoutePolicy policy, Backend backend) {
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

    /** The path as compiled (normalised); {@code null} for the default backend. */
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
     * {@code nginx.ingress.kubernetes.io/ssl-redirect: "false"} (or {@code jingress.io/ssl-redirect: "false"}).
     */
    public boolean sslRedirect() {
        return sslRedirect;
    }

    /** What the Ingress's annotations ask of each request this route takes; {@link RoutePolicy#NONE} if nothing. */
    public RoutePolicy policy() {
        return policy;
    }

    /** Where matching requests go. */
    public Backend backend() {
        return backend;
    }

    @Override
    public String toString() {
        if (defaultBackend) {
            return "Route[" + ingress + " defaultBackend -> " + backend.key() + "]";
        }
        return "Route[" + ingress + " " + (host == null ? "*" : host) + " " + path + " (" + pathType.apiName()
                + ") -> " + backend.key() + "]";
    }
}
