package io.jingress.jetty.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResumingExecutorTest {
    private QueuedThreadPool threads;
    private ResumingExecutor executor;

    @BeforeEach
    void start() throws Exception {
        threads = new QueuedThreadPool(8, 2);
        threads.start();
        executor = new ResumingExecutor(threads);
    }

    @AfterEach
    void stop() throws Exception {
        threads.stop();
    }

    /** A connection that, like Jetty's HTTP/1 connection, is resumed by executing it. */
    private static final class Resumed extends AbstractConnection implements Runnable {
        private final Runnable body;

        Resumed(Runnable body) {
            super(new ByteArrayEndPoint(), Runnable::run);
            this.body = body;
        }

        @Override
        public void onFillable() {
        }

        @Override
        public void run() {
            body.run();
        }
    }

    @Test
    void connectionResumedByACompletionRunsOnTheCompletingThread() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();

        ResumingExecutor.completeHere(() -> executor.execute(new Resumed(() -> ranOn.set(Thread.currentThread()))));

        assertSame(Thread.currentThread(), ranOn.get());
    }

    @Test
    void connectionResumedOutsideACompletionGoesToThePool() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);

        executor.execute(new Resumed(() -> {
            ranOn.set(Thread.currentThread());
            ran.countDown();
        }));

        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertNotSame(Thread.currentThread(), ranOn.get());
    }

    @Test
    void otherTasksGoToThePoolEvenInsideACompletion() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);

        ResumingExecutor.completeHere(() -> executor.execute(() -> {
            ranOn.set(Thread.currentThread());
            ran.countDown();
        }));

        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertNotSame(Thread.currentThread(), ranOn.get());
    }

    @Test
    void resumesThatKeepCompletingNestOnlyAFewLevelsDeep() throws Exception {
        Thread caller = Thread.currentThread();
        int[] onCaller = new int[1];
        CountDownLatch handedOff = new CountDownLatch(1);

        // Each resumed connection completes another exchange at once, which resumes another...
        Runnable[] chain = new Runnable[1];
        chain[0] = () -> ResumingExecutor.completeHere(() -> executor.execute(new Resumed(() -> {
            if (Thread.currentThread() != caller) {
                handedOff.countDown();
                return;
            }
            onCaller[0]++;
            chain[0].run();
        })));
        chain[0].run();

        assertTrue(handedOff.await(10, TimeUnit.SECONDS), "past the bound the pool takes over");
        assertEquals(4, onCaller[0]);
    }
}
