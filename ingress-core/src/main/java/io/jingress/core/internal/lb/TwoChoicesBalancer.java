package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.PickContext;
import io.jingress.core.lb.Strategy;

/**
 * Power of two choices: draw two distinct endpoints at random and pick the one with the lower
 * load. Ties go to the first draw, so equal loads still spread at random.
 */
abstract class TwoChoicesBalancer extends BaseBalancer {

    TwoChoicesBalancer(Strategy strategy, Endpoint[] endpoints, EndpointState[] states, BalancerContext context) {
        super(strategy, endpoints, states, context);
    }

    /** The load of endpoint {@code i}; lower is better. */
    protected abstract double load(int i, long now);

    /** The time passed to {@link #load}; only loads that decay read the clock. */
    protected long now() {
        return 0;
    }

    @Override
    protected final int choose(PickContext pickContext, boolean[] skip) {
        int n = endpoints.length;
        if (n == 1) {
            return eligible(0, pickContext, skip) ? 0 : -1;
        }
        int first = context.random().nextInt(n);
        int second = context.random().nextInt(n - 1);
        if (second >= first) {
            second++;
        }
        first = firstEligibleFrom(first, pickContext, skip);
        if (first < 0) {
            return -1;
        }
        second = firstEligibleFrom(second, pickContext, skip);
        if (second == first) {
            second = firstEligibleFrom(first + 1 == n ? 0 : first + 1, pickContext, skip);
        }
        if (second < 0 || second == first) {
            return first;
        }
        long now = now();
        return load(second, now) < load(first, now) ? second : first;
    }
}
