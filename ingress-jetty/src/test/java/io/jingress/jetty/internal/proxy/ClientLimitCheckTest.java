package io.jingress.jetty.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jingress.core.route.Route;
import io.jingress.core.route.Router;
import io.jingress.jetty.testing.TestRoutes;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Where the counts live: per Ingress and settings, kept across route table rebuilds. */
class ClientLimitCheckTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private final AtomicLong now = new AtomicLong();

    private static Route route(Router router, String host) {
        return assertInstanceOf(Route.class, router.current().match(host, "/"));
    }

    @Test
    void aRebuiltTableKeepsTheCountsOfAnIngressWhoseLimitsAreTheSame() {
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", Map.of(NGINX + "limit-rps", "1",
                NGINX + "limit-burst-multiplier", "0"), 8080);
        ClientLimitCheck check = new ClientLimitCheck(routes.router(), now::get, 100);
        Route before = route(routes.router(), "app.test");
        ClientLimits limits = check.limitsOf(before, before.policy());
        assertNull(limits.admit("10.0.0.1"));
        assertSame(ClientLimits.TOO_MANY_RPS, limits.admit("10.0.0.1"));

        routes.route("other.test", "/", "other", Map.of(NGINX + "limit-rps", "1"), 8081);
        Route after = route(routes.router(), "app.test");
        assertNotSame(before.policy(), after.policy(), "the table was rebuilt");
        assertSame(limits, check.limitsOf(after, after.policy()));
        assertSame(ClientLimits.TOO_MANY_RPS, check.limitsOf(after, after.policy()).admit("10.0.0.1"),
                "the reload did not reset the client's bucket");
        Route other = route(routes.router(), "other.test");
        assertNotSame(limits, check.limitsOf(other, other.policy()), "another Ingress counts apart");
    }

    @Test
    void changedLimitsStartNewCountsAndTheOldAreDropped() {
        TestRoutes first = TestRoutes.create().route("app.test", "/", "app", Map.of(NGINX + "limit-rps", "5"), 8080);
        TestRoutes second = TestRoutes.create().route("app.test", "/", "app", Map.of(NGINX + "limit-rps", "6"), 8080);
        Router router = Router.create();
        router.swap(first.router().current());
        ClientLimitCheck check = new ClientLimitCheck(router, now::get, 100);
        Route five = route(router, "app.test");
        ClientLimits fiveLimits = check.limitsOf(five, five.policy());

        router.swap(second.router().current());
        Route six = route(router, "app.test");
        assertEquals(five.ingress(), six.ingress());
        ClientLimits sixLimits = check.limitsOf(six, six.policy());
        assertNotSame(fiveLimits, sixLimits);
        assertEquals(6, sixLimits.limit().requestsPerSecond());
        // a request still on the old table's route gets counts that are no longer kept
        assertNotSame(fiveLimits, check.limitsOf(five, five.policy()));
    }
}
