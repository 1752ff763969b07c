package io.jingress.core.route;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Gateway;
import io.jingress.core.model.GatewayClass;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteMatch;
import io.jingress.core.model.HttpRouteRule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.jingress.core.route.GatewayFixtures.chosen;
import static io.jingress.core.route.GatewayFixtures.compile;
import static io.jingress.core.route.GatewayFixtures.gateway;
import static io.jingress.core.route.GatewayFixtures.problemsOf;
import static io.jingress.core.route.GatewayFixtures.route;
import static io.jingress.core.route.GatewayFixtures.rule;
import static io.jingress.core.route.GatewayFixtures.serviceOf;
import static io.jingress.core.route.GatewayFixtures.state;
import static io.jingress.core.model.HttpRouteMatch.exact;
import static io.jingress.core.model.HttpRouteMatch.pathPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attachment, hostnames, matches and precedence of HTTPRoutes compiled into the route table. */
class HttpRouteMatchingTest {

    @Test
    void aRouteAttachedToOurGatewayServesItsHostAndPath() {
        RouteTable table = compile(state(gateway(null), "cart")
                .httpRoute(route("default", "shop", 1, List.of("shop.example.com"), rule(pathPrefix("/cart"), "cart")))
                .build());
        assertEquals("cart", serviceOf(table, "shop.example.com", "/cart/items"));
        assertNull(serviceOf(table, "shop.example.com", "/cartoon"), "PathPrefix is element-wise");
        assertNull(serviceOf(table, "other.example.com", "/cart"));
        Route route = (Route) table.match("shop.example.com", "/cart");
        assertEquals("HTTPRoute", route.kind());
        assertEquals("HTTPRoute default/shop spec.rules[0].matches[0]", route.source());
        assertTrue(table.problems().isEmpty(), problemsOf(table).toString());
    }

    @Test
    void aGatewayOfAnotherControllersClassServesNothing() {
        RouteTable table = compile(ClusterState.builder()
                .gatewayClass(new GatewayClass("jingress", "example.com/other"))
                .gateway(gateway(null))
                .service(GatewayFixtures.service("default", "cart"))
                .httpRoute(route("default", "shop", 1, List.of(), rule(null, "cart")))
                .build());
        assertTrue(table.routes().isEmpty());
        assertTrue(table.problems().isEmpty(), "another controller's objects are its to report");
    }

    @Test
    void aCompilerWithAnotherControllerNameServesThatControllersClass() {
        ClusterState state = ClusterState.builder()
                .gatewayClass(new GatewayClass("jingress", "example.com/other"))
                .gateway(gateway(null))
                .httpRoute(route("default", "shop", 1, List.of(), rule(null, "cart")))
                .build();
        RouteTable table = RouteCompiler.create(Balancers.create()).withGatewayController("example.com/other").compile(state);
        assertEquals(1, table.routes().size());
    }

    @Test
    void aRouteWithoutHostnamesTakesTheListenersHostname() {
        RouteTable table = compile(state(gateway("shop.example.com"), "cart")
                .httpRoute(route("default", "shop", 1, List.of(), rule(null, "cart"))).build());
        assertEquals("cart", serviceOf(table, "shop.example.com", "/"));
        assertNull(serviceOf(table, "other.example.com", "/"));
    }

    @Test
    void aWildcardListenerTakesOnlyTheRouteHostnamesUnderIt() {
        RouteTable table = compile(state(gateway("*.example.com"), "cart")
                .httpRoute(route("default", "shop", 1, List.of("shop.example.com", "shop.example.org"), rule(null, "cart")))
                .build());
        assertEquals("cart", serviceOf(table, "shop.example.com", "/"));
        assertNull(serviceOf(table, "shop.example.org", "/"));
    }

    @Test
    void aGatewayWildcardTakesAnyNumberOfLabelsButNotTheNameItself() {
        RouteTable table = compile(state(gateway(null), "cart")
                .httpRoute(route("default", "shop", 1, List.of("*.example.com"), rule(null, "cart"))).build());
        assertEquals("cart", serviceOf(table, "a.example.com", "/"));
        assertEquals("cart", serviceOf(table, "a.b.example.com", "/"));
        assertEquals("cart", serviceOf(table, "A.B.Example.COM:8080", "/"));
        assertNull(serviceOf(table, "example.com", "/"));
    }

