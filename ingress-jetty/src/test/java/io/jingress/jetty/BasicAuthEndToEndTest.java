package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.WebSocketEcho;
import io.jingress.jetty.testing.WireClient;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code auth-type: basic} through {@link IngressServer}: a request without a user's credentials is
 * answered 401 with the challenge and no endpoint hears of it; a user's request is proxied without
 * its {@code Authorization} header (as ingress-nginx sends it), over the lean HTTP/1 connection,
 * Jetty's (a chunked body), and HTTP/2 over TLS; bcrypt users too, whose check runs off the thread
 * that read the request.
 */
class BasicAuthEndToEndTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String UNAUTHORIZED = "401 Unauthorized: this route asks for a user name and password\n";
    // htpasswd -nbm dave 'correct horse'
    private static final String DAVE = "dave:$apr1$ZExGCCSP$i9Q.XSQrkubb2ZHIF7bar/";
    // htpasswd -nbB -C 10 alice 'correct horse'
    private static final String ALICE = "alice:$2y$10$pTIjnIyp98ogKO3t1hh6lOq488jlMkRiu580KLwuNuKXn.Ri1pekS";
    private static final Map<String, String> AUTH = Map.of(NGINX + "auth-type", "basic", NGINX + "auth-secret", "staff",
            NGINX + "auth-realm", "Staff only");

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String get(String host, String path, String authorization) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n";
    }

    private TestRoutes staffRoutes(Backends.Echo app) {
        return TestRoutes.create()
                .opaqueSecret("staff", Map.of("auth", "# made with htpasswd\n" + DAVE + "\n" + ALICE + "\n"))
                .route("app.test", "/", "app", AUTH, app.port());
    }

    @Test
    void aRequestWithoutAUsersCredentialsIs401AndAUsersIsProxiedWithoutItsAuthorization() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(staffRoutes(app).router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (String authorization : new String[] {null, basic("dave", "wrong"), basic("mallory", "correct horse"),
                "Bearer abc", "Basic !!!"}) {
                WireClient.Response refused = client.exchange(get("app.test", "/private", authorization));
                assertEquals(401, refused.status(), authorization + ": " + refused);
                assertEquals("Basic realm=\"Staff only\"", refused.header("WWW-Authenticate"));
                assertEquals(UNAUTHORIZED, refused.bodyText());
            }
            assertEquals(0, app.requests());
            // the same keep-alive connection, now with a user's credentials
            WireClient.Response served = client.exchange(get("app.test", "/private", basic("dave", "correct horse")));
            assertEquals(200, served.status(), served.toString());
            assertNull(served.header("WWW-Authenticate"));
        }
        assertEquals(1, app.requests());
        assertEquals("/private", app.lastRequest().pathQuery());
        assertNull(app.lastRequest().header("Authorization"));
    }

    @Test
    void aBcryptUserIsLetInOnTheLeanConnectionAgainAndAgain() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(staffRoutes(app).router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response wrong = client.exchange(get("app.test", "/a", basic("alice", "battery staple")));
            assertEquals(401, wrong.status(), wrong.toString());
            assertEquals("Basic realm=\"Staff only\"", wrong.header("WWW-Authenticate"));
            for (int i = 0; i < 3; i++) {
                WireClient.Response served = client.exchange(get("app.test", "/a" + i, basic("alice", "correct horse")));
                assertEquals(200, served.status(), served.toString());
            }
        }
        assertEquals(3, app.requests());
        assertNull(app.lastRequest().header("Authorization"));
    }

    @Test
    void aChunkedBodyOnJettysConnectionReachesTheEndpointOnlyForAUser() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo open = backends.start("open");
        TestRoutes routes = staffRoutes(app).route("open.test", "/", "open", open.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        String body = "a chunk of an upload";

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
            WireClient.Response refused = client.read();
            assertEquals(401, refused.status(), refused.toString());
            assertEquals("Basic realm=\"Staff only\"", refused.header("WWW-Authenticate"));
        }
        assertEquals(0, app.requests());
        for (String user : new String[] {"dave", "alice"}) {  // alice: bcrypt, checked on another thread
            try (WireClient client = WireClient.connect(proxy.httpPort())) {
                client.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nAuthorization: " + basic(user, "correct horse")
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n" + body
                        + "\r\n0\r\n\r\n");
                WireClient.Response served = client.read();
                assertEquals(200, served.status(), user + ": " + served);
                client.send(WireClient.get("open.test", "/next"));
                assertEquals(200, client.read().status());
            }
        }
        assertEquals(2, app.requests());
        assertEquals(body.length(), app.lastRequest().bodyLength());
        assertNull(app.lastRequest().header("Authorization"));
        assertEquals(2, open.requests());
    }

    @Test
    void overHttp2AndTlsTheSameChallengeAndTheSameUsers() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(staffRoutes(app).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient client = proxies.http2Client();
        String url = "https://app.test:" + proxy.httpsPort() + "/h2";

        ContentResponse refused = client.newRequest(url).timeout(10, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, refused.getVersion());
        assertEquals(401, refused.getStatus());
        assertEquals("Basic realm=\"Staff only\"", refused.getHeaders().get(HttpHeader.WWW_AUTHENTICATE));
        assertEquals(UNAUTHORIZED, refused.getContentAsString());
        assertEquals(0, app.requests());
        for (String user : new String[] {"dave", "alice", "alice"}) {
            ContentResponse served = client.newRequest(url)
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, basic(user, "correct horse")))
                    .timeout(10, TimeUnit.SECONDS).send();
            assertEquals(200, served.getStatus(), user);
        }
        assertEquals(3, app.requests());
        assertNull(app.lastRequest().header("Authorization"));
    }

    @Test
    void authenticationThatCannotBeDoneIs503ForItsIngressWhileOthersServe() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo open = backends.start("open");
        TestRoutes routes = TestRoutes.create()
                .opaqueSecret("staff", Map.of("auth", DAVE))
                .route("missing.test", "/", "app", Map.of(NGINX + "auth-type", "basic", NGINX + "auth-secret", "gone"), app.port())
                .route("digest.test", "/", "app", Map.of(NGINX + "auth-type", "digest", NGINX + "auth-secret", "staff"), app.port())
                .route("open.test", "/", "open", open.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (String host : new String[] {"missing.test", "digest.test"}) {
                WireClient.Response refused = client.exchange(get(host, "/", basic("dave", "correct horse")));
                assertEquals(503, refused.status(), host + ": " + refused);
                assertEquals("503 Service Unavailable: this route's authentication cannot be done as its Ingress asks\n",
                        refused.bodyText());
            }
            assertEquals(200, client.exchange(get("open.test", "/", null)).status());
        }
        assertEquals(0, app.requests());
        assertEquals(1, open.requests());
    }

    @Test
    void aChangedSecretChangesWhoIsLetInOnTheNextTable() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = staffRoutes(app);
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(200, client.exchange(get("app.test", "/", basic("dave", "correct horse"))).status());
            routes.opaqueSecret("staff", Map.of("auth", ALICE + "\n"));
            assertEquals(401, client.exchange(get("app.test", "/", basic("dave", "correct horse"))).status());
            assertEquals(200, client.exchange(get("app.test", "/", basic("alice", "correct horse"))).status());
        }
        assertEquals(2, app.requests());
    }

    @Test
    void aCorsPreflightIsAnsweredWithoutCredentialsAndThe401CarriesTheCorsHeaders() throws Exception {
        Backends.Echo app = backends.start("app");
        Map<String, String> annotations = new LinkedHashMap<>(AUTH);
        annotations.put(NGINX + "enable-cors", "true");
        TestRoutes routes = TestRoutes.create().opaqueSecret("staff", Map.of("auth", DAVE))
                .route("app.test", "/", "app", annotations, app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response preflight = client.exchange("OPTIONS /api HTTP/1.1\r\nHost: app.test\r\n"
                    + "Origin: https://app.example.com\r\nAccess-Control-Request-Method: PUT\r\n\r\n");
            assertEquals(204, preflight.status(), preflight.toString());
            assertEquals("*", preflight.header("Access-Control-Allow-Origin"));
            WireClient.Response refused = client.exchange("PUT /api HTTP/1.1\r\nHost: app.test\r\n"
                    + "Origin: https://app.example.com\r\nContent-Length: 0\r\n\r\n");
            assertEquals(401, refused.status(), refused.toString());
            assertEquals("*", refused.header("Access-Control-Allow-Origin"));
        }
        assertEquals(0, app.requests());
    }

    @Test
    void aWebSocketUpgradeWithoutCredentialsIs401AndNeverTunnelledAndAUsersIs() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        TestRoutes routes = TestRoutes.create().opaqueSecret("staff", Map.of("auth", DAVE + "\n" + ALICE + "\n"))
                .route("chat.test", "/", "chat", AUTH, echo.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        String upgrade = "GET /chat HTTP/1.1\r\nHost: chat.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response refused = client.exchange(upgrade + "\r\n");
            assertEquals(401, refused.status(), refused.toString());
        }
        assertEquals(List.of(), echo.heads());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            // alice: a bcrypt user, checked on another thread, from which the tunnel is opened
            socket.getOutputStream().write((upgrade + "Authorization: " + basic("alice", "correct horse") + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String head = RawHttp.readHead(new BufferedInputStream(socket.getInputStream()));
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
        }
        assertEquals(1, echo.heads().size());
        assertTrue(!echo.heads().get(0).toLowerCase(java.util.Locale.ROOT).contains("authorization"), echo.heads().get(0));
    }

    @Test
    void routesShowsTheSettingAndNeverAHash() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(staffRoutes(app).router()));

        String routes = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes")
                .timeout(10, TimeUnit.SECONDS).send().getContentAsString();
        assertTrue(routes.contains("basic auth, realm \\\"Staff only\\\", 2 users from Secret default/staff"), routes);
        assertTrue(!routes.contains("$apr1$") && !routes.contains("$2y$"), routes);
    }

    @Test
    void routesWithoutAuthPassTheAuthorizationHeaderOn() throws Exception {
        Backends.Echo open = backends.start("open");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route("open.test", "/", "open",
                open.port()).router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(200, client.exchange(get("open.test", "/", "Bearer token")).status());
        }
        assertEquals("Bearer token", open.lastRequest().header("Authorization"));
        assertTrue(open.requests() == 1);
    }
}
