package io.jingress.core.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CookieAffinityTest {
    private final Balancers balancers = Balancers.builder().nanoClock(new FakeClock()).seed(9).build();
    private final Endpoint a = balancers.endpoint("10.2.0.1", 8080, null, "a", 1);
    private final Endpoint b = balancers.endpoint("10.2.0.2", 8080, null, "b", 1);
    private final Endpoint c = balancers.endpoint("10.2.0.3", 8080, null, "c", 1);
    private final BalancerPolicy policy = BalancerPolicy.cookieAffinity("route");

    @Test
    void aNewClientIsAssignedAndToldItsCookie() {
        LoadBalancer lb = balancers.balancer("default/web:80", policy, List.of(a, b, c));
        TestRequest first = TestRequest.create();
        assertNotNull(lb.pick(first));
        assertEquals("route", first.cookieSetName);
        assertNotNull(first.cookieSetValue);
        assertFalse(first.cookieSetValue.contains("10.2.0"), "the cookie does not show the Pod address");
    }

    @Test
    void aClientWithItsCookieSticksToItsEndpoint() {
        LoadBalancer lb = balancers.balancer("default/web:80", policy, List.of(a, b, c));
        TestRequest first = TestRequest.create();
        Endpoint assigned = lb.pick(first);
        for (int i = 0; i < 20; i++) {
            TestRequest next = TestRequest.create().cookie("route", first.cookieSetValue);
            assertSame(assigned, lb.pick(next));
            assertNull(next.cookieSetValue, "a valid cookie is not set again");
        }
    }

    @Test
    void newClientsAreSpreadRoundRobin() {
        LoadBalancer lb = balancers.balancer("default/web:80", policy, List.of(a, b, c));
        Set<Endpoint> assigned = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            assigned.add(lb.pick(TestRequest.create()));
        }
        assertEquals(Set.of(a, b, c), assigned);
    }

    @Test
    void aClientWhoseEndpointLeftIsReassignedAndGetsANewCookie() {
        LoadBalancer lb = balancers.balancer("default/web:80", policy, List.of(a, b, c));
        TestRequest first = TestRequest.create();
        Endpoint assigned = lb.pick(first);
        List<Endpoint> rest = new ArrayList<>(List.of(a, b, c));
        rest.remove(assigned);
        LoadBalancer after = balancers.balancer("default/web:80", policy, rest);
        TestRequest returning = TestRequest.create().cookie("route", first.cookieSetValue);
        Endpoint replacement = after.pick(returning);
        assertNotEquals(assigned, replacement);
        assertNotNull(returning.cookieSetValue);
        assertSame(replacement, after.pick(TestRequest.create().cookie("route", returning.cookieSetValue)));
    }

    @Test
    void anUnknownCookieIsReplaced() {
        LoadBalancer lb = balancers.balancer("default/web:80", policy, List.of(a, b, c));
        TestRequest forged = TestRequest.create().cookie("route", "10.2.0.1:8080");
        assertNotNull(lb.pick(forged));
        assertNotNull(forged.cookieSetValue);
        assertNotEquals("10.2.0.1:8080", forged.cookieSetValue);
    }

    @Test
    void aRetryAwayFromTheStickyEndpointMovesTheClient() {
        LoadBalancer lb = balancers.balancer("default/web:80", policy, List.of(a, b, c));
        TestRequest first = TestRequest.create();
        Endpoint assigned = lb.pick(first);
        TestRequest retry = TestRequest.create().cookie("route", first.cookieSetValue).exclude(assigned);
        Endpoint other = lb.pick(retry);
        assertNotEquals(assigned, other);
        assertSame(other, lb.pick(TestRequest.create().cookie("route", retry.cookieSetValue)));
    }
}
