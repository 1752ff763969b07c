package io.jingress.core.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code affinity-mode: balanced}: sessions placed by consistent hashing of the cookie's key. */
class BalancedAffinityTest {
    private static final int SESSIONS = 600;
    private final Balancers balancers = Balancers.builder().nanoClock(new FakeClock()).seed(17).build();
    private final Endpoint a = balancers.endpoint("10.3.0.1", 8080, null, "a", 1);
    private final Endpoint b = balancers.endpoint("10.3.0.2", 8080, null, "b", 1);
    private final Endpoint c = balancers.endpoint("10.3.0.3", 8080, null, "c", 1);
    private final Endpoint d = balancers.endpoint("10.3.0.4", 8080, null, "d", 1);
    private final BalancerPolicy balanced = BalancerPolicy.cookieAffinity("route", true);

    /** New sessions on {@code lb}: cookie value to the endpoint it was placed on. */
    private static Map<String, Endpoint> newSessions(LoadBalancer lb) {
        Map<String, Endpoint> sessions = new HashMap<>();
        for (int i = 0; i < SESSIONS; i++) {
            TestRequest request = TestRequest.create();
            Endpoint placed = lb.pick(request);
            assertNotNull(request.cookieSetValue, "a new session is told its cookie");
            sessions.put(request.cookieSetValue, placed);
        }
        assertEquals(SESSIONS, sessions.size(), "every session has its own key");
        return sessions;
    }

    /** Where each session goes now; a session that is given a new cookie fails the test. */
    private static Map<String, Endpoint> returning(LoadBalancer lb, Map<String, Endpoint> sessions) {
        Map<String, Endpoint> now = new HashMap<>();
        for (String cookie : sessions.keySet()) {
            TestRequest request = TestRequest.create().cookie("route", cookie);
            now.put(cookie, lb.pick(request));
            assertNull(request.cookieSetValue, "the session keeps its cookie");
        }
        return now;
    }

    @Test
    void withoutAChangeEverySessionStaysOnItsEndpoint() {
        LoadBalancer lb = balancers.balancer("default/web:80", balanced, List.of(a, b, c));
        Map<String, Endpoint> sessions = newSessions(lb);
        assertEquals(sessions, returning(lb, sessions));
        // and a rebuilt balancer over the same endpoints (a table swap) places them alike
        LoadBalancer rebuilt = balancers.balancer("default/web:80", balanced, List.of(c, a, b));
        assertEquals(sessions, returning(rebuilt, sessions));
    }

    @Test
    void aScaleUpFromTwoToThreeMovesAboutAThirdOfTheSessionsAllToTheNewEndpoint() {
        Map<String, Endpoint> sessions = newSessions(balancers.balancer("default/web:80", balanced, List.of(a, b)));
        Map<String, Endpoint> now = returning(balancers.balancer("default/web:80", balanced, List.of(a, b, c)), sessions);
        int moved = 0;
        for (Map.Entry<String, Endpoint> session : sessions.entrySet()) {
            Endpoint after = now.get(session.getKey());
            if (after != session.getValue()) {
                assertSame(c, after, "a session that moves goes to the new endpoint");
                moved++;
            }
        }
        double share = moved / (double) SESSIONS;
        assertTrue(share > 0.20 && share < 0.45, "moved " + moved + " of " + SESSIONS);
    }

    @Test
    void aRemovedEndpointsSessionsSpreadOverTheOthersAndTheRestStay() {
        Map<String, Endpoint> sessions = newSessions(balancers.balancer("default/web:80", balanced, List.of(a, b, c, d)));
        Map<String, Endpoint> now = returning(balancers.balancer("default/web:80", balanced, List.of(a, b, c)), sessions);
        Map<Endpoint, Integer> orphansTo = new HashMap<>();
        int orphans = 0;
        for (Map.Entry<String, Endpoint> session : sessions.entrySet()) {
            if (session.getValue() == d) {
                orphans++;
                orphansTo.merge(now.get(session.getKey()), 1, Integer::sum);
            } else {
                assertSame(session.getValue(), now.get(session.getKey()), "a session whose endpoint stays, stays");
            }
        }
        assertTrue(orphans > 60, "d had " + orphans + " sessions");
        for (Endpoint e : List.of(a, b, c)) {
            int got = orphansTo.getOrDefault(e, 0);
            assertTrue(got > orphans * 0.12 && got < orphans * 0.6, e + " took " + got + " of " + orphans);
        }
    }

