package io.jingress.core.lb;

import java.util.Objects;

/**
 * How one backend balances: a {@link Strategy} and, for hashing, a {@link HashKey}; for cookie
 * affinity, the cookie's name.
 *
 * @param strategy the strategy
 * @param hashKey the key for {@link Strategy#RING_HASH} and {@link Strategy#MAGLEV}, else {@code null}
 * @param affinityCookie the cookie for {@link Strategy#COOKIE_AFFINITY}, else {@code null}
 */
public record BalancerPolicy(Strategy strategy, HashKey hashKey, String affinityCookie) {

    /** The default: round robin. */
    public static final BalancerPolicy ROUND_ROBIN = new BalancerPolicy(Strategy.ROUND_ROBIN, null, null);

    /** The cookie name ingress-nginx uses for affinity when none is given. */
    public static final String DEFAULT_AFFINITY_COOKIE = "INGRESSCOOKIE";

    public BalancerPolicy {
        Objects.requireNonNull(strategy, "strategy");
        if ((strategy == Strategy.RING_HASH || strategy == Strategy.MAGLEV) && hashKey == null) {
            throw new IllegalArgumentException(strategy + " needs a hash key");
        }
        if (strategy == Strategy.COOKIE_AFFINITY && affinityCookie == null) {
            affinityCookie = DEFAULT_AFFINITY_COOKIE;
        }
    }

    public static BalancerPolicy of(Strategy strategy) {
        return new BalancerPolicy(strategy, null, null);
    }

    public static BalancerPolicy hashing(Strategy strategy, HashKey key) {
        return new BalancerPolicy(strategy, key, null);
    }

    public static BalancerPolicy cookieAffinity(String cookieName) {
        return new BalancerPolicy(Strategy.COOKIE_AFFINITY, null, cookieName);
    }
}
