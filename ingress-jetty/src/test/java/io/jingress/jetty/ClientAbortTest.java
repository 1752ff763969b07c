package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocket;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.route.Route;
import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.BareHttp2;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import io.jingress.jetty.testing.WireClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that goes away, or stalls, before its answer: the upstream request is stopped at once,
 * the access log says 499 (or 408 for a stalled body), the metrics count a 4xx, and the endpoint
 * is not held to blame (as nginx with {@code proxy_ignore_client_abort off}, its default).
 */
class ClientAbortTest {
    private static final int RST_STREAM = 0x3;
    private static final byte[] CANCEL = {0, 0, 0, 0x8};

    @RegisterExtension
    final Proxies proxies = new Proxies();

    /** Answers nothing: holds each request until the proxy closes its connection. */
    private final ScriptedBackend backend = ScriptedBackend.start((connection, request, head) ->
            ScriptedBackend.Answer.thenHoldUntilPeerCloses(""));
    private final StringBuffer log = new StringBuffer();
    private TestRoutes routes;

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    private IngressServer proxy(IngressServer.Builder builder) {
        return proxies.start(builder.accessLog(log));
    }

    private IngressServer proxy() {
        routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
        return proxy(IngressServer.builder(routes.router()));
    }

    private IngressServer httpsProxy() {
        routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
        return proxy(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    private void awaitBackendHolding(int requests) {
        Await.until(() -> backend.heads().size() >= requests, "the backend holds the request");
    }

    private void assertUpstreamClosedPromptly() throws InterruptedException {
        // the backend would hold the request until the proxy's read timeout (60 s)
        assertTrue(backend.awaitPeerClosedWhileHeld(5, TimeUnit.SECONDS), "the proxy closed the upstream connection");
    }

    /** The first access log line with {@code text}, once one is written. */
    private String loggedLine(String text) {
        Await.until(() -> log.indexOf(text) >= 0, "a line with " + text + " is logged");
        return log.toString().lines().filter(l -> l.contains(text)).findFirst().orElseThrow();
    }

    private String metrics(IngressServer proxy) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/metrics").send().getContentAsString();
    }

    private static long sample(String metrics, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+]+)$").matcher(metrics);
        return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
    }

    private static String requests(String method, String status) {
        return "jingress_requests_total{ingress=\"default/ingress-1\",service=\"default/app:80\",method=\"" + method
                + "\",status=\"" + status + "\"}";
    }

    private void assertCountedAs4xx(IngressServer proxy, String method) throws Exception {
        Await.until(() -> {
            try {
                return sample(metrics(proxy), requests(method, "4xx")) == 1;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the request is counted as 4xx");
        String metrics = metrics(proxy);
        assertEquals(0, sample(metrics, requests(method, "2xx")), metrics);
        assertEquals(0, sample(metrics, requests(method, "5xx")), metrics);
    }

    private void assertEndpointNotBlamed() {
        Route route = (Route) routes.router().current().match("app.test", "/");
        Endpoint endpoint = route.backend().balancer().endpoints().get(0);
        Await.until(() -> endpoint.inFlight() == 0, "the upstream try has ended");
        assertEquals(0, endpoint.failures(), "failures of " + endpoint);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void write(Socket socket, String bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void anHttp1ClientThatClosesBeforeTheAnswerStopsTheUpstreamRequestAndIsLoggedAs499() throws Exception {
        IngressServer proxy = proxy();
        try (Socket client = connect(proxy.httpPort())) {
            write(client, "GET /slow HTTP/1.1\r\nHost: app.test\r\nUser-Agent: gone-1\r\n\r\n");
            awaitBackendHolding(1);
        }

        assertUpstreamClosedPromptly();
        String line = loggedLine("gone-1");
        assertTrue(line.contains("\"GET /slow HTTP/1.1\" 499 0 "), line);
        assertTrue(line.matches(".* 127\\.0\\.0\\.1:" + backend.port() + " - \\d+\\.\\d{3} - .*"), line);
        assertCountedAs4xx(proxy, "GET");
        assertEndpointNotBlamed();
    }

    @Test
    void anHttp1ClientThatClosesAfterAStreamedBodyStopsTheUpstreamRequestAndIsLoggedAs499() throws Exception {
        IngressServer proxy = proxy();
        try (Socket client = connect(proxy.httpPort())) {
            // longer than a buffered body: Jetty's connection and ProxyHandler stream it
            write(client, "POST /slow HTTP/1.1\r\nHost: app.test\r\nUser-Agent: gone-2\r\nContent-Length: 20000\r\n\r\n"
                    + "x".repeat(20000));
            awaitBackendHolding(1);
        }

        assertUpstreamClosedPromptly();
        String line = loggedLine("gone-2");
        assertTrue(line.contains("\"POST /slow HTTP/1.1\" 499 0 "), line);
        assertCountedAs4xx(proxy, "POST");
        assertEndpointNotBlamed();
    }

    @Test
    void anHttp1ClientOfAHandedOverConnectionThatClosesBeforeTheAnswerIsLoggedAs499() throws Exception {
        IngressServer proxy = proxy();
        try (Socket client = connect(proxy.httpPort())) {
            // an absolute-form target: the lean connection hands the connection to Jetty's
            write(client, "GET http://app.test/slow HTTP/1.1\r\nHost: app.test\r\nUser-Agent: gone-3\r\n\r\n");
            awaitBackendHolding(1);
        }

        assertUpstreamClosedPromptly();
        String line = loggedLine("gone-3");
        assertTrue(line.contains(" 499 0 "), line);
        assertCountedAs4xx(proxy, "GET");
        assertEndpointNotBlamed();
    }

    @Test
    void anHttp2StreamResetBeforeTheAnswerStopsTheUpstreamRequestAndIsLoggedAs499() throws Exception {
        IngressServer proxy = httpsProxy();
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("h2"))) {
            BareHttp2 h2 = new BareHttp2(socket);
            h2.headers(1, BareHttp2.END_STREAM | BareHttp2.END_HEADERS, BareHttp2.GET, BareHttp2.HTTPS, BareHttp2.ROOT,
                    BareHttp2.AUTHORITY);
            awaitBackendHolding(1);
            h2.frame(RST_STREAM, 0, 1, CANCEL);

            assertUpstreamClosedPromptly();
            String line = loggedLine("\"GET / HTTP/2.0\"");
            assertTrue(line.contains("\"GET / HTTP/2.0\" 499 0 "), line);
            assertCountedAs4xx(proxy, "GET");
            assertEndpointNotBlamed();
        }
    }

    @Test
    void anHttp2StreamWithAStreamedBodyResetBeforeTheAnswerStopsTheUpstreamRequestAndIsLoggedAs499() throws Exception {
        IngressServer proxy = httpsProxy();
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("h2"))) {
            BareHttp2 h2 = new BareHttp2(socket);
            // a body without a length: Jetty's ProxyHandler streams it upstream
            h2.headers(1, BareHttp2.END_HEADERS, BareHttp2.POST, BareHttp2.HTTPS, BareHttp2.ROOT, BareHttp2.AUTHORITY);
            h2.frame(BareHttp2.DATA, 0, 1, new byte[16384]);
            h2.frame(BareHttp2.DATA, BareHttp2.END_STREAM, 1, new byte[3616]);
            awaitBackendHolding(1);
            h2.frame(RST_STREAM, 0, 1, CANCEL);

            assertUpstreamClosedPromptly();
            String line = loggedLine("\"POST / HTTP/2.0\"");
            assertTrue(line.contains("\"POST / HTTP/2.0\" 499 0 "), line);
            assertCountedAs4xx(proxy, "POST");
            assertEndpointNotBlamed();
        }
    }

    @Test
    void http2StreamsResetAtOnceAreLoggedAs499AndCountedAs4xx() throws Exception {
        IngressServer proxy = httpsProxy();
        int streams = 20;
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("h2"))) {
            new BareHttp2(socket);
            // every stream's HEADERS and RST_STREAM in one write, as a rapid-reset burst comes: most
            // are reset before they are routed
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            byte[] block = {(byte) BareHttp2.GET, (byte) BareHttp2.HTTPS, (byte) BareHttp2.ROOT, 0x01, 8,
                'a', 'p', 'p', '.', 't', 'e', 's', 't'};
            for (int i = 0; i < streams; i++) {
                int stream = 1 + 2 * i;
                frame(burst, 0x1, BareHttp2.END_STREAM | BareHttp2.END_HEADERS, stream, block);
                frame(burst, RST_STREAM, 0, stream, CANCEL);
            }
            socket.getOutputStream().write(burst.toByteArray());
            socket.getOutputStream().flush();
            Await.until(() -> log.toString().lines().count() == streams, "every stream is logged");
        }

        List<String> lines = log.toString().lines().toList();
        assertTrue(lines.stream().allMatch(l -> l.contains("\"GET / HTTP/2.0\" 499 0 ")), String.join("\n", lines));
        Await.until(() -> {
            try {
                String metrics = metrics(proxy);
                // a stream reset before it was routed counts without an ingress; one routed, with its own
                return sample(metrics, requests("GET", "4xx"))
                        + sample(metrics, "jingress_requests_total{ingress=\"\",service=\"\",method=\"GET\",status=\"4xx\"}")
                        == streams;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "every stream is counted as 4xx");
        assertFalse(metrics(proxy).contains("status=\"5xx\""), metrics(proxy));
    }

    private static void frame(ByteArrayOutputStream out, int type, int flags, int stream, byte[] payload) {
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.writeBytes(ByteBuffer.allocate(4).putInt(stream).array());
        out.writeBytes(payload);
    }

    @Test
    void aClientThatStallsPartWayThroughItsBodyGets408AndTheUpstreamRequestIsStopped() throws Exception {
        routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
        IngressServer proxy = proxy(IngressServer.builder(routes.router())
                .clientIdleTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(20)));
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nUser-Agent: stalled\r\nContent-Length: 20000\r\n\r\n"
                    + "12345");
            awaitBackendHolding(1);
            long start = System.nanoTime();

            WireClient.Response response = client.read();

            assertEquals(408, response.status(), response.statusLine());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "answered at the client's idle timeout");
            client.assertClosedByServer();
        }
        assertUpstreamClosedPromptly();
        String line = loggedLine("stalled");
        assertTrue(line.contains("\"POST /upload HTTP/1.1\" 408 "), line);
        assertTrue(line.matches(".* 127\\.0\\.0\\.1:" + backend.port() + " - \\d+\\.\\d{3} - .*"), line);
        assertCountedAs4xx(proxy, "POST");
        assertEndpointNotBlamed();
    }

    @Test
    void anHttp2StreamWhoseBodyStallsGets408AndTheUpstreamRequestIsStopped() throws Exception {
        routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
        IngressServer proxy = proxy(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0)
                .clientIdleTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(20)));
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("h2"))) {
            BareHttp2 h2 = new BareHttp2(socket);
            h2.headers(1, BareHttp2.END_HEADERS, BareHttp2.POST, BareHttp2.HTTPS, BareHttp2.ROOT, BareHttp2.AUTHORITY);
            h2.frame(BareHttp2.DATA, 0, 1, new byte[5]);
            awaitBackendHolding(1);

            // :status as a literal (408 is not in HPACK's static table; 200, 400, 500 are)
            assertEquals(0x48, h2.answerTo(1));
        }
        assertUpstreamClosedPromptly();
        String line = loggedLine("\"POST / HTTP/2.0\"");
        assertTrue(line.contains("\"POST / HTTP/2.0\" 408 "), line);
        assertCountedAs4xx(proxy, "POST");
        assertEndpointNotBlamed();
    }

    @Test
    void anUpstreamSlowerThanTheClientIdleTimeoutIsStillRelayedOnEveryHttp1Path() throws Exception {
        try (ScriptedBackend slow = ScriptedBackend.start((connection, request, head) -> {
            try {
                Thread.sleep(2000);  // the endpoint's own pace: past the client idle timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ScriptedBackend.Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        })) {
            routes = TestRoutes.create().route("app.test", "/", "app", slow.port());
            IngressServer proxy = proxy(IngressServer.builder(routes.router())
                    .clientIdleTimeout(Duration.ofSeconds(1))
                    .readTimeout(Duration.ofSeconds(20)));
            try (WireClient lean = WireClient.connect(proxy.httpPort());
                    WireClient handedOver = WireClient.connect(proxy.httpPort());
                    WireClient streamed = WireClient.connect(proxy.httpPort())) {
                lean.send("GET /slow HTTP/1.1\r\nHost: app.test\r\n\r\n");
                handedOver.send("GET http://app.test/slow HTTP/1.1\r\nHost: app.test\r\n\r\n");
                streamed.send("POST /slow HTTP/1.1\r\nHost: app.test\r\nContent-Length: 20000\r\n\r\n" + "x".repeat(20000));

                assertEquals(200, lean.read().status());
                assertEquals(200, handedOver.read().status());
                assertEquals(200, streamed.read().status());
            }
            assertEquals(0, log.toString().lines().filter(l -> !l.contains("\" 200 2 ")).count(), log.toString());
        }
    }

    @Test
    void anUpstreamThatDoesNotAnswerInTimeStillGets504() throws Exception {
        routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
        IngressServer proxy = proxy(IngressServer.builder(routes.router())
                .clientIdleTimeout(Duration.ofSeconds(20))
                .readTimeout(Duration.ofSeconds(1)));
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nUser-Agent: slow-upstream\r\nContent-Length: 20000\r\n\r\n"
                    + "x".repeat(20000));

            assertEquals(504, client.read().status());
        }
        String line = loggedLine("slow-upstream");
        assertTrue(line.contains("\"POST /upload HTTP/1.1\" 504 "), line);
    }
}