    @Test
    void theMostSpecificHostnameWins() {
        RouteTable table = compile(state(gateway(null), "wild", "exact")
                .httpRoute(route("default", "wild", 1, List.of("*.example.com"), rule(null, "wild")))
                .httpRoute(route("default", "exact", 2, List.of("shop.example.com"), rule(null, "exact")))
                .build());
        assertEquals("exact", serviceOf(table, "shop.example.com", "/"));
        assertEquals("wild", serviceOf(table, "cart.example.com", "/"));
    }

    @Test
    void aListenerTakingRoutesOfItsOwnNamespaceRefusesOthersAndSaysWhy() {
        Gateway same = new Gateway("infra", "web", "jingress", List.of(Gateway.Listener.http("http", null, 80)));
        RouteTable table = compile(state(same, "cart")
                .httpRoute(route("default", "shop", 1, List.of(), rule(null, "cart"))).build());
        assertTrue(table.routes().isEmpty());
        assertEquals(List.of("HTTPRoute default/shop: spec.parentRefs[0]: not attached to Gateway infra/web: listener http"
                + " takes routes of namespace infra only"), problemsOf(table));
    }

    @Test
    void aSectionNameAttachesToThatListenerOnly() {
        Gateway two = new Gateway("infra", "web", "jingress", List.of(
                Gateway.Listener.http("a", "a.example.com", 80).allowedRoutesFrom(Gateway.FROM_ALL),
                Gateway.Listener.http("b", "b.example.com", 8080).allowedRoutesFrom(Gateway.FROM_ALL)));
        HttpRoute toB = new HttpRoute("default", "shop", Instant.EPOCH,
                List.of(new HttpRoute.ParentRef("infra", "web", "b", null)), List.of(), List.of(rule(null, "cart")));
        HttpRoute toPort80 = new HttpRoute("default", "other", Instant.EPOCH,
                List.of(new HttpRoute.ParentRef("infra", "web", null, 80)), List.of(), List.of(rule(null, "other")));
        RouteTable table = compile(state(two, "cart", "other").httpRoute(toB).httpRoute(toPort80).build());
        assertEquals("cart", serviceOf(table, "b.example.com", "/"));
        assertEquals("other", serviceOf(table, "a.example.com", "/"));
        assertNull(serviceOf(table, "c.example.com", "/"));
    }

    @Test
    void aRequestThatTheMostSpecificPathsConditionsRefuseFallsToTheNextLessSpecificMatch() {
        RouteTable table = compile(state(gateway(null), "foo", "root")
                .httpRoute(route("default", "r", 1, List.of("h.example.com"),
                        rule(pathPrefix("/foo").withHeader("x", "1"), "foo"),
                        rule(pathPrefix("/"), "root")))
                .build());
        assertEquals("foo", serviceOf(chosen(table, "h.example.com", "/foo/bar", "GET", Map.of("X", "1"), null)));
        assertEquals("root", serviceOf(chosen(table, "h.example.com", "/foo/bar", "GET", Map.of(), null)));
        assertEquals("root", serviceOf(chosen(table, "h.example.com", "/foo/bar", "GET", Map.of("x", "2"), null)));
    }

    @Test
    void aRequestThatNoMatchTakesIsAnsweredNothingEvenWhenItsPathIsKnown() {
        RouteTable table = compile(state(gateway(null), "foo")
                .httpRoute(route("default", "r", 1, List.of("h.example.com"), rule(pathPrefix("/foo").withMethod("POST"), "foo")))
                .build());
        assertNull(chosen(table, "h.example.com", "/foo", "GET", Map.of(), null));
        assertEquals("foo", serviceOf(chosen(table, "h.example.com", "/foo", "POST", Map.of(), null)));
    }

    @Test
    void anExactPathBeatsPrefixesAndTheLongestPrefixBeatsShorterOnes() {
        RouteTable table = compile(state(gateway(null), "exact", "long", "short")
                .httpRoute(route("default", "r", 1, List.of("h.example.com"),
                        rule(pathPrefix("/a"), "short"),
                        rule(pathPrefix("/a/b"), "long"),
                        rule(exact("/a/b"), "exact")))
                .build());
        assertEquals("exact", serviceOf(table, "h.example.com", "/a/b"));
        assertEquals("long", serviceOf(table, "h.example.com", "/a/b/c"));
        assertEquals("short", serviceOf(table, "h.example.com", "/a/bc"));
    }

