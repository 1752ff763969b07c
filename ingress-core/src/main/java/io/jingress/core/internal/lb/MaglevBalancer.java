package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.HashKey;
import io.jingress.core.lb.PickContext;
import io.jingress.core.lb.Strategy;
import java.util.Arrays;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): a lookup table of {@value #TABLE_SIZE}
 * (a prime) entries filled from each endpoint's permutation {@code (offset + j * skip) mod M}, the
 * endpoints taking turns; an endpoint of weight w takes w entries per turn. A key maps to
 * {@code table[hash mod M]}; an ineligible owner passes the key on to the next slots.
 */
final class MaglevBalancer extends HashingBalancer {
    static final int TABLE_SIZE = 65537;
    private static final long OFFSET_SEED = 0x6d61676c6576L;
    private static final long SKIP_SEED = 0x736b6970L;

    private final int[] table;

    MaglevBalancer(HashKey hashKey, Endpoint[] endpoints, EndpointState[] states, BalancerContext context) {
        super(Strategy.MAGLEV, hashKey, endpoints, states, context);
        this.table = endpoints.length == 0 ? new int[0] : build(endpoints);
    }

    static int[] build(Endpoint[] endpoints) {
        int n = endpoints.length;
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        for (int i = 0; i < n; i++) {
            String id = endpoints[i].id();
            offset[i] = Long.remainderUnsigned(XxHash64.hash(id, OFFSET_SEED), TABLE_SIZE);
            skip[i] = Long.remainderUnsigned(XxHash64.hash(id, SKIP_SEED), TABLE_SIZE - 1) + 1;
        }
        int[] table = new int[TABLE_SIZE];
        Arrays.fill(table, -1);
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                for (int w = endpoints[i].weight(); w > 0; w--) {
                    int slot = (int) ((offset[i] + next[i] * skip[i]) % TABLE_SIZE);
                    while (table[slot] >= 0) {
                        next[i]++;
                        slot = (int) ((offset[i] + next[i] * skip[i]) % TABLE_SIZE);
                    }
                    table[slot] = i;
                    next[i]++;
                    if (++filled == TABLE_SIZE) {
                        return table;
                    }
                }
            }
        }
    }

    @Override
    protected int lookup(long hash, PickContext pickContext, boolean[] skip) {
        int start = (int) Long.remainderUnsigned(hash, TABLE_SIZE);
        for (int k = 0; k < TABLE_SIZE; k++) {
            int slot = start + k;
            if (slot >= TABLE_SIZE) {
                slot -= TABLE_SIZE;
            }
            int owner = table[slot];
            if (eligible(owner, pickContext, skip)) {
                return owner;
            }
        }
        return -1;
    }
}
