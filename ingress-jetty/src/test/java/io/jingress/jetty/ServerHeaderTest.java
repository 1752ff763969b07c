package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import io.jingress.jetty.testing.WebSocketEcho;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The endpoint's {@code Server} field, which names its software and version, reaches no client: not
 * on the lean HTTP/1 connection, nor Jetty's, nor HTTP/2, nor in a WebSocket's 101 (nginx does not
 * pass it on either); the proxy names no software of its own. The endpoint's {@code Date} is kept.
 */
class ServerHeaderTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    /** The whole response to {@code request} (with {@code Connection: close}) over TLS and HTTP/1.1. */
    private static String overTls(IngressServer proxy, String request) throws IOException {
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("http/1.1"))) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** The head of a raw response. */
    private static String head(String response) {
        int end = response.indexOf("\r\n\r\n");
        return end < 0 ? response : response.substring(0, end + 4);
    }

    @Test
    void anEndpointsServerFieldIsNotPassedOnOverHttp1() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
        String direct = RawHttp.exchange(app.port(), "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
        assertTrue(RawHttp.header(direct, "Server").startsWith("Jetty("), "the endpoint does name itself: " + direct);

        String get = "GET /hello HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n";
        String shortPost = "POST /hello HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
        // a chunked upload goes on Jetty's HTTP/1 connection and its ProxyHandler
        String chunkedPost = "POST /upload HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        for (String request : List.of(get, shortPost, chunkedPost)) {
            for (String response : List.of(RawHttp.exchange(proxy.httpPort(), request), overTls(proxy, request))) {
                String head = head(response);
                assertEquals(200, RawHttp.status(head), head);
                assertEquals("app", RawHttp.header(head, "X-Backend"), head);
                assertNull(RawHttp.header(head, "Server"), head);
                assertTrue(RawHttp.header(head, "Date") != null, head);
            }
        }
    }

    @Test
    void anEndpointsServerFieldIsNotPassedOnOverHttp2() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();

        ContentResponse response = http2.newRequest("https://app.test:" + proxy.httpsPort() + "/hello")
                .timeout(10, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals(200, response.getStatus());
        assertEquals("app", response.getHeaders().get("X-Backend"));
        assertNull(response.getHeaders().get(HttpHeader.SERVER), response.getHeaders().toString());
    }

    @Test
    void anEndpointsServerFieldIsNotPassedOnInAWebSocketsSwitchingProtocols() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("chat.test", "/chat", "chat", echo.port()).router()));

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /chat HTTP/1.1\r\nHost: chat.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = RawHttp.readHead(new BufferedInputStream(socket.getInputStream()));

            assertEquals(101, RawHttp.status(head), head);
            assertNull(RawHttp.header(head, "Server"), head);
        }
    }

    @Test
    void anEndpointsDateIsPassedOnAlone() throws Exception {
        String date = "Tue, 01 Jan 2030 00:00:00 GMT";
        Backends.Raw dated = backends.startRaw("HTTP/1.1 200 OK\r\nDate: " + date + "\r\nServer: raw/1.0\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\nok");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", dated.port()).router()));

        String response = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");

        assertEquals(200, RawHttp.status(response), response);
        assertEquals(date, RawHttp.header(response, "Date"), response);
        assertEquals(1, response.split("\r\nDate:", -1).length - 1, response);
        assertNull(RawHttp.header(response, "Server"), response);
    }
}