    @Test
    void anExactMatchWhoseConditionsFailFallsToThePrefixOfTheSamePath() {
        RouteTable table = compile(state(gateway(null), "exact", "prefix")
                .httpRoute(route("default", "r", 1, List.of("h.example.com"),
                        rule(exact("/a").withQueryParam("v", "2"), "exact"),
                        rule(pathPrefix("/a"), "prefix")))
                .build());
        assertEquals("exact", serviceOf(chosen(table, "h.example.com", "/a", "GET", Map.of(), "v=2")));
        assertEquals("prefix", serviceOf(chosen(table, "h.example.com", "/a", "GET", Map.of(), "v=3")));
    }

    @Test
    void aMethodBeatsHeadersAndMoreHeadersBeatFewerAndMoreQueryParamsBeatFewer() {
        RouteTable table = compile(state(gateway(null), "method", "twoHeaders", "oneHeader", "twoParams", "oneParam")
                .httpRoute(route("default", "r", 1, List.of("h.example.com"),
                        rule(pathPrefix("/").withQueryParam("a", "1"), "oneParam"),
                        rule(pathPrefix("/").withQueryParam("a", "1").withQueryParam("b", "1"), "twoParams"),
                        rule(pathPrefix("/").withHeader("a", "1"), "oneHeader"),
                        rule(pathPrefix("/").withHeader("a", "1").withHeader("b", "1"), "twoHeaders"),
                        rule(pathPrefix("/").withMethod("GET"), "method")))
                .build());
        Map<String, String> both = Map.of("a", "1", "b", "1");
        assertEquals("method", serviceOf(chosen(table, "h.example.com", "/", "GET", both, "a=1&b=1")));
        assertEquals("twoHeaders", serviceOf(chosen(table, "h.example.com", "/", "PUT", both, "a=1&b=1")));
        assertEquals("oneHeader", serviceOf(chosen(table, "h.example.com", "/", "PUT", Map.of("a", "1"), "a=1&b=1")));
        assertEquals("twoParams", serviceOf(chosen(table, "h.example.com", "/", "PUT", Map.of(), "a=1&b=1")));
        assertEquals("oneParam", serviceOf(chosen(table, "h.example.com", "/", "PUT", Map.of(), "b=2&a=1&a=2")));
        assertNull(chosen(table, "h.example.com", "/", "PUT", Map.of(), "a=2"));
    }

    @Test
    void equallySpecificMatchesGoToTheOldestRouteThenByNamespaceAndName() {
        RouteTable table = compile(state(gateway(null), "old", "young", "aaa")
                .httpRoute(route("default", "young", 2, List.of("h.example.com"), rule(pathPrefix("/").withHeader("x", "1"), "young")))
                .httpRoute(route("default", "old", 1, List.of("h.example.com"), rule(pathPrefix("/").withHeader("y", "1"), "old")))
                .httpRoute(route("default", "aaa", 2, List.of("h.example.com"), rule(pathPrefix("/").withHeader("z", "1"), "aaa")))
                .build());
        Map<String, String> all = Map.of("x", "1", "y", "1", "z", "1");
        assertEquals("old", serviceOf(chosen(table, "h.example.com", "/", "GET", all, null)));
        assertEquals("aaa", serviceOf(chosen(table, "h.example.com", "/", "GET", Map.of("x", "1", "z", "1"), null)));
    }

    @Test
    void theMatchesOfARuleAreOredAndTheConditionsOfAMatchAnded() {
        HttpRouteMatch both = new HttpRouteMatch(new HttpRouteMatch.Path("PathPrefix", "/a"),
                List.of(new HttpRouteMatch.Header(null, "x", "1")), List.of(new HttpRouteMatch.Header(null, "q", "1")), "GET");
        RouteTable table = compile(state(gateway(null), "svc")
                .httpRoute(route("default", "r", 1, List.of("h.example.com"), HttpRouteRule.of(
                        List.of(both, exact("/b")), List.of(HttpBackendRef.service("svc", 80)))))
                .build());
        assertEquals("svc", serviceOf(chosen(table, "h.example.com", "/a/1", "GET", Map.of("x", "1"), "q=1")));
        assertNull(chosen(table, "h.example.com", "/a/1", "GET", Map.of("x", "1"), null));
        assertNull(chosen(table, "h.example.com", "/a/1", "POST", Map.of("x", "1"), "q=1"));
        assertEquals("svc", serviceOf(table, "h.example.com", "/b"));
        assertNull(serviceOf(table, "h.example.com", "/b/c"));
    }

