package io.jingress.core.route;

import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteFilter;
import io.jingress.core.model.HttpRouteMatch;
import io.jingress.core.model.HttpRouteRule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.jingress.core.model.HttpRouteMatch.exact;
import static io.jingress.core.model.HttpRouteMatch.pathPrefix;
import static io.jingress.core.route.GatewayFixtures.compile;
import static io.jingress.core.route.GatewayFixtures.gateway;
import static io.jingress.core.route.GatewayFixtures.problemsOf;
import static io.jingress.core.route.GatewayFixtures.route;
import static io.jingress.core.route.GatewayFixtures.serviceOf;
import static io.jingress.core.route.GatewayFixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Filters of HTTPRoute rules: what the compiler makes of them, and what it refuses. */
class HttpRouteFiltersTest {

    private static RouteTable withFilters(HttpRouteMatch match, HttpRouteFilter... filters) {
        HttpRoute route = route("default", "r", 1, List.of("h.example.com"),
                new HttpRouteRule(List.of(match), List.of(filters), List.of(HttpBackendRef.service("svc", 80))),
                HttpRouteRule.of(List.of(pathPrefix("/other")), List.of(HttpBackendRef.service("svc", 80))));
        return compile(state(gateway(null), "svc").httpRoute(route).build());
    }

    private static Route at(RouteTable table, String path) {
        return (Route) table.match("h.example.com", path);
    }

    @Test
    void aRedirectKeepsWhatItDoesNotChangeAndLeavesOutTheSchemesOwnPort() {
        HttpRouteFilter.Redirect toHttps = new HttpRouteFilter.Redirect("https", null, null, null, 301);
        RouteTable table = withFilters(pathPrefix("/a"), HttpRouteFilter.redirect(toHttps));
        Route route = at(table, "/a/b");
        assertEquals("https://h.example.com/a/b?x=1",
                route.filters().redirectLocation("http", "h.example.com", 8080, "/a/b", "x=1", route));
        assertTrue(table.problems().isEmpty(), problemsOf(table).toString());
    }

    @Test
    void aRedirectWithoutSchemeOrPortKeepsTheRequestsPort() {
        HttpRouteFilter.Redirect toHost = new HttpRouteFilter.Redirect(null, "www.example.com", null, null, null);
        Route route = at(withFilters(pathPrefix("/a"), HttpRouteFilter.redirect(toHost)), "/a");
        assertEquals("http://www.example.com:8080/a", route.filters().redirectLocation("http", "h.example.com", 8080, "/a", null, route));
        assertEquals("http://www.example.com/a", route.filters().redirectLocation("http", "h.example.com", 80, "/a", null, route));
    }

    @Test
    void aRedirectReplacesThePrefixMatchElementWiseOrTheFullPath() {
        HttpRouteFilter.Redirect prefix = new HttpRouteFilter.Redirect(null, null,
                new HttpRouteFilter.PathModifier(HttpRouteFilter.REPLACE_PREFIX_MATCH, "/new"), 8443, 302);
        Route route = at(withFilters(pathPrefix("/old"), HttpRouteFilter.redirect(prefix)), "/old/x");
        assertEquals("http://h:8443/new/x", route.filters().redirectLocation("http", "h", 80, "/old/x", null, route));
        assertEquals("http://h:8443/new", route.filters().redirectLocation("http", "h", 80, "/old", null, route));
        HttpRouteFilter.Redirect full = new HttpRouteFilter.Redirect(null, null,
                new HttpRouteFilter.PathModifier(HttpRouteFilter.REPLACE_FULL_PATH, "/moved"), null, null);
        Route fullRoute = at(withFilters(pathPrefix("/old"), HttpRouteFilter.redirect(full)), "/old/x");
        assertEquals("https://h/moved", fullRoute.filters().redirectLocation("https", "h", 443, "/old/x", null, fullRoute));
    }

    @Test
    void aRewriteReplacesThePrefixAndARootReplacementStripsIt() {
        HttpRouteFilter.Rewrite strip = new HttpRouteFilter.Rewrite("backend.internal",
                new HttpRouteFilter.PathModifier(HttpRouteFilter.REPLACE_PREFIX_MATCH, "/"));
        RouteTable table = withFilters(pathPrefix("/api/"), HttpRouteFilter.rewrite(strip));
        Route route = at(table, "/api/v1");
        assertEquals("/v1", route.filters().rewrittenPath("/api/v1", route));
        assertEquals("/", route.filters().rewrittenPath("/api", route));
        assertEquals("backend.internal", route.policy().upstreamHost(), "the hostname goes as the route's upstream Host");
    }

    @Test
    void headerModifiersAreCarriedWithTheRoute() {
        HttpRouteFilter.HeaderModifier request = new HttpRouteFilter.HeaderModifier(
                List.of(new HttpRouteFilter.Header("X-Env", "prod")), List.of(), List.of("X-Debug"));
        Route route = at(withFilters(pathPrefix("/"), HttpRouteFilter.requestHeaders(request)), "/");
        assertEquals(request, route.filters().requestHeaders());
        assertNull(route.filters().redirect());
    }

