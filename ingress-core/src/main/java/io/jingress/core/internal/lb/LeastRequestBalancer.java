package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.Strategy;

/** Fewer requests in flight wins, between two random endpoints. */
final class LeastRequestBalancer extends TwoChoicesBalancer {

    LeastRequestBalancer(Endpoint[] endpoints, EndpointState[] states, BalancerContext context) {
        super(Strategy.LEAST_REQUEST, endpoints, states, context);
    }

    @Override
    protected double load(int i, long now) {
        return states[i].inFlight();
    }
}
