package io.jingress.k8s.internal.api;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that turns many change signals into few rebuilds.
 *
 * <p>After a signal it waits until no signal came for {@code quietPeriod}, but never longer than
 * {@code maxDelay} after the first unprocessed signal, and never sooner than {@code minInterval}
 * after the previous build started (so a long burst of changes arriving with pauses still gives
 * about one build per {@code minInterval}, as ingress-nginx's sync rate limit does), then runs the
 * build once. It builds only
 * while {@code ready} says the inputs are whole (informers synced and watching); otherwise it
 * looks again every quiet period, and whatever was built last keeps serving. Signals that arrive
 * during a build lead to one more build.
 */
public final class RebuildLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RebuildLoop.class);

    private final Duration quietPeriod;
    private final Duration maxDelay;
    private final Duration minInterval;
    private final BooleanSupplier ready;
    private final Runnable build;
    private final LongSupplier nanoClock;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private long firstPendingNanos;
    private long lastSignalNanos;
    private boolean pending;
    private boolean closed;
    private long lastBuildStartNanos;
    private boolean builtBefore;

    private final AtomicLong builds = new AtomicLong();
    private final CountDownLatch firstBuild = new CountDownLatch(1);
    private final AtomicLong lastLatencyNanos = new AtomicLong(-1);
    private final AtomicLong maxLatencyNanos = new AtomicLong(-1);

    /**
     * @param name the thread's name
     * @param quietPeriod how long no signal must come before a build
     * @param maxDelay the longest a signal waits under continuous change
     * @param ready whether the inputs are whole enough to build from
     * @param build the build; exceptions are logged and the loop goes on
     * @param nanoClock the time source for delays and latency ({@code System::nanoTime})
     */
    public RebuildLoop(String name, Duration quietPeriod, Duration maxDelay, BooleanSupplier ready, Runnable build,
            LongSupplier nanoClock) {
        this(name, quietPeriod, maxDelay, Duration.ZERO, ready, build, nanoClock);
    }

    /**
     * @param name the thread's name
     * @param quietPeriod how long no signal must come before a build
     * @param maxDelay the longest a signal waits under continuous change (unless held by {@code minInterval})
     * @param minInterval the least time between the starts of two builds ({@link Duration#ZERO} for none)
     * @param ready whether the inputs are whole enough to build from
     * @param build the build; exceptions are logged and the loop goes on
     * @param nanoClock the time source for delays and latency ({@code System::nanoTime})
     */
    public RebuildLoop(String name, Duration quietPeriod, Duration maxDelay, Duration minInterval,
            BooleanSupplier ready, Runnable build, LongSupplier nanoClock) {
        this.minInterval = Objects.requireNonNull(minInterval, "minInterval");
        if (minInterval.isNegative()) {
            throw new IllegalArgumentException("minInterval must not be negative, got " + minInterval);
        }
        this.quietPeriod = positive(quietPeriod, "quietPeriod");
        this.maxDelay = positive(maxDelay, "maxDelay");
        if (maxDelay.compareTo(quietPeriod) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is shorter than quietPeriod " + quietPeriod);
        }
        this.ready = Objects.requireNonNull(ready, "ready");
        this.build = Objects.requireNonNull(build, "build");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.thread = new Thread(this::run, Objects.requireNonNull(name, "name"));
        this.thread.setDaemon(true);
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    public void start() {
        thread.start();
    }

    /** Something changed: build soon. Cheap; called from informer threads. */
    public void signal() {
        long now = nanoClock.getAsLong();
        lock.lock();
        try {
            if (!pending) {
                pending = true;
                firstPendingNanos = now;
            }
            lastSignalNanos = now;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the first build has run and been counted; false on timeout. */
    public boolean awaitFirstBuild(Duration timeout) throws InterruptedException {
        return firstBuild.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** How many builds ran. */
    public long buildCount() {
        return builds.get();
    }

    /**
     * Time from the first signal a build covered to the end of that build, for the last build; null
     * before the second build (the first one's wait for the initial sync is not counted).
     */
    public Duration lastLatency() {
        long n = lastLatencyNanos.get();
        return n < 0 ? null : Duration.ofNanos(n);
    }

    /** The longest such latency seen; null before the second build. */
    public Duration maxLatency() {
        long n = maxLatencyNanos.get();
        return n < 0 ? null : Duration.ofNanos(n);
    }

    private void run() {
        try {
            while (true) {
                long since = awaitBuildTime();
                if (since < 0) {
                    return;
                }
                long start = nanoClock.getAsLong();
                try {
                    build.run();
                } catch (RuntimeException e) {
                    LOG.error("route table rebuild failed; the last table keeps serving; retrying in {} ms",
                            maxDelay.toMillis(), e);
                    retryLater();
                    continue;
                }
                long end = nanoClock.getAsLong();
                long latency = end - since;
                long n = builds.get() + 1;
                LOG.debug("build {} took {} ms, {} ms after the first change it covers", n, (end - start) / 1_000_000,
                        latency / 1_000_000);
                if (n > 1) {
                    // the first build waits for the initial lists: that is start-up time, not change latency
                    lastLatencyNanos.set(latency);
                    maxLatencyNanos.accumulateAndGet(latency, Math::max);
                }
                // counted last, so a reader that sees the count also sees the latency
                builds.set(n);
                firstBuild.countDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Marks the state pending again, due {@code maxDelay} from now (sooner if a signal comes). */
    private void retryLater() {
        long now = nanoClock.getAsLong();
        lock.lock();
        try {
            if (!pending) {
                pending = true;
                firstPendingNanos = now;
                lastSignalNanos = now + maxDelay.toNanos() - quietPeriod.toNanos();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until a build is due and the inputs are ready; returns the first signal's time, or -1 when closed. */
    private long awaitBuildTime() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return -1;
                }
                if (!pending) {
                    changed.await();
                    continue;
                }
                long now = nanoClock.getAsLong();
                long due = Math.min(lastSignalNanos + quietPeriod.toNanos(), firstPendingNanos + maxDelay.toNanos());
                if (builtBefore) {
                    due = Math.max(due, lastBuildStartNanos + minInterval.toNanos());
                }
                if (now < due) {
                    changed.awaitNanos(due - now);
                    continue;
                }
                if (!ready.getAsBoolean()) {
                    // not whole yet (initial sync, or a watch is reconnecting): keep the last table and look again
                    changed.await(quietPeriod.toNanos(), TimeUnit.NANOSECONDS);
                    continue;
                }
                pending = false;
                builtBefore = true;
                lastBuildStartNanos = now;
                return firstPendingNanos;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
