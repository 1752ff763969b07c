package io.jingress.jetty.internal.admin;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Upstream latencies of one service in Prometheus-style buckets. Each observation adds to exactly
 * one bucket (so recording stays one compare loop and one add); the cumulative counts Prometheus
 * expects are summed up at scrape time.
 */
final class LatencyHistogram {
    /** Upper bounds in seconds as written in the {@code le} label; the last bucket is {@code +Inf}. */
    static final String[] BUCKET_LABELS = {
        "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"
    };
    private static final long[] BOUNDS_NANOS = {
        micros(5_000), micros(10_000), micros(25_000), micros(50_000), micros(100_000), micros(250_000),
        micros(500_000), micros(1_000_000), micros(2_500_000), micros(5_000_000), micros(10_000_000)
    };

    private final LongAdder[] buckets = new LongAdder[BUCKET_LABELS.length];
    private final LongAdder sumNanos = new LongAdder();

    LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    private static long micros(long micros) {
        return TimeUnit.MICROSECONDS.toNanos(micros);
    }

    void observe(long nanos) {
        long value = Math.max(0, nanos);
        int bucket = 0;
        while (bucket < BOUNDS_NANOS.length && value > BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        buckets[bucket].increment();
        sumNanos.add(value);
    }

    /**
     * A consistent-enough view for one scrape: the counts are cumulative and the count equals the
     * {@code +Inf} bucket, even while requests are being recorded.
     */
    Snapshot snapshot() {
        long[] cumulative = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i].sum();
            cumulative[i] = running;
        }
        return new Snapshot(cumulative, running, sumNanos.sum() / 1e9);
    }

    record Snapshot(long[] cumulativeCounts, long count, double sumSeconds) {
    }
}