    @Test
    void headerNamesAreComparedWithoutCaseAndValuesExactly() {
        RouteTable table = compile(state(gateway(null), "svc")
                .httpRoute(route("default", "r", 1, List.of(), rule(pathPrefix("/").withHeader("X-Version", "Beta"), "svc")))
                .build());
        assertEquals("svc", serviceOf(chosen(table, "h", "/", "GET", Map.of("x-version", "Beta"), null)));
        assertNull(chosen(table, "h", "/", "GET", Map.of("X-VERSION", "beta"), null));
    }

    @Test
    void queryParamValuesArePercentDecodedBeforeTheyAreCompared() {
        RouteTable table = compile(state(gateway(null), "svc")
                .httpRoute(route("default", "r", 1, List.of(), rule(pathPrefix("/").withQueryParam("name", "a b"), "svc")))
                .build());
        assertEquals("svc", serviceOf(chosen(table, "h", "/", "GET", Map.of(), "x=1&name=a%20b")));
        assertNull(chosen(table, "h", "/", "GET", Map.of(), "name=a+b"));
    }

    @Test
    void twoMatchesWithTheSameHostPathAndConditionsConflictAndTheOlderServes() {
        RouteTable table = compile(state(gateway(null), "old", "young")
                .httpRoute(route("default", "young", 2, List.of("h.example.com"), rule(pathPrefix("/a").withHeader("x", "1"), "young")))
                .httpRoute(route("default", "old", 1, List.of("h.example.com"), rule(pathPrefix("/a/").withHeader("X", "1"), "old")))
                .build());
        assertEquals("old", serviceOf(chosen(table, "h.example.com", "/a", "GET", Map.of("x", "1"), null)));
        assertEquals(List.of("HTTPRoute default/young: spec.rules[0].matches[0]: host h.example.com path \"/a\" (PathPrefix,"
                + " header x: \"1\") is already served by the older HTTPRoute default/old (spec.rules[0].matches[0]);"
                + " this match is not served"), problemsOf(table));
    }

    @Test
    void aRuleWithoutMatchesTakesEveryPath() {
        RouteTable table = compile(state(gateway(null), "svc")
                .httpRoute(route("default", "r", 1, List.of("h.example.com"), rule(null, "svc"))).build());
        assertEquals("svc", serviceOf(table, "h.example.com", "/any/path"));
        assertEquals("HTTPRoute default/r spec.rules[0]", ((Route) table.match("h.example.com", "/")).source());
    }

    @Test
    void regularExpressionHeaderAndQueryMatchesTakeWholeValuesTheRegexMatches() {
        HttpRouteMatch regexes = new HttpRouteMatch(pathPrefix("/api").path(),
                List.of(new HttpRouteMatch.Header(HttpRouteMatch.REGULAR_EXPRESSION, "X-Version", "v[23](\\.[0-9]+)?")),
                List.of(new HttpRouteMatch.Header(HttpRouteMatch.REGULAR_EXPRESSION, "tenant", "[a-z]+-eu")), null);
        RouteTable table = compile(state(gateway(null), "new", "old")
                .httpRoute(route("default", "r", 1, List.of("h.example.com"), rule(regexes, "new"), rule(pathPrefix("/api"), "old")))
                .build());

        assertEquals("new", serviceOf(chosen(table, "h.example.com", "/api/x", "GET", Map.of("x-version", "v2.1"), "tenant=acme-eu")));
        assertEquals("new", serviceOf(chosen(table, "h.example.com", "/api/x", "GET", Map.of("X-Version", "v3"), "tenant=b-eu")));
        // the whole value: "v21" and "xv2" are not matched, nor a tenant "acme-eu-2"
        assertEquals("old", serviceOf(chosen(table, "h.example.com", "/api/x", "GET", Map.of("x-version", "v21"), "tenant=acme-eu")));
        assertEquals("old", serviceOf(chosen(table, "h.example.com", "/api/x", "GET", Map.of("x-version", "xv2"), "tenant=acme-eu")));
        assertEquals("old", serviceOf(chosen(table, "h.example.com", "/api/x", "GET", Map.of("x-version", "v2"), "tenant=acme-eu-2")));
        assertEquals("old", serviceOf(chosen(table, "h.example.com", "/api/x", "GET", Map.of(), "tenant=acme-eu")));
        assertTrue(table.problems().isEmpty(), problemsOf(table).toString());
        Route route = (Route) table.match("h.example.com", "/api/x");
        assertEquals("header x-version matching \"v[23](\\.[0-9]+)?\", query tenant matching \"[a-z]+-eu\"",
                route.candidates().get(0).conditions().describe());
    }

