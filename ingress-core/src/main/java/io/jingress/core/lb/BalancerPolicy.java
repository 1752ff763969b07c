package io.jingress.core.lb;

import io.jingress.core.internal.lb.AnnotationPolicy;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one backend balances: a {@link Strategy} and, for hashing, a {@link HashKey}; for cookie
 * affinity, the cookie's name.
 *
 * <pre>{@code
 * BalancerPolicy policy = BalancerPolicy.fromAnnotations(ingress.annotations());
 * List<String> problems = BalancerPolicy.problemsIn(ingress.annotations()); // report these
 * }</pre>
 *
 * @param strategy the strategy
 * @param hashKey the key for {@link Strategy#RING_HASH} and {@link Strategy#MAGLEV}, else {@code null}
 * @param affinityCookie the cookie for {@link Strategy#COOKIE_AFFINITY}, else {@code null}
 * @param balancedAffinity for {@link Strategy#COOKIE_AFFINITY}: ingress-nginx's
 *     {@code affinity-mode: balanced} (the cookie holds a session key placed on the endpoints by
 *     consistent hashing, so sessions are rebalanced when endpoints come and go) rather than
 *     {@code persistent} (the cookie names its endpoint for as long as that endpoint is there)
 */
public record BalancerPolicy(Strategy strategy, HashKey hashKey, String affinityCookie, boolean balancedAffinity) {

    /** The default: round robin. */
    public static final BalancerPolicy ROUND_ROBIN = new BalancerPolicy(Strategy.ROUND_ROBIN, null, null);

    /** The cookie name ingress-nginx uses for affinity when none is given. */
    public static final String DEFAULT_AFFINITY_COOKIE = "INGRESSCOOKIE";

    /**
     * @throws IllegalArgumentException when a hashing strategy has no {@code hashKey}, another has
     *     one, or a strategy other than {@link Strategy#COOKIE_AFFINITY} has an {@code affinityCookie}
     */
    public BalancerPolicy {
        Objects.requireNonNull(strategy, "strategy");
        boolean hashing = strategy == Strategy.RING_HASH || strategy == Strategy.MAGLEV;
        if (hashing && hashKey == null) {
            throw new IllegalArgumentException(strategy + " needs a hash key");
        }
        if (!hashing && hashKey != null) {
            throw new IllegalArgumentException("hashKey is only for RING_HASH and MAGLEV; " + strategy
                    + " would ignore it");
        }
        if (strategy == Strategy.COOKIE_AFFINITY && affinityCookie == null) {
            affinityCookie = DEFAULT_AFFINITY_COOKIE;
        }
        if (strategy != Strategy.COOKIE_AFFINITY && affinityCookie != null) {
            throw new IllegalArgumentException("affinityCookie is only for COOKIE_AFFINITY; " + strategy
                    + " would ignore it");
        }
        if (strategy != Strategy.COOKIE_AFFINITY && balancedAffinity) {
            throw new IllegalArgumentException("balancedAffinity is only for COOKIE_AFFINITY; " + strategy
                    + " would ignore it");
        }
    }

    /** A policy without balanced affinity. */
    public BalancerPolicy(Strategy strategy, HashKey hashKey, String affinityCookie) {
        this(strategy, hashKey, affinityCookie, false);
    }

    public static BalancerPolicy of(Strategy strategy) {
        return new BalancerPolicy(strategy, null, null);
    }

    /**
     * A consistent-hashing policy.
     *
     * @param strategy {@link Strategy#RING_HASH} or {@link Strategy#MAGLEV}
     * @param key what to hash
     * @throws IllegalArgumentException when {@code strategy} is not a hashing one
     */
    public static BalancerPolicy hashing(Strategy strategy, HashKey key) {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(key, "key");
        if (strategy != Strategy.RING_HASH && strategy != Strategy.MAGLEV) {
            throw new IllegalArgumentException("strategy must be RING_HASH or MAGLEV to hash, got " + strategy);
        }
        return new BalancerPolicy(strategy, key, null);
    }

    /** Cookie affinity, {@code persistent}: the cookie names its endpoint. */
    public static BalancerPolicy cookieAffinity(String cookieName) {
        return new BalancerPolicy(Strategy.COOKIE_AFFINITY, null, cookieName);
    }

    /**
     * Cookie affinity, {@code balanced} when asked: the cookie holds a session key that consistent
     * hashing places on the endpoints there are.
     */
    public static BalancerPolicy cookieAffinity(String cookieName, boolean balanced) {
        return new BalancerPolicy(Strategy.COOKIE_AFFINITY, null, cookieName, balanced);
    }

    /**
     * The policy an Ingress's annotations ask for; round robin when they ask for none or for one not
     * understood (see {@link #problemsIn}). Read, in this order of precedence:
     * <ul>
     * <li>{@code jingress.io/load-balance}: {@code round_robin}, {@code weighted_round_robin},
     *     {@code random}, {@code least_request}, {@code peak_ewma}, {@code ring_hash}, {@code maglev}
     *     (both hash by {@code jingress.io/hash-by}, else by ingress-nginx's {@code upstream-hash-by}),
     *     {@code cookie}; {@code jingress.io/hash-by} alone means ring hash;</li>
     * <li>{@code nginx.ingress.kubernetes.io/affinity: cookie}, with
     *     {@code nginx.ingress.kubernetes.io/session-cookie-name} (default {@value #DEFAULT_AFFINITY_COOKIE})
     *     and {@code affinity-mode} ({@code jingress.io/} over {@code nginx.ingress.kubernetes.io/}):
     *     {@code balanced}, else persistent;</li>
     * <li>{@code nginx.ingress.kubernetes.io/upstream-hash-by}: ring hash, as ingress-nginx hashes
     *     consistently;</li>
     * <li>{@code nginx.ingress.kubernetes.io/load-balance}: {@code round_robin}, {@code ewma} (peak EWMA).</li>
     * </ul>
     * A hash key is written as in nginx: {@code $remote_addr}, {@code $binary_remote_addr} (the
     * client address), {@code $request_uri}, {@code $uri} (the URI), {@code $http_x_user} (header
     * {@code x-user}), {@code $cookie_NAME}.
     */
    public static BalancerPolicy fromAnnotations(Map<String, String> annotations) {
        return AnnotationPolicy.parse(Objects.requireNonNull(annotations, "annotations")).policy();
    }

    /**
     * What {@link #fromAnnotations} could not understand, one readable sentence per problem naming
     * the annotation and its value, e.g. {@code jingress.io/load-balance: "fastest" is not one of
     * ...; using round robin}. Empty when all is well.
     */
    public static List<String> problemsIn(Map<String, String> annotations) {
        return AnnotationPolicy.parse(Objects.requireNonNull(annotations, "annotations")).problems();
    }
}
