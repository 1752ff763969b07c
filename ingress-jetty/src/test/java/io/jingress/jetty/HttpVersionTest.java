package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request line of an HTTP version past 1.1: 505, as nginx answers it, on both listeners; but the
 * HTTP/2 preface on the plain listener opens HTTP/2 in cleartext (prior knowledge).
 */
class HttpVersionTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    @ParameterizedTest
    @ValueSource(strings = {"GET /a HTTP/2.0\r\nHost: app.test\r\n\r\n", "PRI /a HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "GET /a HTTP/3.0\r\nHost: app.test\r\n\r\n", "GET /a HTTP/1.2\r\nHost: app.test\r\n\r\n"})
    void anHttpVersionPastOnePointOneGets505InPlainTextOnThePlainListener(String request) throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router()));

        String response = RawHttp.exchange(proxy.httpPort(), request);

        assertEquals(505, RawHttp.status(response), response);
        assertTrue(response.startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n"), response);
        if (!request.startsWith("PRI")) {
            // (a PRI line, which no HTTP/1 client sends, gets Jetty's bare answer, without a body)
            assertTrue(response.endsWith("\r\n\r\n505 HTTP Version Not Supported\n")
                    || response.contains("\r\n\r\n505 HTTP Version Not Supported: "), response);
            assertTrue(RawHttp.header(response, "Content-Type").startsWith("text/plain"), response);
        }
        assertEquals(0, app.requests());
    }

    @Test
    void theHttp2PrefaceOnThePlainListenerIsAnsweredWithTheServersHttp2Settings() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router()));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            // the preface and an empty SETTINGS frame
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            socket.getOutputStream().flush();
            byte[] frameHead = socket.getInputStream().readNBytes(9);
            assertEquals(9, frameHead.length);
            assertEquals(4, frameHead[3], "the first frame is the server's SETTINGS (RFC 9113 section 3.4)");
        }
        assertEquals(0, app.requests());
    }

    @Test
    void theHttp2PrefaceOverTlsWithHttp11Gets505() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("http/1.1"))) {
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n"), response);
        }
        assertEquals(0, app.requests());
    }

    @Test
    void http2InARequestLineOverTlsGets505AndTheConnectionCloses() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("http/1.1"))) {
            socket.getOutputStream().write("GET /a HTTP/2.0\r\nHost: app.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // read to the end: the connection closes after the answer
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n"), response);
            assertTrue(response.endsWith("\r\n\r\n505 HTTP Version Not Supported\n"), response);
        }
        assertEquals(0, app.requests());
    }
}
