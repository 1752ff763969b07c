package io.jingress.jetty;

import static io.jingress.jetty.testing.BareHttp2.AUTHORITY;
import static io.jingress.jetty.testing.BareHttp2.CONTINUATION;
import static io.jingress.jetty.testing.BareHttp2.DATA;
import static io.jingress.jetty.testing.BareHttp2.END_HEADERS;
import static io.jingress.jetty.testing.BareHttp2.END_STREAM;
import static io.jingress.jetty.testing.BareHttp2.GET;
import static io.jingress.jetty.testing.BareHttp2.HTTPS;
import static io.jingress.jetty.testing.BareHttp2.POST;
import static io.jingress.jetty.testing.BareHttp2.ROOT;
import static io.jingress.jetty.testing.BareHttp2.STATUS_200;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.BareHttp2;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The request head deadline on the HTTPS listener: a TLS handshake, or an HTTP/2 request head,
 * that trickles in is cut off as an HTTP/1 head is, and nothing else is.
 */
class TlsHeadDeadlineTest {
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private Backends.Echo app;

    /** An HTTPS proxy to a new echo backend, with a 1 s head deadline and a 30 s idle timeout. */
    private IngressServer proxy() {
        app = backends.start("app");
        return proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0)
                .requestHeadTimeout(DEADLINE).clientIdleTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void aTlsHandshakeThatTricklesInIsCutOffAtTheRequestHeadTimeout() throws Exception {
        IngressServer proxy = proxy();
        byte[] clientHello = clientHello();
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), proxy.httpsPort())) {
            slow.setSoTimeout(100);
            long start = System.nanoTime();
            int sent = 0;
            boolean closed = false;
            // a byte every 100 ms: the whole ClientHello would take half a minute or more
            while (!closed && sent < clientHello.length && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20)) {
                closed = !send(slow, clientHello, sent++, 1) || closedWithin(slow);
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(closed, "still open after " + sent + " of " + clientHello.length + " bytes of the ClientHello");
            assertTrue(sent < clientHello.length, "closed only after the whole ClientHello");
            assertTrue(seconds < 20, "closed after " + seconds + " s");
        }
        // the listener goes on: a prompt handshake and request are served
        try (SSLSocket socket = h2Socket(proxy.httpsPort())) {
            BareHttp2 h2 = new BareHttp2(socket);
            h2.headers(1, END_HEADERS | END_STREAM, GET, HTTPS, ROOT, AUTHORITY);
            assertEquals(STATUS_200, h2.answerTo(1));
        }
    }

    @Test
    void anHttp2HeaderBlockSentAFrameAtATimeIsCutOffAtTheRequestHeadTimeout() throws Exception {
        IngressServer proxy = proxy();
        try (SSLSocket socket = h2Socket(proxy.httpsPort())) {
            int frames = new BareHttp2(socket).trickleHeadUntilClosed(1, Duration.ofSeconds(20), GET, HTTPS, ROOT, AUTHORITY);
            assertTrue(frames >= 0, "still open after 20 s of CONTINUATION frames");
        }
        assertEquals(0, app.requests());
    }

    @Test
    void anHttp11HeadOverTlsThatTricklesInIsCutOffAtTheRequestHeadTimeout() throws Exception {
        IngressServer proxy = proxy();
        byte[] head = ("GET / HTTP/1.1\r\nHost: app.test\r\nX-Slow: " + "a".repeat(400)).getBytes(StandardCharsets.US_ASCII);
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("http/1.1"))) {
            socket.setSoTimeout(100);
            long start = System.nanoTime();
            int sent = 0;
            boolean closed = false;
            while (!closed && sent < head.length && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20)) {
                closed = !send(socket, head, sent++, 1) || closedWithin(socket);
            }
            assertTrue(closed, "still open after " + sent + " bytes of the head");
        }
        assertEquals(0, app.requests());
    }

    @Test
    void anHttp2ConnectionServesHeadsInSeveralFramesSlowBodiesAndRequestsAfterAPause() throws Exception {
        IngressServer proxy = proxy();
        try (SSLSocket socket = h2Socket(proxy.httpsPort())) {
            BareHttp2 h2 = new BareHttp2(socket);
            // a head in two frames, sent at once
            h2.headers(1, END_STREAM, GET, HTTPS);
            h2.headerBlock(CONTINUATION, END_HEADERS, 1, ROOT, AUTHORITY);
            assertEquals(STATUS_200, h2.answerTo(1));

            // an idle connection is not a head part way in: a request after a pause longer than the deadline
            Thread.sleep(DEADLINE.toMillis() + 500);
            h2.headers(3, END_HEADERS | END_STREAM, GET, HTTPS, ROOT, AUTHORITY);
            assertEquals(STATUS_200, h2.answerTo(3));

            // nor is a body: 15 bytes over 1.5 s
            h2.headers(5, END_HEADERS, POST, HTTPS, ROOT, AUTHORITY);
            for (int i = 0; i < 15; i++) {
                h2.frame(DATA, i == 14 ? END_STREAM : 0, 5, new byte[] {'x'});
                Thread.sleep(100);
            }
            assertEquals(STATUS_200, h2.answerTo(5));
            assertEquals(15, app.lastRequest().bodyLength());
        }
        assertEquals(3, app.requests());
    }

    /** A TLS connection to the proxy, handshaken for "app.test" with h2 chosen by ALPN. */
    private static SSLSocket h2Socket(int port) throws IOException {
        return TlsTestServer.connect(port, "app.test", List.of("h2"));
    }

    /** A ClientHello for "app.test" offering h2, as a client's TLS engine writes it. */
    private static byte[] clientHello() throws Exception {
        SSLEngine engine = TlsTestServer.trustAll().createSSLEngine("app.test", 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("app.test")));
        parameters.setApplicationProtocols(new String[] {"h2"});
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    /** Whether {@code bytes[from, from + length)} could be written (false: the proxy closed). */
    private static boolean send(Socket socket, byte[] bytes, int from, int length) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(bytes, from, length);
            out.flush();
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /**
     * Whether the proxy closed the connection (a TLS alert, then the end; an SSLSocket reads only
     * the end), found by a read that waits up to the socket's timeout.
     */
    private static boolean closedWithin(Socket socket) {
        try {
            int first = socket.getInputStream().read();
            if (first < 0) {
                return true;
            }
            // on a plain socket a TLS alert may come before the end; through an SSLSocket only the end does
            assertEquals(0x15, first, "an answer to a client part way through its handshake or head");
            socket.getInputStream().readAllBytes();
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
