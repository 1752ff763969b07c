package io.jingress.core.internal.route;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Says whether an event of a key (a route, a canary) should be logged now: at most once per gap
 * per key, so that a client repeating a costly request cannot flood the log. Called only on the
 * slow path of an event worth a WARN. Thread-safe. Not public API.
 *
 * <pre>{@code
 * if (GATE.open(route.ingress() + " " + route.path())) {
 *     LOG.warn(...);
 * }
 * }</pre>
 */
public final class ReportGate {
    /** A minute, the gap of {@link #everyMinute()}. */
    public static final long MINUTE_NANOS = 60_000_000_000L;
    private static final int MAX_KEYS = 4096;  // past this many keys all are forgotten: a flood of keys logs again, no more

    private final long gapNanos;
    private final LongSupplier nanos;
    private final ConcurrentHashMap<String, Long> lastOpened = new ConcurrentHashMap<>();

    private ReportGate(long gapNanos, LongSupplier nanos) {
        this.gapNanos = gapNanos;
        this.nanos = nanos;
    }

    /** A gate that opens at most once a minute per key, on {@link System#nanoTime()}. */
    public static ReportGate everyMinute() {
        return new ReportGate(MINUTE_NANOS, System::nanoTime);
    }

    /** A gate that opens at most once per {@code gapNanos} per key, on the clock {@code nanos}. */
    public static ReportGate every(long gapNanos, LongSupplier nanos) {
        return new ReportGate(gapNanos, Objects.requireNonNull(nanos, "nanos"));
    }

    /** True when {@code key} was not let through in the last gap (and it is let through now). */
    public boolean open(String key) {
        long now = nanos.getAsLong();
        if (lastOpened.size() >= MAX_KEYS) {
            lastOpened.clear();
        }
        boolean[] opened = {false};
        lastOpened.compute(key, (k, then) -> {
            if (then != null && now - then < gapNanos) {
                return then;
            }
            opened[0] = true;
            return now;
        });
        return opened[0];
    }
}
