package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import io.jingress.jetty.testing.WebSocketEcho;
import io.jingress.jetty.testing.WireClient;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code allowlist-source-range} / {@code whitelist-source-range} and {@code denylist-source-range}
 * through {@link IngressServer}: a refused client is answered 403 by the proxy and no endpoint hears
 * of it, over HTTP/1.1 (the lean connection and Jetty's), HTTP/2, TLS and WebSocket upgrades; the
 * client is the connection's peer or the PROXY protocol header's source, never what it says itself.
 */
class SourceRangeTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String FORBIDDEN = "403 Forbidden: this route does not serve the client's address\n";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    /** The request's answer from a connection made from {@code local} (any 127.x.y.z on Linux). */
    private static WireClient.Response getFrom(String local, IngressServer proxy, String host) throws Exception {
        try (WireClient client = WireClient.connectFrom(InetAddress.getByName(local), proxy.httpPort())) {
            return client.exchange(WireClient.get(host, "/x"));
        }
    }

    private static Map<String, String> annotation(String name, String value) {
        return Map.of(NGINX + name, value);
    }

    @Test
    void aClientInTheAllowlistReachesTheEndpointAndOneOutsideIt403WithoutReachingIt() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo open = backends.start("open");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", annotation("allowlist-source-range", "10.0.0.0/8, 127.0.0.2"), app.port())
                .route("open.test", "/", "open", open.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        WireClient.Response allowed = getFrom("127.0.0.2", proxy, "app.test");
        assertEquals(200, allowed.status(), allowed.toString());
        assertEquals(1, app.requests());
        assertEquals("127.0.0.2", app.lastRequest().header("X-Real-IP"));

        WireClient.Response refused = getFrom("127.0.0.1", proxy, "app.test");
        assertEquals(403, refused.status(), refused.toString());
        assertEquals(FORBIDDEN, refused.bodyText());
        assertEquals("text/plain; charset=utf-8", refused.header("Content-Type"));
        // what the client says of itself counts for nothing
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response spoofed = client.exchange("GET /x HTTP/1.1\r\nHost: app.test\r\n"
                    + "X-Forwarded-For: 10.0.0.1\r\nX-Real-IP: 10.0.0.1\r\nForwarded: for=10.0.0.1\r\n\r\n");
            assertEquals(403, spoofed.status(), spoofed.toString());
        }
        assertEquals(1, app.requests());
        // another Ingress without the annotation serves everyone
        assertEquals(200, getFrom("127.0.0.1", proxy, "open.test").status());
        assertEquals(1, open.requests());
    }

    @Test
    void theOlderNameWhitelistSourceRangeWorksAlike() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", annotation("whitelist-source-range", "127.0.0.3/32"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        assertEquals(403, getFrom("127.0.0.1", proxy, "app.test").status());
        assertEquals(200, getFrom("127.0.0.3", proxy, "app.test").status());
        assertEquals(1, app.requests());
    }

    @Test
    void aClientInTheDenylistIs403EvenWhenTheAllowlistHasIt() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app",
                Map.of(NGINX + "denylist-source-range", "127.0.0.1, 192.0.2.0/24",
                        NGINX + "allowlist-source-range", "127.0.0.0/8"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        WireClient.Response denied = getFrom("127.0.0.1", proxy, "app.test");
        assertEquals(403, denied.status(), denied.toString());
        assertEquals(FORBIDDEN, denied.bodyText());
        assertEquals(0, app.requests());
        assertEquals(200, getFrom("127.0.0.4", proxy, "app.test").status());
        assertEquals(1, app.requests());
    }

    @Test
    void aRefusedRequestsBodyIsNotTakenForTheNextRequestOnTheConnection() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", annotation("denylist-source-range", "127.0.0.1"), app.port())
                .route("open.test", "/", "open", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: open.test\r\n\r\n";

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: " + smuggled.length() + "\r\n\r\n"
                    + smuggled);
            assertEquals(403, client.read().status());
            client.send(WireClient.get("open.test", "/next"));
            WireClient.Response next = client.read();
            assertEquals(200, next.status(), next.toString());
            // a chunked body, which the lean connection hands to Jetty's HTTP/1 connection
            client.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n0\r\n\r\n");
            assertEquals(403, client.read().status());
            client.send(WireClient.get("open.test", "/last"));
            assertEquals(200, client.read().status());
        }
        assertEquals(2, app.requests());
        assertEquals("/last", app.lastRequest().pathQuery());
    }

    @Test
    void withTheProxyProtocolTheHeadersSourceAddressDecides() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app",
                Map.of(NGINX + "allowlist-source-range", "203.0.113.0/24, 2001:db8::/32",
                        NGINX + "denylist-source-range", "203.0.113.66"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).proxyProtocol(true));

        for (String source : List.of("203.0.113.7", "::ffff:203.0.113.8", "2001:db8::7")) {
            try (WireClient client = WireClient.connect(proxy.httpPort())) {
                String family = source.contains(":") ? "TCP6" : "TCP4";
                String destination = source.contains(":") ? "2001:db8::1" : "192.0.2.1";
                client.send("PROXY " + family + " " + source + " " + destination + " 40123 80\r\n");
                WireClient.Response response = client.exchange(WireClient.get("app.test", "/from"));
                assertEquals(200, response.status(), source + ": " + response);
            }
        }
        assertEquals(3, app.requests());
        // the connection itself is from 127.0.0.1, outside the allowlist: only the header counts
        for (String source : List.of("198.51.100.1", "203.0.113.66", "2001:db9::1", "127.0.0.1")) {
            try (WireClient client = WireClient.connect(proxy.httpPort())) {
                String family = source.contains(":") ? "TCP6" : "TCP4";
                String destination = source.contains(":") ? "2001:db8::1" : "192.0.2.1";
                client.send("PROXY " + family + " " + source + " " + destination + " 40123 80\r\n");
                WireClient.Response response = client.exchange(WireClient.get("app.test", "/from"));
                assertEquals(403, response.status(), source + ": " + response);
            }
        }
        assertEquals(3, app.requests());
    }

    @Test
    void aBadValueRefusesEveryClientOfItsIngressWhileOtherIngressesServe() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo open = backends.start("open");
        TestRoutes routes = TestRoutes.create()
                .route("deny.test", "/", "deny", annotation("denylist-source-range", "192.0.2.1, 192.0.2.300"), app.port())
                .route("allow.test", "/", "allow", annotation("allowlist-source-range", "127.0.0.1/33, everyone"), app.port())
                .route("open.test", "/", "open", open.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        for (String local : List.of("127.0.0.1", "127.0.0.5")) {
            assertEquals(403, getFrom(local, proxy, "deny.test").status(), local);
            assertEquals(403, getFrom(local, proxy, "allow.test").status(), local);
            assertEquals(200, getFrom(local, proxy, "open.test").status(), local);
        }
        assertEquals(0, app.requests());
        assertEquals(2, open.requests());
        assertTrue(routes.router().current().problems().stream()
                .anyMatch(p -> p.message().contains("\"192.0.2.300\" is no IP address or CIDR range; every client is refused")),
                routes.router().current().problems().toString());
    }

    @Test
    void aRefusedWebSocketUpgradeIsAnswered403AndNeverTunnelled() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        TestRoutes routes = TestRoutes.create()
                .route("chat.test", "/", "chat", annotation("allowlist-source-range", "127.0.0.2"), echo.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        String upgrade = "GET /chat HTTP/1.1\r\nHost: chat.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

        try (WireClient refused = WireClient.connect(proxy.httpPort())) {
            WireClient.Response response = refused.exchange(upgrade);
            assertEquals(403, response.status(), response.toString());
            assertEquals(FORBIDDEN, response.bodyText());
        }
        assertEquals(List.of(), echo.heads());
        // from an allowed address the same upgrade is tunnelled
        try (Socket allowed = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort(), InetAddress.getByName("127.0.0.2"), 0)) {
            allowed.setSoTimeout(10_000);
            allowed.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
            allowed.getOutputStream().flush();
            String head = RawHttp.readHead(new BufferedInputStream(allowed.getInputStream()));
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
        }
        assertEquals(1, echo.heads().size());
    }

    @Test
    void overTlsAndHttp2TheSameClientIsRefused() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo open = backends.start("open");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", annotation("allowlist-source-range", "10.0.0.0/8"), app.port())
                .route("open.test", "/", "open", open.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("http/1.1"))) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /tls HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(403, RawHttp.status(answer), answer);
            assertTrue(answer.endsWith(FORBIDDEN), answer);
        }
        HttpClient client = proxies.http2Client();
        ContentResponse refused = client.newRequest("https://app.test:" + proxy.httpsPort() + "/h2")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, refused.getVersion());
        assertEquals(403, refused.getStatus());
        assertEquals(FORBIDDEN, refused.getContentAsString());
        ContentResponse served = client.newRequest("https://open.test:" + proxy.httpsPort() + "/h2")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, served.getStatus());
        assertEquals(0, app.requests());
        assertEquals(1, open.requests());
    }

    @Test
    void theAccessLogHasTheRefusal() throws Exception {
        Backends.Echo app = backends.start("app");
        StringBuffer log = new StringBuffer();
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", annotation("denylist-source-range", "127.0.0.0/8"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).accessLog(log));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(403, client.exchange(WireClient.get("app.test", "/logged")).status());
        }

        Await.until(() -> log.indexOf("/logged") >= 0, "the refusal is logged");
        String line = log.toString().lines().filter(l -> l.contains("/logged")).findFirst().orElseThrow();
        assertTrue(line.startsWith("127.0.0.1 - - ["), line);
        assertTrue(line.contains("\"GET /logged HTTP/1.1\" 403 " + FORBIDDEN.length() + " "), line);
        assertEquals(0, app.requests());
    }

    @Test
    void routesListsTheRanges() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app",
                annotation("allowlist-source-range", "10.1.2.3/8, 192.168.1.7, 2001:db8::/32"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String json = RawHttp.exchange(proxy.adminPort(), "GET /routes HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");

        assertTrue(json.contains("\"clients only from 10.0.0.0/8, 192.168.1.7/32, 2001:db8::/32 (allowlist-source-range)\""),
                json);
    }
}
