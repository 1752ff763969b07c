package io.jingress.core.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeakEwmaTest {
    private final FakeClock clock = new FakeClock();
    private final Balancers balancers = Balancers.builder().nanoClock(clock).seed(3).build();
    private final Endpoint fast1 = balancers.endpoint("10.0.2.1", 80, null, "fast1", 1);
    private final Endpoint fast2 = balancers.endpoint("10.0.2.2", 80, null, "fast2", 1);
    private final Endpoint slow = balancers.endpoint("10.0.2.3", 80, null, "slow", 1);

    private void serve(Endpoint endpoint, long millis) {
        long start = endpoint.onStart();
        clock.advanceMillis(millis);
        endpoint.onEnd(start, true);
    }

    @Test
    void trafficShiftsOffASlowEndpoint() {
        Map<Endpoint, Long> latency = Map.of(fast1, 10L, fast2, 12L, slow, 300L);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.of(Strategy.PEAK_EWMA),
                List.of(fast1, fast2, slow));
        for (int i = 0; i < 3000; i++) {
            Endpoint picked = lb.pick(PickContext.NONE);
            serve(picked, latency.get(picked));
        }
        assertTrue(slow.requests() < 30, "slow got " + slow.requests() + " of 3000");
        assertTrue(fast2.requests() > 500, "the slightly slower fast endpoint still works: " + fast2.requests());
        assertTrue(fast1.requests() > fast2.requests(), "10 ms beats 12 ms: " + fast1.requests() + " / " + fast2.requests());
    }

    @Test
    void aLatencyPeakReplacesTheAverageAtOnceAndDecaysOverTenSeconds() {
        serve(fast1, 10);
        assertEquals(10.0, fast1.stats().ewmaMillis(), 1e-9);
        serve(fast1, 500);
        assertEquals(500.0, fast1.stats().ewmaMillis(), 1e-9, "a peak is taken at once");
        clock.advanceMillis(10_000);
        assertEquals(500.0 / Math.E, fast1.stats().ewmaMillis(), 1e-6, "one decay time later");
        serve(fast1, 100);
        double w = Math.exp(-10.1 / 10);
        assertEquals(500.0 * w + 100.0 * (1 - w), fast1.stats().ewmaMillis(), 1e-6,
                "a lower sample is averaged in with the weight of the time since the last");
    }

    @Test
    void anUnsampledEndpointIsProbedOnceAndNotFloodedWhileItAnswers() {
        serve(fast1, 10);
        LoadBalancer lb = balancers.balancer("default/two:80", BalancerPolicy.of(Strategy.PEAK_EWMA),
                List.of(fast1, slow));
        assertSame(slow, lb.pick(PickContext.NONE), "an idle endpoint without samples costs nothing");
        slow.onStart();
        for (int i = 0; i < 10; i++) {
            assertSame(fast1, lb.pick(PickContext.NONE), "a pending probe carries the penalty");
        }
    }

    @Test
    void requestsInFlightMultiplyTheCost() {
        serve(fast1, 10);
        serve(fast2, 30);
        LoadBalancer lb = balancers.balancer("default/two:80", BalancerPolicy.of(Strategy.PEAK_EWMA),
                List.of(fast1, fast2));
        assertSame(fast1, lb.pick(PickContext.NONE));
        for (int i = 0; i < 3; i++) {
            fast1.onStart();
        }
        assertSame(fast2, lb.pick(PickContext.NONE), "10 ms x 4 in flight costs more than 30 ms x 1");
    }
}
