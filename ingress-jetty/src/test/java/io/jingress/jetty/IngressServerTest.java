package io.jingress.jetty;

import java.io.UncheckedIOException;
import java.net.ServerSocket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;

import io.jingress.core.route.Router;
import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.BareHttp2;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IngressServerTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static boolean refusesConnections(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void gracefulStopLetsARequestInFlightFinish() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).stopTimeout(Duration.ofSeconds(20)));
        int port = proxy.httpPort();

        CompletableFuture<ContentResponse> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return proxies.client().newRequest("127.0.0.1", port).path("/hold")
                        .headers(h -> h.put("Host", "app.test")).timeout(30, TimeUnit.SECONDS).send();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(app.awaitHolding(10, TimeUnit.SECONDS), "the request reached the backend");

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(proxy::stop);
        Await.until(() -> refusesConnections(port), "the proxy stops accepting connections");
        assertFalse(stopping.isDone(), "stop waits for the request in flight");
        Thread.sleep(2_500);  // longer than Jetty's default shutdown idle timeout, 1 s
        assertFalse(stopping.isDone(), "stop still waits for the request in flight");

        app.release();
        assertEquals(200, inFlight.get(10, TimeUnit.SECONDS).getStatus());
        stopping.get(10, TimeUnit.SECONDS);
        assertFalse(proxy.isRunning());
    }

    @Test
    void gracefulStopLetsARequestServedByJettysConnectionFinish() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).stopTimeout(Duration.ofSeconds(20)));
        int port = proxy.httpPort();
        // an absolute-form target: the lean connection hands the request over to Jetty's
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.exchange(port, "GET http://app.test/hold HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertTrue(app.awaitHolding(10, TimeUnit.SECONDS), "the request reached the backend");

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(proxy::stop);
        Await.until(() -> refusesConnections(port), "the proxy stops accepting connections");
        Thread.sleep(2_500);  // longer than Jetty's default shutdown idle timeout, 1 s
        assertFalse(stopping.isDone(), "stop waits for the request in flight");

        app.release();
        String response = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(200, RawHttp.status(response), response);
        stopping.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStopPastItsTimeoutCutsTheRequestInFlightAndStillStopsEveryListener() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).stopTimeout(Duration.ofSeconds(1)));
        int port = proxy.httpPort();
        int adminPort = proxy.adminPort();
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.exchange(port, "GET /hold HTTP/1.1\r\nHost: app.test\r\n\r\n");
            } catch (IOException e) {
                return "failed: " + e;
            }
        });
        assertTrue(app.awaitHolding(10, TimeUnit.SECONDS), "the request reached the backend");
        try {
            proxy.stop();  // no exception: running out of time is what the timeout is for

            assertFalse(proxy.isRunning());
            assertTrue(refusesConnections(port), "the proxy listener is closed");
            assertTrue(refusesConnections(adminPort), "the admin listener is closed: health checks see the proxy go");
            assertFalse(inFlight.get(10, TimeUnit.SECONDS).startsWith("HTTP/1.1 200"), "the request in flight was cut");
        } finally {
            app.release();
        }
    }

    @Test
    void noListenerNamesTheServersSoftwareOrVersion() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        // the proxy's own answer (an endpoint's loses the endpoint's Server field: ServerHeaderTest)
        String own = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: unknown.test\r\nConnection: close\r\n\r\n");
        String admin = RawHttp.exchange(proxy.adminPort(), "GET /healthz HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");

        assertEquals(404, RawHttp.status(own), own);
        assertEquals(null, RawHttp.header(own, "Server"), own);
        assertEquals(200, RawHttp.status(admin), admin);
        assertEquals(null, RawHttp.header(admin, "Server"), admin);
    }

    @Test
    void startingARunningServerIsRefusedAndItGoesOnServing() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        IllegalStateException refused = assertThrows(IllegalStateException.class, proxy::start);
        assertEquals("Jingress is running already: stop it before starting it again", refused.getMessage());
        String response = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(response), response);
    }

    // the second target is absolute-form: the lean connection hands the connection over to Jetty's
    @ParameterizedTest
    @ValueSource(strings = {"/", "http://app.test/"})
    void gracefulStopClosesAnIdleKeepAliveConnectionWithoutWaitingForTheDeadline(String target) throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).stopTimeout(Duration.ofSeconds(60)));
        try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            idle.setSoTimeout(30_000);
            idle.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: app.test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = idle.getInputStream();
            String head = RawHttp.readHead(in);
            assertEquals(200, RawHttp.status(head), head);
            in.readNBytes(Integer.parseInt(RawHttp.header(head, "Content-Length")));

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(proxy::stop);
            assertEquals(-1, in.read(), "the idle connection is closed");
            // the deadline is a minute: a stop that waited for the idle connection would take it
            stopping.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void gracefulStopEndsAnIdleHttp2ConnectionOverTlsWithAGoawayAndItsClose() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0)
                .stopTimeout(Duration.ofSeconds(60)));
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test",
                List.of("h2"))) {
            socket.setSoTimeout(30_000);
            BareHttp2 h2 = new BareHttp2(socket);
            h2.headers(1, BareHttp2.END_HEADERS | BareHttp2.END_STREAM,
                    BareHttp2.GET, BareHttp2.HTTPS,
                    BareHttp2.ROOT, BareHttp2.AUTHORITY);
            assertEquals(BareHttp2.STATUS_200, h2.answerTo(1));

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(proxy::stop);
            assertTrue(h2.framesUntilClosed().contains(BareHttp2.GOAWAY));
            // the deadline is a minute: a stop that waited for the client to close would take it
            stopping.get(20, TimeUnit.SECONDS);
        }
    }

    // The client keeps its connection without closing it, as an idle connection pool does: the
    // connection of a request answered after the stop began ends with its answer, as nginx's does,
    // rather than wait until the deadline for the client to close its side.
    @ParameterizedTest
    @ValueSource(strings = {"/hold", "http://app.test/hold"})
    void gracefulStopClosesTheConnectionOfARequestAnsweredAfterItBegan(String target) throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).stopTimeout(Duration.ofSeconds(60)));
        int port = proxy.httpPort();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(30_000);
            client.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: app.test\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(app.awaitHolding(10, TimeUnit.SECONDS), "the request reached the backend");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(proxy::stop);
            Await.until(() -> refusesConnections(port), "the proxy stops accepting connections");
            app.release();
            InputStream in = client.getInputStream();
            String head = RawHttp.readHead(in);
            assertEquals(200, RawHttp.status(head), head);
            assertEquals("close", RawHttp.header(head, "Connection"), head);
            in.readNBytes(Integer.parseInt(RawHttp.header(head, "Content-Length")));
            assertEquals(-1, in.read(), "the connection ends with the answer");
            // the deadline is a minute: a stop that waited for the client to close would take it
            stopping.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void connectionsPastTheLimitAreRefusedWith503() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).maxConnections(2));
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                held.add(new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort()));
            }
            Await.until(() -> proxy.openConnections() == 2, "both connections are open");

            try (Socket third = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
                third.setSoTimeout(10_000);
                third.getOutputStream().write("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = third.getInputStream();
                String refusal = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertEquals(503, RawHttp.status(refusal), refusal);
                assertEquals("close", RawHttp.header(refusal, "Connection"));
            }
            assertEquals(0, app.requests());
            // as nginx's stub_status counts a connection dropped at its limit: accepted, not handled
            String status = RawHttp.exchange(proxy.adminPort(), "GET /status HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
            assertTrue(status.contains("server accepts handled requests\n 3 2 0 \n"), status);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        Await.until(() -> proxy.openConnections() == 0, "the held connections are closed");
        String response = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(response), response);
    }

    /**
     * Sends {@code head} a byte every 100 ms (each byte keeps the idle timeout from expiring) until
     * the proxy closes the connection; whether it did within 30 s.
     */
    private static boolean closedWhileTrickling(int port, String head) throws IOException {
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), port)) {
            slow.setSoTimeout(100);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            byte[] bytes = head.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; System.nanoTime() < deadline; i = Math.min(i + 1, bytes.length - 1)) {
                try {
                    slow.getOutputStream().write(bytes[i]);
                    if (slow.getInputStream().read() < 0) {
                        return true;
                    }
                    throw new AssertionError("an answer to a head not sent whole");
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // nothing to read yet: the next byte
                } catch (IOException reset) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The connections part way through a request head, by the admin port's {@code /status}. */
    private static int readingConnections(IngressServer proxy) {
        try {
            String status = RawHttp.exchange(proxy.adminPort(), "GET /status HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
            Matcher reading = Pattern.compile("\nReading: (\\d+) ").matcher(status);
            return reading.find() ? Integer.parseInt(reading.group(1)) : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1\r\nHost: app.test\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        // an absolute-form target: served by Jetty's own HTTP/1 connection
        "GET http://app.test/ HTTP/1.1\r\nHost: app.test\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void aRequestHeadThatTricklesInIsCutOffAtTheRequestHeadTimeout(String head) throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router())
                .requestHeadTimeout(Duration.ofSeconds(1)).clientIdleTimeout(Duration.ofSeconds(60)));

        assertTrue(closedWhileTrickling(proxy.httpPort(), head), "the connection is still open after 30 s");
        Await.until(() -> proxy.openConnections() == 0, "the connection is no longer counted");
        assertEquals(0, app.requests());

        // a head that comes in parts within the timeout is served
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: app".getBytes(StandardCharsets.US_ASCII));
            Await.until(() -> readingConnections(proxy) == 1, "the first part of the head has been read");
            client.getOutputStream().write(".test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(200, RawHttp.status(response), response);
        }
    }

    @Test
    void silentClientConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        IngressServer proxy = proxies.start(IngressServer.builder(Router.create()).clientIdleTimeout(Duration.ofMillis(200)));

        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            silent.setSoTimeout(10_000);
            assertEquals(-1, silent.getInputStream().read(), "the proxy closes the connection, sending nothing");
        }
        Await.until(() -> proxy.openConnections() == 0, "the connection is no longer counted");
    }

    @Test
    void requestHeadersPastTheLimitGet431() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).maxRequestHeaderBytes(4096));

        String response = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: app.test\r\nX-Big: " + "x".repeat(8192)
                + "\r\nConnection: close\r\n\r\n");

        assertEquals(431, RawHttp.status(response), response);
        assertEquals(0, app.requests());
    }

    @Test
    void ephemeralPortIsReportedOnceStarted() {
        IngressServer proxy = proxies.start(IngressServer.builder(Router.create()));

        assertTrue(proxy.httpPort() > 0);
        assertTrue(proxy.isRunning());
    }

    @Test
    void serverWithoutATableAnswers404() throws Exception {
        IngressServer proxy = proxies.start(IngressServer.builder(Router.create()));

        String response = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");

        assertEquals(404, RawHttp.status(response), response);
    }

    @Test
    void builderRejectsBadSettingsNamingTheField() {
        IngressServer.Builder builder = IngressServer.builder(Router.create());

        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> builder.connectTimeout(Duration.ofSeconds(-1)));
        assertTrue(timeout.getMessage().startsWith("connectTimeout"), timeout.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> builder.httpPort(70_000));
        assertTrue(port.getMessage().startsWith("httpPort"), port.getMessage());
        IllegalArgumentException max = assertThrows(IllegalArgumentException.class, () -> builder.maxConnections(0));
        assertTrue(max.getMessage().startsWith("maxConnections"), max.getMessage());
        assertThrows(NullPointerException.class, () -> IngressServer.builder(null));
    }

    @Test
    void portInUseFailsStartWithAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IngressServer server = IngressServer.builder(Router.create())
                    .httpBindAddress("127.0.0.1").httpPort(taken.getLocalPort()).disableAdmin().build();

            UncheckedIOException failure = assertThrows(UncheckedIOException.class, server::start);

            assertTrue(failure.getMessage().startsWith("cannot start Jingress"), failure.getMessage());
            assertFalse(server.isRunning());
        }
    }
}
