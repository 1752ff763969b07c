package io.jingress.core.internal.lb;

import io.jingress.core.lb.BalancerPolicy;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.LoadBalancer;
import java.util.concurrent.atomic.AtomicLong;

/** Makes the balancer a {@link BalancerPolicy} asks for. */
public final class BalancerFactory {

    private BalancerFactory() {
    }

    /**
     * @param states {@code states[i]} is the live state of {@code endpoints[i]}
     * @param position the backend's round-robin position, kept across rebuilds of its balancer
     * @param backendKey the backend's key, which a balanced affinity cookie names
     */
    public static LoadBalancer create(String backendKey, BalancerPolicy policy, Endpoint[] endpoints, EndpointState[] states,
            BalancerContext context, AtomicLong position) {
        switch (policy.strategy()) {
            case WEIGHTED_ROUND_ROBIN:
                return new SmoothWeightedBalancer(endpoints, states, context, position);
            case RANDOM:
                return new RandomBalancer(endpoints, states, context);
            case LEAST_REQUEST:
                return new LeastRequestBalancer(endpoints, states, context);
            case PEAK_EWMA:
                return new PeakEwmaBalancer(endpoints, states, context);
            case RING_HASH:
                return new RingHashBalancer(policy.hashKey(), endpoints, states, context);
            case MAGLEV:
                return new MaglevBalancer(policy.hashKey(), endpoints, states, context);
            case COOKIE_AFFINITY:
                return policy.balancedAffinity()
                        ? new BalancedCookieBalancer(policy.affinityCookie(), backendKey, endpoints, states, context)
                        : new CookieAffinityBalancer(policy.affinityCookie(), endpoints, states, context, position);
            case ROUND_ROBIN:
            default:
                return new RoundRobinBalancer(endpoints, states, context, position);
        }
    }
}
