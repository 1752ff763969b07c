package io.jingress.core.lb;

import java.util.List;

/**
 * Picks an endpoint of one backend for one request. Thread-safe and lock-free; instances are made
 * by {@link Balancers#balancer}.
 */
public interface LoadBalancer {

    /**
     * Picks an endpoint, or returns {@code null} when there is none to pick (no endpoints, or all
     * {@linkplain PickContext#excluded excluded}). Ejected endpoints are skipped, at most
     * {@link PassiveHealth#maxEjectionPercent()} of this balancer's endpoints (the first ejected
     * ones in its order; further ejections are ignored here). When every endpoint is ejected, or a
     * retry has only ejected endpoints left, ejected endpoints are picked (panic mode).
     * Allocates nothing, takes no lock.
     *
     * @param context the request's view for hashing, affinity and exclusion; {@link PickContext#NONE}
     *     when there is no request to consult; never {@code null}
     */
    Endpoint pick(PickContext context);

    /**
     * Whether the request's affinity cookie names a session of this backend (cookie affinity only;
     * false for every other strategy). A route with a canary asks it of both its backends to keep a
     * client where it was ({@code affinity-canary-behavior: sticky}). Allocates nothing.
     */
    default boolean affinitized(PickContext context) {
        return false;
    }

    /** The strategy this balancer implements. */
    Strategy strategy();

    /**
     * For cookie affinity, {@code "persistent"} or {@code "balanced"} (the {@code affinity-mode});
     * null for every other strategy.
     */
    default String affinityMode() {
        return null;
    }

    /** For cookie affinity, the cookie's name; null for every other strategy. */
    default String affinityCookie() {
        return null;
    }

    /** The endpoints it picks from. */
    List<Endpoint> endpoints();
}