    @Test
    void anUnsupportedFilterIsReportedWithItsFieldAndItsRuleIsNotServed() {
        RouteTable table = withFilters(pathPrefix("/a"), HttpRouteFilter.other("ExtensionRef"));
        assertNull(serviceOf(table, "h.example.com", "/a"));
        assertEquals("svc", serviceOf(table, "h.example.com", "/other"), "the route's other rules are served");
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].filters[0].type: ExtensionRef is not served by Jingress;"
                + " rule 0 is not served"), problemsOf(table));
    }

    @Test
    void aBadRegexAnotherTypeOrReplacePrefixMatchOnARegexIsReportedAndItsRuleIsNotServed() {
        HttpRouteMatch badPath = new HttpRouteMatch(new HttpRouteMatch.Path("RegularExpression", "/a[.*"), null, null, null);
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].matches[0].path.value: \"/a[.*\" is not a regular"
                + " expression (Unclosed character class); rule 0 is not served"), problemsOf(withFilters(badPath)));
        HttpRouteMatch regexPath = new HttpRouteMatch(new HttpRouteMatch.Path("RegularExpression", "/a.*"), null, null, null);
        HttpRouteFilter.Rewrite rewrite = new HttpRouteFilter.Rewrite(null,
                new HttpRouteFilter.PathModifier(HttpRouteFilter.REPLACE_PREFIX_MATCH, "/x"));
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].filters: ReplacePrefixMatch needs PathPrefix matches, and"
                + " matches[0] is RegularExpression; rule 0 is not served"),
                problemsOf(withFilters(regexPath, HttpRouteFilter.rewrite(rewrite))));
        HttpRouteMatch badRegex = new HttpRouteMatch(null, List.of(new HttpRouteMatch.Header("RegularExpression", "x", "(a")),
                null, null);
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].matches[0].headers[0].value: \"(a\" is not a regular"
                + " expression (Unclosed group); rule 0 is not served"), problemsOf(withFilters(badRegex)));
        HttpRouteMatch otherType = new HttpRouteMatch(null, null, List.of(new HttpRouteMatch.Header("Prefix", "v", "1")), null);
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].matches[0].queryParams[0].type: Prefix is not Exact or"
                + " RegularExpression; rule 0 is not served"), problemsOf(withFilters(otherType)));
    }

    @Test
    void replacePrefixMatchOnAnExactMatchIsRefused() {
        HttpRouteFilter.Rewrite rewrite = new HttpRouteFilter.Rewrite(null,
                new HttpRouteFilter.PathModifier(HttpRouteFilter.REPLACE_PREFIX_MATCH, "/x"));
        RouteTable table = withFilters(exact("/a"), HttpRouteFilter.rewrite(rewrite));
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].filters: ReplacePrefixMatch needs PathPrefix matches,"
                + " and matches[0] is Exact; rule 0 is not served"), problemsOf(table));
    }

    @Test
    void badFilterValuesAreReportedByField() {
        HttpRouteFilter.Redirect badStatus = new HttpRouteFilter.Redirect(null, null, null, null, 308);
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].filters[0].requestRedirect.statusCode: 308 is not 301 or"
                + " 302; rule 0 is not served"), problemsOf(withFilters(pathPrefix("/a"), HttpRouteFilter.redirect(badStatus))));
        HttpRouteFilter.HeaderModifier crlf = new HttpRouteFilter.HeaderModifier(
                List.of(new HttpRouteFilter.Header("X-A", "1\r\nX-B: 2")), null, null);
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].filters[0].requestHeaderModifier: the value of X-A has a"
                + " CR, LF or NUL; rule 0 is not served"), problemsOf(withFilters(pathPrefix("/a"), HttpRouteFilter.requestHeaders(crlf))));
        HttpRouteFilter.HeaderModifier framing = new HttpRouteFilter.HeaderModifier(
                List.of(new HttpRouteFilter.Header("Transfer-Encoding", "chunked")), null, null);
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].filters[0].requestHeaderModifier: Transfer-Encoding is a"
                + " header the proxy writes itself; rule 0 is not served"),
                problemsOf(withFilters(pathPrefix("/a"), HttpRouteFilter.requestHeaders(framing))));
        // removing a framing header would leave a body unframed upstream: the smuggling the proxy guards against
        HttpRouteFilter.HeaderModifier unframing = new HttpRouteFilter.HeaderModifier(null, null, List.of("content-length"));
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].filters[0].requestHeaderModifier.remove: content-length is a"
                + " header the proxy writes itself; rule 0 is not served"),
                problemsOf(withFilters(pathPrefix("/a"), HttpRouteFilter.requestHeaders(unframing))));
    }

    @Test
    void aMirrorGoesToAnEndpointOfItsService() {
        RouteTable table = withFilters(pathPrefix("/a"), HttpRouteFilter.mirror(HttpBackendRef.service("svc", 80)));
        Route route = at(table, "/a");
        assertEquals("http://10.0.0.1:8080$request_uri", route.policy().mirror().target());
        assertTrue(table.problems().isEmpty(), problemsOf(table).toString());
    }

    @Test
    void aRedirectRuleNeedsNoBackendRefsAndIsNoProblem() {
        HttpRouteFilter.Redirect toHttps = new HttpRouteFilter.Redirect("https", null, null, null, 301);
        HttpRoute route = route("default", "r", 1, List.of("h.example.com"),
                new HttpRouteRule(List.of(pathPrefix("/")), List.of(HttpRouteFilter.redirect(toHttps)), List.of()));
        RouteTable table = compile(state(gateway(null)).httpRoute(route).build());
        assertTrue(table.problems().isEmpty(), problemsOf(table).toString());
        assertEquals("the rule answers with its RequestRedirect: no request reaches a backend",
                at(table, "/x").backend().reason());
    }
}
