package io.jingress.core.lb;

import java.util.List;

/**
 * Picks an endpoint of one backend for one request. Thread-safe and lock-free; instances are made
 * by {@link Balancers#balancer}.
 */
public interface LoadBalancer {

    /**
     * Picks an endpoint, or returns {@code null} when there is none to pick (no endpoints, or all
     * {@linkplain PickContext#excluded excluded}). Ejected endpoints are skipped unless every
     * endpoint is ejected (panic mode: then all receive traffic).
     */
    Endpoint pick(PickContext context);

    /** The strategy this balancer implements. */
    Strategy strategy();

    /** The endpoints it picks from. */
    List<Endpoint> endpoints();
}
