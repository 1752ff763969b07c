package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jingress.core.model.TlsSecret;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestCertificates;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WebSocketEcho;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code use-regex} and {@code rewrite-target} through {@link IngressServer}: a real backend
 * receives the rewritten path with the query kept, over the lean HTTP/1.1 path, Jetty's (a chunked
 * body) and HTTP/2.
 */
class RegexPathsEndToEndTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final Map<String, String> REWRITE = Map.of(NGINX + "rewrite-target", "/$2");

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static String get(String host, String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void theWalkthroughRewriteSendsTheSecondCaptureToTheBackendWithTheQueryKept() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .implementationSpecificRoute("rewrite.test", "/something(/|$)(.*)", "app", REWRITE, app.port())
                .router()));

        String response = RawHttp.exchange(proxy.httpPort(), get("rewrite.test", "/something/new/page?x=1&y=2"));
        assertEquals(200, RawHttp.status(response), response);
        assertEquals("/new/page?x=1&y=2", app.lastRequest().pathQuery());

        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("rewrite.test", "/something"))));
        assertEquals("/", app.lastRequest().pathQuery());
        // case-insensitive, as nginx's ~*
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("rewrite.test", "/SOMETHING/a"))));
        assertEquals("/a", app.lastRequest().pathQuery());
        // "/somethingelse" does not match (/|$) right after "something"
        assertEquals(404, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("rewrite.test", "/somethingelse"))));
        assertEquals(3, app.requests());
    }

    @Test
    void rewriteTargetSlashOnPathSlashForwardsEveryPathUnchangedAsInIngressNginx() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("root.test", "/", "app", Map.of(NGINX + "rewrite-target", "/"), app.port())
                .router()));

        String response = RawHttp.exchange(proxy.httpPort(), get("root.test", "/some/page?x=1"));

        assertEquals(200, RawHttp.status(response), response);
        assertEquals("/some/page?x=1", app.lastRequest().pathQuery());
    }

    @Test
    void aChunkedBodyGoesThroughJettysProxyWithTheRewrittenPath() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .implementationSpecificRoute("rewrite.test", "/something(/|$)(.*)", "app", REWRITE, app.port())
                .router()));

        String response = RawHttp.exchange(proxy.httpPort(), "POST /something/upload?id=7 HTTP/1.1\r\nHost: rewrite.test\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        assertEquals(200, RawHttp.status(response), response);
        assertEquals("/upload?id=7", app.lastRequest().pathQuery());
        assertEquals(5, app.lastRequest().bodyLength());
    }

    @Test
    void aPathOnWhichARegexBacktracksWithoutEndIsAnswered500PromptlyAndTheHostsOtherPathsServe() throws Exception {
        Backends.Echo slow = backends.start("slow");
        Backends.Echo web = backends.start("web");
        Map<String, String> useRegex = Map.of(NGINX + "use-regex", "true");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .implementationSpecificRoute("regex.test", "/(a+){2,64}$", "slow", useRegex, slow.port())
                .implementationSpecificRoute("regex.test", "/b.*", "web", useRegex, web.port())
                .implementationSpecificRoute("regex.test", "/", "web", useRegex, web.port())
                .router()));

        // the regex would backtrack for hours on this path; 10 s guard a hang, the answer takes milliseconds
        String response = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> RawHttp.exchange(proxy.httpPort(), get("regex.test", "/" + "a".repeat(40) + "!")));
        // not the "/" route, which the slow regex's route might have been meant to keep it from
        assertEquals(500, RawHttp.status(response), response);
        assertTrue(response.endsWith("500 Internal Server Error: a path regex of this host could not be run on this path\n"),
                response);
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("regex.test", "/bcd"))));
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("regex.test", "/aaaa"))));
        assertEquals(1, web.requests());
        assertEquals(1, slow.requests());
        assertEquals("/aaaa", slow.lastRequest().pathQuery());
    }

    @Test
    void useRegexWithoutRewriteMatchesByTheRegexAndForwardsThePathUnchanged() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .implementationSpecificRoute("regex.test", "/api/v[0-9]+/.*", "app", Map.of(NGINX + "use-regex", "true"),
                        app.port())
                .router()));

        String response = RawHttp.exchange(proxy.httpPort(), get("regex.test", "/api/v2/users?page=3"));
        assertEquals(200, RawHttp.status(response), response);
        assertEquals("/api/v2/users?page=3", app.lastRequest().pathQuery());
        assertEquals(404, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("regex.test", "/api/vx/users"))));
        assertEquals(1, app.requests());
    }

    @Test
    void aRewriteThatGivesNoValidPathIsAnswered500AndNothingIsForwarded() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .implementationSpecificRoute("rewrite.test", "/a(.)", "app", Map.of(NGINX + "rewrite-target", "/b/$1"), app.port())
                .router()));

        // the one char captured is the '%' of an escape: "/b/%" is no path
        String response = RawHttp.exchange(proxy.httpPort(), get("rewrite.test", "/a%C3%A9"));

        assertEquals(500, RawHttp.status(response), response);
        assertEquals("500 Internal Server Error: the route's rewrite-target gives no valid path for this request\n",
                response.substring(response.indexOf("\r\n\r\n") + 4));
        assertEquals(0, app.requests());
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("rewrite.test", "/ax"))));
        assertEquals("/b/x", app.lastRequest().pathQuery());
    }

    @Test
    void overHttp2TheBackendReceivesTheRewrittenPath() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .tlsRoute("rewrite.test", "/tls", "tls", secret(), app.port())
                .implementationSpecificRoute("rewrite.test", "/something(/|$)(.*)", "app", REWRITE, app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();

        ContentResponse response = http2.newRequest("https://rewrite.test:" + proxy.httpsPort() + "/something/h2/page?q=1")
                .timeout(10, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals("/h2/page?q=1", app.lastRequest().pathQuery());
    }

    @Test
    void aWebSocketUpgradeIsTunnelledWithTheRewrittenPath() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .implementationSpecificRoute("chat.test", "/ws(/|$)(.*)", "chat", REWRITE, echo.port())
                .router()));

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /ws/room?id=7 HTTP/1.1\r\nHost: chat.test\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = RawHttp.readHead(socket.getInputStream());
            assertEquals(101, RawHttp.status(answer), answer);
        }
        String head = echo.heads().get(0);
        assertTrue(head.startsWith("GET /room?id=7 HTTP/1.1\r\n"), head);
    }

    @Test
    void routesShowsARegexRouteWithItsRegexAndItsRewrite() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .implementationSpecificRoute("rewrite.test", "/something(/|$)(.*)", "app", REWRITE, app.port())
                .router()));

        String routes = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes").send().getContentAsString();

        JsonNode route = new ObjectMapper().readTree(routes).findValue("paths").get(0);
        assertEquals("/something(/|$)(.*)", route.get("path").asText(), routes);
        assertEquals("ImplementationSpecific", route.get("pathType").asText(), routes);
        assertEquals("^/something(/|$)(.*)", route.get("regex").asText(), routes);
        assertEquals("rewrite to /$2 (rewrite-target)", route.get("policy").get(0).asText(), routes);
    }

    private static TlsSecret secret() throws IOException {
        return TestCertificates.pkcs8Secret();
    }
}
