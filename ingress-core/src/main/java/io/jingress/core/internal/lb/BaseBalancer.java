package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.LoadBalancer;
import io.jingress.core.lb.PickContext;
import io.jingress.core.lb.Strategy;
import java.util.List;
import java.util.Objects;

/**
 * What every strategy shares: the endpoint arrays, skipping ejected and excluded endpoints, and the
 * fallback to ejected endpoints when no healthy one is left (panic mode, also for retries).
 */
abstract class BaseBalancer implements LoadBalancer {
    protected final Endpoint[] endpoints;
    protected final EndpointState[] states;
    protected final BalancerContext context;
    private final Strategy strategy;
    private final List<Endpoint> endpointList;
    private volatile EjectionView view = EjectionView.NONE;

    BaseBalancer(Strategy strategy, Endpoint[] endpoints, EndpointState[] states, BalancerContext context) {
        this.strategy = strategy;
        this.endpoints = endpoints;
        this.states = states;
        this.context = context;
        this.endpointList = List.of(endpoints);
    }

    @Override
    public final Endpoint pick(PickContext pickContext) {
        Objects.requireNonNull(pickContext, "context");  // as LoadBalancer#pick names it
        if (endpoints.length == 0) {
            return null;
        }
        boolean[] skip = ejectedToSkip();
        int chosen = choose(pickContext, skip);
        if (chosen < 0 && skip != null) {
            // Only ejected endpoints are left for this request: use them rather than fail it.
            chosen = choose(pickContext, null);
        }
        return chosen < 0 ? null : endpoints[chosen];
    }

    /**
     * The index to pick, or -1 when no endpoint is {@linkplain #eligible eligible}.
     *
     * @param skip ejected endpoints to pass over, or {@code null}
     */
    protected abstract int choose(PickContext pickContext, boolean[] skip);

    protected final boolean eligible(int i, PickContext pickContext, boolean[] skip) {
        return (skip == null || !skip[i]) && !pickContext.excluded(endpoints[i]);
    }

    /** The first eligible index at or after {@code start}, wrapping around, or -1. */
    protected final int firstEligibleFrom(int start, PickContext pickContext, boolean[] skip) {
        int n = endpoints.length;
        for (int k = 0; k < n; k++) {
            int i = start + k;
            if (i >= n) {
                i -= n;
            }
            if (eligible(i, pickContext, skip)) {
                return i;
            }
        }
        return -1;
    }

    private boolean[] ejectedToSkip() {
        if (!context.health().enabled()) {
            return null;
        }
        EjectionView current = view;
        long epoch = context.ejectionEpoch().get();
        if (current.epoch == epoch
                && (current.validUntil == Long.MAX_VALUE || context.nanoClock().getAsLong() - current.validUntil < 0)) {
            return current.skip;
        }
        current = EjectionView.compute(epoch, context.nanoClock().getAsLong(), states,
                context.health().maxEjectionPercent());
        view = current;
        return current.skip;
    }

    @Override
    public final Strategy strategy() {
        return strategy;
    }

    @Override
    public final List<Endpoint> endpoints() {
        return endpointList;
    }

    @Override
    public String toString() {
        return strategy + endpointList.toString();
    }
}