    @Test
    void aRegexThatBacktracksPastItsBudgetDoesNotMatchAndCostsNoMore() {
        HttpRouteMatch regex = new HttpRouteMatch(pathPrefix("/").path(),
                List.of(new HttpRouteMatch.Header(HttpRouteMatch.REGULAR_EXPRESSION, "x", "(a+)+b")), null, null);
        RouteTable table = compile(state(gateway(null), "regex", "rest")
                .httpRoute(route("default", "r", 1, List.of("h.example.com"), rule(regex, "regex"), rule(pathPrefix("/"), "rest")))
                .build());

        assertEquals("regex", serviceOf(chosen(table, "h.example.com", "/", "GET", Map.of("x", "aaab"), null)));
        // 40 a's and no b: exponential backtracking, cut off by the regex budget
        assertEquals("rest", serviceOf(chosen(table, "h.example.com", "/", "GET", Map.of("x", "a".repeat(40) + "!"), null)));
    }

    @Test
    void aRegularExpressionPathTakesWholePathsItMatchesBeforeTheOtherMatchesOfSlash() {
        HttpRouteMatch reports = new HttpRouteMatch(new HttpRouteMatch.Path(HttpRouteMatch.REGULAR_EXPRESSION,
                "/shops/[0-9]+/reports(/.*)?"), null, null, null);
        // the catch-all is the older route: the regex still comes first among the matches of /
        RouteTable table = compile(state(gateway(null), "reports", "web", "shops")
                .httpRoute(route("default", "web", 1, List.of("h.example.com"), rule(pathPrefix("/"), "web")))
                .httpRoute(route("default", "reports", 2, List.of("h.example.com"), rule(reports, "reports"),
                        rule(pathPrefix("/shops"), "shops")))
                .build());

        assertEquals("reports", serviceOf(chosen(table, "h.example.com", "/shops/12/reports", "GET", Map.of(), null)));
        assertEquals("reports", serviceOf(chosen(table, "h.example.com", "/shops/12/reports/2026", "GET", Map.of(), null)));
        assertEquals("web", serviceOf(chosen(table, "h.example.com", "/shops-12/reports", "GET", Map.of(), null)));
        assertEquals("web", serviceOf(chosen(table, "h.example.com", "/x/shops/12/reports", "GET", Map.of(), null)),
                "the whole path");
        // the regex is placed at its literal start, /shops, before that prefix's other matches
        assertEquals("shops", serviceOf(chosen(table, "h.example.com", "/shops/12/report", "GET", Map.of(), null)));
        assertEquals("reports", serviceOf(chosen(table, "h.example.com", "/shops/12/reports", "GET", Map.of(), null)));
        assertTrue(table.problems().isEmpty(), problemsOf(table).toString());
        Route route = (Route) table.match("h.example.com", "/shops/12/reports");
        assertEquals("/shops", route.path());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "'/shops/[0-9]+/reports(/.*)?', /shops",
            "/api/v1/users, /api/v1",
            "/api/v1.0/.*, /api",
            "/ab/c?, /ab",
            "/a?/b, /",
            "'/abc/*', /",
            "/shopsx.*, /",
            "'(?i)/shops/.*', /",
            "'/a/b|/c/d', /",
            "'\\/x/.*', /",
            "'/a//b/.*', /a//b"})
    void aPathRegexIsPlacedAtTheWholeSegmentsOfItsLiteralStart(String regex, String prefix) {
        assertEquals(prefix, GatewayRules.literalPrefix(regex));
    }
}
