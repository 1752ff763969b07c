package io.jingress.core.route;

import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.Problem;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.jingress.core.model.HttpIngressPath.exact;
import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.matched;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An Ingress's {@code defaultBackend} serves the hosts of its own rules, as in ingress-nginx. */
class DefaultBackendTest {

    private static Ingress withDefault(String namespace, String name, long createdSecond, IngressBackend fallback,
            IngressRule... rules) {
        Ingress.Builder builder = Ingress.builder(namespace, name).creationTimestamp(Instant.ofEpochSecond(createdSecond))
                .defaultBackend(fallback);
        for (IngressRule rule : rules) {
            builder.rule(rule);
        }
        return builder.build();
    }

    @Test
    void aTenantsDefaultBackendServesOnlyTheHostsOfItsOwnRules() {
        RouteTable table = compile(
                withDefault("team-a", "a", 1, backend("svc1"), rule("a.com", prefix("/app", backend("web")))),
                ingress("b", 2, rule("b.com", prefix("/b", backend("web")))));

        assertEquals("default-backend team-a/a", matched(table, "a.com", "/other"));
        assertEquals("NO_PATH", matched(table, "b.com", "/other"));
        assertEquals("NO_HOST", matched(table, "unknown.com", "/"));
        assertEquals("default/b b.com /b Prefix", matched(table, "b.com", "/b"));
        assertNull(table.defaultRoute(), "an Ingress with rules sets no catch-all");
    }

    @Test
    void theFallbackOfAHostIsMarkedAsTheDefaultBackendOfThatHost() {
        RouteTable table = compile(withDefault("team-a", "a", 1, backend("web"),
                rule("a.com", prefix("/app", backend("web")))));

        Route route = assertInstanceOf(Route.class, table.match("a.com", "/other"));
        assertTrue(route.isDefaultBackend());
        assertEquals("a.com", route.host());
        assertNull(route.path());
        assertNull(route.pathType());
        assertEquals(-1, route.ruleIndex());
        assertEquals("team-a/web:80", route.backend().key());
        assertEquals(List.of(route), table.hostDefaultRoutes());
        assertTrue(table.routes().contains(route));
    }

    @Test
    void theOldestIngressWithARuleForTheHostAndADefaultBackendWinsAndTheOtherIsReported() {
        RouteTable table = compile(
                withDefault("default", "young", 9, backend("young-svc"), rule("shared.com", prefix("/y", backend("web")))),
                ingress("no-default", 0, rule("shared.com", prefix("/n", backend("web")))),
                withDefault("default", "old", 1, backend("web"), rule("shared.com", prefix("/o", backend("web")))));

        assertEquals("default-backend default/old", matched(table, "shared.com", "/elsewhere"));
        assertEquals(List.of("Ingress default/young: spec.defaultBackend: host shared.com already has the defaultBackend"
                        + " of the older Ingress default/old (default/web:80); this defaultBackend is not used for it"),
                table.problems().stream().map(Problem::toString).toList());
        assertEquals(Problem.Severity.WARNING, table.problems().get(0).severity());
    }

    @Test
    void theSameDefaultBackendOnTwoIngressesOfAHostIsNoConflict() {
        RouteTable table = compile(
                withDefault("default", "one", 1, backend("web"), rule("shared.com", prefix("/1", backend("web")))),
                withDefault("default", "two", 2, backend("web"), rule("shared.com", prefix("/2", backend("web")))));
        assertEquals("default-backend default/one", matched(table, "shared.com", "/3"));
        assertTrue(table.problems().isEmpty(), table.problems().toString());
    }

