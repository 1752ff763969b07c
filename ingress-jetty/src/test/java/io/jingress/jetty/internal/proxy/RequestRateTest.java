package io.jingress.jetty.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** nginx's {@code limit_req ... nodelay} bucket, on a fake clock. */
class RequestRateTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    private RequestRate rate(int perSecond, long burst, int capacity) {
        return new RequestRate(perSecond, SECOND, burst, capacity, now::get);
    }

    @Test
    void aNewClientGetsTheBurstPlusOneAtOnceThenIsRefused() {
        RequestRate rate = rate(10, 50, 100);
        for (int i = 0; i < 51; i++) {
            assertTrue(rate.tryAcquire("10.0.0.1"), "request " + i);
        }
        assertFalse(rate.tryAcquire("10.0.0.1"));
        assertFalse(rate.tryAcquire("10.0.0.1"));
        // another client has its own bucket
        assertTrue(rate.tryAcquire("10.0.0.2"));
    }

    @Test
    void withBurstOneTheThirdImmediateRequestIsRefused() {
        RequestRate rate = rate(1, 1, 100);
        assertTrue(rate.tryAcquire("c"));
        assertTrue(rate.tryAcquire("c"));
        assertFalse(rate.tryAcquire("c"));
    }

    @Test
    void theBucketDrainsAtTheRate() {
        RequestRate rate = rate(10, 0, 100);
        assertTrue(rate.tryAcquire("c"));
        assertFalse(rate.tryAcquire("c"));
        now.addAndGet(SECOND / 10 - 1);
        assertFalse(rate.tryAcquire("c"), "a tenth of a second has not passed");
        now.addAndGet(1);
        assertTrue(rate.tryAcquire("c"));
        assertFalse(rate.tryAcquire("c"));
        // a refused request is not counted: the next one passes a tenth after the last passed one
        now.addAndGet(SECOND / 10);
        assertTrue(rate.tryAcquire("c"));
    }

    @Test
    void anIdleClientRefillsItsWholeBurst() {
        RequestRate rate = rate(2, 4, 100);
        for (int i = 0; i < 5; i++) {
            assertTrue(rate.tryAcquire("c"));
        }
        assertFalse(rate.tryAcquire("c"));
        now.addAndGet(3 * SECOND);
        for (int i = 0; i < 5; i++) {
            assertTrue(rate.tryAcquire("c"), "request " + i);
        }
        assertFalse(rate.tryAcquire("c"));
    }

    @Test
    void aRefundTakesBackOneRequest() {
        RequestRate rate = rate(1, 1, 100);
        assertTrue(rate.tryAcquire("c"));
        assertTrue(rate.tryAcquire("c"));
        rate.refund("c");
        assertTrue(rate.tryAcquire("c"));
        assertFalse(rate.tryAcquire("c"));
    }

    @Test
    void aFloodOfAddressesKeepsNoMoreThanTheCapacityAndDrainedClientsMakeRoom() {
        RequestRate rate = rate(1, 5, 1_000);
        for (int i = 0; i < 1_000; i++) {
            assertTrue(rate.tryAcquire("flood-" + i));
        }
        assertEquals(1_000, rate.clients());
        // full, and every client still counted: a new one is refused rather than someone forgiven
        assertFalse(rate.tryAcquire("new"));
        assertEquals(1_000, rate.clients());
        // a known client is still served while the map is full
        assertTrue(rate.tryAcquire("flood-7"));
        // once they have drained they are dropped, and the new client is kept
        now.addAndGet(2 * SECOND);
        assertTrue(rate.tryAcquire("new"));
        assertTrue(rate.clients() <= 2, "kept " + rate.clients());
        for (int i = 0; i < 10_000; i++) {
            now.addAndGet(SECOND);
            rate.tryAcquire("more-" + i);
            assertTrue(rate.clients() <= 1_000);
        }
    }

    @Test
    void droppingADrainedClientChangesNothingItSees() {
        RequestRate rate = rate(1, 1, 1);
        assertTrue(rate.tryAcquire("a"));
        now.addAndGet(SECOND);
        // "a" has drained: dropped to make room for "b"
        assertTrue(rate.tryAcquire("b"));
        now.addAndGet(SECOND);
        assertTrue(rate.tryAcquire("a"));
        assertTrue(rate.tryAcquire("a"));
        assertFalse(rate.tryAcquire("a"));
    }

    @Test
    void aFullMapIsSweptAtMostOnceInAWhile() {
        RequestRate rate = rate(1_000, 0, 2);
        assertTrue(rate.tryAcquire("a"));
        assertTrue(rate.tryAcquire("b"));
        assertFalse(rate.tryAcquire("c"), "full, and nothing has drained");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
        assertFalse(rate.tryAcquire("c"), "drained, but the last sweep was 2 ms ago");
        now.addAndGet(RequestRate.SWEEP_GAP_NANOS);
        assertTrue(rate.tryAcquire("c"));
    }
}
