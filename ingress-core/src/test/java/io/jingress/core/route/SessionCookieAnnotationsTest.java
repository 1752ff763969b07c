package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.BalancerPolicy;
import io.jingress.core.lb.Strategy;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SessionCookieAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static Map<String, String> affinity(String... more) {
        Map<String, String> annotations = new HashMap<>();
        annotations.put(NGINX + "affinity", "cookie");
        for (int i = 0; i < more.length; i += 2) {
            annotations.put(more[i], more[i + 1]);
        }
        return annotations;
    }

    @Test
    void everyAttributeIsReadAsIngressNginxWritesIt() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(affinity(
                NGINX + "session-cookie-path", "/shop",
                NGINX + "session-cookie-domain", ".example.com",
                NGINX + "session-cookie-max-age", "172800",
                NGINX + "session-cookie-expires", "3600",
                NGINX + "session-cookie-samesite", "none",
                NGINX + "session-cookie-conditional-samesite-none", "true",
                NGINX + "session-cookie-secure", "True",
                NGINX + "session-cookie-change-on-failure", "true",
                NGINX + "affinity-mode", "persistent"));

        assertEquals(List.of(), parsed.problems());
        SessionCookie cookie = parsed.policy().sessionCookie();
        assertEquals("/shop", cookie.path());
        assertEquals(".example.com", cookie.domain());
        assertEquals(172800L, cookie.maxAgeSeconds());
        assertEquals(3600L, cookie.expiresSeconds());
        assertEquals("None", cookie.sameSite());
        assertTrue(cookie.conditionalSameSiteNone());
        assertTrue(cookie.secure());
        assertEquals(List.of("affinity cookie Path=/shop; Domain=.example.com; Max-Age=172800; Expires in 3600 s;"
                + " Secure; SameSite=None (not for User-Agents that reject it) (session-cookie-*)"),
                parsed.policy().describe());
    }

    @Test
    void sameSiteIsWrittenInItsCanonicalCaseAndOursWinsOverIngressNginxs() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(affinity(
                NGINX + "session-cookie-samesite", "Strict", "jingress.io/session-cookie-samesite", "LAX"));
        assertEquals(List.of(), parsed.problems());
        assertEquals("Lax", parsed.policy().sessionCookie().sameSite());
    }

    @Test
    void anIngressWithAffinityButNoAttributesKeepsTheDefaultsAndCostsNothing() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(affinity(
                NGINX + "session-cookie-name", "route", NGINX + "affinity-mode", "persistent",
                NGINX + "session-cookie-change-on-failure", "true", NGINX + "session-cookie-secure", "false"));
        assertEquals(List.of(), parsed.problems());
        assertSame(RoutePolicy.NONE, parsed.policy());
    }

    @Test
    void eachBadValueCostsItsOwnAttributeOnly() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(affinity(
                NGINX + "session-cookie-path", "shop",
                NGINX + "session-cookie-domain", "example.com; Secure",
                NGINX + "session-cookie-max-age", "2d",
                NGINX + "session-cookie-expires", "3600",
                NGINX + "session-cookie-samesite", "sometimes",
                NGINX + "session-cookie-secure", "yes"));

        SessionCookie cookie = parsed.policy().sessionCookie();
        assertNull(cookie.path());
        assertNull(cookie.domain());
        assertNull(cookie.maxAgeSeconds());
        assertEquals(3600L, cookie.expiresSeconds(), "the good attribute is kept");
        assertNull(cookie.sameSite());
        assertFalse(cookie.secure());
        assertEquals(List.of(
                NGINX + "session-cookie-path: \"shop\" is not a cookie path (it starts with / and has no ';', space or"
                        + " control character): the cookie's Path is the path of the route that answered",
                NGINX + "session-cookie-domain: \"example.com; Secure\" is not a domain name (letters, digits, '-' and"
                        + " '.'): the cookie has no Domain, so it is the request host's",
                NGINX + "session-cookie-max-age: \"2d\" is not a number of seconds: the cookie has no Max-Age",
                NGINX + "session-cookie-samesite: \"sometimes\" is not one of None, Lax, Strict: the cookie has no"
                        + " SameSite",
                NGINX + "session-cookie-secure: \"yes\" is not \"true\" or \"false\": the cookie is Secure over TLS only"),
                parsed.problems());
    }

    @Test
    void whatJingressDoesNotDoIsSaidNotSilentlyIgnored() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(affinity(
                NGINX + "affinity-mode", "balanced", NGINX + "session-cookie-change-on-failure", "false"));
        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of(
                NGINX + "session-cookie-change-on-failure: \"false\" is not supported: a request whose endpoint failed"
                        + " is retried on another endpoint, which the cookie then names, as with \"true\""),
                parsed.problems());
    }

    @Test
    void affinityModeBalancedGivesTheBackendsABalancedCookieAndABadModeCostsOnlyTheMode() {
        assertTrue(balancerPolicyOf(affinity(NGINX + "affinity-mode", "Balanced")).balancedAffinity());
        assertTrue(balancerPolicyOf(affinity(NGINX + "affinity-mode", "persistent", "jingress.io/affinity-mode", "balanced"))
                .balancedAffinity());
        assertFalse(balancerPolicyOf(affinity(NGINX + "affinity-mode", "persistent")).balancedAffinity());
        assertFalse(balancerPolicyOf(affinity()).balancedAffinity());

        Map<String, String> bad = affinity(NGINX + "affinity-mode", "sometimes", NGINX + "session-cookie-path", "/shop");
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(bad);
        assertEquals(List.of(NGINX + "affinity-mode: \"sometimes\" is not one of balanced, persistent: sessions stay on"
                + " their endpoint while it is there, as with \"persistent\"; new endpoints get new sessions only"),
                parsed.problems());
        assertEquals("/shop", parsed.policy().sessionCookie().path());
        BalancerPolicy policy = balancerPolicyOf(bad);
        assertEquals(Strategy.COOKIE_AFFINITY, policy.strategy());
        assertFalse(policy.balancedAffinity());
    }

    private static BalancerPolicy balancerPolicyOf(Map<String, String> annotations) {
        return BalancerPolicy.fromAnnotations(annotations);
    }

    @Test
    void partitionedIsReadAndABadValueCostsOnlyIt() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(affinity(NGINX + "session-cookie-partitioned", "true",
                NGINX + "session-cookie-samesite", "None", NGINX + "session-cookie-secure", "true"));
        assertEquals(List.of(), parsed.problems());
        assertTrue(parsed.policy().sessionCookie().partitioned());
        assertEquals(List.of("affinity cookie Secure; SameSite=None; Partitioned (session-cookie-*)"),
                parsed.policy().describe());
        assertSame(RoutePolicy.NONE, RouteAnnotations.parse(affinity("jingress.io/session-cookie-partitioned", "false",
                NGINX + "session-cookie-partitioned", "true")).policy(), "ours wins");

        RouteAnnotations.Parsed bad = RouteAnnotations.parse(affinity(NGINX + "session-cookie-partitioned", "maybe",
                NGINX + "session-cookie-samesite", "None"));
        assertEquals(List.of(NGINX + "session-cookie-partitioned: \"maybe\" is not \"true\" or \"false\": the cookie is"
                + " not Partitioned"), bad.problems());
        assertFalse(bad.policy().sessionCookie().partitioned());
        assertEquals("None", bad.policy().sessionCookie().sameSite());
    }

    @Test
    void attributesWithoutCookieAffinityAreReportedAsHavingNoEffect() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(NGINX + "session-cookie-path", "/shop"));
        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of(NGINX + "session-cookie-path: \"/shop\" has no effect: the Ingress does not ask for cookie"
                + " affinity (affinity: \"cookie\")"), parsed.problems());
    }

    @Test
    void aBadValueIsAWarningNamingTheIngressAndOtherIngressesKeepTheirCookies() {
        Ingress.Builder badBuilder = Ingress.builder("default", "shop").creationTimestamp(Instant.ofEpochSecond(1));
        affinity(NGINX + "session-cookie-samesite", "sometimes", NGINX + "session-cookie-path", "/shop")
                .forEach(badBuilder::annotation);
        Ingress bad = badBuilder.rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();
        Ingress.Builder otherBuilder = Ingress.builder("default", "other").creationTimestamp(Instant.ofEpochSecond(2));
        affinity(NGINX + "session-cookie-samesite", "Strict").forEach(otherBuilder::annotation);
        Ingress other = otherBuilder.rule(rule("b.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();

        RouteTable table = compile(bad, other);

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        assertEquals("/shop", route.policy().sessionCookie().path());
        assertNull(route.policy().sessionCookie().sameSite());
        Route otherRoute = assertInstanceOf(Route.class, table.match("b.example.com", "/"));
        assertEquals("Strict", otherRoute.policy().sessionCookie().sameSite());
        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("metadata.annotations", problem.field());
        assertEquals("default/shop", problem.object());
        assertTrue(problem.message().startsWith(NGINX + "session-cookie-samesite: \"sometimes\""), problem.message());
    }
}
