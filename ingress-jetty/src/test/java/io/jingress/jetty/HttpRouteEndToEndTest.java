package io.jingress.jetty;

import static io.jingress.core.model.HttpRouteMatch.exact;
import static io.jingress.core.model.HttpRouteMatch.pathPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.jingress.core.model.Gateway;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteFilter;
import io.jingress.core.model.HttpRouteMatch;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.core.model.ReferenceGrant;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Gateway API HTTPRoutes through {@link IngressServer} to real loopback backends: conditions
 * evaluated per request (with the fall to a less specific match), filters applied, weights honoured,
 * and a backendRef to another namespace refused without a ReferenceGrant.
 */
class HttpRouteEndToEndTest {
    private static final Gateway GATEWAY = TestRoutes.OPEN_GATEWAY;

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static HttpRoute route(String name, HttpRouteRule... rules) {
        return new HttpRoute("default", name, Instant.EPOCH, List.of(HttpRoute.ParentRef.of("infra", "web")),
                List.of("app.gw.test"), List.of(rules));
    }

    private static HttpRouteRule rule(HttpRouteMatch match, String service, HttpRouteFilter... filters) {
        return new HttpRouteRule(List.of(match), List.of(filters), List.of(HttpBackendRef.service(service, 80)));
    }

    private IngressServer proxy(TestRoutes routes) {
        return proxies.start(IngressServer.builder(routes.router()));
    }