    @Test
    void aPrefixSlashPathOfTheHostBeatsTheDefaultBackendButAnExactSlashDoesNot() {
        RouteTable table = compile(
                withDefault("default", "a", 1, backend("web"), rule("p.com", exact("/", backend("web")))),
                ingress("b", 2, rule("p.com", prefix("/", backend("web")))),
                withDefault("default", "c", 3, backend("web"), rule("e.com", exact("/", backend("web")))));

        assertEquals("default/b p.com / Prefix", matched(table, "p.com", "/anything"));
        assertEquals("default/a p.com / Exact", matched(table, "p.com", "/"));
        assertEquals("default/c e.com / Exact", matched(table, "e.com", "/"));
        assertEquals("default-backend default/c", matched(table, "e.com", "/anything"));
        assertEquals(1, table.hostDefaultRoutes().size(), table.hostDefaultRoutes().toString());
    }

    @Test
    void aRuleWithoutPathsSendsItsWholeHostToTheDefaultBackend() {
        RouteTable table = compile(withDefault("default", "a", 1, backend("web"), new IngressRule("all.com", List.of())));
        assertEquals("default-backend default/a", matched(table, "all.com", "/"));
        assertEquals("default-backend default/a", matched(table, "all.com", "/x/y"));
        assertEquals("NO_HOST", matched(table, "other.com", "/"));
    }

    @Test
    void aWildcardHostHasItsOwnFallback() {
        RouteTable table = compile(
                withDefault("default", "wild", 1, backend("web"), rule("*.w.com", prefix("/app", backend("web")))),
                ingress("exact", 2, rule("x.w.com", prefix("/x", backend("web")))));
        assertEquals("default-backend default/wild", matched(table, "y.w.com", "/other"));
        assertEquals("NO_PATH", matched(table, "x.w.com", "/other"), "an exact host has its own paths");
    }

    @Test
    void theRulesWithoutHostHaveTheirOwnFallbackWhichBeatsTheCatchAll() {
        RouteTable table = compile(
                withDefault("default", "catch-all", 1, backend("web")),
                withDefault("default", "any", 2, backend("web"), rule(null, prefix("/any", backend("web")))),
                ingress("c", 3, rule("c.com", prefix("/c", backend("web")))));

        assertEquals("default/any * /any Prefix", matched(table, "x.com", "/any"));
        assertEquals("default-backend default/any", matched(table, "x.com", "/other"));
        assertEquals("default-backend default/any", matched(table, null, "/other"));
        assertEquals("NO_PATH", matched(table, "c.com", "/other"));
        assertEquals("default/catch-all", table.defaultRoute().ingress());
    }

    @Test
    void theCatchAllServesWhatTheRulesWithoutHostDoNotMatchWhenTheyHaveNoDefaultBackend() {
        RouteTable table = compile(
                withDefault("default", "catch-all", 1, backend("web")),
                ingress("any", 2, rule(null, prefix("/any", backend("web")))),
                ingress("c", 3, rule("c.com", prefix("/c", backend("web")))));

        assertEquals("default/any * /any Prefix", matched(table, "x.com", "/any"));
        assertEquals("default-backend default/catch-all", matched(table, "x.com", "/other"));
        assertEquals("NO_PATH", matched(table, "c.com", "/other"));
    }

    @Test
    void theDefaultBackendOfATlsHostIsRedirectedToHttps() {
        Ingress ingress = withDefault("default", "a", 1, backend("web"), rule("secure.com", prefix("/app", backend("web"))),
                rule("plain.com", prefix("/app", backend("web")))).toBuilder()
                .tls(new IngressTls(List.of("secure.com"), "cert")).build();
        RouteTable table = compile(ingress);
        assertTrue(((Route) table.match("secure.com", "/other")).sslRedirect());
        assertFalse(((Route) table.match("plain.com", "/other")).sslRedirect());
    }

    @Test
    void aDefaultBackendThatServesNoHostIsNeitherResolvedNorReported() {
        RouteTable table = compile(
                ingress("root", 1, rule("r.com", prefix("/", backend("web")))),
                withDefault("default", "late", 2, backend("missing"), rule("r.com", prefix("/late", backend("web")))));
        assertEquals(1, table.backends().size(), table.backends().toString());
        assertTrue(table.problems().isEmpty(), table.problems().toString());
    }
}
