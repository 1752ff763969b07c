package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.PickContext;
import io.jingress.core.lb.Strategy;

/** Uniformly at random; an ineligible draw moves on to the next eligible endpoint. */
final class RandomBalancer extends BaseBalancer {

    RandomBalancer(Endpoint[] endpoints, EndpointState[] states, BalancerContext context) {
        super(Strategy.RANDOM, endpoints, states, context);
    }

    @Override
    protected int choose(PickContext pickContext, boolean[] skip) {
        return firstEligibleFrom(context.random().nextInt(endpoints.length), pickContext, skip);
    }
}
