package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code proxy-cookie-domain}, {@code proxy-cookie-path} and {@code proxy-redirect-from/-to} on the
 * endpoint's answer to a WebSocket upgrade (its 101, or its refusal), which the tunnel writes
 * itself: nginx's {@code proxy_cookie_*} and {@code proxy_redirect} rewrite every answer of the
 * endpoint, and a browser takes the cookies of a 101.
 */
class WebSocketAnswerHeadersTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final Map<String, String> REWRITES = Map.of(
            NGINX + "proxy-cookie-domain", "internal.test chat.test",
            NGINX + "proxy-cookie-path", "/internal/ /",
            NGINX + "proxy-redirect-from", "http://internal.test/internal/",
            NGINX + "proxy-redirect-to", "https://chat.test/");

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static String upgrade(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: chat.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    }

    private static String head(Socket socket, String path) throws IOException {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(upgrade(path).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return RawHttp.readHead(new BufferedInputStream(socket.getInputStream()));
    }

    @Test
    void theCookieOfA101AndTheLocationOfARefusalAreRewrittenAsOnAnyAnswer() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        IngressServer proxy = proxies.start(IngressServer.builder(
                        TestRoutes.create().route("chat.test", "/", "chat", REWRITES, echo.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));

        try (Socket plain = new Socket("127.0.0.1", proxy.httpPort())) {
            String session = head(plain, "/session");
            assertTrue(session.startsWith("HTTP/1.1 101 "), session);
            assertEquals("sid=1; Domain=chat.test; Path=/; HttpOnly", RawHttp.header(session, "Set-Cookie"), session);
        }
        try (Socket tls = TlsTestServer.connect(proxy.httpsPort(), "chat.test", List.of("http/1.1"))) {
            String session = head(tls, "/session");
            assertTrue(session.startsWith("HTTP/1.1 101 "), session);
            assertEquals("sid=1; Domain=chat.test; Path=/; HttpOnly", RawHttp.header(session, "Set-Cookie"), session);
        }
        try (Socket plain = new Socket("127.0.0.1", proxy.httpPort())) {
            String moved = head(plain, "/moved");
            assertTrue(moved.startsWith("HTTP/1.1 302 "), moved);
            assertEquals("https://chat.test/login", RawHttp.header(moved, "Location"), moved);
        }
    }

    @Test
    void withoutTheAnnotationsTheAnswerIsTheEndpoints() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        IngressServer proxy = proxies.start(IngressServer.builder(
                TestRoutes.create().route("chat.test", "/", "chat", echo.port()).router()));

        try (Socket plain = new Socket("127.0.0.1", proxy.httpPort())) {
            assertEquals(WebSocketEcho.SESSION_COOKIE, RawHttp.header(head(plain, "/session"), "Set-Cookie"));
        }
        try (Socket plain = new Socket("127.0.0.1", proxy.httpPort())) {
            assertEquals(WebSocketEcho.MOVED_TO, RawHttp.header(head(plain, "/moved"), "Location"));
        }
    }
}
