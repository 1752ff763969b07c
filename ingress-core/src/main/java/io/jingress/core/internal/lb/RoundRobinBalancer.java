package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.PickContext;
import io.jingress.core.lb.Strategy;
import java.util.concurrent.atomic.AtomicLong;

/** Each endpoint in turn; one atomic increment per pick keeps the counts exact under concurrency. */
final class RoundRobinBalancer extends BaseBalancer {
    private final AtomicLong position;

    RoundRobinBalancer(Endpoint[] endpoints, EndpointState[] states, BalancerContext context, AtomicLong position) {
        super(Strategy.ROUND_ROBIN, endpoints, states, context);
        this.position = position;
    }

    @Override
    protected int choose(PickContext pickContext, boolean[] skip) {
        int start = (int) Long.remainderUnsigned(position.getAndIncrement(), endpoints.length);
        return firstEligibleFrom(start, pickContext, skip);
    }
}
