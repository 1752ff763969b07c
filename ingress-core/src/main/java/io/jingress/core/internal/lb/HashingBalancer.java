package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.HashKey;
import io.jingress.core.lb.PickContext;
import io.jingress.core.lb.Strategy;

/** Consistent hashing of a request key; a request without the key is picked at random. */
abstract class HashingBalancer extends BaseBalancer {
    private final HashKey hashKey;

    HashingBalancer(Strategy strategy, HashKey hashKey, Endpoint[] endpoints, EndpointState[] states,
            BalancerContext context) {
        super(strategy, endpoints, states, context);
        this.hashKey = hashKey;
    }

    /** The eligible endpoint that owns {@code hash}, or -1. */
    protected abstract int lookup(long hash, PickContext pickContext, boolean[] skip);

    @Override
    protected final int choose(PickContext pickContext, boolean[] skip) {
        String key = hashKey.extract(pickContext);
        if (key == null || key.isEmpty()) {
            return firstEligibleFrom(context.random().nextInt(endpoints.length), pickContext, skip);
        }
        return lookup(XxHash64.hash(key, 0), pickContext, skip);
    }
}
