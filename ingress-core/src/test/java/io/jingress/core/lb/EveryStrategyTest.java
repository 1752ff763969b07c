package io.jingress.core.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every strategy promises: retries go elsewhere, ejected endpoints rest, and nothing is made up. */
class EveryStrategyTest {
    private final FakeClock clock = new FakeClock();
    private final Balancers balancers = Balancers.builder().nanoClock(clock).seed(13)
            .passiveHealth(new PassiveHealth(2, Duration.ofSeconds(30), Duration.ofMinutes(5), 50)).build();
    private final List<Endpoint> endpoints = new ArrayList<>();

    EveryStrategyTest() {
        for (int i = 1; i <= 4; i++) {
            endpoints.add(balancers.endpoint("10.4.0." + i, 8080, null, "pod-" + i, i));
        }
    }

    private static BalancerPolicy policy(Strategy strategy) {
        switch (strategy) {
            case RING_HASH:
            case MAGLEV:
                return BalancerPolicy.hashing(strategy, HashKey.header("x-user"));
            case COOKIE_AFFINITY:
                return BalancerPolicy.cookieAffinity("route");
            default:
                return BalancerPolicy.of(strategy);
        }
    }

    private static TestRequest request(int i) {
        return TestRequest.create().header("x-user", "user-" + i).cookie("route", "nothing-known");
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void excludedEndpointsAreNeverPicked(Strategy strategy) {
        LoadBalancer lb = balancers.balancer("default/web:80", policy(strategy), endpoints);
        assertEquals(strategy, lb.strategy());
        for (int i = 0; i < 200; i++) {
            assertSame(endpoints.get(2), lb.pick(request(i).exclude(endpoints.get(0), endpoints.get(1), endpoints.get(3))));
        }
        Set<Endpoint> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(lb.pick(request(i).exclude(endpoints.get(0))));
        }
        assertEquals(Set.of(endpoints.get(1), endpoints.get(2), endpoints.get(3)), seen);
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void nothingIsPickedWhenEveryEndpointIsExcluded(Strategy strategy) {
        LoadBalancer lb = balancers.balancer("default/web:80", policy(strategy), endpoints);
        assertNull(lb.pick(request(1).exclude(endpoints.toArray(new Endpoint[0]))));
        assertNull(balancers.balancer("default/none:80", policy(strategy), List.of()).pick(request(1)));
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void anEjectedEndpointRestsUntilItsEjectionEnds(Strategy strategy) {
        LoadBalancer lb = balancers.balancer("default/web:80", policy(strategy), endpoints);
        Endpoint bad = endpoints.get(1);
        bad.onEnd(bad.onStart(), false);
        bad.onEnd(bad.onStart(), false);
        for (int i = 0; i < 200; i++) {
            Endpoint picked = lb.pick(request(i));
            assertNotSame(bad, picked, strategy + " picked the ejected endpoint");
        }
        clock.advance(Duration.ofSeconds(30));
        Set<Endpoint> seen = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            seen.add(lb.pick(request(i)));
        }
        assertEquals(Set.copyOf(endpoints), seen);
    }
}
