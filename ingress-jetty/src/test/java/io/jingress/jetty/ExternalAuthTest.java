package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.AuthService;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WebSocketEcho;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code auth-url} and its companions through a real proxy, a real auth service ({@link AuthService})
 * and a real backend: the lean HTTP/1 path, Jetty's path (a chunked and a long body), HTTP/2 over
 * TLS and a WebSocket upgrade.
 */
class ExternalAuthTest {
    private static final String P = "nginx.ingress.kubernetes.io/";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private final AuthService auth = new AuthService();

    @AfterEach
    void stopAuth() {
        auth.close();
    }

    private IngressServer proxy(Map<String, String> annotations, int port) {
        return proxies.start(IngressServer.builder(TestRoutes.create().route("app.test", "/", "app", annotations, port).router()));
    }

    private Map<String, String> annotations(String... pairs) {
        Map<String, String> annotations = new java.util.HashMap<>();
        annotations.put(P + "auth-url", auth.url("/oauth2/auth"));
        for (int i = 0; i < pairs.length; i += 2) {
            annotations.put(P + pairs[i], pairs[i + 1]);
        }
        return annotations;
    }

    private org.eclipse.jetty.client.Request get(IngressServer proxy, String pathQuery) {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path(pathQuery)
                .headers(h -> h.put("Host", "app.test")).timeout(20, TimeUnit.SECONDS);
    }

