package io.jingress.core.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomAndLeastRequestTest {
    private final Balancers balancers = Balancers.builder().nanoClock(new FakeClock()).seed(7).build();

    private List<Endpoint> endpoints(int n) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            list.add(balancers.endpoint("10.0.1." + i, 8080, null, null, 1));
        }
        return list;
    }

    private int[] counts(LoadBalancer lb, List<Endpoint> endpoints, int picks) {
        int[] counts = new int[endpoints.size()];
        for (int i = 0; i < picks; i++) {
            counts[endpoints.indexOf(lb.pick(PickContext.NONE))]++;
        }
        return counts;
    }

    @Test
    void randomReachesEveryEndpointRoughlyEqually() {
        List<Endpoint> endpoints = endpoints(5);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.of(Strategy.RANDOM), endpoints);
        int[] counts = counts(lb, endpoints, 10_000);
        for (int count : counts) {
            // 2000 expected; the seed is fixed, and +-20 % is over six standard deviations.
            assertTrue(count > 1600 && count < 2400, "count " + count);
        }
    }

    @Test
    void leastRequestNeverPicksTheBusiestOfThree() {
        List<Endpoint> endpoints = endpoints(3);
        for (int i = 0; i < 10; i++) {
            endpoints.get(0).onStart();
        }
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.of(Strategy.LEAST_REQUEST), endpoints);
        int[] counts = counts(lb, endpoints, 1000);
        assertEquals(0, counts[0], "two distinct draws never both land on the busy endpoint");
        assertTrue(counts[1] > 300 && counts[2] > 300, counts[1] + " / " + counts[2]);
    }

    @Test
    void leastRequestFollowsInFlightCountsAsTheyChange() {
        List<Endpoint> endpoints = endpoints(2);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.of(Strategy.LEAST_REQUEST), endpoints);
        Endpoint first = lb.pick(PickContext.NONE);
        long start = first.onStart();
        Endpoint second = lb.pick(PickContext.NONE);
        assertTrue(first != second, "the busy endpoint is avoided");
        second.onStart();
        second.onStart();
        assertSame(first, lb.pick(PickContext.NONE));
        first.onEnd(start, true);
        assertSame(first, lb.pick(PickContext.NONE));
    }
}
