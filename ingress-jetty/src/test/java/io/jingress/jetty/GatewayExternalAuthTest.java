package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteFilter;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.jetty.testing.AuthService;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An HTTPRoute rule's {@code ExternalAuth} filter (protocol HTTP) through a real proxy to a real
 * auth service ({@link AuthService}: a cookie {@code session=ok} is a 200 naming alice, else 401)
 * and a real backend: only the auth service's 200 lets a request through, its other answers reach
 * the client as they are, and it is sent only what the filter allows.
 */
class GatewayExternalAuthTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private final AuthService auth = new AuthService();

    @AfterEach
    void stopAuth() {
        auth.close();
    }

    private IngressServer proxy(Backends.Echo app, int authPort, HttpRouteFilter.ExternalAuth filter) {
        return proxy(app, authPort, HttpRouteFilter.externalAuth(filter));
    }

    private IngressServer proxy(Backends.Echo app, int authPort, HttpRouteFilter... filters) {
        HttpRoute route = new HttpRoute("default", "r", Instant.EPOCH, List.of(HttpRoute.ParentRef.of("infra", "web")),
                List.of("app.gw.test"), List.of(new HttpRouteRule(List.of(), List.of(filters),
                        List.of(HttpBackendRef.service("app", 80)))));
        TestRoutes routes = TestRoutes.create().gateway(TestRoutes.OPEN_GATEWAY).service("default", "app", app.port())
                .service("default", "auth", authPort).httpRoute(route);
        return proxies.start(IngressServer.builder(routes.router()));
    }

    private static HttpRouteFilter.ExternalAuth filter() {
        return HttpRouteFilter.ExternalAuth.http(HttpBackendRef.service("auth", 80), "/verify");
    }

    private ContentResponse send(IngressServer proxy, String method, String pathQuery, String... headers) throws Exception {
        Request request = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).method(method).path(pathQuery)
                .timeout(20, TimeUnit.SECONDS).headers(h -> {
                    h.put("Host", "app.gw.test");
                    for (int i = 0; i < headers.length; i += 2) {
                        h.add(headers[i], headers[i + 1]);
                    }
                });
        if (method.equals("POST")) {
            request.body(new BytesRequestContent("the order".getBytes(StandardCharsets.US_ASCII)));
        }
        return request.send();
    }

    @Test
    void theAuthServicesOkLetsTheRequestThroughWithTheHeadersItAllows() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(app, auth.port(), filter().withAllowedHeaders("Cookie")
                .withAllowedResponseHeaders("X-Auth-Request-User"));

        ContentResponse response = send(proxy, "GET", "/orders?page=2", "Cookie", "session=ok", "X-Auth-Request-User", "mallory",
                "X-Secret", "not for the auth service");

        assertEquals(200, response.getStatus(), response.getContentAsString());
        AuthService.Seen asked = auth.last();
        assertEquals("GET", asked.method());
        assertEquals("/verify/orders?page=2", asked.pathQuery(), "the filter's path, then the request's");
        assertEquals("app.gw.test", asked.header("Host"));
        assertEquals(0, asked.bodyLength());
        assertTrue(asked.header("Content-Length") == null || asked.header("Content-Length").equals("0"),
                "no body: a GET's is framed by its absence; " + asked.headers());
        assertNull(asked.header("Content-Type"), "no body, so no Content-Type");
        assertEquals("session=ok", asked.header("Cookie"));
        assertNull(asked.header("X-Secret"), "a header the filter does not allow is not sent");
        Backends.Seen sent = app.lastRequest();
        assertEquals("alice", sent.header("X-Auth-Request-User"), "the auth service's value, not the client's");
        assertNull(sent.header("X-Auth-Request-Email"), "not among allowedResponseHeaders");
    }

    @Test
    void anyOtherAnswerGoesToTheClientAsItIsAndTheBackendGetsNothing() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(app, auth.port(), filter().withAllowedHeaders("Cookie", "X-Test-Auth"));

        ContentResponse unauthorized = send(proxy, "GET", "/orders");
        ContentResponse forbidden = send(proxy, "GET", "/orders", "X-Test-Auth", "forbidden");
        ContentResponse redirected = send(proxy, "GET", "/orders", "X-Test-Auth", "redirect");

        assertEquals(401, unauthorized.getStatus());
        assertEquals("auth says 401", unauthorized.getContentAsString());
        assertEquals("Bearer realm=\"test\"", unauthorized.getHeaders().get("WWW-Authenticate"));
        assertEquals("csrf=1; Path=/", unauthorized.getHeaders().get("Set-Cookie"));
        assertEquals(403, forbidden.getStatus());
        assertEquals("auth says 403", forbidden.getContentAsString());
        assertEquals(302, redirected.getStatus());
        assertEquals("http://elsewhere.test/", redirected.getHeaders().get("Location"));
        assertEquals(0, app.requests());
    }

    @Test
    void withoutAllowedHeadersOnlyHostAndAuthorizationGoAndEveryAnswerHeaderComesBack() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(app, auth.port(), filter());

        ContentResponse withCookie = send(proxy, "GET", "/orders", "Cookie", "session=ok", "Authorization", "Bearer t0ken");

        assertEquals(401, withCookie.getStatus(), "the cookie is not among the headers sent");
        assertNull(auth.last().header("Cookie"));
        assertEquals("Bearer t0ken", auth.last().header("Authorization"));

        IngressServer allowing = proxy(app, auth.port(), filter().withAllowedHeaders("cookie"));
        ContentResponse ok = send(allowing, "GET", "/orders", "Cookie", "session=ok");
        assertEquals(200, ok.getStatus());
        Backends.Seen sent = app.lastRequest();
        assertEquals("alice", sent.header("X-Auth-Request-User"));
        assertEquals("alice@example.com", sent.header("X-Auth-Request-Email"));
        assertNull(sent.header("Set-Cookie"), "never a Set-Cookie on a request");
    }

    @Test
    void aPostIsAskedAboutWithoutItsBodyWhichTheBackendThenGets() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(app, auth.port(), filter().withAllowedHeaders("Cookie"));

        ContentResponse response = send(proxy, "POST", "/orders", "Cookie", "session=ok");

        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals("POST", auth.last().method());
        assertEquals(0, auth.last().bodyLength());
        assertEquals("0", auth.last().header("Content-Length"), "a POST's empty body is said to be empty");
        assertNull(auth.last().header("Content-Type"));
        assertEquals("POST", app.lastRequest().method());
        assertEquals(9, app.lastRequest().bodyLength());
    }

    @Test
    void anAuthServiceThatCannotBeReachedIs403AndNothingIsServed() throws Exception {
        Backends.Echo app = backends.start("app");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        IngressServer proxy = proxy(app, closed, filter());

        ContentResponse response = send(proxy, "GET", "/orders");

        assertEquals(403, response.getStatus());
        assertTrue(response.getContentAsString().startsWith("403 Forbidden: the authorization service of HTTPRoute default/r"
                + " spec.rules[0].filters[0] gave no answer (it could not be reached)"), response.getContentAsString());
        assertEquals(0, app.requests());
    }

    @Test
    void theAuthServiceIsAskedAboutTheRequestAsTheClientSentItNotAsTheRuleRewritesIt() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(app, auth.port(),
                HttpRouteFilter.rewrite(new HttpRouteFilter.Rewrite(null,
                        new HttpRouteFilter.PathModifier(HttpRouteFilter.REPLACE_FULL_PATH, "/internal"))),
                HttpRouteFilter.requestHeaders(new HttpRouteFilter.HeaderModifier(
                        List.of(new HttpRouteFilter.Header("Cookie", "session=ok")), List.of(), List.of())),
                HttpRouteFilter.externalAuth(filter().withAllowedHeaders("Cookie")));

        ContentResponse response = send(proxy, "GET", "/orders?page=2");

        assertEquals(401, response.getStatus(), "the cookie the rule sets upstream is not the client's");
        assertEquals("/verify/orders?page=2", auth.last().pathQuery());
        assertNull(auth.last().header("Cookie"));

        ContentResponse ok = send(proxy, "GET", "/orders?page=2", "Cookie", "session=ok");
        assertEquals(200, ok.getStatus());
        assertEquals("/internal?page=2", app.lastRequest().pathQuery(), "the rewrite applies to what is sent on");
        assertEquals("alice", app.lastRequest().header("X-Auth-Request-User"));
    }
}
