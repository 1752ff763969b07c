package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.jingress.core.model.Problem;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.SilentPort;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WebSocketEcho;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code proxy-read-timeout} and {@code proxy-connect-timeout} on an Ingress, through a real proxy
 * to real backends. Parameterised by body size: a GET without body goes out on the proxy's own
 * HTTP/1 connections, a POST of 20,000 bytes (past the 16 KB read whole first) with Jetty's client;
 * the same over HTTP/2 and TLS.
 */
class UpstreamTimeoutAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    /** A response and how long it took, from the request's send. */
    private record Timed(ContentResponse response, long millis) {
        int status() {
            return response.getStatus();
        }
    }

    private CompletableFuture<Timed> send(IngressServer proxy, String host, String path, int bodyBytes) {
        Request request = proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .method(bodyBytes == 0 ? HttpMethod.GET : HttpMethod.POST)
                .path(path)
                .headers(h -> h.put("Host", host))
                .timeout(20, TimeUnit.SECONDS);
        if (bodyBytes > 0) {
            request.body(new BytesRequestContent(new byte[bodyBytes]));
        }
        long start = System.nanoTime();
        return new CompletableResponseListener(request).send()
                .thenApply(response -> new Timed(response, (System.nanoTime() - start) / 1_000_000));
    }

    private static Timed await(CompletableFuture<Timed> response) throws Exception {
        return response.get(20, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 20_000})
    void anAnnotatedReadTimeoutShorterThanTheServersGives504WhileAnotherIngressWaitsForItsAnswer(int bodyBytes)
            throws Exception {
        Backends.Echo slow = backends.start("slow");
        TestRoutes routes = TestRoutes.create()
                .route("quick.test", "/", "quick", Map.of(NGINX + "proxy-read-timeout", "1"), slow.port())
                .route("plain.test", "/", "plain", slow.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).readTimeout(Duration.ofSeconds(10)));

        CompletableFuture<Timed> plain = send(proxy, "plain.test", "/hold", bodyBytes);
        Timed quick = await(send(proxy, "quick.test", "/hold", bodyBytes));

        assertEquals(504, quick.status(), quick.response().getContentAsString());
        assertTrue(quick.millis() >= 900 && quick.millis() < 5_000, "after the Ingress's 1 s: " + quick.millis() + " ms");
        // the other Ingress's request, sent first, has waited past 1 s: it takes the server's 10 s
        slow.release();
        Timed answered = await(plain);
        assertEquals(200, answered.status(), answered.response().getContentAsString());
        assertEquals(Integer.toString(bodyBytes), answered.response().getHeaders().get("X-Echo-Body-Length"));
        assertEquals(2, slow.requests(), "a read timeout is not retried");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 20_000})
    void overHttp2TheAnnotatedReadTimeoutAppliesToItsIngressAlone(int bodyBytes) throws Exception {
        Backends.Echo slow = backends.start("slow");
        TestRoutes routes = TestRoutes.create()
                .route("quick.test", "/", "quick", Map.of(NGINX + "proxy-read-timeout", "1"), slow.port())
                .route("plain.test", "/", "plain", slow.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).readTimeout(Duration.ofSeconds(10))
                .httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();
        CompletableFuture<Timed> plain = send(http2, "https://plain.test:" + proxy.httpsPort() + "/hold", bodyBytes);
        Timed quick = await(send(http2, "https://quick.test:" + proxy.httpsPort() + "/hold", bodyBytes));

        assertEquals(HttpVersion.HTTP_2, quick.response().getVersion());
        assertEquals(504, quick.status(), quick.response().getContentAsString());
        assertTrue(quick.millis() >= 900 && quick.millis() < 5_000, "after the Ingress's 1 s: " + quick.millis() + " ms");
        slow.release();
        Timed answered = await(plain);
        assertEquals(200, answered.status(), answered.response().getContentAsString());
        assertEquals(Integer.toString(bodyBytes), answered.response().getHeaders().get("X-Echo-Body-Length"));
    }

    private static CompletableFuture<Timed> send(HttpClient client, String uri, int bodyBytes) {
        Request request = client.newRequest(uri)
                .method(bodyBytes == 0 ? HttpMethod.GET : HttpMethod.POST)
                .timeout(20, TimeUnit.SECONDS);
        if (bodyBytes > 0) {
            request.body(new BytesRequestContent(new byte[bodyBytes]));
        }
        long start = System.nanoTime();
        return new CompletableResponseListener(request).send()
                .thenApply(response -> new Timed(response, (System.nanoTime() - start) / 1_000_000));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 20_000})
    void anAnnotatedReadTimeoutLongerThanTheServersLetsASlowAnswerThrough(int bodyBytes) throws Exception {
        Backends.Echo slow = backends.start("slow");
        TestRoutes routes = TestRoutes.create()
                .route("patient.test", "/", "patient", Map.of(NGINX + "proxy-read-timeout", "2"), slow.port())
                .route("plain.test", "/", "plain", slow.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).readTimeout(Duration.ofMillis(400)));

        CompletableFuture<Timed> patient = send(proxy, "patient.test", "/hold", bodyBytes);
        Timed plain = await(send(proxy, "plain.test", "/hold", bodyBytes));

        assertEquals(504, plain.status(), "the server's 400 ms: " + plain.response().getContentAsString());
        // the annotated request, sent first, has waited past the server's 400 ms by now
        slow.release();
        Timed answered = await(patient);
        assertEquals(200, answered.status(), answered.response().getContentAsString());
        assertTrue(answered.millis() >= 400, "held past the server's read timeout: " + answered.millis() + " ms");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 20_000})
    void anAnnotatedConnectTimeoutShorterThanTheServersGives504(int bodyBytes) throws Exception {
        try (SilentPort silent = new SilentPort()) {
            TestRoutes routes = TestRoutes.create()
                    .route("quick.test", "/", "quick", Map.of(NGINX + "proxy-connect-timeout", "1"), silent.port());
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router())
                    .connectTimeout(Duration.ofSeconds(15)));

            Timed timed = await(send(proxy, "quick.test", "/", bodyBytes));

            assertEquals(504, timed.status(), timed.response().getContentAsString());
            assertTrue(timed.response().getContentAsString().startsWith("504 Gateway Timeout"));
            assertTrue(timed.millis() >= 900 && timed.millis() < 5_000,
                    "after the Ingress's 1 s, not the server's 15 s: " + timed.millis() + " ms");
        }
    }

    @Test
    void anAnnotatedConnectTimeoutLeavesASilentEndpointForAnotherAsTheServersDoes() throws Exception {
        try (SilentPort silent = new SilentPort()) {
            Backends.Echo live = backends.start("live");
            TestRoutes routes = TestRoutes.create()
                    .route("quick.test", "/", "quick", Map.of(NGINX + "proxy-connect-timeout", "1"), silent.port(), live.port());
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router())
                    .connectTimeout(Duration.ofSeconds(15)));

            // round robin sends one of the two requests to the silent endpoint first
            for (int i = 0; i < 2; i++) {
                Timed timed = await(send(proxy, "quick.test", "/c" + i, 0));
                assertEquals(200, timed.status(), timed.response().getContentAsString());
                assertEquals("live", timed.response().getHeaders().get("X-Backend"));
                assertTrue(timed.millis() < 5_000, timed.millis() + " ms");
            }
            assertEquals(2, live.requests());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 20_000})
    void anAnnotatedConnectTimeoutLongerThanTheServersIsWaitedFor(int bodyBytes) throws Exception {
        try (SilentPort silent = new SilentPort()) {
            TestRoutes routes = TestRoutes.create()
                    .route("patient.test", "/", "patient", Map.of(NGINX + "proxy-connect-timeout", "1"), silent.port());
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router())
                    .connectTimeout(Duration.ofMillis(200)));

            Timed timed = await(send(proxy, "patient.test", "/", bodyBytes));

            assertEquals(504, timed.status(), timed.response().getContentAsString());
            assertTrue(timed.millis() >= 900, "the Ingress's 1 s, not the server's 200 ms: " + timed.millis() + " ms");
        }
    }

    @Test
    void aBadValueIsReportedAndTheServersTimeoutKept() throws Exception {
        Backends.Echo slow = backends.start("slow");
        TestRoutes routes = TestRoutes.create()
                .route("odd.test", "/", "odd", Map.of(NGINX + "proxy-read-timeout", "30s"), slow.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).readTimeout(Duration.ofMillis(400)));

        Timed timed = await(send(proxy, "odd.test", "/hold", 0));

        assertEquals(504, timed.status(), "the server's 400 ms, not 30 s: " + timed.response().getContentAsString());
        List<String> warnings = routes.router().current().problems().stream()
                .filter(p -> p.severity() == Problem.Severity.WARNING && p.field().equals("metadata.annotations"))
                .map(Problem::message)
                .toList();
        assertEquals(List.of(NGINX + "proxy-read-timeout: \"30s\" is not a whole number of seconds (ingress-nginx "
                + "writes seconds without a unit, such as \"60\"): the server's readTimeout applies"), warnings);
    }

    @Test
    void aWebSocketIdlesOutAfterItsIngresssReadTimeoutNotTheServers() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        TestRoutes routes = TestRoutes.create()
                .route("quick.test", "/", "quick", Map.of(NGINX + "proxy-read-timeout", "1"), echo.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).readTimeout(Duration.ofSeconds(10)));

        try (Socket socket = upgrade(proxy, "quick.test")) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            assertTrue(RawHttp.readHead(in).startsWith("HTTP/1.1 101 "));
            long start = System.nanoTime();

            assertEquals(-1, in.read(), "the proxy closed the idle tunnel");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 900 && millis < 5_000, "after the Ingress's 1 s: " + millis + " ms");
        }
    }

    @Test
    void aWebSocketOfAnIngressWithALongerReadTimeoutOutlivesTheServersIdleTimeout() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        TestRoutes routes = TestRoutes.create()
                .route("patient.test", "/", "patient", Map.of(NGINX + "proxy-read-timeout", "2"), echo.port())
                .route("plain.test", "/", "plain", echo.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).readTimeout(Duration.ofMillis(400)));

        try (Socket patient = upgrade(proxy, "patient.test"); Socket plain = upgrade(proxy, "plain.test")) {
            InputStream patientIn = new BufferedInputStream(patient.getInputStream());
            InputStream plainIn = new BufferedInputStream(plain.getInputStream());
            assertTrue(RawHttp.readHead(patientIn).startsWith("HTTP/1.1 101 "));
            assertTrue(RawHttp.readHead(plainIn).startsWith("HTTP/1.1 101 "));

            assertEquals(-1, plainIn.read(), "the other Ingress's tunnel idled out after the server's 400 ms");
            OutputStream out = patient.getOutputStream();
            out.write(WebSocketEcho.maskedTextFrame("still here"));
            out.flush();
            assertEquals(0x81, patientIn.read());
            int length = patientIn.read() & 0x7f;
            assertEquals("still here", new String(patientIn.readNBytes(length), StandardCharsets.UTF_8));
        }
    }

    private static Socket upgrade(IngressServer proxy, String host) throws Exception {
        Socket socket = new Socket("127.0.0.1", proxy.httpPort());
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /echo HTTP/1.1\r\nHost: " + host + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }
}
