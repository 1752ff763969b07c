package io.jingress.jetty.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** nginx's {@code limit_conn}: requests in progress per client. */
class ConcurrentRequestsTest {

    @Test
    void aClientMayHaveMaxRequestsInProgressAndAnotherOnceOneEnds() {
        ConcurrentRequests requests = new ConcurrentRequests(2, 100);
        assertTrue(requests.tryAcquire("a"));
        assertTrue(requests.tryAcquire("a"));
        assertFalse(requests.tryAcquire("a"));
        assertEquals(2, requests.inProgress("a"), "a refused request is not counted");
        assertTrue(requests.tryAcquire("b"));
        requests.release("a");
        assertTrue(requests.tryAcquire("a"));
        requests.release("a");
        requests.release("a");
        requests.release("b");
        assertEquals(0, requests.inProgress("a"));
        assertEquals(0, requests.clients(), "a client with nothing in progress is not kept");
    }

    @Test
    void whenFullANewClientIsRefusedAndKnownOnesAreCountedAsBefore() {
        ConcurrentRequests requests = new ConcurrentRequests(3, 2);
        assertTrue(requests.tryAcquire("a"));
        assertTrue(requests.tryAcquire("b"));
        assertFalse(requests.tryAcquire("c"));
        assertTrue(requests.tryAcquire("a"));
        requests.release("b");
        assertTrue(requests.tryAcquire("c"));
        assertEquals(2, requests.clients());
    }

    @Test
    void manyThreadsNeverHoldMoreThanMaxAndTheCountReturnsToZero() throws Exception {
        ConcurrentRequests requests = new ConcurrentRequests(3, 100);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    if (requests.tryAcquire("c")) {
                        most.accumulateAndGet(held.incrementAndGet(), Math::max);
                        held.decrementAndGet();
                        requests.release("c");
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertTrue(most.get() <= 3, "held at once: " + most.get());
        assertEquals(0, requests.inProgress("c"));
        assertEquals(0, requests.clients());
    }
}
