package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WebSocketEcho;
import io.jingress.jetty.testing.WireClient;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code limit-rps}, {@code limit-rpm}, {@code limit-connections} and {@code limit-allowlist}
 * through {@link IngressServer}: a client over a limit of its route's Ingress is answered 503,
 * naming the limit, and no endpoint hears of it; other clients and other Ingresses are not
 * affected; a request in progress is counted until it ends, however it ends.
 */
class RateLimitTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String TOO_MANY_RPS = "503 Service Unavailable: too many requests from this client (limit-rps)\n";
    private static final String TOO_MANY_CONNECTIONS =
            "503 Service Unavailable: too many requests in progress from this client (limit-connections)\n";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static final Map<String, String> ONE_PER_SECOND = Map.of(NGINX + "limit-rps", "1", NGINX + "limit-burst-multiplier", "1");

    /** The statuses of {@code n} requests sent at once, one after another, on one connection from {@code local}. */
    private static List<WireClient.Response> rapid(String local, IngressServer proxy, String host, int n) throws IOException {
        List<WireClient.Response> responses = new ArrayList<>();
        try (WireClient client = WireClient.connectFrom(InetAddress.getByName(local), proxy.httpPort())) {
            for (int i = 0; i < n; i++) {
                responses.add(client.exchange(WireClient.get(host, "/r" + i)));
            }
        }
        return responses;
    }

    private static long count(List<WireClient.Response> responses, int status) {
        return responses.stream().filter(r -> r.status() == status).count();
    }

    @Test
    void aClientOverLimitRpsIsAnswered503WithoutReachingTheEndpointWhileOtherIngressesServeIt() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo twin = backends.start("twin");
        Backends.Echo open = backends.start("open");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", ONE_PER_SECOND, app.port())
                .route("twin.test", "/", "twin", ONE_PER_SECOND, twin.port())
                .route("open.test", "/", "open", open.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        List<WireClient.Response> responses = rapid("127.0.0.1", proxy, "app.test", 6);

        // one request a second and a burst of one: the first two pass, then (unless a second went by) 503
        assertEquals(200, responses.get(0).status(), responses.get(0).toString());
        assertEquals(200, responses.get(1).status(), responses.get(1).toString());
        assertTrue(count(responses, 503) >= 1, responses.toString());
        WireClient.Response refused = responses.stream().filter(r -> r.status() == 503).findFirst().orElseThrow();
        assertEquals(TOO_MANY_RPS, refused.bodyText());
        assertEquals("text/plain; charset=utf-8", refused.header("Content-Type"));
        assertEquals(count(responses, 200), app.requests(), "a refused request never reaches the endpoint");
        // another Ingress with the same limits counts apart; one without limits serves everything
        assertEquals(200, rapid("127.0.0.1", proxy, "twin.test", 1).get(0).status());
        assertEquals(6, count(rapid("127.0.0.1", proxy, "open.test", 6), 200));
        // another client has its own bucket
        assertEquals(200, rapid("127.0.0.3", proxy, "app.test", 1).get(0).status());
    }

    @Test
    void aClientInTheAllowlistIsNeverLimited() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", Map.of(NGINX + "limit-rps", "1",
                NGINX + "limit-burst-multiplier", "0", NGINX + "limit-allowlist", "127.0.0.2, 10.0.0.0/8"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        assertEquals(10, count(rapid("127.0.0.2", proxy, "app.test", 10), 200));
        assertEquals(10, app.requests());
        List<WireClient.Response> limited = rapid("127.0.0.1", proxy, "app.test", 3);
        assertEquals(200, limited.get(0).status());
        assertTrue(count(limited, 503) >= 1, limited.toString());
    }

    @Test
    void withLimitConnectionsOneASecondConcurrentRequestIs503UntilTheFirstEnds() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX + "limit-connections", "1"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        try (WireClient first = WireClient.connect(proxy.httpPort())) {
            first.send(WireClient.get("app.test", "/hold"));
            assertTrue(app.awaitHolding(10, TimeUnit.SECONDS));
            try (WireClient second = WireClient.connect(proxy.httpPort())) {
                WireClient.Response refused = second.exchange(WireClient.get("app.test", "/second"));
                assertEquals(503, refused.status(), refused.toString());
                assertEquals(TOO_MANY_CONNECTIONS, refused.bodyText());
            }
            // another client is not counted with it
            assertEquals(200, rapid("127.0.0.4", proxy, "app.test", 1).get(0).status());
            app.release();
            assertEquals(200, first.read().status());
        }
        List<WireClient.Response> after = rapid("127.0.0.1", proxy, "app.test", 3);
        assertEquals(3, count(after, 200), after.toString());
    }

    @Test
    void aStreamedRequestOnJettysPathIsCountedUntilItEndsToo() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX + "limit-connections", "1"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        // a chunked body is streamed by Jetty's ProxyHandler, not the lean forwarder
        String chunked = "POST /hold HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";

        try (WireClient first = WireClient.connect(proxy.httpPort())) {
            first.send(chunked);
            assertTrue(app.awaitHolding(10, TimeUnit.SECONDS));
            try (WireClient second = WireClient.connect(proxy.httpPort())) {
                WireClient.Response refused = second.exchange(chunked.replace("/hold", "/second"));
                assertEquals(503, refused.status(), refused.toString());
                assertEquals(TOO_MANY_CONNECTIONS, refused.bodyText());
            }
            app.release();
            assertEquals(200, first.read().status());
            WireClient.Response next = first.exchange(chunked.replace("/hold", "/next"));
            assertEquals(200, next.status(), next.toString());
        }
        assertEquals(2, app.requests());
    }

    @Test
    void aClientThatGivesUpOnARequestInProgressIsNoLongerCounted() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX + "limit-connections", "1"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        try (WireClient first = WireClient.connect(proxy.httpPort())) {
            first.send(WireClient.get("app.test", "/hold"));
            assertTrue(app.awaitHolding(10, TimeUnit.SECONDS));
            assertEquals(503, rapid("127.0.0.1", proxy, "app.test", 1).get(0).status());
        }
        // the client closed its connection while its answer was awaited
        Await.until(() -> {
            try {
                return rapid("127.0.0.1", proxy, "app.test", 1).get(0).status() == 200;
            } catch (IOException e) {
                return false;
            }
        }, "a new request passes once the abandoned one has ended");
        app.release();
    }

    @Test
    void aFailedRequestIsNoLongerCounted() throws Exception {
        TestRoutes routes = TestRoutes.create()
                .route("down.test", "/", "down", Map.of(NGINX + "limit-connections", "1"), backends.deadPort());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        List<WireClient.Response> responses = rapid("127.0.0.1", proxy, "down.test", 3);
        for (WireClient.Response response : responses) {
            assertEquals(502, response.status(), response.toString());
        }
    }

    @Test
    void overHttp2EachStreamIsCountedAndARefusalLeavesTheConnectionServing() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo open = backends.start("open");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX + "limit-rps", "1", NGINX + "limit-burst-multiplier", "0"), app.port())
                .route("open.test", "/", "open", open.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient client = proxies.http2Client();

        List<ContentResponse> responses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            responses.add(client.newRequest("https://app.test:" + proxy.httpsPort() + "/h2").timeout(10, TimeUnit.SECONDS).send());
        }
        assertEquals(HttpVersion.HTTP_2, responses.get(0).getVersion());
        assertEquals(200, responses.get(0).getStatus());
        ContentResponse refused = responses.stream().filter(r -> r.getStatus() == 503).findFirst().orElseThrow();
        assertEquals(TOO_MANY_RPS, refused.getContentAsString());
        ContentResponse served = client.newRequest("https://open.test:" + proxy.httpsPort() + "/h2")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, served.getStatus());
        assertEquals(1, open.requests());
    }

    @Test
    void aWebSocketTunnelCountsAsARequestInProgressUntilItCloses() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        TestRoutes routes = TestRoutes.create()
                .route("chat.test", "/", "chat", Map.of(NGINX + "limit-connections", "1"), echo.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        String upgrade = "GET /chat HTTP/1.1\r\nHost: chat.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

        try (Socket tunnel = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            tunnel.setSoTimeout(10_000);
            tunnel.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
            tunnel.getOutputStream().flush();
            String head = RawHttp.readHead(new BufferedInputStream(tunnel.getInputStream()));
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);

            try (WireClient second = WireClient.connect(proxy.httpPort())) {
                WireClient.Response refused = second.exchange(upgrade);
                assertEquals(503, refused.status(), refused.toString());
                assertEquals(TOO_MANY_CONNECTIONS, refused.bodyText());
            }
        }
        Await.until(() -> {
            try (WireClient again = WireClient.connect(proxy.httpPort())) {
                return again.exchange(upgrade).status() == 101;
            } catch (IOException e) {
                return false;
            }
        }, "a new upgrade passes once the tunnel has closed");
    }

    @Test
    void routesListsTheLimits() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", Map.of(NGINX + "limit-rps", "10"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String json = RawHttp.exchange(proxy.adminPort(), "GET /routes HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");

        assertTrue(json.contains("\"10 requests/s per client, burst 50 (limit-rps)\""), json);
    }
}
