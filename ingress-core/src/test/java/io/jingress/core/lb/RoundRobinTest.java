package io.jingress.core.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
    private final Balancers balancers = Balancers.builder().nanoClock(new FakeClock()).seed(1).build();

    private List<Endpoint> endpoints(int n) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            list.add(balancers.endpoint("10.0.0." + i, 8080, null, "pod-" + i, 1));
        }
        return list;
    }

    @Test
    void roundRobinGivesEachEndpointExactlyTheSameNumberOfRequests() {
        List<Endpoint> endpoints = endpoints(3);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        int[] counts = new int[3];
        for (int i = 0; i < 3000; i++) {
            counts[endpoints.indexOf(lb.pick(PickContext.NONE))]++;
        }
        assertEquals(List.of(1000, 1000, 1000), List.of(counts[0], counts[1], counts[2]));
    }

    @Test
    void roundRobinTakesEndpointsInTurn() {
        List<Endpoint> endpoints = endpoints(3);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        List<Endpoint> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(lb.pick(PickContext.NONE));
        }
        List<Endpoint> twice = new ArrayList<>(endpoints);
        twice.addAll(endpoints);
        assertEquals(twice, picked);
    }

    @Test
    void concurrentPicksKeepRoundRobinExactInTotal() throws InterruptedException {
        List<Endpoint> endpoints = endpoints(4);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        AtomicLongArray counts = new AtomicLongArray(4);
        int threads = 4;
        int perThread = 25_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    counts.incrementAndGet(endpoints.indexOf(lb.pick(PickContext.NONE)));
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(25_000, counts.get(i), "endpoint " + i);
        }
    }

    @Test
    void rebuildingTheBalancerOfABackendContinuesWhereItWas() {
        List<Endpoint> endpoints = endpoints(3);
        LoadBalancer first = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        assertSame(endpoints.get(0), first.pick(PickContext.NONE));
        // A new table interns the same endpoints again and asks for the backend's balancer again.
        List<Endpoint> again = endpoints(3);
        LoadBalancer second = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, again);
        assertSame(endpoints.get(1), second.pick(PickContext.NONE));
        assertSame(endpoints.get(2), second.pick(PickContext.NONE));
    }

    @Test
    void endpointStateSurvivesReinterningEvenWhenItsWeightChanges() {
        Endpoint before = balancers.endpoint("10.0.0.1", 8080, null, "pod-1", 1);
        before.onEnd(before.onStart(), false);
        assertSame(before, balancers.endpoint("10.0.0.1", 8080, null, "pod-1", 1));
        Endpoint reweighted = balancers.endpoint("10.0.0.1", 8080, null, "pod-1", 3);
        assertEquals(3, reweighted.weight());
        assertEquals(1, reweighted.stats().requests());
        assertEquals(1, reweighted.stats().failures());
    }

    @Test
    void retainForgetsEndpointsThatLeftAndTheirBackends() {
        List<Endpoint> endpoints = endpoints(2);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        lb.pick(PickContext.NONE);
        balancers.retain(List.of(endpoints.get(1)));
        Endpoint fresh = balancers.endpoint("10.0.0.1", 8080, null, "pod-1", 1);
        assertEquals(0, fresh.stats().requests() + fresh.stats().inFlight());
        assertSame(endpoints.get(1), balancers.endpoint("10.0.0.2", 8080, null, "pod-2", 1));
        LoadBalancer rebuilt = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN,
                List.of(fresh, endpoints.get(1)));
        assertSame(fresh, rebuilt.pick(PickContext.NONE), "a forgotten backend starts from the first endpoint");
    }

    @Test
    void excludedEndpointsAreSkipped() {
        List<Endpoint> endpoints = endpoints(3);
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        TestRequest retry = TestRequest.create().exclude(endpoints.get(0), endpoints.get(1));
        for (int i = 0; i < 5; i++) {
            assertSame(endpoints.get(2), lb.pick(retry));
        }
    }

    @Test
    void aBalancerWithNothingToPickReturnsNull() {
        List<Endpoint> endpoints = endpoints(2);
        assertNull(balancers.balancer("default/empty:80", BalancerPolicy.ROUND_ROBIN, List.of()).pick(PickContext.NONE));
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, endpoints);
        assertNull(lb.pick(TestRequest.create().exclude(endpoints.get(0), endpoints.get(1))));
    }
}
