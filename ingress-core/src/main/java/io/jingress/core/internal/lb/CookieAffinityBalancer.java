package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.PickContext;
import io.jingress.core.lb.Strategy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cookie session affinity: the cookie's value names an endpoint by an opaque, stable token (hex of
 * a hash of its id, so the Pod's address is not shown to clients and the token stays valid across
 * restarts and table swaps). A client without a valid cookie, or whose endpoint is gone, ejected or
 * already tried, is assigned round robin and told its new cookie.
 */
final class CookieAffinityBalancer extends BaseBalancer {
    private static final long COOKIE_SEED = 0x636f6f6b6965L;

    private final String cookieName;
    private final String[] tokens;
    private final Map<String, Integer> byToken;
    private final AtomicLong position;

    CookieAffinityBalancer(String cookieName, Endpoint[] endpoints, EndpointState[] states, BalancerContext context,
            AtomicLong position) {
        super(Strategy.COOKIE_AFFINITY, endpoints, states, context);
        this.cookieName = cookieName;
        this.position = position;
        this.tokens = new String[endpoints.length];
        this.byToken = new HashMap<>();
        for (int i = 0; i < endpoints.length; i++) {
            tokens[i] = token(endpoints[i]);
            byToken.put(tokens[i], i);
        }
    }

    /** The cookie value that names {@code endpoint}. */
    static String token(Endpoint endpoint) {
        return String.format("%016x", XxHash64.hash(endpoint.id(), COOKIE_SEED));
    }

    @Override
    public boolean affinitized(PickContext pickContext) {
        String value = pickContext.cookie(cookieName);
        return value != null && byToken.containsKey(value);
    }

    @Override
    protected int choose(PickContext pickContext, boolean[] skip) {
        String value = pickContext.cookie(cookieName);
        if (value != null) {
            Integer known = byToken.get(value);
            if (known != null && eligible(known, pickContext, skip)) {
                return known;
            }
        }
        int start = (int) Long.remainderUnsigned(position.getAndIncrement(), endpoints.length);
        int chosen = firstEligibleFrom(start, pickContext, skip);
        if (chosen >= 0) {
            pickContext.setAffinityCookie(cookieName, tokens[chosen]);
        }
        return chosen;
    }

    @Override
    public String affinityMode() {
        return "persistent";
    }

    @Override
    public String affinityCookie() {
        return cookieName;
    }
}
