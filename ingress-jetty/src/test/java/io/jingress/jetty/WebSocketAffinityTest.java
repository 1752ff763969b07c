package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import io.jingress.jetty.testing.WebSocketEcho;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cookie affinity on WebSocket upgrades: the 101 carries the affinity cookie, as ingress-nginx's
 * balancer sets it on whatever the endpoint answers, so a client that opens a WebSocket first
 * (no plain request before it) comes back to the same endpoint; RFC 6455 has clients take
 * {@code Set-Cookie} of the handshake's answer.
 */
class WebSocketAffinityTest {
    private static final Map<String, String> AFFINITY = Map.of(
            "nginx.ingress.kubernetes.io/affinity", "cookie",
            "nginx.ingress.kubernetes.io/session-cookie-name", "route");

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static String upgrade(String cookie) {
        return "GET /chat HTTP/1.1\r\nHost: chat.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
    }

    /** The head of the answer to an upgrade on the plain listener; the connection is closed after it. */
    private static String upgradeHead(int port, String cookie) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(upgrade(cookie).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return RawHttp.readHead(new BufferedInputStream(socket.getInputStream()));
        }
    }

    private static String upgradeHeadOverTls(int port, String cookie) throws IOException {
        try (Socket socket = TlsTestServer.connect(port, "chat.test", List.of("http/1.1"))) {
            OutputStream out = socket.getOutputStream();
            out.write(upgrade(cookie).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return RawHttp.readHead(new BufferedInputStream(socket.getInputStream()));
        }
    }

    private static String setCookies(String head) {
        StringBuilder all = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Set-Cookie:", 0, 11)) {
                all.append(all.length() == 0 ? "" : " | ").append(line.substring(11).trim());
            }
        }
        return all.length() == 0 ? null : all.toString();
    }

    /** {@code route=TOKEN} of the answer's cookie. */
    private static String cookiePair(String head) {
        String setCookie = setCookies(head);
        assertNotNull(setCookie, "no Set-Cookie on " + head);
        assertTrue(setCookie.matches("route=[0-9a-f]{16}; Path=/chat(; Secure)?; HttpOnly"), setCookie);
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void theUpgradesAnswerCarriesTheAffinityCookieAndItKeepsTheClientOnItsEndpoint() throws Exception {
        WebSocketEcho a = backends.startWebSocketEcho();
        WebSocketEcho b = backends.startWebSocketEcho();
        IngressServer proxy = proxies.start(IngressServer.builder(
                TestRoutes.create().route("chat.test", "/chat", "chat", AFFINITY, a.port(), b.port()).router()));

        String first = upgradeHead(proxy.httpPort(), null);
        assertTrue(first.startsWith("HTTP/1.1 101 "), first);
        String cookie = cookiePair(first);
        WebSocketEcho chosen = a.heads().size() == 1 ? a : b;
        for (int i = 0; i < 4; i++) {
            String again = upgradeHead(proxy.httpPort(), cookie);
            assertTrue(again.startsWith("HTTP/1.1 101 "), again);
            assertEquals(null, setCookies(again), "a client with a valid cookie gets none: " + again);
        }
        assertEquals(5, chosen.heads().size(), "every upgrade with the cookie went to the first one's endpoint");
    }

    @Test
    void theCookieOnTheHttpsListenersUpgradeIsSecure() throws Exception {
        WebSocketEcho a = backends.startWebSocketEcho();
        IngressServer proxy = proxies.start(IngressServer.builder(
                        TestRoutes.create().route("chat.test", "/chat", "chat", AFFINITY, a.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));

        String head = upgradeHeadOverTls(proxy.httpsPort(), null);
        assertTrue(head.startsWith("HTTP/1.1 101 "), head);
        assertTrue(setCookies(head).matches("route=[0-9a-f]{16}; Path=/chat; Secure; HttpOnly"), head);
    }

    @Test
    void anUpgradeMovedOffAnEndpointThatRefusesGetsTheCookieOfTheEndpointThatAnswered() throws Exception {
        WebSocketEcho live = backends.startWebSocketEcho();
        int refusing;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusing = closed.getLocalPort();
        }
        IngressServer proxy = proxies.start(IngressServer.builder(
                TestRoutes.create().route("chat.test", "/chat", "chat", AFFINITY, refusing, live.port()).router()));

        Set<String> cookies = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            String head = upgradeHead(proxy.httpPort(), null);
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            cookies.add(cookiePair(head));
        }
        assertEquals(1, cookies.size(), "one endpoint answered, one cookie names it: " + cookies);
        String head = upgradeHead(proxy.httpPort(), cookies.iterator().next());
        assertEquals(null, setCookies(head), "the cookie names a live endpoint: " + head);
        assertEquals(5, live.heads().size());
    }
}
