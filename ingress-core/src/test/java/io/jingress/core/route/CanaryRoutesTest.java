package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Strategy;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CanaryRoutesTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @Test
    void aCanaryIngressJoinsTheMainRouteOfItsHostAndPathWithoutAConflict() {
        RouteTable table = compile(main("main", 1, "/"), canary("canary", 2, "/", Map.of(NGINX + "canary-weight", "20")));

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/x"));
        assertEquals("default/main", route.ingress());
        assertEquals("default/web:80", route.backend().key());
        Canary canary = route.canary();
        assertEquals("default/canary", canary.ingress());
        assertEquals("default/web-canary:80", canary.backend().key());
        assertTrue(canary.backend().isReady());
        assertEquals(20, canary.weight());
        assertEquals(100, canary.weightTotal());
        assertNull(canary.header());
        assertNull(canary.cookie());
        assertEquals(List.of(), table.problems());
        assertEquals(1, table.routes().size(), table.routes().toString());
    }

    @Test
    void aCanaryOlderThanItsMainIngressStillOnlyTakesItsShare() {
        RouteTable table = compile(canary("canary", 1, "/", Map.of()), main("main", 2, "/"));

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        assertEquals("default/main", route.ingress());
        assertEquals("default/canary", route.canary().ingress());
        assertEquals(0, route.canary().weight());
        assertEquals(List.of(), table.problems());
    }

    @Test
    void theRuleIsReadWithItsHeaderValuePatternAndCookie() {
        Route route = canaryRoute(Map.of(NGINX + "canary-by-header", "X-Canary", NGINX + "canary-by-header-value", "yes",
                NGINX + "canary-by-cookie", "beta", NGINX + "canary-weight", "5", NGINX + "canary-weight-total", "1000"));
        Canary canary = route.canary();
        assertEquals("X-Canary", canary.header());
        assertEquals("yes", canary.headerValue());
        assertNull(canary.headerPattern());
        assertEquals("beta", canary.cookie());
        assertEquals(5, canary.weight());
        assertEquals(1000, canary.weightTotal());
        assertEquals(List.of("header X-Canary: \"yes\" sends to the canary",
                "cookie beta=always sends to the canary, never keeps off it",
                "5 of 1000 other requests go to the canary"), canary.describe());

        Canary pattern = canaryRoute(Map.of(NGINX + "canary-by-header", "X-Canary",
                NGINX + "canary-by-header-pattern", "^(beta|qa)$")).canary();
        assertEquals("^(beta|qa)$", pattern.headerPattern().pattern());
        assertNull(pattern.headerValue());
    }

    @Test
    void aCanaryPathWithoutAMainRouteIsNotServedAndIsReported() {
        Ingress lonely = canary("lonely", 2, "/other", Map.of(NGINX + "canary-weight", "100"));
        RouteTable table = compile(main("main", 1, "/"), lonely);

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/other"));
        assertEquals("default/main", route.ingress());
        assertNull(route.canary());
        Problem problem = single(table);
        assertEquals("default/lonely", problem.object());
        assertEquals("spec.rules[0].http.paths[0]", problem.field());
        assertTrue(problem.message().contains("no ordinary Ingress serves host a.example.com path \"/other\" (Prefix)"),
                problem.message());
    }

    @Test
    void aCanaryWithAHostOfItsOwnIsNotServed() {
        Ingress own = Ingress.builder("default", "own").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX + "canary", "true").annotation(NGINX + "canary-weight", "100")
                .rule(rule("b.example.com", HttpIngressPath.prefix("/", backend("web-canary"))))
                .build();
        RouteTable table = compile(main("main", 1, "/"), own);

        assertSame(NoMatch.NO_HOST, table.match("b.example.com", "/"));
        Problem problem = single(table);
        assertEquals("default/own", problem.object());
        assertTrue(problem.message().contains("host b.example.com path \"/\""), problem.message());
    }

    @Test
    void aPathHasOneCanaryTheOldest() {
        RouteTable table = compile(main("main", 1, "/"), canary("second", 3, "/", Map.of()),
                canary("first", 2, "/", Map.of()));

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        assertEquals("default/first", route.canary().ingress());
        Problem problem = single(table);
        assertEquals("default/second", problem.object());
        assertTrue(problem.message().contains("already has the canary of the older Ingress default/first"),
                problem.message());
    }

    @Test
    void anExactCanaryDoesNotJoinAPrefixRouteButATrailingSlashDoesNotMatter() {
        Ingress exact = Ingress.builder("default", "exact").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX + "canary", "true")
                .rule(rule("a.example.com", HttpIngressPath.exact("/api", backend("web-canary")),
                        HttpIngressPath.prefix("/api/", backend("web-canary"))))
                .build();
        RouteTable table = compile(main("main", 1, "/api"), exact);

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/api/x"));
        assertEquals("default/exact", route.canary().ingress());
        assertEquals(1, route.canary().pathIndex());
        Problem problem = single(table);
        assertEquals("spec.rules[0].http.paths[0]", problem.field());
        assertTrue(problem.message().contains("path \"/api\" (Exact)"), problem.message());
    }

    @Test
    void aCanaryNamingTheMainBackendIsNotUsed() {
        Ingress same = Ingress.builder("default", "same").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX + "canary", "true")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();
        RouteTable table = compile(main("main", 1, "/"), same);

        assertNull(assertInstanceOf(Route.class, table.match("a.example.com", "/")).canary());
        assertTrue(single(table).message().contains("is the main route's own backend"), table.problems().toString());
    }

    @Test
    void badWeightsAreReportedAndSendNothingToTheCanaryByWeight() {
        for (Map<String, String> bad : List.of(Map.of(NGINX + "canary-weight", "abc"),
                Map.of(NGINX + "canary-weight", "-5"),
                Map.of(NGINX + "canary-weight", "20%"),
                Map.of(NGINX + "canary-weight", "101"),
                Map.of(NGINX + "canary-weight", "60", NGINX + "canary-weight-total", "50"),
                Map.of(NGINX + "canary-weight", "99999999999"))) {
            RouteTable table = compile(main("main", 1, "/"), canary("canary", 2, "/", bad));
            Canary canary = assertInstanceOf(Route.class, table.match("a.example.com", "/")).canary();
            assertEquals(0, canary.weight(), bad.toString());
            Problem problem = single(table);
            assertEquals("metadata.annotations", problem.field());
            assertTrue(problem.message().startsWith(NGINX + "canary-weight: \""), problem.message());
            assertTrue(problem.message().contains("the weight is 0"), problem.message());
        }
    }

    @Test
    void aBadWeightTotalIsReportedAndTheTotalIs100() {
        for (String bad : List.of("0", "-1", "ten", "")) {
            RouteTable table = compile(main("main", 1, "/"), canary("canary", 2, "/",
                    Map.of(NGINX + "canary-weight", "30", NGINX + "canary-weight-total", bad)));
            Canary canary = assertInstanceOf(Route.class, table.match("a.example.com", "/")).canary();
            assertEquals(30, canary.weight());
            assertEquals(100, canary.weightTotal());
            assertTrue(single(table).message().contains("the total is 100"), table.problems().toString());
        }
    }

    @Test
    void aBadPatternLeavesTheHeaderOutOfTheRule() {
        RouteTable table = compile(main("main", 1, "/"), canary("canary", 2, "/",
                Map.of(NGINX + "canary-by-header", "X-Canary", NGINX + "canary-by-header-pattern", "(unclosed")));
        Canary canary = assertInstanceOf(Route.class, table.match("a.example.com", "/")).canary();
        assertNull(canary.header());
        assertNull(canary.headerPattern());
        assertTrue(single(table).message().contains("is not a regular expression"), table.problems().toString());
    }

    @Test
    void canaryAnnotationsWithoutCanaryTrueDoNothingAndAreReported() {
        Ingress notCanary = Ingress.builder("default", "not-canary").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX + "canary-weight", "50")
                .rule(rule("b.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();
        RouteTable table = compile(main("main", 1, "/"), notCanary);

        Route route = assertInstanceOf(Route.class, table.match("b.example.com", "/"));
        assertEquals("default/not-canary", route.ingress());
        assertTrue(single(table).message().contains("has no effect: the Ingress is not a canary"),
                table.problems().toString());
    }

    @Test
    void aCanaryValueThatIsNoBooleanMakesAnOrdinaryIngressThatLosesToTheOlderMain() {
        RouteTable table = compile(main("main", 1, "/"), canary("canary", 2, "/", Map.of(NGINX + "canary", "yes")));

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        assertEquals("default/main", route.ingress());
        assertNull(route.canary());
        String problems = table.problems().toString();
        assertTrue(problems.contains("canary: \"yes\" is not true or false"), problems);
        assertTrue(problems.contains("is already served by the older Ingress default/main"), problems);
    }

    @Test
    void aCanarysPolicyAnnotationsTlsAndDefaultBackendDoNotChangeTheMainRoute() {
        Ingress canary = Ingress.builder("default", "canary").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX + "canary", "true")
                .annotation(NGINX + "proxy-body-size", "1k")
                .annotation(NGINX + "permanent-redirect", "https://elsewhere.example.com/")
                .tls(new IngressTls(List.of("a.example.com"), "canary-tls"))
                .defaultBackend(backend("web-canary"))
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web-canary"))))
                .build();
        RouteTable table = compile(main("main", 1, "/"), canary);

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        assertSame(RoutePolicy.NONE, route.policy());
        assertEquals(false, route.sslRedirect());
        assertEquals("default/canary", route.canary().ingress());
        String problems = table.problems().toString();
        assertTrue(problems.contains(NGINX + "proxy-body-size has no effect on a canary Ingress"), problems);
        assertTrue(problems.contains(NGINX + "permanent-redirect has no effect on a canary Ingress"), problems);
        assertTrue(problems.contains("spec.tls"), problems);
        assertTrue(problems.contains("spec.defaultBackend"), problems);
        assertEquals(4, table.problems().size(), problems);
    }

    @Test
    void aCanaryWhoseServiceIsMissingIsKeptNotReadyAndReported() {
        Ingress canary = Ingress.builder("default", "canary").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX + "canary", "true")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("missing"))))
                .build();
        RouteTable table = compile(main("main", 1, "/"), canary);

        Canary joined = assertInstanceOf(Route.class, table.match("a.example.com", "/")).canary();
        assertEquals(Backend.Status.SERVICE_NOT_FOUND, joined.backend().status());
        assertEquals("default/canary", single(table).object());
    }

    @Test
    void onARegexHostACanaryJoinsTheMainPathWithTheSameRegexTextAsIngressNginx() {
        // "\\d" cannot be in a normalised path, and "/foo" and "/foo/" are two regexes there
        Ingress main = Ingress.builder("default", "main").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX + "use-regex", "true")
                .rule(rule("a.example.com", regex("/api/v\\d+/(.*)", "web"), regex("/foo/", "web"), regex("/foo", "web")))
                .build();
        Ingress canary = Ingress.builder("default", "canary").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX + "canary", "true").annotation(NGINX + "canary-by-header", "X-Canary")
                .rule(rule("a.example.com", regex("/api/v\\d+/(.*)", "web-canary"), regex("/foo", "web-canary")))
                .build();
        RouteTable table = compile(main, canary);

        assertEquals(List.of(), table.problems());
        Route api = assertInstanceOf(Route.class, table.match("a.example.com", "/api/v2/users"));
        assertEquals("/api/v\\d+/(.*)", api.path());
        assertEquals("default/canary", api.canary().ingress());
        assertEquals("default/web-canary:80", api.canary().backend().key());
        assertEquals("X-Canary", api.canary().header());
        Route foo = assertInstanceOf(Route.class, table.match("a.example.com", "/foo"));
        assertEquals("/foo", foo.path());
        assertEquals(1, foo.canary().pathIndex());  // the canary's "/foo"
        Route fooSlash = assertInstanceOf(Route.class, table.match("a.example.com", "/foo/x"));
        assertEquals("/foo/", fooSlash.path());
        assertNull(fooSlash.canary());
        // the canary is matched by the main's regex, case-insensitively: it is the same route
        assertSame(api, table.match("a.example.com", "/API/V7/x"));
    }

    @Test
    void onARegexHostACanaryWhoseRegexTextDiffersFromEveryMainPathIsReportedAndNotServed() {
        Ingress main = Ingress.builder("default", "main").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX + "use-regex", "true")
                .rule(rule("a.example.com", regex("/api/.+", "web")))
                .build();
        Ingress canary = Ingress.builder("default", "canary").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX + "canary", "true")
                .rule(rule("a.example.com", regex("/api/.*", "web-canary"), regex("/x\\d", "web-canary")))
                .build();
        RouteTable table = compile(main, canary);

        assertNull(assertInstanceOf(Route.class, table.match("a.example.com", "/api/x")).canary());
        assertEquals(2, table.problems().size(), table.problems().toString());
        assertEquals("spec.rules[0].http.paths[0]", table.problems().get(0).field());
        assertTrue(table.problems().get(0).message().startsWith("canary: no ordinary Ingress serves host a.example.com"
                + " path \"/api/.*\""), table.problems().get(0).message());
        assertEquals("spec.rules[0].http.paths[1]", table.problems().get(1).field());
        assertTrue(table.problems().get(1).message().startsWith("canary: no ordinary Ingress serves"),
                table.problems().get(1).message());
    }

    private static HttpIngressPath regex(String path, String service) {
        return HttpIngressPath.of(path, "ImplementationSpecific", backend(service));
    }

    private static Route canaryRoute(Map<String, String> annotations) {
        RouteTable table = compile(main("main", 1, "/"), canary("canary", 2, "/", annotations));
        assertEquals(List.of(), table.problems());
        return assertInstanceOf(Route.class, table.match("a.example.com", "/"));
    }

    private static Problem single(RouteTable table) {
        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        return problem;
    }

    @Test
    void byDefaultACanaryOfAnAffinityRouteIsStickyAndKeepsSessionsWithTheMainIngresssCookie() {
        Ingress main = Ingress.builder("default", "main").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX + "affinity", "cookie").annotation(NGINX + "session-cookie-name", "route")
                .annotation(NGINX + "affinity-mode", "balanced")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web")))).build();
        RouteTable table = compile(main, canary("canary", 2, "/", Map.of(NGINX + "canary-weight", "10")));

        assertEquals(List.of(), table.problems());
        Canary canary = assertInstanceOf(Route.class, table.match("a.example.com", "/")).canary();
        assertTrue(canary.stickyAffinity());
        assertEquals(Strategy.COOKIE_AFFINITY, canary.backend().balancer().strategy());
        assertEquals(List.of("an affinity cookie of the main backend or the canary keeps the client there"
                + " (affinity-canary-behavior: sticky)", "10 of 100 other requests go to the canary"), canary.describe());

        Canary legacy = assertInstanceOf(Route.class, compile(main, canary("canary", 2, "/",
                Map.of(NGINX + "affinity-canary-behavior", "Legacy"))).match("a.example.com", "/")).canary();
        assertFalse(legacy.stickyAffinity());
        assertEquals(Strategy.ROUND_ROBIN, legacy.backend().balancer().strategy(), "legacy: the canary's own balancing");

        assertFalse(canaryRoute(Map.of()).canary().stickyAffinity(), "no affinity, nothing to stick to");
    }

    @Test
    void aBadAffinityCanaryBehaviorIsAWarningOfTheCanaryIngressAndIsSticky() {
        Ingress main = Ingress.builder("default", "main").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX + "affinity", "cookie")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web")))).build();
        RouteTable table = compile(main, canary("canary", 2, "/", Map.of(NGINX + "affinity-canary-behavior", "always",
                NGINX + "canary-weight", "30")));

        Canary canary = assertInstanceOf(Route.class, table.match("a.example.com", "/")).canary();
        assertTrue(canary.stickyAffinity());
        assertEquals(30, canary.weight(), "the rest of the rule is kept");
        Problem problem = single(table);
        assertEquals("default/canary", problem.object());
        assertEquals("metadata.annotations", problem.field());
        assertEquals(NGINX + "affinity-canary-behavior: \"always\" is not one of sticky, legacy: as \"sticky\", a client"
                + " whose affinity cookie names the main backend or the canary stays there", problem.message());

        Ingress onMain = Ingress.builder("default", "main").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX + "affinity", "cookie").annotation(NGINX + "affinity-canary-behavior", "legacy")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web")))).build();
        Problem ignored = single(compile(onMain, canary("canary", 2, "/", Map.of())));
        assertEquals("default/main", ignored.object());
        assertEquals(NGINX + "affinity-canary-behavior: \"legacy\" has no effect: the Ingress is not a canary"
                + " (canary: \"true\")", ignored.message());
    }

    static Ingress main(String name, long createdSecond, String path) {
        return Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(createdSecond))
                .rule(rule("a.example.com", HttpIngressPath.prefix(path, backend("web"))))
                .build();
    }

    static Ingress canary(String name, long createdSecond, String path, Map<String, String> annotations) {
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(createdSecond))
                .annotation(NGINX + "canary", "true")
                .rule(rule("a.example.com", HttpIngressPath.prefix(path, backend("web-canary"))));
        annotations.forEach(builder::annotation);
        return builder.build();
    }

    static RouteTable compile(Ingress... ingresses) {
        ClusterState.Builder state = ClusterState.builder()
                .service(service("web")).endpointSlice(slice("web", "10.0.0.1"))
                .service(service("web-canary")).endpointSlice(slice("web-canary", "10.0.0.2"));
        for (Ingress ingress : ingresses) {
            state.ingress(ingress);
        }
        return RouteCompiler.create(Balancers.create()).compile(state.build());
    }
}
