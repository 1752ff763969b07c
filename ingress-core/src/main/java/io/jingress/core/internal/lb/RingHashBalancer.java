package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.HashKey;
import io.jingress.core.lb.PickContext;
import io.jingress.core.lb.Strategy;
import java.util.Arrays;

/**
 * Ketama consistent hashing: each endpoint puts {@value #POINTS_PER_WEIGHT} points per unit of
 * weight on a 64-bit ring (xxHash64 of its id, seeded with the point number); a key belongs to the
 * first point at or after its hash. When an endpoint leaves, only its keys move.
 *
 * <p>The ring is one sorted {@code long[]}: the high bits of each point are its hash and the low
 * {@value #OWNER_BITS} bits the owner's index, so a lookup is one binary search with no objects.
 */
final class RingHashBalancer extends HashingBalancer {
    static final int POINTS_PER_WEIGHT = 160;
    /** At most 2 MB of ring per backend; beyond it, fewer points per unit of weight. */
    static final int MAX_POINTS = 1 << 18;
    private static final int OWNER_BITS = 20;
    static final long OWNER_MASK = (1L << OWNER_BITS) - 1;

    private final long[] ring;

    RingHashBalancer(HashKey hashKey, Endpoint[] endpoints, EndpointState[] states, BalancerContext context) {
        super(Strategy.RING_HASH, hashKey, endpoints, states, context);
        if (endpoints.length > OWNER_MASK) {
            throw new IllegalArgumentException("ring hash supports at most " + OWNER_MASK + " endpoints");
        }
        this.ring = build(endpoints, POINTS_PER_WEIGHT);
    }

    /** The sorted ring of {@code endpoints}: each point's high bits its position, its low bits the owner's index. */
    static long[] build(Endpoint[] endpoints, int pointsPerWeight) {
        long totalWeight = 0;
        for (Endpoint endpoint : endpoints) {
            totalWeight += endpoint.weight();
        }
        int perWeight = (int) Math.max(1, Math.min(pointsPerWeight, MAX_POINTS / Math.max(1, totalWeight)));
        long[] points = new long[(int) (totalWeight * perWeight)];
        int p = 0;
        for (int i = 0; i < endpoints.length; i++) {
            int count = endpoints[i].weight() * perWeight;
            for (int j = 0; j < count; j++) {
                points[p++] = (XxHash64.hash(endpoints[i].id(), j) & ~OWNER_MASK) | i;
            }
        }
        Arrays.sort(points);
        return points;
    }

    @Override
    protected int lookup(long hash, PickContext pickContext, boolean[] skip) {
        int at = Arrays.binarySearch(ring, hash & ~OWNER_MASK);
        if (at < 0) {
            at = -at - 1;
        }
        int length = ring.length;
        for (int k = 0; k < length; k++) {
            int slot = at + k;
            if (slot >= length) {
                slot -= length;
            }
            int owner = (int) (ring[slot] & OWNER_MASK);
            if (eligible(owner, pickContext, skip)) {
                return owner;
            }
        }
        return -1;
    }
}
