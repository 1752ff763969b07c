package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.TestCertificates;
import io.jingress.jetty.testing.TestRoutes;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The default backend Service ({@code --default-backend-service}) through {@link IngressServer}, with
 * real endpoints: the requests no rule takes reach it as they came and its answer reaches the client;
 * it serves the error pages of {@code custom-http-errors} without a {@code default-backend}; without a
 * ready endpoint the proxy answers its own 404.
 */
class DefaultBackendServiceEndToEndTest {
    private static final String PAGE = "<h1>Nothing here</h1>\n";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private ScriptedBackend fallback;

    @AfterEach
    void closeFallback() {
        if (fallback != null) {
            fallback.close();
        }
    }

    // what ingress-nginx's default backend image does: 404 and a page for every request
    private int startFallback() {
        fallback = ScriptedBackend.startReadingBodies((connection, request, head) -> ScriptedBackend.Answer.keepOpen(
                "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nX-Default-Backend: yes\r\nContent-Length: "
                        + PAGE.length() + "\r\n\r\n" + PAGE));
        return fallback.port();
    }

    private static String get(String host, String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void aRequestForAHostWithoutRulesOrAPathNoRuleHasGetsTheServicesAnswer() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("shop.test", "/app", "app", app.port())
                .service("ingress", "default-http-backend", startFallback())
                .defaultBackendService("ingress", "default-http-backend");
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String unknownHost = RawHttp.exchange(proxy.httpPort(), "POST /login?next=%2F HTTP/1.1\r\nHost: unknown.test\r\n"
                + "Content-Length: 5\r\nX-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\nhello");
        String unmatchedPath = RawHttp.exchange(proxy.httpPort(), get("shop.test", "/other"));
        String matched = RawHttp.exchange(proxy.httpPort(), get("shop.test", "/app/x"));

        assertEquals(404, RawHttp.status(unknownHost), unknownHost);
        assertEquals("yes", RawHttp.header(unknownHost, "X-Default-Backend"));
        assertTrue(unknownHost.endsWith(PAGE), unknownHost);
        String head = fallback.heads().get(0);
        assertTrue(head.startsWith("POST /login?next=%2F HTTP/1.1\r\n"), "the request as it came: " + head);
        assertTrue(head.contains("\r\nHost: unknown.test\r\n"), head);
        assertTrue(head.contains("\r\nX-Real-IP: 127.0.0.1\r\n"), "forwarded as every proxied request: " + head);
        assertTrue(head.contains("\r\nX-Forwarded-For: 203.0.113.9, 127.0.0.1\r\n"), head);
        assertEquals(5, fallback.bodyLengths().get(0), "its body too");
        assertEquals(404, RawHttp.status(unmatchedPath), unmatchedPath);
        assertEquals("yes", RawHttp.header(unmatchedPath, "X-Default-Backend"));
        assertTrue(fallback.heads().get(1).startsWith("GET /other HTTP/1.1\r\n"), fallback.heads().get(1));
        assertEquals(200, RawHttp.status(matched), matched);
        assertEquals("app", RawHttp.header(matched, "X-Backend"));
        assertEquals(2, fallback.heads().size(), "a matched request never goes there");
    }

    @Test
    void theUnmatchedPathsOfATlsHostAreRedirectedToHttpsFirst() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .tlsRoute("secure.test", "/app", "app", TestCertificates.pkcs8Secret(), app.port())
                .service("ingress", "default-http-backend", startFallback())
                .defaultBackendService("ingress", "default-http-backend");
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        String response = RawHttp.exchange(proxy.httpPort(), get("secure.test", "/other"));

        assertEquals(308, RawHttp.status(response), response);
        assertEquals("https://secure.test:" + proxy.httpsPort() + "/other", RawHttp.header(response, "Location"));
        assertEquals(0, fallback.heads().size());
    }

    @Test
    void customHttpErrorsWithoutADefaultBackendTakeTheirPageFromTheService() throws Exception {
        Backends.Echo pages = backends.start("pages");
        ScriptedBackend app = ScriptedBackend.startReadingBodies((connection, request, head) -> ScriptedBackend.Answer.keepOpen(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\napp's 404\n"));
        try {
            TestRoutes routes = TestRoutes.create()
                    .route("shop.test", "/", "app", Map.of("nginx.ingress.kubernetes.io/custom-http-errors", "404,503"), app.port())
                    .routeToMissingService("empty.test", "/", "gone")
                    .service("ingress", "pages", pages.port())
                    .defaultBackendService("ingress", "pages");
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

            String replaced = RawHttp.exchange(proxy.httpPort(), get("shop.test", "/missing?q=1"));

            assertEquals(200, RawHttp.status(replaced), "the error page's own status, as nginx's error_page = gives it: " + replaced);
            assertEquals("pages", RawHttp.header(replaced, "X-Backend"));
            Backends.Seen seen = pages.lastRequest();
            assertEquals("GET", seen.method());
            assertEquals("/?q=1", seen.pathQuery());
            assertEquals("404", seen.header("X-Code"));
            assertEquals("/missing?q=1", seen.header("X-Original-URI"));
            assertEquals("app", seen.header("X-Service-Name"));
        } finally {
            app.close();
        }
    }

    @Test
    void aRouteWithoutEndpointsIsStillA503() throws Exception {
        Backends.Echo pages = backends.start("pages");
        TestRoutes routes = TestRoutes.create()
                .routeToMissingService("empty.test", "/", "gone")
                .service("ingress", "pages", pages.port())
                .defaultBackendService("ingress", "pages");
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String response = RawHttp.exchange(proxy.httpPort(), get("empty.test", "/x"));

        assertEquals(503, RawHttp.status(response), "ingress-nginx's: only a default-backend annotation takes these: " + response);
        assertEquals(0, pages.requests());
    }

    @Test
    void withoutAReadyEndpointTheProxyAnswersItsOwn404() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("shop.test", "/app", "app", app.port())
                .service("ingress", "default-http-backend")
                .defaultBackendService("ingress", "default-http-backend");
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String unknownHost = RawHttp.exchange(proxy.httpPort(), get("unknown.test", "/"));
        String unmatchedPath = RawHttp.exchange(proxy.httpPort(), get("shop.test", "/other"));

        assertEquals(404, RawHttp.status(unknownHost), unknownHost);
        assertEquals(404, RawHttp.status(unmatchedPath), unmatchedPath);
        assertTrue(routes.router().current().problems().stream().anyMatch(p -> p.object().equals("ingress/default-http-backend")),
                routes.router().current().problems().toString());
    }
}