    private ContentResponse send(IngressServer proxy, String method, String pathQuery, String... headers) throws Exception {
        Request request = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).method(method).path(pathQuery)
                .headers(h -> {
                    h.put("Host", "app.gw.test");
                    for (int i = 0; i < headers.length; i += 2) {
                        h.add(headers[i], headers[i + 1]);
                    }
                });
        return request.send();
    }

    @Test
    void aRequestTheHeaderConditionRefusesFallsToTheLessSpecificPrefix() throws Exception {
        Backends.Echo foo = backends.start("foo");
        Backends.Echo root = backends.start("root");
        IngressServer proxy = proxy(TestRoutes.create().service("default", "foo", foo.port())
                .service("default", "root", root.port()).gateway(GATEWAY)
                .httpRoute(route("r", rule(pathPrefix("/foo").withHeader("x", "1"), "foo"), rule(pathPrefix("/"), "root"))));
        assertEquals("foo", send(proxy, "GET", "/foo/bar", "X", "1").getHeaders().get("X-Backend"));
        assertEquals("root", send(proxy, "GET", "/foo/bar").getHeaders().get("X-Backend"));
        assertEquals("root", send(proxy, "GET", "/foo/bar", "x", "2").getHeaders().get("X-Backend"));
        assertEquals("/foo/bar", root.lastRequest().pathQuery());
    }

    @Test
    void headerQueryAndMethodMatchesChooseTheBackendAndARequestNoneTakesIs404() throws Exception {
        Backends.Echo header = backends.start("header");
        Backends.Echo query = backends.start("query");
        Backends.Echo post = backends.start("post");
        IngressServer proxy = proxy(TestRoutes.create().service("default", "header", header.port())
                .service("default", "query", query.port()).service("default", "post", post.port()).gateway(GATEWAY)
                .httpRoute(route("r",
                        rule(pathPrefix("/api").withHeader("X-Version", "2"), "header"),
                        rule(pathPrefix("/api").withQueryParam("v", "2"), "query"),
                        rule(exact("/api").withMethod("POST"), "post"))));
        assertEquals("header", send(proxy, "GET", "/api/x?v=2", "x-version", "2").getHeaders().get("X-Backend"));
        assertEquals("query", send(proxy, "GET", "/api/x?v=2").getHeaders().get("X-Backend"));
        assertEquals("post", send(proxy, "POST", "/api").getHeaders().get("X-Backend"));
        assertEquals(404, send(proxy, "GET", "/api/x?v=3").getStatus());
        assertEquals(404, send(proxy, "GET", "/other").getStatus());
    }

    @Test
    void aRequestRedirectIsAnsweredByTheProxy() throws Exception {
        HttpRouteFilter.Redirect redirect = new HttpRouteFilter.Redirect("https", "www.example.com",
                new HttpRouteFilter.PathModifier(HttpRouteFilter.REPLACE_PREFIX_MATCH, "/new"), null, 301);
        Backends.Echo svc = backends.start("svc");
        IngressServer proxy = proxy(TestRoutes.create().service("default", "svc", svc.port()).gateway(GATEWAY)
                .httpRoute(route("r", rule(pathPrefix("/old"), "svc", HttpRouteFilter.redirect(redirect)))));
        ContentResponse response = send(proxy, "GET", "/old/page?x=1");
        assertEquals(301, response.getStatus());
        assertEquals("https://www.example.com/new/page?x=1", response.getHeaders().get("Location"));
        assertEquals(0, svc.requests());
    }

    @Test
    void aUrlRewriteChangesThePathAndHostTheBackendSees() throws Exception {
        HttpRouteFilter.Rewrite rewrite = new HttpRouteFilter.Rewrite("internal.example",
                new HttpRouteFilter.PathModifier(HttpRouteFilter.REPLACE_PREFIX_MATCH, "/"));
        Backends.Echo svc = backends.start("svc");
        IngressServer proxy = proxy(TestRoutes.create().service("default", "svc", svc.port()).gateway(GATEWAY)
                .httpRoute(route("r", rule(pathPrefix("/api"), "svc", HttpRouteFilter.rewrite(rewrite)))));
        assertEquals(200, send(proxy, "GET", "/api/users?id=7").getStatus());
        assertEquals("/users?id=7", svc.lastRequest().pathQuery());
        assertEquals("internal.example", svc.lastRequest().header("Host"));
    }

    @Test
    void headerModifiersChangeTheRequestSentUpstreamAndTheAnswerSentBack() throws Exception {
        HttpRouteFilter.HeaderModifier request = new HttpRouteFilter.HeaderModifier(
                List.of(new HttpRouteFilter.Header("X-Env", "prod")), List.of(new HttpRouteFilter.Header("X-Added", "a")),
                List.of("X-Debug"));
        HttpRouteFilter.HeaderModifier response = new HttpRouteFilter.HeaderModifier(
                List.of(new HttpRouteFilter.Header("X-Backend", "hidden")), List.of(new HttpRouteFilter.Header("X-Served-By", "gw")),
                List.of("X-Echo-Method"));
        Backends.Echo svc = backends.start("svc");
        IngressServer proxy = proxy(TestRoutes.create().service("default", "svc", svc.port()).gateway(GATEWAY)
                .httpRoute(route("r", rule(pathPrefix("/"), "svc", HttpRouteFilter.requestHeaders(request),
                        HttpRouteFilter.responseHeaders(response)))));
        ContentResponse answer = send(proxy, "GET", "/", "X-Env", "dev", "X-Debug", "1", "X-Added", "client");
        assertEquals("prod", svc.lastRequest().header("X-Env"));
        assertNull(svc.lastRequest().header("X-Debug"));
        assertEquals(List.of("client", "a"), svc.lastRequest().headers().getValuesList("X-Added"));
        assertEquals("hidden", answer.getHeaders().get("X-Backend"));
        assertEquals("gw", answer.getHeaders().get("X-Served-By"));
        assertNull(answer.getHeaders().get("X-Echo-Method"));
    }

    @Test
    void weightedBackendRefsSplitTheRequestsByWeight() throws Exception {
        Backends.Echo heavy = backends.start("heavy");
        Backends.Echo light = backends.start("light");
        IngressServer proxy = proxy(TestRoutes.create().service("default", "heavy", heavy.port())
                .service("default", "light", light.port()).gateway(GATEWAY)
                .httpRoute(route("r", HttpRouteRule.of(List.of(pathPrefix("/")), List.of(
                        HttpBackendRef.service("heavy", 80).withWeight(3), HttpBackendRef.service("light", 80).withWeight(1))))));
        int requests = 400;
        for (int i = 0; i < requests; i++) {
            assertEquals(200, send(proxy, "GET", "/").getStatus());
        }
        // 100 expected for light; binomial sd ~8.7, so 60..140 fails by chance about once in 10^5 runs
        assertTrue(light.requests() >= 60 && light.requests() <= 140, "light got " + light.requests());
        assertEquals(requests, heavy.requests() + light.requests());
    }

    @Test
    void aBackendRefToAnotherNamespaceWithoutAReferenceGrantIsAnswered500AndReachesNothing() throws Exception {
        Backends.Echo secret = backends.start("secret");
        TestRoutes routes = TestRoutes.create().service("other", "secret", secret.port()).gateway(GATEWAY)
                .httpRoute(route("r", HttpRouteRule.of(List.of(pathPrefix("/")),
                        List.of(HttpBackendRef.service("secret", 80).inNamespace("other")))));
        IngressServer proxy = proxy(routes);
        assertEquals(500, send(proxy, "GET", "/").getStatus());
        assertEquals(0, secret.requests());

        routes.referenceGrant(new ReferenceGrant("other", "let-default",
                List.of(new ReferenceGrant.From("gateway.networking.k8s.io", "HTTPRoute", "default")),
                List.of(new ReferenceGrant.To("", "Service", null))));
        assertEquals(200, send(proxy, "GET", "/").getStatus());
        assertEquals(1, secret.requests());
    }

    @Test
    void aGatewayWildcardHostnameTakesSeveralLabels() throws Exception {
        Backends.Echo svc = backends.start("svc");
        IngressServer proxy = proxy(TestRoutes.create().service("default", "svc", svc.port()).gateway(GATEWAY)
                .httpRoute(new HttpRoute("default", "any", Instant.EPOCH, List.of(HttpRoute.ParentRef.of("infra", "web")),
                        List.of(), List.of(rule(pathPrefix("/"), "svc")))));
        ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/")
                .headers(h -> h.put("Host", "a.b.gw.test")).send();
        assertEquals(200, response.getStatus());
        ContentResponse bare = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/")
                .headers(h -> h.put("Host", "gw.test")).send();
        assertEquals(404, bare.getStatus());
    }

    @Test
    void routesListsAnHttpRouteMatchWithItsKindConditionsAndSplit() throws Exception {
        Backends.Echo a = backends.start("a");
        Backends.Echo b = backends.start("b");
        IngressServer proxy = proxy(TestRoutes.create().service("default", "a", a.port()).service("default", "b", b.port())
                .gateway(GATEWAY)
                .httpRoute(route("r", HttpRouteRule.of(List.of(pathPrefix("/x").withMethod("POST")), List.of(
                        HttpBackendRef.service("a", 80), HttpBackendRef.service("b", 80))))));
        String json = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes").send().getContentAsString();
        JsonNode path = new ObjectMapper().readTree(json).get("hosts").get(0).get("paths").get(0);
        assertEquals("HTTPRoute", path.get("kind").asText());
        assertEquals("default/r", path.get("ingress").asText());
        assertEquals("method POST", path.get("conditions").asText());
        assertEquals("default/a:80 (weight 1), default/b:80 (weight 1)", path.get("split").asText());
    }

    @Test
    void sessionPersistenceKeepsAClientWithTheEndpointItsCookieNames() throws Exception {
        Backends.Echo a = backends.start("a");
        Backends.Echo b = backends.start("b");
        HttpRouteRule kept = new HttpRouteRule(List.of(pathPrefix("/cart")), List.of(), List.of(HttpBackendRef.service("svc", 80)),
                null, null, new HttpRouteRule.SessionPersistence("cart", null, "1h", "Permanent"), List.of());
        IngressServer proxy = proxy(TestRoutes.create().service("default", "svc", a.port(), b.port()).gateway(GATEWAY)
                .httpRoute(route("r", kept)));

        ContentResponse first = send(proxy, "GET", "/cart/items");
        String setCookie = first.getHeaders().get("Set-Cookie");
        assertTrue(setCookie != null && setCookie.startsWith("cart=") && setCookie.contains("; Max-Age=3600; Path=/cart;")
                && setCookie.endsWith("; HttpOnly"), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String endpoint = first.getHeaders().get("X-Backend");
        // a new session goes to the next endpoint; the cookie's always to its own
        assertTrue(!endpoint.equals(send(proxy, "GET", "/cart/items").getHeaders().get("X-Backend")));
        for (int i = 0; i < 4; i++) {
            ContentResponse again = send(proxy, "GET", "/cart/items", "Cookie", cookie);
            assertEquals(endpoint, again.getHeaders().get("X-Backend"));
            assertNull(again.getHeaders().get("Set-Cookie"));
        }
    }

    @Test
    void aCorsFilterAnswersThePreflightOfAnAllowedOriginAndMarksTheAnswers() throws Exception {
        Backends.Echo svc = backends.start("svc");
        HttpRouteFilter cors = HttpRouteFilter.cors(new HttpRouteFilter.Cors(List.of("https://*.shop.test"), null,
                List.of("GET", "PUT"), List.of("X-Token"), List.of("X-Total"), null));
        IngressServer proxy = proxy(TestRoutes.create().service("default", "svc", svc.port()).gateway(GATEWAY)
                .httpRoute(route("r", rule(pathPrefix("/"), "svc", cors))));

        ContentResponse preflight = send(proxy, "OPTIONS", "/items", "Origin", "https://www.shop.test",
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-token");
        assertEquals(204, preflight.getStatus());
        assertEquals("https://www.shop.test", preflight.getHeaders().get("Access-Control-Allow-Origin"));
        assertEquals("GET, PUT", preflight.getHeaders().get("Access-Control-Allow-Methods"));
        assertEquals("X-Token", preflight.getHeaders().get("Access-Control-Allow-Headers"));
        assertEquals("5", preflight.getHeaders().get("Access-Control-Max-Age"));
        assertNull(preflight.getHeaders().get("Access-Control-Allow-Credentials"));
        assertEquals(0, svc.requests(), "the proxy answers a preflight");

        ContentResponse answer = send(proxy, "GET", "/items", "Origin", "https://www.shop.test");
        assertEquals(200, answer.getStatus());
        assertEquals("https://www.shop.test", answer.getHeaders().get("Access-Control-Allow-Origin"));
        assertEquals("X-Total", answer.getHeaders().get("Access-Control-Expose-Headers"));
        assertEquals("Origin", answer.getHeaders().get("Vary"));

        ContentResponse stranger = send(proxy, "GET", "/items", "Origin", "https://evil.test");
        assertEquals(200, stranger.getStatus());
        assertNull(stranger.getHeaders().get("Access-Control-Allow-Origin"));
    }

    @Test
    void aCorsFilterForAnyOriginWithCredentialsEchoesWhatThePreflightAsked() throws Exception {
        Backends.Echo svc = backends.start("svc");
        HttpRouteFilter cors = HttpRouteFilter.cors(new HttpRouteFilter.Cors(List.of("*"), true, List.of("*"), List.of("*"),
                List.of(), 600));
        IngressServer proxy = proxy(TestRoutes.create().service("default", "svc", svc.port()).gateway(GATEWAY)
                .httpRoute(route("r", rule(pathPrefix("/"), "svc", cors))));

        ContentResponse preflight = send(proxy, "OPTIONS", "/items", "Origin", "https://a.test",
                "Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "x-a, x-b");
        assertEquals(204, preflight.getStatus());
        // browsers take "*" literally on a request with credentials: what was asked is said back
        assertEquals("https://a.test", preflight.getHeaders().get("Access-Control-Allow-Origin"));
        assertEquals("true", preflight.getHeaders().get("Access-Control-Allow-Credentials"));
        assertEquals("DELETE", preflight.getHeaders().get("Access-Control-Allow-Methods"));
        assertEquals("x-a, x-b", preflight.getHeaders().get("Access-Control-Allow-Headers"));
        assertEquals("600", preflight.getHeaders().get("Access-Control-Max-Age"));
    }

    @Test
    void aRegularExpressionHeaderMatchChoosesTheBackendByTheWholeValue() throws Exception {
        Backends.Echo beta = backends.start("beta");
        Backends.Echo stable = backends.start("stable");
        HttpRouteMatch betaClients = new HttpRouteMatch(pathPrefix("/").path(),
                List.of(new HttpRouteMatch.Header(HttpRouteMatch.REGULAR_EXPRESSION, "X-Client", "app/2\\.[0-9]+ .*")), null, null);
        IngressServer proxy = proxy(TestRoutes.create().service("default", "beta", beta.port())
                .service("default", "stable", stable.port()).gateway(GATEWAY)
                .httpRoute(route("r", rule(betaClients, "beta"), rule(pathPrefix("/"), "stable"))));

        assertEquals("beta", send(proxy, "GET", "/", "X-Client", "app/2.7 (android)").getHeaders().get("X-Backend"));
        assertEquals("stable", send(proxy, "GET", "/", "X-Client", "app/1.9 (android)").getHeaders().get("X-Backend"));
        assertEquals("stable", send(proxy, "GET", "/", "X-Client", "myapp/2.7 (android)").getHeaders().get("X-Backend"));
    }

    @Test
    void aRegularExpressionPathTakesTheWholePathsItMatches() throws Exception {
        Backends.Echo reports = backends.start("reports");
        Backends.Echo web = backends.start("web");
        HttpRouteMatch byShop = new HttpRouteMatch(new HttpRouteMatch.Path(HttpRouteMatch.REGULAR_EXPRESSION,
                "/shops/[0-9]+/reports"), null, null, null);
        IngressServer proxy = proxy(TestRoutes.create().service("default", "reports", reports.port())
                .service("default", "web", web.port()).gateway(GATEWAY)
                .httpRoute(route("r", rule(byShop, "reports"), rule(pathPrefix("/"), "web"))));

        assertEquals("reports", send(proxy, "GET", "/shops/12/reports?y=2026").getHeaders().get("X-Backend"));
        assertEquals("/shops/12/reports?y=2026", reports.lastRequest().pathQuery());
        assertEquals("web", send(proxy, "GET", "/shops/12/reports/old").getHeaders().get("X-Backend"));
        assertEquals("web", send(proxy, "GET", "/shops/x/reports").getHeaders().get("X-Backend"));
    }

    @Test
    void aBackendRefsHeaderFiltersApplyOnlyToTheRequestsThatGoToIt() throws Exception {
        Backends.Echo blue = backends.start("blue");
        Backends.Echo green = backends.start("green");
        HttpRouteFilter.HeaderModifier toGreen = new HttpRouteFilter.HeaderModifier(
                List.of(new HttpRouteFilter.Header("X-Variant", "green")), List.of(), List.of());
        HttpRouteFilter.HeaderModifier fromGreen = new HttpRouteFilter.HeaderModifier(
                List.of(), List.of(new HttpRouteFilter.Header("X-Served-By", "green")), List.of());
        HttpBackendRef greenRef = new HttpBackendRef(null, null, null, "green", 80, 1,
                List.of(HttpRouteFilter.requestHeaders(toGreen), HttpRouteFilter.responseHeaders(fromGreen)));
        HttpRouteFilter.HeaderModifier ruleWide = new HttpRouteFilter.HeaderModifier(
                List.of(new HttpRouteFilter.Header("X-Variant", "any"), new HttpRouteFilter.Header("X-Rule", "1")), List.of(),
                List.of());
        IngressServer proxy = proxy(TestRoutes.create().gateway(GATEWAY).service("default", "blue", blue.port())
                .service("default", "green", green.port())
                .httpRoute(route("r", new HttpRouteRule(List.of(HttpRouteMatch.pathPrefix("/")),
                        List.of(HttpRouteFilter.requestHeaders(ruleWide)), List.of(HttpBackendRef.service("blue", 80), greenRef)))));

        int greenAnswers = 0;
        for (int i = 0; i < 40; i++) {
            ContentResponse response = send(proxy, "GET", "/");
            assertEquals(200, response.getStatus());
            if ("green".equals(response.getHeaders().get("X-Served-By"))) {
                greenAnswers++;
            }
        }

        assertTrue(blue.requests() > 0 && green.requests() > 0, blue.requests() + " blue, " + green.requests() + " green");
        assertEquals(green.requests(), greenAnswers, "only green's answers carry its header");
        for (Backends.Seen seen : green.seenRequests()) {
            assertEquals("green", seen.header("X-Variant"), "the backendRef's filter, after the rule's");
            assertEquals("1", seen.header("X-Rule"));
        }
        for (Backends.Seen seen : blue.seenRequests()) {
            assertEquals("any", seen.header("X-Variant"));
        }
    }
}
