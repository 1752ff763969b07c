package io.jingress.k8s.internal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.k8s.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RebuildLoopTest {

    /** Time that moves only when the test says; counts how often the loop looked at it. */
    private static final class FakeClock implements LongSupplier {
        final AtomicLong nanos = new AtomicLong();
        final AtomicLong reads = new AtomicLong();

        @Override
        public long getAsLong() {
            reads.incrementAndGet();
            return nanos.get();
        }

        void setMillis(long millis) {
            nanos.set(TimeUnit.MILLISECONDS.toNanos(millis));
        }

        /** Waits until the loop has looked at the clock again (after a change of time). */
        void awaitRead() {
            long before = reads.get();
            Await.until("the loop reads the clock", () -> reads.get() > before + 1);
        }
    }

    private final FakeClock clock = new FakeClock();
    /** The fake time, in ms, at which each build ran. */
    private final List<Long> buildTimes = new CopyOnWriteArrayList<>();
    private RebuildLoop loop;

    private RebuildLoop start(long quietMillis, long maxDelayMillis, BooleanSupplier ready, Runnable extra) {
        loop = new RebuildLoop("test-rebuild", Duration.ofMillis(quietMillis), Duration.ofMillis(maxDelayMillis), ready,
                () -> {
                    extra.run();
                    buildTimes.add(TimeUnit.NANOSECONDS.toMillis(clock.nanos.get()));
                }, clock);
        loop.start();
        return loop;
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    void signalsComingWithPausesAreBuiltAtMostOncePerMinInterval() {
        loop = new RebuildLoop("test-rebuild", Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(500),
                () -> true, () -> buildTimes.add(TimeUnit.NANOSECONDS.toMillis(clock.nanos.get())), clock);
        loop.start();
        loop.signal(); // t=0: nothing built before, so quiet period alone decides
        clock.setMillis(20);
        Await.until("the first build", () -> loop.buildCount() == 1);
        // a burst with 50 ms pauses: each pause is longer than the quiet period
        for (long t = 50; t <= 450; t += 50) {
            clock.setMillis(t);
            loop.signal();
            clock.awaitRead();
        }
        assertEquals(1, loop.buildCount(), "no second build within 500 ms of the first");
        clock.setMillis(520);
        Await.until("the second build", () -> loop.buildCount() == 2);
        assertEquals(List.of(20L, 520L), buildTimes);
    }

    @Test
    void aThousandSignalsInsideTheQuietPeriodLeadToOneBuild() {
        start(20, 1000, () -> true, () -> { });
        for (int i = 0; i < 1000; i++) {
            loop.signal();
        }
        clock.setMillis(20);
        Await.until("a build", () -> loop.buildCount() == 1);
        assertEquals(List.of(20L), buildTimes);
    }

    @Test
    void aBuildWaitsForQuietAfterTheLastSignal() {
        start(20, 1000, () -> true, () -> { });
        loop.signal(); // t=0
        clock.setMillis(15);
        loop.signal(); // t=15: quiet until 35
        clock.setMillis(25);
        clock.awaitRead();
        clock.awaitRead();
        assertEquals(0, loop.buildCount(), "built only 10 ms after the last signal");
        clock.setMillis(35);
        Await.until("a build", () -> loop.buildCount() == 1);
        assertEquals(List.of(35L), buildTimes);
    }

    @Test
    void continuousChangeIsBuiltOnceTheMaxDelayIsReached() {
        start(20, 100, () -> true, () -> { });
        loop.signal();
        for (long t = 10; t <= 100 && loop.buildCount() == 0; t += 10) {
            clock.setMillis(t);
            long before = clock.reads.get();
            loop.signal(); // a change every 10 ms: never 20 ms of quiet
            // The signal reads the clock once; one more read is the loop's look at the new time.
            // Once it has built it stops looking until the next signal, so a build ends the wait too
            // (the loop may look and build before this thread gets here on a busy machine).
            Await.until("the loop reads the clock or builds", () -> clock.reads.get() > before + 1 || loop.buildCount() > 0);
        }
        Await.until("a build", () -> loop.buildCount() == 1);
        assertEquals(List.of(100L), buildTimes, "built when the first change had waited the max delay");
    }

    @Test
    void nothingIsBuiltWhileTheInputsAreNotWhole() {
        AtomicBoolean whole = new AtomicBoolean(false);
        AtomicInteger asked = new AtomicInteger();
        start(20, 100, () -> {
            asked.incrementAndGet();
            return whole.get();
        }, () -> { });
        loop.signal();
        clock.setMillis(500);
        Await.until("the loop asked twice whether the inputs are whole", () -> asked.get() >= 2);
        assertEquals(0, loop.buildCount());
        whole.set(true);
        Await.until("a build once they are", () -> loop.buildCount() == 1);
    }

    @Test
    void aFailedBuildIsRetriedAndTheLoopGoesOn() {
        AtomicInteger attempts = new AtomicInteger();
        start(20, 100, () -> true, () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("sink failed");
            }
        });
        loop.signal();
        clock.setMillis(20);
        Await.until("the first attempt", () -> attempts.get() == 1);
        clock.awaitRead(); // the loop has scheduled the retry (at t=20) and is waiting for it
        clock.setMillis(120);
        Await.until("a build on the retry", () -> loop.buildCount() == 1);
        assertEquals(2, attempts.get());
        assertEquals(List.of(120L), buildTimes, "retried the max delay after the failure");
    }

    @Test
    void signalsDuringABuildLeadToOneMoreBuild() {
        AtomicBoolean inFirstBuild = new AtomicBoolean();
        AtomicBoolean release = new AtomicBoolean();
        start(20, 100, () -> true, () -> {
            if (buildTimes.isEmpty()) {
                inFirstBuild.set(true);
                Await.until("released", release::get);
            }
        });
        loop.signal();
        clock.setMillis(20);
        Await.until("the first build runs", inFirstBuild::get);
        for (int i = 0; i < 100; i++) {
            loop.signal(); // at t=20, during the build
        }
        release.set(true);
        Await.until("the first build is counted", () -> loop.buildCount() == 1);
        clock.setMillis(40);
        Await.until("one more build", () -> loop.buildCount() == 2);
        assertEquals(List.of(20L, 40L), buildTimes);
        assertTrue(loop.lastLatency().compareTo(Duration.ofMillis(20)) == 0, "latency " + loop.lastLatency());
    }
}
