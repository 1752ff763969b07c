package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import io.jingress.jetty.testing.WebSocketEcho;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WebSocket through {@link IngressServer}, with the JDK's WebSocket client. */
class WebSocketEndToEndTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    /** Collects text messages and the close. */
    private static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }

    @Test
    void webSocketMessagesAreEchoedThroughTheProxy() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        TestRoutes routes = TestRoutes.create().route(null, "/chat", "chat", echo.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        Collector collector = new Collector();

        WebSocket webSocket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("X-Request-ID", "ws-1")
                .buildAsync(URI.create("ws://127.0.0.1:" + proxy.httpPort() + "/chat/./room?id=7"), collector)
                .get(10, TimeUnit.SECONDS);
        webSocket.sendText("hello", true).get(10, TimeUnit.SECONDS);
        String big = "x".repeat(100_000);
        webSocket.sendText(big, true).get(10, TimeUnit.SECONDS);

        assertEquals("hello", collector.messages.poll(10, TimeUnit.SECONDS));
        assertEquals(big, collector.messages.poll(10, TimeUnit.SECONDS));
        webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertEquals(WebSocket.NORMAL_CLOSURE, collector.closed.get(10, TimeUnit.SECONDS));

        String head = echo.heads().get(0);
        assertTrue(head.startsWith("GET /chat/room?id=7 HTTP/1.1\r\n"), head);
        assertEquals("websocket", RawHttp.header(head, "Upgrade").toLowerCase());
        assertEquals("127.0.0.1", RawHttp.header(head, "X-Forwarded-For"));
        assertEquals("ws-1", RawHttp.header(head, "X-Request-ID"));
    }

    @Test
    void webSocketOverTheHttpsListenerIsTunnelledAsHttps() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        TestRoutes routes = TestRoutes.create().route("chat.test", "/chat", "chat", echo.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "chat.test", List.of("http/1.1"))) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /chat HTTP/1.1\r\nHost: chat.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(WebSocketEcho.maskedTextFrame("secure hello"));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String answer = RawHttp.readHead(in);
            assertTrue(answer.startsWith("HTTP/1.1 101 "), answer);
            assertEquals(0x81, in.read());
            int length = in.read();
            assertEquals("secure hello", new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
        String head = echo.heads().get(0);
        assertTrue(head.startsWith("GET /chat HTTP/1.1\r\n"), head);
        assertEquals("https", RawHttp.header(head, "X-Forwarded-Proto"));
    }

    @Test
    void upgradeToAnUnroutedHostIsRefusedWithoutReachingAnything() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        TestRoutes routes = TestRoutes.create().route("chat.test", "/", "chat", echo.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String response = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: other.test\r\n"
                + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");

        assertEquals(404, RawHttp.status(response), response);
        assertTrue(echo.heads().isEmpty());
    }

    @Test
    void upgradeToAnUnreachableEndpointGets502() throws Exception {
        TestRoutes routes = TestRoutes.create().route("chat.test", "/", "chat", backends.deadPort());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String response = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: chat.test\r\n"
                + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");

        assertEquals(502, RawHttp.status(response), response);
        assertNull(RawHttp.header(response, "Upgrade"));
    }
}
