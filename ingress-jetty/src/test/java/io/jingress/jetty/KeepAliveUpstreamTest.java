package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.ScriptedBackend.Answer;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The proxy's own keep-alive connections to endpoints: reuse, the framings, and the ways they end. */
class KeepAliveUpstreamTest {
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    private final List<ScriptedBackend> backends = new CopyOnWriteArrayList<>();
    /** "connection/request" for every request the backend answered. */
    private final List<String> served = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopBackends() {
        backends.forEach(ScriptedBackend::close);
    }

    private ScriptedBackend backend(ScriptedBackend.Script script) {
        ScriptedBackend backend = ScriptedBackend.start((connection, request, head) -> {
            served.add(connection + "/" + request);
            return script.answer(connection, request, head);
        });
        backends.add(backend);
        return backend;
    }

    private IngressServer proxyTo(ScriptedBackend backend) {
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
        return proxies.start(IngressServer.builder(routes.router()));
    }

    private ContentResponse get(IngressServer proxy, String path) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .path(path)
                .headers(h -> h.put("Host", "app.test"))
                .timeout(20, TimeUnit.SECONDS)
                .send();
    }

    @Test
    void anIdlePooledConnectionHoldsNoReadBuffer() throws Exception {
        ScriptedBackend backend = backend((connection, request, head) -> Answer.keepOpen(OK));
        IngressServer proxy = proxyTo(backend);

        assertEquals("ok", get(proxy, "/").getContentAsString());
        Await.until(() -> proxy.handler().idleUpstreamConnections() == 1, "the connection is back in the pool");

        assertEquals(0, proxy.handler().upstreamBuffersHeld());
        assertEquals("ok", get(proxy, "/again").getContentAsString());
        assertEquals(1, backend.connections());
    }

    @Test
    void aClientLeavingInTheMiddleOfALargeBodyGivesTheReadBufferBack() throws Exception {
        int size = 8 * 1024 * 1024;
        String body = "x".repeat(size);
        ScriptedBackend backend = backend((connection, request, head) -> Answer.keepOpen(head.contains("GET /big ")
                ? "HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n" + body : OK));
        IngressServer proxy = proxyTo(backend);

        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);  // so the body cannot all fit in the sockets' buffers
            client.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.httpPort()));
            client.getOutputStream().write("GET /big HTTP/1.1\r\nHost: app.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(client.getInputStream().readNBytes(1024).length == 1024);
            // the proxy is now writing a body the client no longer reads
            Await.until(() -> proxy.handler().upstreamBuffersHeld() == 1, "the exchange holds its buffer");
        }

        Await.until(() -> proxy.handler().upstreamBuffersHeld() == 0, "the failed exchange gave its buffer back");
        assertEquals("ok", get(proxy, "/after").getContentAsString());
        Await.until(() -> proxy.handler().upstreamBuffersHeld() == 0, "and so did the next");
    }

    @Test
    void aStreamWaitingForItsNextBytesHoldsNoReadBuffer() throws Exception {
        // server-sent events: the head and a first event, then nothing for a long time
        ScriptedBackend backend = backend((connection, request, head) -> Answer.thenHoldUntilPeerCloses(
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "c\r\ndata: hello\n\r\n"));
        IngressServer proxy = proxyTo(backend);

        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            client.getOutputStream().write("GET /events HTTP/1.1\r\nHost: app.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            StringBuilder seen = new StringBuilder();
            byte[] bytes = new byte[1024];
            while (!seen.toString().contains("data: hello")) {
                int n = client.getInputStream().read(bytes);
                assertTrue(n > 0, "the stream ended early: " + seen);
                seen.append(new String(bytes, 0, n, StandardCharsets.US_ASCII));
            }
            // 10,000 such streams held 32 KB each, 320 MB, while they waited
            Await.until(() -> proxy.handler().upstreamBuffersHeld() == 0, "the waiting stream gave its read buffer back");
        }
    }

    @Test
    void sequentialRequestsShareOneUpstreamConnection() throws Exception {
        ScriptedBackend backend = backend((connection, request, head) -> Answer.keepOpen(OK));
        IngressServer proxy = proxyTo(backend);

        for (int i = 0; i < 3; i++) {
            assertEquals("ok", get(proxy, "/" + i).getContentAsString());
            Await.until(() -> proxy.handler().idleUpstreamConnections() == 1, "the connection is back in the pool");
        }

        assertEquals(1, backend.connections());
        assertEquals(List.of("1/1", "1/2", "1/3"), served);
    }

    @Test
    void idleUpstreamConnectionIsClosedAfterTheKeepAliveTime() throws Exception {
        ScriptedBackend backend = backend((connection, request, head) -> Answer.thenHoldUntilPeerCloses(OK));
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).upstreamKeepAlive(Duration.ofMillis(200)));

        assertEquals("ok", get(proxy, "/").getContentAsString());

        assertTrue(backend.awaitPeerClosedWhileHeld(10, TimeUnit.SECONDS), "the proxy closed the idle connection");
        Await.until(() -> proxy.handler().idleUpstreamConnections() == 0, "the pool forgot it");
    }

    @Test
    void endpointNamedByDnsIsReachedWithoutItsOwnConnectionPool() throws Exception {
        // An endpoint given by DNS name: it is looked up off the selector threads, by Jetty's client.
        // (An ExternalName Service may not name the local host, an EndpointSlice of type FQDN may, and
        // the proxy connects to a name's loopback address only when told to.)
        ScriptedBackend backend = backend((connection, request, head) -> Answer.keepOpen(OK));
        TestRoutes routes = TestRoutes.create().routeToDnsEndpoint("app.test", "/", "external", "localhost", backend.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).localBackendNames(true));

        ContentResponse response = get(proxy, "/");

        assertEquals(200, response.getStatus());
        assertEquals("ok", response.getContentAsString());
        assertEquals(0, proxy.handler().idleUpstreamConnections());
    }

    @Test
    void upstreamConnectionThatSaidCloseIsNotReused() throws Exception {
        // The backend keeps reading after "Connection: close": a proxy that reused the connection
        // would show up as a second request on connection 1.
        ScriptedBackend backend = backend((connection, request, head) -> Answer.keepOpen(
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"));
        IngressServer proxy = proxyTo(backend);

        ContentResponse first = get(proxy, "/a");
        ContentResponse second = get(proxy, "/b");

        assertEquals("ok", first.getContentAsString());
        assertEquals("ok", second.getContentAsString());
        assertEquals(List.of("1/1", "2/1"), served);
        assertTrue(first.getHeaders().get("Connection") == null, "Connection is hop-by-hop");
    }

    @Test
    void closeDelimitedResponseArrivesWholeAndItsConnectionIsNotReused() throws Exception {
        String body = "x".repeat(100_000);
        ScriptedBackend backend = backend((connection, request, head) -> Answer.thenClose(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body));
        IngressServer proxy = proxyTo(backend);

        assertEquals(body, get(proxy, "/a").getContentAsString());
        assertEquals(body, get(proxy, "/b").getContentAsString());

        assertEquals(List.of("1/1", "2/1"), served);
        assertEquals(0, proxy.handler().idleUpstreamConnections());
    }

    @Test
    void chunkedResponseArrivesWholeAndItsConnectionIsReused() throws Exception {
        ScriptedBackend backend = backend((connection, request, head) -> Answer.keepOpen(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
        IngressServer proxy = proxyTo(backend);

        ContentResponse first = get(proxy, "/a");
        Await.until(() -> proxy.handler().idleUpstreamConnections() == 1, "the connection is back in the pool");
        ContentResponse second = get(proxy, "/b");

        assertEquals("hello world", first.getContentAsString());
        assertEquals("hello world", second.getContentAsString());
        assertEquals(List.of("1/1", "1/2"), served);
    }

    @Test
    void notModifiedAndNoContentEndWithoutABodyAndKeepTheConnection() throws Exception {
        ScriptedBackend backend = backend((connection, request, head) -> Answer.keepOpen(request == 1
                ? "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"
                : "HTTP/1.1 204 No Content\r\n\r\n"));
        IngressServer proxy = proxyTo(backend);

        ContentResponse notModified = get(proxy, "/a");
        Await.until(() -> proxy.handler().idleUpstreamConnections() == 1, "the connection is back in the pool");
        ContentResponse noContent = get(proxy, "/b");

        assertEquals(304, notModified.getStatus());
        assertEquals("\"v1\"", notModified.getHeaders().get("ETag"));
        assertEquals(204, noContent.getStatus());
        assertEquals(List.of("1/1", "1/2"), served);
    }

    @Test
    void upstreamThatDiesMidBodyLeavesTheClientATruncatedResponseNotAHang() throws Exception {
        ScriptedBackend backend = backend((connection, request, head) -> Answer.thenClose(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789"));
        IngressServer proxy = proxyTo(backend);

        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = client.getInputStream();
            String head = RawHttp.readHead(in);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            in.transferTo(body); // ends when the proxy closes the connection; a hang times out

            assertEquals(200, RawHttp.status(head));
            assertEquals("100", RawHttp.header(head, "Content-Length"));
            assertTrue(body.size() < 100, "the client must see that the body is incomplete, got " + body.size());
        }
        assertEquals(0, proxy.handler().idleUpstreamConnections());
    }

    @Test
    void pooledConnectionTheUpstreamClosesIsDroppedFromThePoolAtOnce() throws Exception {
        // The upstream closes a kept connection while it is idle: the proxy notices the close
        // then, not when it next tries the connection.
        ScriptedBackend backend = backend((connection, request, head) -> Answer.keepOpen(OK));
        IngressServer proxy = proxyTo(backend);

        assertEquals("ok", get(proxy, "/a").getContentAsString());
        Await.until(() -> proxy.handler().idleUpstreamConnections() == 1, "the connection is back in the pool");
        backend.closeConnections();
        Await.until(() -> proxy.handler().idleUpstreamConnections() == 0, "the closed connection is no longer pooled");
        ContentResponse second = get(proxy, "/b");

        assertEquals(200, second.getStatus());
        assertEquals("ok", second.getContentAsString());
        assertEquals(List.of("1/1", "2/1"), served);
    }

    @Test
    void pooledConnectionThatFailsAsItIsReusedIsReplacedWithoutTheClientNoticing() throws Exception {
        // The upstream takes the second request on the kept connection and closes without a byte
        // of answer (as when its keep-alive timeout crosses the request): nothing reached the
        // backend's application, so the request goes out once more on a new connection.
        ScriptedBackend backend = backend((connection, request, head) ->
                connection == 1 && request == 2 ? Answer.thenClose("") : Answer.keepOpen(OK));
        IngressServer proxy = proxyTo(backend);

        assertEquals("ok", get(proxy, "/a").getContentAsString());
        Await.until(() -> proxy.handler().idleUpstreamConnections() == 1, "the connection is back in the pool");
        ContentResponse second = get(proxy, "/b");

        assertEquals(200, second.getStatus());
        assertEquals("ok", second.getContentAsString());
        assertEquals(List.of("1/1", "1/2", "2/1"), served);
    }

    /**
     * A body that goes out in the head's buffer (512 bytes) and one written as a buffer of its own
     * (10,000): either is sent whole again on the new connection.
     */
    @ParameterizedTest
    @ValueSource(ints = {512, 10_000})
    void aPutWhosePooledConnectionFailsAsItIsReusedGoesAgainWithItsWholeBody(int size) throws Exception {
        ScriptedBackend backend = ScriptedBackend.startReadingBodies((connection, request, head) ->
                connection == 1 && request == 2 ? Answer.thenClose("") : Answer.keepOpen(OK));
        backends.add(backend);
        IngressServer proxy = proxyTo(backend);
        String body = "b".repeat(size);

        assertEquals("ok", put(proxy, "/a", body).getContentAsString());
        Await.until(() -> proxy.handler().idleUpstreamConnections() == 1, "the connection is back in the pool");
        ContentResponse second = put(proxy, "/b", body);

        assertEquals(200, second.getStatus());
        assertEquals("ok", second.getContentAsString());
        assertEquals(List.of(size, size, size), backend.bodyLengths(), "each try carried the whole body");
        assertEquals(3, backend.heads().size());
        assertTrue(backend.heads().get(2).contains("Content-Length: " + size + "\r\n"), backend.heads().get(2));
    }

    private ContentResponse put(IngressServer proxy, String path, String body) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .method("PUT")
                .path(path)
                .headers(h -> h.put("Host", "app.test"))
                .body(new StringRequestContent(body))
                .timeout(20, TimeUnit.SECONDS)
                .send();
    }

    @Test
    void clientThatGoesAwayFreesTheUpstreamConnection() throws Exception {
        // The backend answers only once the client is gone, with more than socket buffers hold,
        // and then waits: the proxy must close the connection rather than keep or pool it.
        CountDownLatch clientGone = new CountDownLatch(1);
        String large = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8000000\r\n\r\n" + "x".repeat(8_000_000);
        ScriptedBackend backend = backend((connection, request, head) -> {
            await(clientGone);
            return Answer.thenHoldUntilPeerCloses(large);
        });
        IngressServer proxy = proxyTo(backend);

        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);  // so the body cannot all fit in the sockets' buffers
            client.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.httpPort()));
            client.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: app.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            Await.until(() -> backend.heads().size() == 1, "the request reached the backend");
        }
        clientGone.countDown();

        assertTrue(backend.awaitPeerClosedWhileHeld(10, TimeUnit.SECONDS), "the proxy closed its upstream connection");
        assertEquals(0, proxy.handler().idleUpstreamConnections());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
