package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.jingress.core.model.TlsSecret;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpMethod;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ForwardingTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private IngressServer proxyTo(Backends.Echo backend) {
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
        return proxies.start(IngressServer.builder(routes.router()));
    }

    private ContentResponse get(IngressServer proxy, String host, String pathQuery) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .path(pathQuery)
                .headers(h -> h.put("Host", host))
                .send();
    }

    @Test
    void backendReceivesMethodHostNormalisedPathAndOriginalQuery() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .method(HttpMethod.DELETE)
                .path("/a//b/./c/%7euser?x=1&y=%20z")
                .headers(h -> h.put("Host", "App.Test:" + proxy.httpPort()))
                .send();

        assertEquals(200, response.getStatus(), response.getContentAsString());
        Backends.Seen seen = app.lastRequest();
        assertEquals("DELETE", seen.method());
        assertEquals("/a/b/c/~user?x=1&y=%20z", seen.pathQuery());
        assertEquals("App.Test:" + proxy.httpPort(), seen.header("Host"));
        assertEquals(1, response.getHeaders().getValuesList("Date").size(), "one Date header, not the backend's and ours");
    }

    // Spring's ForwardedHeaderFilter and Jetty's ForwardedRequestCustomizer prefer Forwarded to
    // X-Forwarded-*: a client's would make the application build its links on the client's word
    @Test
    void aClientsForwardedHeaderIsNotPassedOn() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);
        String forged = "Forwarded: for=203.0.113.7;host=evil.test;proto=https\r\n";

        String lean = RawHttp.exchange(proxy.httpPort(),
                "GET / HTTP/1.1\r\nHost: app.test\r\n" + forged + "Connection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(lean), lean);
        assertNull(app.lastRequest().header("Forwarded"));
        assertEquals("app.test", app.lastRequest().header("X-Forwarded-Host"));

        // absolute-form: Jetty's connection and ProxyHandler
        String jetty = RawHttp.exchange(proxy.httpPort(),
                "GET http://app.test/ HTTP/1.1\r\nHost: app.test\r\n" + forged + "Connection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(jetty), jetty);
        assertNull(app.lastRequest().header("Forwarded"));
        assertEquals(2, app.requests());
    }

    @Test
    void forwardedHeadersDescribeTheClientConnectionNotWhatTheClientClaims() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .path("/")
                .headers(h -> h.put("Host", "app.test")
                        .put("X-Forwarded-For", "203.0.113.7")
                        .put("X-Forwarded-Proto", "https")
                        .put("X-Forwarded-Host", "evil.test")
                        .put("X-Forwarded-Port", "1")
                        .put("X-Real-IP", "198.51.100.1"))
                .send();

        assertEquals(200, response.getStatus());
        Backends.Seen seen = app.lastRequest();
        assertEquals("203.0.113.7, 127.0.0.1", seen.header("X-Forwarded-For"));
        assertEquals("127.0.0.1", seen.header("X-Real-IP"));
        assertEquals("http", seen.header("X-Forwarded-Proto"));
        assertEquals("app.test", seen.header("X-Forwarded-Host"));
        assertEquals(Integer.toString(proxy.httpPort()), seen.header("X-Forwarded-Port"));
        assertEquals(1, seen.headers().getValuesList("X-Forwarded-Proto").size());
        assertTrue(seen.header("X-Request-ID").matches("[0-9a-f]{32}"), seen.header("X-Request-ID"));
        assertNull(seen.header("Via"), "Via is not added");
        assertNull(seen.header("Forwarded"), "Forwarded is not added");
        assertEquals(1, seen.headers().getValuesList("User-Agent").size(), "the proxy adds no User-Agent of its own");
    }

    @Test
    void clientRequestIdIsKeptAndEachRequestWithoutOneGetsItsOwn() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/")
                .headers(h -> h.put("Host", "app.test").put("X-Request-ID", "trace-42")).send();
        assertEquals("trace-42", app.lastRequest().header("X-Request-ID"));

        get(proxy, "app.test", "/");
        String first = app.lastRequest().header("X-Request-ID");
        get(proxy, "app.test", "/");
        String second = app.lastRequest().header("X-Request-ID");
        assertFalse(first.equals(second), "request ids repeat: " + first);
    }

    @Test
    void aRequestIdSentTwiceReachesTheBackendOnceWithTheLastValue() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/")
                .headers(h -> h.put("Host", "app.test").add("X-Request-ID", "trace-1").add("X-Request-ID", "trace-2")).send();
        assertEquals(List.of("trace-2"), app.lastRequest().headers().getValuesList("X-Request-ID"));
    }

    @Test
    void hopByHopRequestHeadersAreNotForwarded() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        String response = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\n"
                + "Host: app.test\r\n"
                + "Connection: close, X-Client-Secret\r\n"
                + "X-Client-Secret: s3cret\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
                + "TE: trailers\r\n"
                + "Trailer: X-Checksum\r\n"
                + "X-Kept: yes\r\n"
                + "\r\n");

        assertEquals(200, RawHttp.status(response), response);
        Backends.Seen seen = app.lastRequest();
        assertEquals("yes", seen.header("X-Kept"));
        // A stray Upgrade header (without "Connection: upgrade") never gets this far: Jetty answers 400.
        for (String hop : new String[] {"X-Client-Secret", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE",
                "Trailer"}) {
            assertNull(seen.header(hop), hop + " reached the backend");
        }
        String connection = seen.header("Connection");
        assertTrue(connection == null || !connection.toLowerCase().contains("x-client-secret"), connection);
    }

    @Test
    void anH2cUpgradeIsNotTunnelledButSentOnAsAPlainRequest() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        String response = RawHttp.exchange(proxy.httpPort(), "GET /internal HTTP/1.1\r\n"
                + "Host: app.test\r\n"
                + "Connection: Upgrade, HTTP2-Settings, close\r\n"
                + "Upgrade: h2c\r\n"
                + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"
                + "\r\n");

        assertEquals(200, RawHttp.status(response), response);
        Backends.Seen seen = app.lastRequest();
        assertEquals("/internal", seen.pathQuery());
        for (String hop : new String[] {"Upgrade", "HTTP2-Settings"}) {
            assertNull(seen.header(hop), hop + " reached the backend");
        }
    }

    @Test
    void aHeadAnswerWithoutALengthReachesTheClientWithoutOne() throws Exception {
        // RFC 9110 sections 9.3.2 and 8.6: a HEAD answer may carry a Content-Length only if it is
        // what a GET would be sent, which is not known here; nginx sends none either. The answer
        // has no body whatever its headers say, so the connection goes on.
        Backends.Raw raw = backends.startRaw("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", raw.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int i = 0; i < 2; i++) {
                client.send("HEAD /h HTTP/1.1\r\nHost: app.test\r\n\r\n");
                WireClient.Response response = client.readHeadResponse();
                assertEquals(200, response.status());
                assertNull(response.header("Content-Length"), response.toString());
            }
        }
    }

    @Test
    void hopByHopResponseHeadersAreNotReturned() throws Exception {
        Backends.Raw raw = backends.startRaw("HTTP/1.1 200 OK\r\n"
                + "Content-Length: 2\r\n"
                + "Connection: close, X-Backend-Secret\r\n"
                + "X-Backend-Secret: s3cret\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Proxy-Authenticate: Basic realm=\"x\"\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "Upgrade: h2c\r\n"
                + "Trailer: X-Checksum\r\n"
                + "X-Kept: yes\r\n"
                + "\r\n"
                + "ok");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", raw.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String response = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");

        assertEquals(200, RawHttp.status(response));
        assertTrue(response.endsWith("\r\n\r\nok"), response);
        assertEquals("yes", RawHttp.header(response, "X-Kept"));
        for (String hop : new String[] {"X-Backend-Secret", "Keep-Alive", "Proxy-Authenticate", "Proxy-Connection", "Upgrade",
                "Trailer"}) {
            assertNull(RawHttp.header(response, hop), hop + " reached the client");
        }
        String connection = RawHttp.header(response, "Connection");
        assertTrue(connection == null || !connection.toLowerCase().contains("x-backend-secret"), connection);
    }

    @Test
    void unknownHostGets404WithAPlainBody() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        ContentResponse response = get(proxy, "other.test", "/");

        assertEquals(404, response.getStatus());
        assertTrue(response.getHeaders().get("Content-Type").startsWith("text/plain"));
        assertTrue(response.getContentAsString().startsWith("404 Not Found"), response.getContentAsString());
        assertEquals(0, app.requests());
    }

    @Test
    void aTenantsDefaultBackendGetsTheUnmatchedRequestsOfItsOwnHostOnly() throws Exception {
        Backends.Echo appA = backends.start("app-a");
        Backends.Echo fallbackA = backends.start("fallback-a");
        Backends.Echo appB = backends.start("app-b");
        TestRoutes routes = TestRoutes.create()
                .routeWithDefaultBackend("team-a", "a.test", "/app", "app-a", appA.port(), "fallback-a", fallbackA.port())
                .route("b.test", "/b", "app-b", appB.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        assertEquals(200, get(proxy, "a.test", "/other").getStatus());
        assertEquals("/other", fallbackA.lastRequest().pathQuery());
        assertEquals(404, get(proxy, "b.test", "/other").getStatus());
        assertEquals(404, get(proxy, "unknown.test", "/").getStatus());
        assertEquals(1, fallbackA.requests(), "team-a's defaultBackend saw only its own host's request");
        assertEquals(0, appA.requests() + appB.requests());
    }

    @Test
    void backendWithoutServiceGets503() throws Exception {
        TestRoutes routes = TestRoutes.create().routeToMissingService("app.test", "/", "gone");
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = get(proxy, "app.test", "/");

        assertEquals(503, response.getStatus());
        assertEquals("503 Service Unavailable: the route's Service does not exist\n", response.getContentAsString());
    }

    @Test
    void serviceWithoutSuchPortGets503SayingSo() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().routeToMissingPort("app.test", "/", "app", 81, app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = get(proxy, "app.test", "/");

        assertEquals(503, response.getStatus());
        assertEquals("503 Service Unavailable: the route's Service has no such port\n", response.getContentAsString());
        assertEquals(0, app.requests());
    }

    @Test
    void externalNameServiceNamingTheLocalHostGets503AndOtherRoutesStillServe() throws Exception {
        // "admin" stands for what listens on the controller's loopback, e.g. its admin port
        Backends.Echo app = backends.start("app");
        Backends.Echo admin = backends.start("admin");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", app.port())
                .routeToExternalName("app.test", "/admin", "admin", "localhost", admin.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse refused = get(proxy, "app.test", "/admin/routes");
        ContentResponse served = get(proxy, "app.test", "/");

        assertEquals(503, refused.getStatus());
        assertEquals("503 Service Unavailable: no ready endpoint for this route\n", refused.getContentAsString());
        assertEquals(0, admin.requests());
        assertEquals(200, served.getStatus());
        assertEquals(1, app.requests());
    }

    @Test
    void serviceWithoutEndpointsGets503SayingSo() throws Exception {
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "idle");
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = get(proxy, "app.test", "/");

        assertEquals(503, response.getStatus());
        assertEquals("503 Service Unavailable: no ready endpoint for this route\n", response.getContentAsString());
    }

    @Test
    void plainHttpRequestToTlsHostIsRedirectedWith308() throws Exception {
        Backends.Echo app = backends.start("app");
        TlsSecret secret = new TlsSecret("default", "app-tls", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
                "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");
        TestRoutes routes = TestRoutes.create().tlsRoute("secure.test", "/", "app", secret, app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsRedirectPort(8443));

        ContentResponse response = get(proxy, "secure.test", "/a/../pay?amount=3");

        assertEquals(308, response.getStatus());
        assertEquals("https://secure.test:8443/pay?amount=3", response.getHeaders().get("Location"));
        assertEquals(0, app.requests());
    }

    @Test
    void traceIsAnswered405AndReachesNoEndpoint() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        String response = RawHttp.exchange(proxy.httpPort(),
                "TRACE / HTTP/1.1\r\nHost: app.test\r\nCookie: session=s3cret\r\n\r\n");

        assertEquals(405, RawHttp.status(response), response);
        // no Allow: which methods the resource takes is its endpoint's to say (see PlainResponses)
        assertNull(RawHttp.header(response, "Allow"), response);
        assertTrue(response.endsWith("\r\n\r\n405 Method Not Allowed: TRACE is not supported\n"), response);
        assertFalse(response.contains("s3cret"), response);
        assertEquals(0, app.requests());
    }

    @Test
    void connectIsRefused() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        String response = RawHttp.exchange(proxy.httpPort(),
                "CONNECT 127.0.0.1:" + app.port() + " HTTP/1.1\r\nHost: 127.0.0.1:" + app.port() + "\r\nConnection: close\r\n\r\n");

        int status = RawHttp.status(response);
        assertTrue(status == 405 || status == 400, response);
        assertNull(RawHttp.header(response, "Allow"), response);
        assertEquals(0, app.requests());
    }

    @Test
    void absoluteFormRequestToAnUnroutedAddressIsRefusedAndReachesNothing() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo internal = backends.start("internal");
        IngressServer proxy = proxyTo(app);

        String authority = "127.0.0.1:" + internal.port();
        String response = RawHttp.exchange(proxy.httpPort(), "GET http://" + authority + "/admin HTTP/1.1\r\n"
                + "Host: " + authority + "\r\nConnection: close\r\n\r\n");

        assertEquals(404, RawHttp.status(response), response);
        assertEquals(0, internal.requests());
        assertEquals(0, app.requests());
    }

    @Test
    void absoluteFormTargetThatDisagreesWithHostIsRoutedByItsAuthorityAndReachesNothingUnrouted() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo internal = backends.start("internal");
        IngressServer proxy = proxyTo(app);

        String response = RawHttp.exchange(proxy.httpPort(), "GET http://127.0.0.1:" + internal.port() + "/admin HTTP/1.1\r\n"
                + "Host: app.test\r\nConnection: close\r\n\r\n");

        // RFC 9112 section 3.2.2: the target's authority, not Host, is the request's host; it has no route
        assertEquals(404, RawHttp.status(response), response);
        assertEquals(0, internal.requests());
        assertEquals(0, app.requests());
    }

    @Test
    void absoluteFormRequestIsRoutedByItsAuthority() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        String response = RawHttp.exchange(proxy.httpPort(), "GET http://app.test/x?y=1 HTTP/1.1\r\n"
                + "Host: app.test\r\nConnection: close\r\n\r\n");

        assertEquals(200, RawHttp.status(response), response);
        assertEquals("/x?y=1", app.lastRequest().pathQuery());
        assertEquals("app.test", app.lastRequest().header("Host"));
    }

    @Test
    void pathThatCannotBeNormalisedSafelyGets400() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        String response = RawHttp.exchange(proxy.httpPort(), "GET /a/..%2f..%2fetc/passwd HTTP/1.1\r\n"
                + "Host: app.test\r\nConnection: close\r\n\r\n");

        assertEquals(400, RawHttp.status(response), response);
        assertFalse(response.contains("Exception"), response);
        assertEquals(0, app.requests());
    }

    @Test
    void newTableIsServedWithoutRestart() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo blog = backends.start("blog");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        assertEquals(404, get(proxy, "blog.test", "/").getStatus());

        routes.route("blog.test", "/", "blog", blog.port());

        ContentResponse response = get(proxy, "blog.test", "/");
        assertEquals(200, response.getStatus());
        assertNotNull(blog.lastRequest());
        assertEquals("blog", response.getHeaders().get("X-Backend"));
    }
}
