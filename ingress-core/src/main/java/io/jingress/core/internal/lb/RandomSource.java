package io.jingress.core.internal.lb;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free, seedable source of random indexes (SplitMix64 over one atomic counter): every
 * call is a single atomic add, allocates nothing, and a fixed seed makes tests repeatable.
 */
public final class RandomSource {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private final AtomicLong state;

    public RandomSource(long seed) {
        this.state = new AtomicLong(seed);
    }

    /** A uniformly distributed long. */
    public long nextLong() {
        long z = state.addAndGet(GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniformly distributed int in {@code [0, bound)}; {@code bound > 0}. */
    public int nextInt(int bound) {
        long z = state.addAndGet(GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        // Multiply-shift maps 32 random bits onto [0, bound) with negligible bias for small bounds.
        return (int) (((z >>> 32) * bound) >>> 32);
    }
}