    @Test
    void aRequestTheAuthServiceLetsThroughReachesTheBackendWithTheHeadersItNamesAndNoForgedOnes() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations("auth-response-headers", "X-Auth-Request-User, X-Auth-Request-Email, X-Auth-Request-Groups"),
                backend.port());

        ContentResponse response = get(proxy, "/app/page?x=1").headers(h -> h.put("Cookie", "session=ok")
                .put("X-Auth-Request-User", "mallory").put("X-Auth-Request-Groups", "admins")
                .put("X-Forwarded-For", "6.6.6.6").put("X-Forwarded-Proto", "https")).send();

        assertEquals(200, response.getStatus(), response.getContentAsString());
        Backends.Seen atBackend = backend.lastRequest();
        assertEquals("/app/page?x=1", atBackend.pathQuery());
        assertEquals("alice", atBackend.header("X-Auth-Request-User"), "the auth service's, not the client's");
        assertEquals(List.of("alice"), atBackend.headers().getValuesList("X-Auth-Request-User"));
        assertEquals("alice@example.com", atBackend.header("X-Auth-Request-Email"));
        assertNull(atBackend.header("X-Auth-Request-Groups"), "named, absent from the auth answer: the client's is dropped");
        assertEquals(List.of("session=renewed; Path=/"), response.getHeaders().getValuesList("Set-Cookie"));

        AuthService.Seen atAuth = auth.last();
        assertEquals("GET", atAuth.method());
        assertEquals("/oauth2/auth", atAuth.pathQuery());
        assertEquals("http://app.test/app/page?x=1", atAuth.header("X-Original-URL"));
        assertEquals("GET", atAuth.header("X-Original-Method"));
        assertEquals("/app/page?x=1", atAuth.header("X-Auth-Request-Redirect"));
        assertEquals("127.0.0.1", atAuth.header("X-Forwarded-For"), "the client's address alone");
        assertEquals("127.0.0.1", atAuth.header("X-Real-IP"));
        assertEquals("app.test", atAuth.header("X-Forwarded-Host"));
        assertNull(atAuth.header("X-Forwarded-Proto"), "cleared, as ingress-nginx does");
        assertEquals("session=ok", atAuth.header("Cookie"));
        assertEquals("nginx-ingress-controller", atAuth.header("X-Sent-From"));
        assertEquals("127.0.0.1:" + auth.port(), atAuth.header("Host"));
        assertNull(atAuth.header("X-Original-URI"), "only with auth-method");
        assertEquals(atBackend.header("X-Request-ID"), atAuth.header("X-Request-ID"), "one id for both");

        ContentResponse withoutCookie = get(proxy, "/app/page").send();
        assertEquals(401, withoutCookie.getStatus(), "the auth service's cookie is not kept for anyone else");
        assertEquals(1, backend.requests());
    }

    @Test
    void authMethodAsksWithThatMethodAndSendsTheOriginalUriAndScheme() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations("auth-method", "POST", "auth-request-redirect", "https://$host/back"),
                backend.port());

        ContentResponse response = get(proxy, "/app?x=1").headers(h -> h.put("Cookie", "session=ok")).send();

        assertEquals(200, response.getStatus());
        AuthService.Seen atAuth = auth.last();
        assertEquals("POST", atAuth.method());
        assertEquals(0, atAuth.bodyLength());
        assertEquals("/app?x=1", atAuth.header("X-Original-URI"));
        assertEquals("http", atAuth.header("X-Scheme"));
        assertEquals("GET", atAuth.header("X-Original-Method"));
        assertEquals("https://app.test/back", atAuth.header("X-Auth-Request-Redirect"));
    }

    @Test
    void a401WithoutSigninIsPassedOnWithItsWwwAuthenticateAndTheBackendSeesNothing() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations(), backend.port());

        ContentResponse response = get(proxy, "/app").send();

        assertEquals(401, response.getStatus());
        assertEquals("Bearer realm=\"test\"", response.getHeaders().get("WWW-Authenticate"));
        assertEquals("401 Unauthorized\n", response.getContentAsString());
        assertFalse(response.getHeaders().contains("Set-Cookie"), "a 401 takes no Set-Cookie without auth-always-set-cookie");
        assertEquals(0, backend.requests());
    }

    @Test
    void a401WithSigninIsRedirectedThereWithTheRequestsUrlInRd() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations("auth-signin", "https://login.test/oauth2/start"), backend.port());

        ContentResponse response = get(proxy, "/app/page?x=1&y=a%20b").send();

        assertEquals(302, response.getStatus());
        assertEquals("https://login.test/oauth2/start?rd=http://app.test%2Fapp%2Fpage%3Fx%3D1%26y%3Da%2520b",
                response.getHeaders().get("Location"));
        assertEquals(List.of("csrf=1; Path=/"), response.getHeaders().getValuesList("Set-Cookie"), "a 302 takes it");
        assertEquals(0, backend.requests());
    }

    @Test
    void aSigninNamingItsRdIsUsedAsWrittenWithItsVariablesFilledIn() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations("auth-signin", "https://$host/oauth2/start?rd=$escaped_request_uri"), backend.port());

        ContentResponse response = get(proxy, "/app?q=1").send();

        assertEquals(302, response.getStatus());
        assertEquals("https://app.test/oauth2/start?rd=%2Fapp%3Fq%3D1", response.getHeaders().get("Location"));
    }

    @Test
    void a403IsPassedOnAndAlwaysSetCookiePutsTheAuthCookieOnIt() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations(), backend.port());

        ContentResponse response = get(proxy, "/app").headers(h -> h.put("X-Test-Auth", "forbidden")).send();

        assertEquals(403, response.getStatus());
        assertEquals("403 Forbidden\n", response.getContentAsString());
        assertEquals(0, backend.requests());

        IngressServer always = proxy(annotations("auth-always-set-cookie", "true"), backend.port());
        ContentResponse unauthorized = get(always, "/app").send();
        assertEquals(401, unauthorized.getStatus());
        assertEquals(List.of("csrf=1; Path=/"), unauthorized.getHeaders().getValuesList("Set-Cookie"));
    }

    @Test
    void anyOtherAnswerOfTheAuthServiceIs500() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations(), backend.port());

        ContentResponse broken = get(proxy, "/app").headers(h -> h.put("X-Test-Auth", "broken")).send();
        ContentResponse redirect = get(proxy, "/app").headers(h -> h.put("X-Test-Auth", "redirect")).send();

        assertEquals(500, broken.getStatus());
        assertEquals("500 Internal Server Error: the authentication service answered neither 2xx, 401 nor 403\n",
                broken.getContentAsString());
        assertEquals(500, redirect.getStatus(), "a redirect of the auth service is not followed");
        assertEquals(0, backend.requests());
    }

    @Test
    void anAuthServiceThatCannotBeReachedIs500() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(Map.of(P + "auth-url", "http://127.0.0.1:" + backends.deadPort() + "/auth"), backend.port());

        ContentResponse response = get(proxy, "/app").send();

        assertEquals(500, response.getStatus());
        assertEquals("500 Internal Server Error: the authentication service could not be reached\n", response.getContentAsString());
        assertEquals(0, backend.requests());
    }

    @Test
    void anAuthServiceSlowerThanTheRoutesReadTimeoutIs500InThatTime() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations("proxy-read-timeout", "1"), backend.port());

        long start = System.nanoTime();
        ContentResponse response = get(proxy, "/app").headers(h -> h.put("X-Test-Auth", "slow")).send();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(auth.awaitSlow(1, TimeUnit.SECONDS));
        assertEquals(500, response.getStatus());
        assertEquals("500 Internal Server Error: the authentication service did not answer in time\n", response.getContentAsString());
        assertTrue(millis >= 900 && millis < 5_000, millis + " ms");
        assertEquals(0, backend.requests());
    }

    @Test
    void aShortBodyIsNotSentToTheAuthServiceAndReachesTheBackendWhole() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations(), backend.port());

        ContentResponse response = get(proxy, "/upload").method(HttpMethod.POST).headers(h -> h.put("Cookie", "session=ok"))
                .body(new BytesRequestContent("hello".getBytes())).send();

        assertEquals(200, response.getStatus());
        assertEquals(5, backend.lastRequest().bodyLength());
        assertEquals(0, auth.last().bodyLength());
        assertEquals("POST", auth.last().header("X-Original-Method"));
        assertFalse("5".equals(auth.last().header("Content-Length")), "no body, nor its length");
    }

    @Test
    void aChunkedBodyGoesThroughJettysPathWholeAfterTheAuthCall() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations(), backend.port());
        byte[] body = new byte[70_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }

        ContentResponse chunked = get(proxy, "/echo").method(HttpMethod.POST).headers(h -> h.put("Cookie", "session=ok"))
                .body(new InputStreamRequestContent(new ByteArrayInputStream(body))).send();
        ContentResponse refused = get(proxy, "/echo").method(HttpMethod.POST)
                .body(new InputStreamRequestContent(new ByteArrayInputStream(body))).send();

        assertEquals(200, chunked.getStatus(), chunked.getContentAsString());
        assertEquals(body.length, backend.lastRequest().bodyLength());
        assertTrue(java.util.Arrays.equals(body, chunked.getContent()), "the body arrived intact");
        assertEquals(List.of("session=renewed; Path=/"), chunked.getHeaders().getValuesList("Set-Cookie"));
        assertEquals(401, refused.getStatus());
        assertEquals(1, backend.requests());
        assertTrue(auth.seen().stream().allMatch(seen -> seen.bodyLength() == 0));
    }

    @Test
    void aRefusedRequestsBodyIsReadAndDroppedSoAClientWritingItWholeFirstReadsTheAnswer() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations(), backend.port());
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.httpPort())) {
            socket.setSoTimeout(20_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            // the 401 is on its way before the body: the client writes it all regardless, then reads
            java.io.InputStream in = socket.getInputStream();
            io.jingress.jetty.testing.Await.until(() -> {
                try {
                    return in.available() > 0;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "the answer arrives");
            byte[] chunk = new byte[64 * 1024];
            byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < 64; i++) {  // 4 MiB, as a library that writes the whole body before it reads
                out.write(size);
                out.write(chunk);
                out.write(new byte[] {'\r', '\n'});
            }
            out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            String head = RawHttp.readHead(in);
            assertEquals(401, RawHttp.status(head), head);
        }
        assertEquals(0, backend.requests());
    }

    @Test
    void anHttp2ClientOverTlsIsCheckedToo() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", annotations("auth-response-headers", "X-Auth-Request-User"), backend.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        String url = "https://app.test:" + proxy.httpsPort() + "/app?x=1";

        ContentResponse refused = proxies.http2Client().newRequest(url).timeout(20, TimeUnit.SECONDS).send();
        ContentResponse let = proxies.http2Client().newRequest(url).method(HttpMethod.POST)
                .headers(h -> h.put("Cookie", "session=ok")).body(new InputStreamRequestContent(new ByteArrayInputStream(new byte[30_000])))
                .timeout(20, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, refused.getVersion());
        assertEquals(401, refused.getStatus());
        assertEquals(200, let.getStatus(), let.getContentAsString());
        assertEquals(30_000, backend.lastRequest().bodyLength());
        assertEquals("alice", backend.lastRequest().header("X-Auth-Request-User"));
        assertEquals("https://app.test:" + proxy.httpsPort() + "/app?x=1", auth.last().header("X-Original-URL"));
        assertEquals(1, backend.requests());
    }

    @Test
    void aWebSocketUpgradeIsCheckedBeforeThe101() throws Exception {
        try (WebSocketEcho echo = backends.startWebSocketEcho()) {
            IngressServer proxy = proxy(annotations("auth-response-headers", "X-Auth-Request-User"), echo.port());
            String upgrade = "GET /chat HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

            String refused = RawHttp.exchange(proxy.httpPort(), upgrade + "\r\n");
            assertTrue(refused.startsWith("HTTP/1.1 401 "), refused);
            assertEquals(List.of(), echo.heads(), "no upgrade reached the endpoint");

            try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), proxy.httpPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write((upgrade + "Cookie: session=ok\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                String head = RawHttp.readHead(socket.getInputStream());
                assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            }
            assertEquals(1, echo.heads().size());
            assertTrue(echo.heads().get(0).contains("X-Auth-Request-User: alice"), echo.heads().get(0));
            assertNull(auth.last().header("Upgrade"), "the auth service is not asked to upgrade");
        }
    }

    @Test
    void aClientThatGoesAwayDuringTheAuthCallStopsItAndIsLoggedAs499() throws Exception {
        Backends.Echo backend = backends.start("app");
        StringBuffer log = new StringBuffer();
        try (ScriptedBackend holding = ScriptedBackend.start((connection, request, head) ->
                ScriptedBackend.Answer.thenHoldUntilPeerCloses(""))) {
            IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                    .route("app.test", "/", "app", Map.of(P + "auth-url", "http://127.0.0.1:" + holding.port() + "/auth"),
                            backend.port()).router()).accessLog(log));
            try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), proxy.httpPort())) {
                socket.getOutputStream().write("GET /app HTTP/1.1\r\nHost: app.test\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                Await.until(() -> holding.heads().size() == 1, "the auth service holds the call");
            }

            // the auth service would hold the call until the read timeout (60 s)
            assertTrue(holding.awaitPeerClosedWhileHeld(5, TimeUnit.SECONDS), "the proxy closed its call to the auth service");
            Await.until(() -> log.indexOf("\"GET /app HTTP/1.1\" 499 ") >= 0, "the request is logged as 499: " + log);
            assertEquals(0, backend.requests());
        }
    }

    @Test
    void aHostFromTheClientNeverChoosesWhereTheProxyCalls() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route(null, "/", "app", Map.of(P + "auth-url", "http://$host:" + auth.port() + "/auth"), backend.port())
                .router()));

        ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/app")
                .headers(h -> h.put("Host", "127.0.0.1")).timeout(20, TimeUnit.SECONDS).send();

        assertEquals(500, response.getStatus());
        assertEquals("500 Internal Server Error: this route's auth-url names $host, and its rule takes any host\n",
                response.getContentAsString());
        assertEquals(List.of(), auth.seen());
        assertEquals(0, backend.requests());
    }

    @Test
    void aBadAuthUrlAnswers503AndTheRoutesPageSaysWhy() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(Map.of(P + "auth-url", "oauth2-proxy/auth"), backend.port());

        ContentResponse response = get(proxy, "/app").send();

        assertEquals(503, response.getStatus());
        assertEquals(0, backend.requests());
        String json = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes").send().getContentAsString();
        assertTrue(json.contains("answered 503: auth-url cannot be used: it is not an absolute http:// or https:// URL"), json);
    }

    @Test
    void theRoutesPageShowsTheExternalAuthentication() throws Exception {
        IngressServer proxy = proxy(annotations("auth-signin", "https://login.test/start"), 9);
        String json = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes").send().getContentAsString();
        assertTrue(json.contains("external authentication at " + auth.url("/oauth2/auth") + " (auth-url), 401 redirected to"
                + " https://login.test/start?rd=$scheme://$http_host$escaped_request_uri (auth-signin)"), json);
    }
}
