package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.Strategy;

/**
 * Finagle's and Linkerd's peak EWMA: the lower of latency-average times (in-flight + 1), between
 * two random endpoints. See {@link EndpointState#peakEwmaCost}.
 */
final class PeakEwmaBalancer extends TwoChoicesBalancer {

    PeakEwmaBalancer(Endpoint[] endpoints, EndpointState[] states, BalancerContext context) {
        super(Strategy.PEAK_EWMA, endpoints, states, context);
    }

    @Override
    protected long now() {
        return context.nanoClock().getAsLong();
    }

    @Override
    protected double load(int i, long now) {
        return states[i].peakEwmaCost(now);
    }
}
