package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.jingress.jetty.testing.BareHttp2.AUTHORITY;
import static io.jingress.jetty.testing.BareHttp2.CONTINUATION;
import static io.jingress.jetty.testing.BareHttp2.DATA;
import static io.jingress.jetty.testing.BareHttp2.END_HEADERS;
import static io.jingress.jetty.testing.BareHttp2.END_STREAM;
import static io.jingress.jetty.testing.BareHttp2.GET;
import static io.jingress.jetty.testing.BareHttp2.HTTP;
import static io.jingress.jetty.testing.BareHttp2.POST;
import static io.jingress.jetty.testing.BareHttp2.ROOT;
import static io.jingress.jetty.testing.BareHttp2.STATUS_200;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.BareHttp2;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP/2 in cleartext with prior knowledge on the plain-HTTP port (gRPC without TLS, {@code curl
 * --http2-prior-knowledge}): requests are routed and forwarded as over HTTP/1.1; an HTTP/1.1
 * {@code Upgrade: h2c} is not taken; request heads have the deadline HTTP/1 heads have.
 */
class CleartextHttp2Test {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    @Test
    void requestsOverHttp2InCleartextAreRoutedAndForwardedWithTheirBodies() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router()));

        ContentResponse get = proxies.http2Client().newRequest("127.0.0.1", proxy.httpPort()).path("/a?b=1")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, get.getStatus(), get.getContentAsString());
        assertEquals(HttpVersion.HTTP_2, get.getVersion());
        assertEquals("/a?b=1", app.lastRequest().pathQuery());
        assertEquals("http", app.lastRequest().header("X-Forwarded-Proto"));

        ContentResponse post = proxies.http2Client().newRequest("127.0.0.1", proxy.httpPort()).path("/upload").method("POST")
                .body(new StringRequestContent("x".repeat(100_000))).timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, post.getStatus());
        assertEquals(100_000, app.lastRequest().bodyLength());
        assertEquals(2, app.requests());
    }

    /** A plain-HTTP proxy to {@code app}, with a 1 s head deadline and a 30 s idle timeout. */
    private IngressServer timedProxy(Backends.Echo app) {
        return proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .requestHeadTimeout(Duration.ofSeconds(1)).clientIdleTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void anHttp2HeaderBlockSentAFrameAtATimeIsCutOffAtTheRequestHeadTimeout() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = timedProxy(app);
        try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
            int frames = new BareHttp2(socket).trickleHeadUntilClosed(1, Duration.ofSeconds(20), GET, HTTP, ROOT, AUTHORITY);
            assertTrue(frames >= 0, "still open after 20 s of CONTINUATION frames");
        }
        assertEquals(0, app.requests());
    }

    @Test
    void aPrefaceThatTricklesInIsCutOffAtTheRequestHeadTimeout() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = timedProxy(app);
        try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nS".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the rest of the preface, a byte every 400 ms: whole after 2 s, past the deadline of 1 s
            // (a client that stops sending altogether is the idle timeout's)
            boolean closed = false;
            for (byte b : "M\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
                Thread.sleep(400);
                try {
                    out.write(b);
                    out.flush();
                } catch (java.io.IOException reset) {
                    closed = true;
                    break;
                }
            }
            if (!closed) {
                socket.setSoTimeout(5_000);
                try {
                    socket.getInputStream().readAllBytes();  // the server's SETTINGS may come first; then the end
                    closed = true;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    closed = false;
                } catch (java.io.IOException reset) {
                    closed = true;
                }
            }
            assertTrue(closed, "the connection stayed open");
        }
        assertEquals(0, app.requests());
    }

    @Test
    void headsInSeveralFramesSlowBodiesAndRequestsAfterAPauseAreServed() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = timedProxy(app);
        try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            BareHttp2 h2 = new BareHttp2(socket);
            h2.headers(1, END_STREAM, GET, HTTP);
            h2.headerBlock(CONTINUATION, END_HEADERS, 1, ROOT, AUTHORITY);
            assertEquals(STATUS_200, h2.answerTo(1));

            // an idle connection is not a head part way in
            Thread.sleep(1_500);
            h2.headers(3, END_HEADERS | END_STREAM, GET, HTTP, ROOT, AUTHORITY);
            assertEquals(STATUS_200, h2.answerTo(3));

            // nor is a body: 15 bytes over 1.5 s
            h2.headers(5, END_HEADERS, POST, HTTP, ROOT, AUTHORITY);
            for (int i = 0; i < 15; i++) {
                h2.frame(DATA, i == 14 ? END_STREAM : 0, 5, new byte[] {'x'});
                Thread.sleep(100);
            }
            assertEquals(STATUS_200, h2.answerTo(5));
            assertEquals(15, app.lastRequest().bodyLength());
        }
        assertEquals(3, app.requests());
    }

    @Test
    void aGracefulStopEndsAnHttp2ConnectionWithoutStreamsWithAGoawayAndItsCloseAtOnce() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .stopTimeout(Duration.ofSeconds(60)));
        try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
            socket.setSoTimeout(30_000);
            BareHttp2 h2 = new BareHttp2(socket);
            h2.headers(1, END_HEADERS | END_STREAM, GET, HTTP, ROOT, AUTHORITY);
            assertEquals(STATUS_200, h2.answerTo(1));

            // the client keeps its connection, as an idle pool does, and does not close it on a GOAWAY
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(proxy::stop);
            assertTrue(h2.framesUntilClosed().contains(BareHttp2.GOAWAY), "a GOAWAY before the close");
            // the deadline is a minute: a stop that waited for the client to close would take it
            stopping.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGracefulStopLetsAStreamInFlightFinishThenEndsItsHttp2Connection() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .stopTimeout(Duration.ofSeconds(60)));
        try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
            socket.setSoTimeout(30_000);
            BareHttp2 h2 = new BareHttp2(socket);
            h2.headers(1, END_HEADERS | END_STREAM, GET, HTTP, BareHttp2.literal(":path", "/hold"), AUTHORITY);
            assertTrue(app.awaitHolding(10, TimeUnit.SECONDS), "the request reached the backend");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(proxy::stop);
            // the stop's first GOAWAY (graceful) comes as the sweep of sessions begins: the stream is not cut
            h2.awaitFrame(BareHttp2.GOAWAY);
            app.release();
            assertEquals(STATUS_200, h2.answerTo(1));
            assertTrue(h2.framesUntilClosed().contains(BareHttp2.GOAWAY));
            stopping.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void anHttp11UpgradeToH2cIsServedAsTheHttp11RequestItIs() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router()));

        String response = RawHttp.exchange(proxy.httpPort(), "GET /a HTTP/1.1\r\nHost: app.test\r\n"
                + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
        assertEquals(1, app.requests());
        assertEquals(null, app.lastRequest().header("Upgrade"), "an h2c upgrade is not passed on");
    }

    @Test
    void behindThePROXYProtocolThePrefaceOpensHttp2Too() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .proxyProtocol(true));
        try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("PROXY TCP4 203.0.113.9 127.0.0.1 40000 80\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(PREFACE);
            out.write(EMPTY_SETTINGS);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] frameHead = in.readNBytes(9);
            assertEquals(9, frameHead.length);
            assertEquals(4, frameHead[3], "the server's SETTINGS frame");
        }
    }
}
