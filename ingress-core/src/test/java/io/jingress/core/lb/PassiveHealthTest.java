package io.jingress.core.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PassiveHealthTest {
    private final FakeClock clock = new FakeClock();

    private Balancers balancers(int maxEjectionPercent) {
        return Balancers.builder().nanoClock(clock).seed(11)
                .passiveHealth(new PassiveHealth(3, Duration.ofSeconds(10), Duration.ofSeconds(25), maxEjectionPercent))
                .build();
    }

    private static List<Endpoint> endpoints(Balancers balancers, int n) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            list.add(balancers.endpoint("10.3.0." + i, 8080, null, "pod-" + i, 1));
        }
        return list;
    }

    private static void fail(Endpoint endpoint, int times) {
        for (int i = 0; i < times; i++) {
            endpoint.onEnd(endpoint.onStart(), false);
        }
    }

    private static Set<Endpoint> picked(LoadBalancer lb, int picks) {
        Set<Endpoint> seen = new HashSet<>();
        for (int i = 0; i < picks; i++) {
            seen.add(lb.pick(PickContext.NONE));
        }
        return seen;
    }

    @Test
    void consecutiveFailuresEjectAnEndpointAndBalancersSkipIt() {
        Balancers balancers = balancers(50);
        List<Endpoint> endpoints = endpoints(balancers, 3);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        Endpoint bad = endpoints.get(0);
        fail(bad, 2);
        assertFalse(bad.isEjected());
        fail(bad, 1);
        assertTrue(bad.isEjected());
        assertEquals(Set.of(endpoints.get(1), endpoints.get(2)), picked(lb, 10));
        Endpoint.Stats stats = bad.stats();
        assertEquals(1, stats.ejections());
        assertTrue(stats.ejected());
        assertEquals(3, stats.failures());
        assertEquals(0, stats.consecutiveFailures(), "the run restarts after an ejection");
    }

    @Test
    void aSuccessResetsTheRunOfFailures() {
        Balancers balancers = balancers(50);
        Endpoint endpoint = endpoints(balancers, 1).get(0);
        fail(endpoint, 2);
        endpoint.onEnd(endpoint.onStart(), true);
        fail(endpoint, 2);
        assertFalse(endpoint.isEjected());
        assertEquals(2, endpoint.stats().consecutiveFailures());
    }

    @Test
    void ejectionEndsWhenItsTimePassesAndGrowsWithEachEjectionUpToTheMaximum() {
        Balancers balancers = balancers(50);
        List<Endpoint> endpoints = endpoints(balancers, 2);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        Endpoint bad = endpoints.get(0);

        fail(bad, 3);
        clock.advance(Duration.ofMillis(9_999));
        assertTrue(bad.isEjected(), "first ejection: 10 s");
        assertEquals(Set.of(endpoints.get(1)), picked(lb, 4));
        clock.advance(Duration.ofMillis(1));
        assertFalse(bad.isEjected());
        assertEquals(Set.copyOf(endpoints), picked(lb, 4), "recovered: it gets traffic again");

        fail(bad, 3);
        clock.advance(Duration.ofMillis(19_999));
        assertTrue(bad.isEjected(), "second ejection: 20 s");
        clock.advance(Duration.ofMillis(1));
        assertFalse(bad.isEjected());

        fail(bad, 3);
        clock.advance(Duration.ofMillis(24_999));
        assertTrue(bad.isEjected(), "third ejection: 30 s capped at 25 s");
        clock.advance(Duration.ofMillis(1));
        assertFalse(bad.isEjected());
        assertEquals(3, bad.stats().ejections());
    }

    @Test
    void atMostMaxEjectionPercentOfABackendIsSkipped() {
        Balancers balancers = balancers(50);
        List<Endpoint> endpoints = endpoints(balancers, 4);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        fail(endpoints.get(0), 3);
        fail(endpoints.get(1), 3);
        fail(endpoints.get(2), 3);
        assertTrue(endpoints.get(2).isEjected());
        Set<Endpoint> seen = picked(lb, 20);
        assertEquals(2, seen.size(), "two of four may be skipped, the third ejection is ignored: " + seen);
        assertTrue(seen.contains(endpoints.get(3)));
    }

    @Test
    void theCapIsAppliedPerBackendForSharedEndpoints() {
        Balancers balancers = balancers(50);
        List<Endpoint> endpoints = endpoints(balancers, 4);
        LoadBalancer wide = balancers.balancer("default/wide:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        LoadBalancer narrow = balancers.balancer("default/narrow:80", BalancerPolicy.ROUND_ROBIN,
                List.of(endpoints.get(0), endpoints.get(1)));
        fail(endpoints.get(0), 3);
        fail(endpoints.get(1), 3);
        assertEquals(Set.of(endpoints.get(2), endpoints.get(3)), picked(wide, 10));
        assertEquals(1, picked(narrow, 10).size(), "half of the two-endpoint backend stays in use");
    }

    @Test
    void whenEveryEndpointIsEjectedTrafficGoesToAll() {
        Balancers balancers = balancers(100);
        List<Endpoint> endpoints = endpoints(balancers, 3);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        for (Endpoint endpoint : endpoints) {
            fail(endpoint, 3);
            assertTrue(endpoint.isEjected());
        }
        int[] counts = new int[3];
        for (int i = 0; i < 300; i++) {
            counts[endpoints.indexOf(lb.pick(PickContext.NONE))]++;
        }
        assertEquals(List.of(100, 100, 100), List.of(counts[0], counts[1], counts[2]), "panic mode: round robin over all");
    }

    @Test
    void aRetryWithOnlyEjectedEndpointsLeftStillGetsOne() {
        Balancers balancers = balancers(50);
        List<Endpoint> endpoints = endpoints(balancers, 2);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        fail(endpoints.get(0), 3);
        assertEquals(endpoints.get(0), lb.pick(TestRequest.create().exclude(endpoints.get(1))));
    }

    @Test
    void disabledPassiveHealthNeverEjects() {
        Balancers balancers = Balancers.builder().nanoClock(clock).passiveHealth(PassiveHealth.DISABLED).build();
        Endpoint endpoint = endpoints(balancers, 1).get(0);
        fail(endpoint, 100);
        assertFalse(endpoint.isEjected());
        assertEquals(100, endpoint.stats().consecutiveFailures());
    }

    @Test
    void aRequestTheClientGaveUpOnNeitherFailsNorClearsTheRunOfFailures() {
        Endpoint endpoint = endpoints(balancers(100), 1).get(0);
        fail(endpoint, 2);

        endpoint.onStart();
        endpoint.onCancel();

        assertEquals(0, endpoint.inFlight());
        assertEquals(2, endpoint.failures());
        assertEquals(2, endpoint.stats().consecutiveFailures(), "a cancel is not a success either");
        assertTrue(Double.isNaN(endpoint.stats().ewmaMillis()), "nor a latency sample");
        fail(endpoint, 1);
        assertTrue(endpoint.isEjected(), "the third failure in a row ejects it");
    }
}
