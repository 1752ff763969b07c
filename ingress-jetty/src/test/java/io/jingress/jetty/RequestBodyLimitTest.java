package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocket;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.model.Problem;
import io.jingress.core.route.Route;
import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
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
 * Request body limits ({@code proxy-body-size}, {@link IngressServer.Builder#maxRequestBodyBytes})
 * through {@link IngressServer}, over real sockets: on the lean HTTP/1 connection, on Jetty's
 * (long and chunked bodies) and over HTTP/2.
 */
class RequestBodyLimitTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/proxy-body-size";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();
    private final StringBuffer log = new StringBuffer();
    private CapturingBackend capturing;

    @AfterEach
    void stopCapturing() throws IOException {
        if (capturing != null) {
            capturing.close();
        }
    }

    private IngressServer proxy(IngressServer.Builder builder) {
        return proxies.start(builder.accessLog(log));
    }

    private static String post(String host, String path, int length) {
        return "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + length + "\r\n\r\n" + "x".repeat(length);
    }

    private static String chunk(int length) {
        return Integer.toHexString(length) + "\r\n" + "y".repeat(length) + "\r\n";
    }

    /** The first access log line with {@code text}, once one is written. */
    private String loggedLine(String text) {
        Await.until(() -> log.indexOf(text) >= 0, "a line with " + text + " is logged");
        return log.toString().lines().filter(l -> l.contains(text)).findFirst().orElseThrow();
    }

    private long requestsCounted(IngressServer proxy, String status) {
        String metrics;
        try {
            metrics = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/metrics").send()
                    .getContentAsString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Matcher matcher = Pattern.compile("(?m)^jingress_requests_total\\{ingress=\"default/ingress-1\",[^}]*method=\"POST\","
                + "status=\"" + status + "\"} ([0-9.eE+]+)$").matcher(metrics);
        return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
    }

    @Test
    void aContentLengthOverTheLimitIsAnswered413AndTheEndpointSeesNothing() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX, "1k"), app.port()).router()));

        // a short body, read whole with its head by the lean connection
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response refused = client.send(post("app.test", "/lean", 1025)).read();
            assertEquals(413, refused.status(), refused.toString());
            assertEquals("413 Content Too Large: the request body is larger than this route takes\n", refused.bodyText());
            assertTrue(refused.connectionHas("close"), refused.toString());
            client.assertClosedByServer();
        }
        // a long one, of which only the head and a part came: Jetty's connection answers at once,
        // and what follows on the connection (here, what looks like another request) is never read
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response refused = client.send("POST /long HTTP/1.1\r\nHost: app.test\r\nUser-Agent: long-upload\r\n"
                    + "Content-Length: 100000000\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
            assertEquals(413, refused.status(), refused.toString());
            client.assertClosedByServer();
        }

        assertEquals(0, app.requests());
        assertTrue(loggedLine("long-upload").contains("\"POST /long HTTP/1.1\" 413 "), log.toString());
        Await.until(() -> requestsCounted(proxy, "4xx") == 2, "both are counted as 4xx");
    }

    @Test
    void aClientThatWritesItsWholeLongBodyBeforeItReadsStillGetsThe413() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX, "1k"), app.port()).router()));
        // more than the socket buffers hold: the write completes only if the proxy reads the body
        // (and drops it) after its answer, as nginx does; closing at once would break the pipe
        for (int i = 0; i < 3; i++) {
            try (WireClient client = WireClient.connect(proxy.httpPort())) {
                WireClient.Response refused = client.send(post("app.test", "/whole", 4_000_000)).read();
                assertEquals(413, refused.status(), refused.toString());
                client.assertClosedByServer();
            }
            // chunked: refused part way through, once it has grown past the limit
            try (WireClient client = WireClient.connect(proxy.httpPort())) {
                WireClient.Response refused = client.send("POST /whole-chunked HTTP/1.1\r\nHost: app.test\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + chunk(1000).repeat(4000) + "0\r\n\r\n").read();
                assertEquals(413, refused.status(), refused.toString());
                client.assertClosedByServer();
            }
        }
    }

    @Test
    void aBodyOfExactlyTheLimitIsForwarded() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX, "1k"), app.port()).router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response lean = client.send(post("app.test", "/exact", 1024)).read();
            assertEquals(200, lean.status(), lean.toString());
            assertEquals("1024", lean.header("X-Echo-Body-Length"));
            // chunked, counted as it streams: 1024 in two chunks
            WireClient.Response chunked = client.send("POST /exact-chunked HTTP/1.1\r\nHost: app.test\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunk(1000) + chunk(24) + "0\r\n\r\n").read();
            assertEquals(200, chunked.status(), chunked.toString());
            assertEquals("1024", chunked.header("X-Echo-Body-Length"));
        }
        assertEquals(2, app.requests());
    }

    @Test
    void aChunkedBodyThatGrowsPastTheLimitIsAnswered413AndTheEndpointNeverGetsItWhole() throws Exception {
        capturing = new CapturingBackend();
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", Map.of(NGINX, "1k"), capturing.port());
        IngressServer proxy = proxy(IngressServer.builder(routes.router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("POST /chunked HTTP/1.1\r\nHost: app.test\r\nUser-Agent: chunked-upload\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunk(1000));
            Await.until(() -> capturing.received().contains("y".repeat(1000)), "the first chunk reached the endpoint");
            client.send(chunk(100) + "0\r\n\r\n");

            WireClient.Response refused = client.read();
            assertEquals(413, refused.status(), refused.toString());
            client.assertClosedByServer();
        }

        // the proxy closed its upstream connection part way through the body: no last chunk
        String upstream = capturing.closedByProxy().get(10, TimeUnit.SECONDS);
        assertTrue(upstream.startsWith("POST /chunked HTTP/1.1\r\n"), upstream);
        assertFalse(upstream.endsWith("0\r\n\r\n"), upstream);
        assertFalse(upstream.contains("y".repeat(1001)), "no byte past the limit went upstream");
        Route route = (Route) routes.router().current().match("app.test", "/");
        Endpoint endpoint = route.backend().balancer().endpoints().get(0);
        Await.until(() -> endpoint.inFlight() == 0, "the upstream try has ended");
        assertEquals(0, endpoint.failures(), "the endpoint is not blamed");
        assertTrue(loggedLine("chunked-upload").contains("\"POST /chunked HTTP/1.1\" 413 "), log.toString());
    }

    @Test
    void aBodyThatGrowsPastTheLimitAfterTheAnswerBeganClosesTheConnectionAndSparesTheEndpoint() throws Exception {
        // answers as soon as it has the head, and holds the rest of its answer
        try (ScriptedBackend early = ScriptedBackend.start((connection, request, head) ->
                ScriptedBackend.Answer.thenHoldUntilPeerCloses("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"))) {
            TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", Map.of(NGINX, "1k"), early.port());
            IngressServer proxy = proxy(IngressServer.builder(routes.router()));

            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
                client.setSoTimeout(10_000);
                client.getOutputStream().write(("POST /early HTTP/1.1\r\nHost: app.test\r\nUser-Agent: early-answer\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + chunk(1000)).getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = client.getInputStream();
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                while (!answer.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\nab")) {
                    int b = in.read();
                    assertTrue(b >= 0, "the proxy relays the endpoint's answer as it comes: " + answer);
                    answer.write(b);
                }
                assertTrue(answer.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200 OK\r\n"), answer.toString());

                client.getOutputStream().write(chunk(100).getBytes(StandardCharsets.ISO_8859_1));

                // no 413 can follow a 200 under way: the connection closes, the answer cut short
                byte[] rest = new byte[64];
                int n;
                try {
                    n = in.read(rest);
                } catch (java.net.SocketException reset) {
                    n = -1;
                }
                assertEquals(-1, n, () -> "more of the answer: " + new String(rest, StandardCharsets.ISO_8859_1));
            }
            assertTrue(early.awaitPeerClosedWhileHeld(5, TimeUnit.SECONDS), "the upstream connection was closed");
            Route route = (Route) routes.router().current().match("app.test", "/");
            Endpoint endpoint = route.backend().balancer().endpoints().get(0);
            Await.until(() -> endpoint.inFlight() == 0, "the upstream try has ended");
            assertEquals(0, endpoint.failures(), "the endpoint is not blamed");
        }
    }

    @Test
    void anExpectationOfALongerBodyIsAnswered413WithoutA100Continue() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX, "1k"), app.port()).router()));

        // short enough for the lean connection, which would meet the expectation before routing
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response first = client.send("POST /expect HTTP/1.1\r\nHost: app.test\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 2000\r\n\r\n").readInterimOrFinal();
            assertEquals(413, first.status(), first.toString());
            client.assertClosedByServer();
        }
        // one within the limit still gets its 100 Continue, and goes through
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response first = client.send("POST /expect HTTP/1.1\r\nHost: app.test\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 1000\r\n\r\n").readInterimOrFinal();
            assertEquals(100, first.status(), first.toString());
            WireClient.Response answer = client.send("z".repeat(1000)).read();
            assertEquals(200, answer.status(), answer.toString());
            assertEquals("1000", answer.header("X-Echo-Body-Length"));
        }
        assertEquals(1, app.requests());
    }

    @Test
    void overHttp2AStreamOverTheLimitIsAnswered413AndAnotherOfTheConnectionIsServed() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX, "1k"), app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));

        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("h2"))) {
            BareHttp2 h2 = new BareHttp2(socket);
            // a content-length over the limit: answered before any DATA
            h2.headers(1, BareHttp2.END_HEADERS, BareHttp2.POST, BareHttp2.HTTPS, BareHttp2.ROOT, BareHttp2.AUTHORITY,
                    BareHttp2.literal("content-length", "2000"));
            assertEquals(413, h2.statusOf(1));

            h2.headers(3, BareHttp2.END_STREAM | BareHttp2.END_HEADERS, BareHttp2.GET, BareHttp2.HTTPS, BareHttp2.ROOT,
                    BareHttp2.AUTHORITY);
            assertEquals(200, h2.statusOf(3));

            // DATA without a content-length, counted as it streams
            h2.headers(5, BareHttp2.END_HEADERS, BareHttp2.POST, BareHttp2.HTTPS, BareHttp2.ROOT, BareHttp2.AUTHORITY);
            h2.frame(BareHttp2.DATA, 0, 5, new byte[1000]);
            h2.frame(BareHttp2.DATA, BareHttp2.END_STREAM, 5, new byte[100]);
            assertEquals(413, h2.statusOf(5));

            // and one of exactly the limit passes
            h2.headers(7, BareHttp2.END_HEADERS, BareHttp2.POST, BareHttp2.HTTPS, BareHttp2.ROOT, BareHttp2.AUTHORITY);
            h2.frame(BareHttp2.DATA, 0, 7, new byte[1000]);
            h2.frame(BareHttp2.DATA, BareHttp2.END_STREAM, 7, new byte[24]);
            assertEquals(200, h2.statusOf(7));
        }
        // stream 5 may have begun upstream with its first 1000 bytes; it never ended there whole
        Await.until(() -> app.lastRequest() != null && app.lastRequest().bodyLength() == 1024,
                "the POST of the limit reached the endpoint whole");
    }

    @Test
    void theServersLimitHoldsWhereAnIngressSaysNothingAndAnAnnotationOverridesItEitherWay() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("default.test", "/", "app", app.port())
                .route("larger.test", "/", "app", Map.of(NGINX, "4k"), app.port())
                .route("unlimited.test", "/", "app", Map.of("jingress.io/proxy-body-size", "0"), app.port())
                .route("bad.test", "/", "app", Map.of(NGINX, "2 MB"), app.port());
        IngressServer proxy = proxy(IngressServer.builder(routes.router()).maxRequestBodyBytes(1024));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(413, client.send(post("default.test", "/", 2000)).read().status());
        }
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(200, client.send(post("larger.test", "/", 4096)).read().status());
            assertEquals(413, client.send(post("larger.test", "/", 4097)).read().status());
        }
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(200, client.send(post("unlimited.test", "/", 100_000)).read().status());
            // streamed too: chunked, past the server's limit
            WireClient.Response chunked = client.send("POST / HTTP/1.1\r\nHost: unlimited.test\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunk(3000) + chunk(3000) + "0\r\n\r\n").read();
            assertEquals(200, chunked.status());
            assertEquals("6000", chunked.header("X-Echo-Body-Length"));
        }
        // a value that is not understood keeps the server's limit, and says so
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(413, client.send(post("bad.test", "/", 2000)).read().status());
        }
        Problem problem = routes.router().current().problems().stream()
                .filter(p -> p.message().contains("proxy-body-size")).findFirst().orElse(null);
        assertNotNull(problem, routes.router().current().problems().toString());
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertTrue(problem.message().startsWith(NGINX + ": \"2 MB\" is not a size"), problem.message());
        // the server's limit counts streamed bodies of routes whose Ingress says nothing
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response chunked = client.send("POST / HTTP/1.1\r\nHost: default.test\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunk(1000) + chunk(1000) + "0\r\n\r\n").read();
            assertEquals(413, chunked.status(), chunked.toString());
        }
    }

    @Test
    void anIngressLimitLeavesOtherIngressesAndTheDefaultOfNoLimitAlone() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(IngressServer.builder(TestRoutes.create()
                .route("small.test", "/", "app", Map.of(NGINX, "1k"), app.port())
                .route("other.test", "/", "app", app.port()).router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(413, client.send(post("small.test", "/", 1025)).read().status());
        }
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response large = client.send(post("other.test", "/", 200_000)).read();
            assertEquals(200, large.status());
            assertEquals("200000", large.header("X-Echo-Body-Length"));
            WireClient.Response expecting = client.send("POST / HTTP/1.1\r\nHost: other.test\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 2000\r\n\r\n").readInterimOrFinal();
            assertEquals(100, expecting.status());
            assertEquals(200, client.send("z".repeat(2000)).read().status());
        }
    }

    /** A raw backend: keeps every byte of each connection, and tells when the proxy closed it. */
    private static final class CapturingBackend implements AutoCloseable {
        private final ServerSocket socket;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<String> closed = new CompletableFuture<>();

        CapturingBackend() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread reader = new Thread(this::readOne, "capturing-backend");
            reader.setDaemon(true);
            reader.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void readOne() {
            try (Socket connection = socket.accept()) {
                InputStream in = connection.getInputStream();
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (bytes) {
                        bytes.write(buffer, 0, n);
                    }
                }
                closed.complete(received());
            } catch (IOException e) {
                closed.complete(received());  // reset: closed as well
            }
        }

        String received() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.ISO_8859_1);
            }
        }

        CompletableFuture<String> closedByProxy() {
            return closed;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
