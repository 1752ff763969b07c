package io.jingress.core.internal.lb;

import io.jingress.core.lb.PassiveHealth;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The live state of one endpoint: counters, passive health (outlier ejection) and peak EWMA
 * latency. Lock-free: every field is an atomic, and the only loop is a CAS retry.
 *
 * <p>Peak EWMA follows Finagle's {@code PeakEwma}: a latency above the current average replaces it
 * at once; otherwise the average decays towards the new sample with weight
 * {@code exp(-elapsed / 10 s)}. Only successful requests are sampled, so that an endpoint failing
 * fast does not look fast.
 */
public final class EndpointState {
    /** Finagle's decay time. */
    public static final long DECAY_NANOS = 10_000_000_000L;
    /** Finagle's cost for an endpoint with requests in flight and no latency sample yet. */
    public static final double PENALTY = (double) (Long.MAX_VALUE >> 16);
    private static final long NOT_EJECTED = Long.MIN_VALUE;
    private static final long UNSAMPLED = Double.doubleToRawLongBits(-1.0);

    private final LongSupplier nanoClock;
    private final PassiveHealth health;
    private final AtomicLong ejectionEpoch;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger ejections = new AtomicInteger();
    private final AtomicLong ejectedUntil = new AtomicLong(NOT_EJECTED);
    private final AtomicLong ewmaBits = new AtomicLong(UNSAMPLED);
    private volatile long ewmaStamp;

    /**
     * @param ejectionEpoch shared by every endpoint of one registry, bumped on each ejection so that
     *     balancers know to recompute which endpoints they skip
     */
    public EndpointState(LongSupplier nanoClock, PassiveHealth health, AtomicLong ejectionEpoch) {
        this.nanoClock = nanoClock;
        this.health = health;
        this.ejectionEpoch = ejectionEpoch;
    }

    public long now() {
        return nanoClock.getAsLong();
    }

    public long onStart() {
        inFlight.incrementAndGet();
        requests.incrementAndGet();
        return nanoClock.getAsLong();
    }

    public void onEnd(long startNanos, boolean success) {
        inFlight.decrementAndGet();
        long now = nanoClock.getAsLong();
        if (success) {
            consecutiveFailures.set(0);
            observe(Math.max(0, now - startNanos), now);
            return;
        }
        failures.incrementAndGet();
        int consecutive = consecutiveFailures.incrementAndGet();
        if (health.enabled() && consecutive >= health.consecutiveFailures()) {
            eject(now);
        }
    }

    /** A request the client gave up on: only no longer in flight. */
    public void onCancel() {
        inFlight.decrementAndGet();
    }

    private void eject(long now) {
        long until = ejectedUntil.get();
        if (isEjectedAt(until, now)) {
            return;
        }
        int count = ejections.get() + 1;
        long newUntil = now + ejectionNanos(count);
        // One failing thread wins the ejection; the others saw it already happen.
        if (ejectedUntil.compareAndSet(until, newUntil)) {
            ejections.incrementAndGet();
            consecutiveFailures.set(0);
            ejectionEpoch.incrementAndGet();
        }
    }

    private long ejectionNanos(int count) {
        long base = health.baseEjection().toNanos();
        long max = health.maxEjection().toNanos();
        if (base <= 0) {
            return 0;
        }
        return count > max / base ? max : Math.min(max, base * count);
    }

    private static boolean isEjectedAt(long until, long now) {
        return until != NOT_EJECTED && now - until < 0;
    }

    public boolean isEjected(long now) {
        return isEjectedAt(ejectedUntil.get(), now);
    }

    /** When the current ejection ends, meaningful only while {@link #isEjected} is true. */
    public long ejectedUntil() {
        return ejectedUntil.get();
    }

    private void observe(long rttNanos, long now) {
        double rtt = rttNanos;
        while (true) {
            long bits = ewmaBits.get();
            double previous = Double.longBitsToDouble(bits);
            double next;
            if (previous < 0 || rtt > previous) {
                next = rtt;
            } else {
                double w = Math.exp(-Math.max(0, now - ewmaStamp) / (double) DECAY_NANOS);
                next = previous * w + rtt * (1 - w);
            }
            if (ewmaBits.compareAndSet(bits, Double.doubleToRawLongBits(next))) {
                ewmaStamp = now;
                return;
            }
        }
    }

    /** The latency average decayed to {@code now}, in nanoseconds; negative when never sampled. */
    public double ewmaNanos(long now) {
        double cost = Double.longBitsToDouble(ewmaBits.get());
        if (cost < 0) {
            return cost;
        }
        return cost * Math.exp(-Math.max(0, now - ewmaStamp) / (double) DECAY_NANOS);
    }

    /**
     * Finagle's load: latency times (in-flight + 1); an endpoint never sampled costs nothing while
     * idle (so it gets probed) and {@link #PENALTY} while a probe is in flight.
     */
    public double peakEwmaCost(long now) {
        int pending = inFlight.get();
        double ewma = ewmaNanos(now);
        if (ewma < 0) {
            return pending == 0 ? 0 : PENALTY + pending;
        }
        return ewma * (pending + 1);
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long requests() {
        return requests.get();
    }

    public long failures() {
        return failures.get();
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public int ejections() {
        return ejections.get();
    }
}
