package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RateLimitAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @Test
    void limitRpsGivesABurstOfFiveTimesTheRateAsIngressNginxDoes() {
        RoutePolicy policy = policyOf(Map.of(NGINX + "limit-rps", "10"));
        RateLimit limit = policy.rateLimit();
        assertEquals(10, limit.requestsPerSecond());
        assertEquals(0, limit.requestsPerMinute());
        assertEquals(0, limit.connections());
        assertEquals(50, limit.burst(limit.requestsPerSecond()));
        assertEquals(List.of("10 requests/s per client, burst 50 (limit-rps)"), policy.describe());
    }

    @Test
    void everyLimitIsReadWithTheBurstMultiplierAndTheAllowlist() {
        RoutePolicy policy = policyOf(Map.of(NGINX + "limit-rps", "2", NGINX + "limit-rpm", "100",
                NGINX + "limit-connections", "3", NGINX + "limit-burst-multiplier", "1",
                NGINX + "limit-allowlist", "10.0.0.0/8, 2001:db8::/32"));
        RateLimit limit = policy.rateLimit();
        assertEquals(2, limit.requestsPerSecond());
        assertEquals(100, limit.requestsPerMinute());
        assertEquals(3, limit.connections());
        assertEquals(1, limit.burstMultiplier());
        assertEquals(List.of("2 requests/s per client, burst 2 (limit-rps)",
                "100 requests/min per client, burst 100 (limit-rpm)",
                "3 requests at a time per client (limit-connections)",
                "clients not limited: 10.0.0.0/8, 2001:db8::/32 (limit-allowlist)"), policy.describe());
        assertTrue(limit.exempts("10.1.2.3"));
        assertTrue(limit.exempts("::ffff:10.1.2.3"));
        assertTrue(limit.exempts("[2001:db8::7]"));
        assertFalse(limit.exempts("192.168.1.1"));
        assertFalse(limit.exempts("not an address"));
    }

    @Test
    void theOlderNameLimitWhitelistIsReadWhenLimitAllowlistIsNotSet() {
        RateLimit limit = policyOf(Map.of(NGINX + "limit-connections", "1", NGINX + "limit-whitelist", "192.168.0.5"))
                .rateLimit();
        assertTrue(limit.exempts("192.168.0.5"));
        assertFalse(limit.exempts("192.168.0.6"));
    }

    @Test
    void oursWinsOverIngressNginxsAndZeroIsNoLimit() {
        assertSame(RoutePolicy.NONE, policyOf(Map.of(NGINX + "limit-rps", "5", "jingress.io/limit-rps", "0")));
        assertSame(RoutePolicy.NONE, policyOf(Map.of("example.com/owner", "team-a")));
        assertSame(RateLimit.NONE, RoutePolicy.NONE.rateLimit());
    }

    @Test
    void equalSettingsAreEqualLimitsSoAProxyCanKeepItsCountsAcrossTables() {
        RateLimit a = policyOf(Map.of(NGINX + "limit-rps", "5", NGINX + "limit-allowlist", "10.0.0.0/8")).rateLimit();
        RateLimit b = policyOf(Map.of(NGINX + "limit-rps", "5", NGINX + "limit-whitelist", "10.0.0.0/8")).rateLimit();
        RateLimit c = policyOf(Map.of(NGINX + "limit-rps", "6", NGINX + "limit-allowlist", "10.0.0.0/8")).rateLimit();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, c);
    }

    @Test
    void aLimitThatIsNoNumberIsReportedAndOnlyThatLimitIsNotSet() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(NGINX + "limit-rps", "ten",
                NGINX + "limit-connections", "2", NGINX + "limit-rpm", "-1"));
        RateLimit limit = parsed.policy().rateLimit();
        assertEquals(0, limit.requestsPerSecond());
        assertEquals(0, limit.requestsPerMinute());
        assertEquals(2, limit.connections());
        assertEquals(List.of(NGINX + "limit-rps: \"ten\" is not a whole number (0 or more): the Ingress's routes have no limit-rps limit",
                NGINX + "limit-rpm: \"-1\" is not a whole number (0 or more): the Ingress's routes have no limit-rpm limit"),
                parsed.problems());
    }

    @Test
    void aBadBurstMultiplierLeavesTheDefaultFive() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(NGINX + "limit-rps", "1",
                NGINX + "limit-burst-multiplier", "1.5"));
        assertEquals(5, parsed.policy().rateLimit().burstMultiplier());
        assertEquals(List.of(NGINX + "limit-burst-multiplier: \"1.5\" is not a whole number: the burst is the rate times 5,"
                + " as when it is not set"), parsed.problems());
    }

    @Test
    void anAllowlistEntryThatIsNoAddressIsLeftOutSoFewerClientsAreExempt() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(NGINX + "limit-rps", "1",
                NGINX + "limit-allowlist", "10.0.0.0/8, office, 300.1.1.1"));
        RateLimit limit = parsed.policy().rateLimit();
        assertEquals(List.of("10.0.0.0/8"), limit.exemptRanges());
        assertEquals(List.of(NGINX + "limit-allowlist: \"10.0.0.0/8, office, 300.1.1.1\": \"office\", \"300.1.1.1\" are"
                + " no IP address or CIDR range and left out; clients from there are limited"), parsed.problems());

        RouteAnnotations.Parsed none = RouteAnnotations.parse(Map.of(NGINX + "limit-rps", "1", NGINX + "limit-allowlist", "office"));
        assertEquals(1, none.policy().rateLimit().requestsPerSecond());
        assertFalse(none.policy().rateLimit().exempts("10.1.2.3"));
        assertEquals(List.of(), none.policy().rateLimit().exemptRanges());
    }

    @Test
    void anAllowlistOrMultiplierWithoutALimitIsReportedAsDoingNothing() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(NGINX + "limit-allowlist", "10.0.0.0/8"));
        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of(NGINX + "limit-allowlist: \"10.0.0.0/8\" does nothing: no limit-rps, limit-rpm or"
                + " limit-connections is set"), parsed.problems());
    }

    @Test
    void aBadLimitIsAWarningOnItsIngressAndOtherIngressesKeepTheirLimits() {
        Ingress bad = Ingress.builder("default", "api").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX + "limit-rps", "10r/s")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();
        Ingress other = Ingress.builder("default", "other").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX + "limit-rps", "3")
                .rule(rule("b.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();

        RouteTable table = compile(bad, other);

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        assertSame(RateLimit.NONE, route.policy().rateLimit());
        Route otherRoute = assertInstanceOf(Route.class, table.match("b.example.com", "/"));
        assertEquals(3, otherRoute.policy().rateLimit().requestsPerSecond());
        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("metadata.annotations", problem.field());
        assertEquals("default/api", problem.object());
        assertTrue(problem.message().startsWith(NGINX + "limit-rps: \"10r/s\" is not a whole number"), problem.message());
    }

    private static RoutePolicy policyOf(Map<String, String> annotations) {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(annotations);
        assertTrue(parsed.problems().isEmpty(), parsed.problems().toString());
        return parsed.policy();
    }
}