    @Test
    void persistentModeMovesNoSessionOnAScaleUp() {
        BalancerPolicy persistent = BalancerPolicy.cookieAffinity("route");
        LoadBalancer before = balancers.balancer("default/web:80", persistent, List.of(a, b));
        List<String> cookies = new ArrayList<>();
        List<Endpoint> placed = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            TestRequest request = TestRequest.create();
            placed.add(before.pick(request));
            cookies.add(request.cookieSetValue);
        }
        LoadBalancer after = balancers.balancer("default/web:80", persistent, List.of(a, b, c));
        for (int i = 0; i < SESSIONS; i++) {
            TestRequest request = TestRequest.create().cookie("route", cookies.get(i));
            assertSame(placed.get(i), after.pick(request));
            assertNull(request.cookieSetValue);
        }
    }

    @Test
    void aSessionWhoseEndpointIsExcludedGetsANewKeyOnAnotherEndpoint() {
        LoadBalancer lb = balancers.balancer("default/web:80", balanced, List.of(a, b, c));
        TestRequest first = TestRequest.create();
        Endpoint assigned = lb.pick(first);
        TestRequest retry = TestRequest.create().cookie("route", first.cookieSetValue).exclude(assigned);
        Endpoint other = lb.pick(retry);
        assertNotEquals(assigned, other);
        assertNotNull(retry.cookieSetValue);
        assertSame(other, lb.pick(TestRequest.create().cookie("route", retry.cookieSetValue)));
    }

    @Test
    void aValueThatIsNoSessionKeyGetsANewSession() {
        LoadBalancer lb = balancers.balancer("default/web:80", balanced, List.of(a, b, c));
        for (String forged : List.of("10.3.0.1:8080", "0123456789abcdeg", "0123456789abcdef|1234567", "")) {
            TestRequest request = TestRequest.create().cookie("route", forged);
            assertNotNull(lb.pick(request));
            assertTrue(request.cookieSetValue.matches("[0-9a-f]{16}\\|[0-9a-f]{8}"), request.cookieSetValue);
        }
    }

    @Test
    void aCookieIsAffinitizedOnlyToTheBackendThatIssuedIt() {
        LoadBalancer web = balancers.balancer("default/web:80", balanced, List.of(a, b));
        LoadBalancer canary = balancers.balancer("default/web-canary:80", balanced, List.of(c, d));
        TestRequest first = TestRequest.create();
        web.pick(first);
        TestRequest back = TestRequest.create().cookie("route", first.cookieSetValue);
        assertTrue(web.affinitized(back));
        assertFalse(canary.affinitized(back));
        assertFalse(web.affinitized(TestRequest.create()));
    }

    @Test
    void placingAReturningSessionAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        LoadBalancer lb = balancers.balancer("default/web:80", balanced, List.of(a, b, c, d));
        List<TestRequest> requests = new ArrayList<>();
        for (String cookie : newSessions(lb).keySet()) {
            requests.add(TestRequest.create().cookie("route", cookie));
            if (requests.size() == 8) {
                break;
            }
        }
        TestRequest[] returning = requests.toArray(new TestRequest[0]);  // no iterator per round
        long id = Thread.currentThread().getId();
        int picked = 0;
        for (int i = 0; i < 20_000; i++) {
            for (TestRequest request : returning) {
                picked += lb.pick(request) != null ? 1 : 0;
            }
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 50_000; i++) {
            for (TestRequest request : returning) {
                picked += lb.pick(request) != null ? 1 : 0;
            }
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(70_000 * 8, picked);
        assertTrue(allocated < 64 * 1024, "400,000 picks allocated " + allocated + " bytes");
    }
}
