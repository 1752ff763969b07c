package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.PickContext;
import io.jingress.core.lb.Strategy;
import java.util.concurrent.atomic.AtomicLong;

/**
 * nginx's smooth weighted round robin. With fixed weights the algorithm is periodic (its period is
 * the sum of the weights), so the whole cycle is computed once at construction and a pick is one
 * atomic increment into it: lock-free, and exactly nginx's order (weights {5,1,1} give
 * a a b a c a a).
 */
final class SmoothWeightedBalancer extends BaseBalancer {
    /** Longest cycle kept; larger weight sums are divided by their gcd, then scaled down. */
    static final int MAX_CYCLE = 1 << 16;

    private final int[] cycle;
    private final AtomicLong position;

    SmoothWeightedBalancer(Endpoint[] endpoints, EndpointState[] states, BalancerContext context, AtomicLong position) {
        super(Strategy.WEIGHTED_ROUND_ROBIN, endpoints, states, context);
        this.position = position;
        this.cycle = cycle(weights(endpoints));
    }

    private static int[] weights(Endpoint[] endpoints) {
        int[] weights = new int[endpoints.length];
        long total = 0;
        int gcd = 0;
        for (int i = 0; i < endpoints.length; i++) {
            weights[i] = endpoints[i].weight();
            total += weights[i];
            gcd = gcd(gcd, weights[i]);
        }
        if (total > MAX_CYCLE && gcd > 1) {
            total = 0;
            for (int i = 0; i < weights.length; i++) {
                weights[i] /= gcd;
                total += weights[i];
            }
        }
        if (total > MAX_CYCLE) {
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (int) Math.max(1, (long) weights[i] * MAX_CYCLE / total);
            }
        }
        return weights;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** nginx's ngx_http_upstream_get_peer, run for one full period. */
    static int[] cycle(int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int[] cycle = new int[total];
        long[] current = new long[weights.length];
        for (int step = 0; step < total; step++) {
            int best = -1;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            cycle[step] = best;
        }
        return cycle;
    }

    @Override
    protected int choose(PickContext pickContext, boolean[] skip) {
        long step = position.getAndIncrement();
        int i = cycle[(int) Long.remainderUnsigned(step, cycle.length)];
        if (eligible(i, pickContext, skip)) {
            return i;
        }
        // Hand the turn of an excluded or ejected endpoint to the others in plain rotation, so that
        // ejecting a heavy endpoint does not pile its share onto its neighbour in the cycle.
        return firstEligibleFrom((int) Long.remainderUnsigned(step, endpoints.length), pickContext, skip);
    }
}
