package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import io.jingress.jetty.testing.WireClient;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The PROXY protocol in front of both listeners ({@link IngressServer.Builder#proxyProtocol}). */
class ProxyProtocolTest {
    private static final String V1 = "PROXY TCP4 203.0.113.7 192.0.2.1 40123 80\r\n";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private Backends.Echo app;

    private IngressServer proxy(boolean proxyProtocol) {
        app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        return proxies.start(IngressServer.builder(routes.router()).proxyProtocol(proxyProtocol)
                .httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    /** A PROXY v2 header for a TCP over IPv4 connection from 203.0.113.8:40124 to 192.0.2.1:80. */
    private static byte[] v2() {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        header.write(0x21);  // version 2, PROXY
        header.write(0x11);  // TCP over IPv4
        header.writeBytes(new byte[] {0, 12});
        header.writeBytes(new byte[] {(byte) 203, 0, 113, 8, (byte) 192, 0, 2, 1});
        header.writeBytes(new byte[] {(byte) (40124 >> 8), (byte) (40124 & 0xFF), 0, 80});
        return header.toByteArray();
    }

    @Test
    void connectionsPastTheHeaderStillCountAgainstTheLimit() throws Exception {
        app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).proxyProtocol(true).maxConnections(2));
        try (WireClient first = WireClient.connect(proxy.httpPort());
                WireClient second = WireClient.connect(proxy.httpPort())) {
            for (WireClient client : new WireClient[] {first, second}) {
                client.send(V1);
                assertEquals(200, client.exchange(WireClient.get("app.test", "/")).status());
            }
            assertEquals(2, proxy.openConnections());

            try (Socket third = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
                third.setSoTimeout(10_000);
                third.getOutputStream().write((V1 + "GET / HTTP/1.1\r\nHost: app.test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String refusal = new String(third.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertEquals(503, RawHttp.status(refusal), refusal);
            }
            assertEquals(2, app.requests());
        }
        Await.until(() -> proxy.openConnections() == 0, "the connections are no longer counted");
    }

    @Test
    void theClientAddressIsTheOneInTheHeaderForEveryRequestOfTheConnection() throws Exception {
        IngressServer proxy = proxy(true);
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send(V1);
            for (int i = 0; i < 2; i++) {
                assertEquals(200, client.exchange(WireClient.get("app.test", "/r" + i)).status());
                assertEquals("203.0.113.7", app.lastRequest().header("X-Real-IP"));
                assertEquals("203.0.113.7", app.lastRequest().header("X-Forwarded-For"));
                // the port the client reached at the load balancer, as ingress-nginx passes it
                assertEquals("80", app.lastRequest().header("X-Forwarded-Port"));
            }
        }
    }

    @Test
    void versionTwoHeadersAreReadToo() throws Exception {
        IngressServer proxy = proxy(true);
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send(v2());
            assertEquals(200, client.exchange(WireClient.get("app.test", "/v2")).status());
            assertEquals("203.0.113.8", app.lastRequest().header("X-Real-IP"));
        }
    }

    @Test
    void aRequestInTheSameWriteAsTheHeaderIsServed() throws Exception {
        IngressServer proxy = proxy(true);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(v2());
        both.writeBytes(WireClient.get("app.test", "/together").getBytes(StandardCharsets.US_ASCII));
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            // what the PROXY header's reader read past it goes to the connection after it
            client.send(both.toByteArray());
            assertEquals(200, client.read().status());
            assertEquals("/together", app.lastRequest().pathQuery());
            assertEquals("203.0.113.8", app.lastRequest().header("X-Real-IP"));
        }
    }

    @Test
    void aConnectionWithoutTheHeaderIsClosedUnserved() throws Exception {
        IngressServer proxy = proxy(true);
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send(WireClient.get("app.test", "/direct"));
            client.assertClosedByServer();
        }
        assertEquals(0, app.requests());
    }

    @Test
    void theHttpsListenerReadsTheHeaderBeforeTheHandshake() throws Exception {
        IngressServer proxy = proxy(true);
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), proxy.httpsPort())) {
            plain.getOutputStream().write(V1.getBytes(StandardCharsets.US_ASCII));
            plain.getOutputStream().flush();
            try (SSLSocket tls = (SSLSocket) TlsTestServer.trustAll().getSocketFactory()
                    .createSocket(plain, "app.test", proxy.httpsPort(), true)) {
                tls.setSoTimeout(10_000);
                OutputStream out = tls.getOutputStream();
                out.write("GET /tls HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = tls.getInputStream();
                assertEquals(200, RawHttp.status(RawHttp.readHead(in)));
            }
        }
        assertEquals("203.0.113.7", app.lastRequest().header("X-Real-IP"));
        assertEquals("https", app.lastRequest().header("X-Forwarded-Proto"));
    }

    /** A proxy requiring the header on both listeners, with a request head timeout of 1 s. */
    private IngressServer proxyWithOneSecondForAHead() {
        app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        return proxies.start(IngressServer.builder(routes.router()).proxyProtocol(true)
                .httpsBindAddress("127.0.0.1").httpsPort(0)
                .requestHeadTimeout(Duration.ofSeconds(1)).clientIdleTimeout(Duration.ofSeconds(30)));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aHeaderThatTricklesInIsCutOffAtTheRequestHeadTimeout(boolean https) throws Exception {
        IngressServer proxy = proxyWithOneSecondForAHead();
        byte[] header = V1.getBytes(StandardCharsets.US_ASCII);
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), https ? proxy.httpsPort() : proxy.httpPort())) {
            slow.setSoTimeout(100);
            long start = System.nanoTime();
            int sent = 0;
            boolean closed = false;
            // a byte every 100 ms: the whole header would take 4.3 s
            while (!closed && sent < header.length && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20)) {
                try {
                    slow.getOutputStream().write(header[sent++]);
                    closed = slow.getInputStream().read() < 0;
                } catch (SocketTimeoutException stillOpen) {
                    // nothing to read: the next byte
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertTrue(closed, "still open after " + sent + " of " + header.length + " bytes of the header");
            assertTrue(sent < header.length, "closed only after the whole header");
        }
        assertEquals(0, app.requests());
    }

    @Test
    void aConnectionPastItsHeaderHasNoDeadlineLeft() throws Exception {
        IngressServer proxy = proxyWithOneSecondForAHead();
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write(V1.getBytes(StandardCharsets.US_ASCII));
            plain.getOutputStream().flush();
            Thread.sleep(1_500);  // longer than the deadline, shorter than the idle timeout
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            plain.getOutputStream().flush();
            assertEquals(200, RawHttp.status(RawHttp.readHead(plain.getInputStream())));
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            plain.getOutputStream().flush();
            assertEquals(200, RawHttp.status(RawHttp.readHead(plain.getInputStream())));
        }
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), proxy.httpsPort())) {
            plain.getOutputStream().write(V1.getBytes(StandardCharsets.US_ASCII));
            plain.getOutputStream().flush();
            Thread.sleep(1_500);  // the TLS handshake comes later than the deadline from the start
            try (SSLSocket tls = (SSLSocket) TlsTestServer.trustAll().getSocketFactory()
                    .createSocket(plain, "app.test", proxy.httpsPort(), true)) {
                tls.setSoTimeout(10_000);
                tls.startHandshake();
                tls.getOutputStream().write("GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                tls.getOutputStream().flush();
                assertEquals(200, RawHttp.status(RawHttp.readHead(tls.getInputStream())));
            }
        }
        assertEquals(3, app.requests());
        assertEquals("203.0.113.7", app.lastRequest().header("X-Real-IP"));
    }

    @Test
    void withoutTheOptionAHeaderIsNotBelieved() throws Exception {
        IngressServer proxy = proxy(false);
        String response = RawHttp.exchange(proxy.httpPort(), V1 + WireClient.get("app.test", "/spoof"));

        assertNotEquals(200, RawHttp.status(response));
        assertEquals(0, app.requests());
    }
}
