package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An {@code Upgrade} header that {@code Connection} does not name is no upgrade request (RFC 9110
 * section 7.8): the request is served as a plain one, without the hop-by-hop header, as nginx
 * serves it, on both listeners.
 */
class UpgradeHeaderTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private Backends.Echo app;

    private IngressServer proxy() {
        app = backends.start("app");
        return proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    /** Sends {@code request} on {@code socket} and reads its answer: the head and a Content-Length body. */
    private static String exchange(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        String head = RawHttp.readHead(in);
        String length = RawHttp.header(head, "Content-Length");
        return head + (length == null ? "" : new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.ISO_8859_1));
    }

    private void assertServedPlainOnAConnectionThatGoesOn(Socket socket, String protocol) throws IOException {
        String response = exchange(socket, "GET /a HTTP/1.1\r\nHost: app.test\r\nUpgrade: " + protocol + "\r\n\r\n");
        assertEquals(200, RawHttp.status(response), response);
        assertEquals("/a", app.lastRequest().pathQuery());
        assertNull(app.lastRequest().header("Upgrade"), "Upgrade is hop-by-hop");
        String next = exchange(socket, "GET /b HTTP/1.1\r\nHost: app.test\r\n\r\n");
        assertEquals(200, RawHttp.status(next), next);
        assertEquals("/b", app.lastRequest().pathQuery());
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "h2c", "h2c, websocket"})
    void anUpgradeHeaderConnectionDoesNotNameIsDroppedAndTheRequestServedOnThePlainListener(String protocol)
            throws Exception {
        IngressServer proxy = proxy();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            assertServedPlainOnAConnectionThatGoesOn(socket, protocol);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "h2c"})
    void anUpgradeHeaderConnectionDoesNotNameIsDroppedAndTheRequestServedOnTheHttpsListener(String protocol)
            throws Exception {
        IngressServer proxy = proxy();
        try (Socket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("http/1.1"))) {
            assertServedPlainOnAConnectionThatGoesOn(socket, protocol);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "h2c"})
    void aChunkedRequestWithAnUpgradeHeaderConnectionDoesNotNameIsServedToo(String protocol) throws Exception {
        IngressServer proxy = proxy();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            String response = exchange(socket, "POST /a HTTP/1.1\r\nHost: app.test\r\nUpgrade: " + protocol
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            assertEquals(200, RawHttp.status(response), response);
            assertEquals(5, app.lastRequest().bodyLength());
            assertNull(app.lastRequest().header("Upgrade"));
        }
    }
}
