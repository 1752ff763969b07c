package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.ScriptedBackend.Answer;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;
import io.jingress.jetty.testing.WireClient.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A misbehaving endpoint sends bytes after its answer that nobody asked for: a second response, a
 * body on an answer to HEAD or on a 204, more body than its Content-Length said. They arrive on a
 * keep-alive connection the proxy has put back in its pool, and must never be read as the answer to
 * the next request sent on it (another client's, perhaps): that connection is closed, and the next
 * request goes out on another one.
 *
 * <p>Each round sends the next request on the same client connection as soon as the unasked bytes
 * are written, so it reaches the pool with them there but, often, not yet seen by the selector.
 * (Bytes that arrive after the next request went out cannot be told from its answer, by this
 * proxy or by nginx.) Both pools are checked: the proxy's own connections, and Jetty's client,
 * which carries streamed bodies and requests to endpoints named by DNS.
 */
class UnaskedUpstreamBytesTest {
    private static final String HOST = "app.test";
    private static final int ROUNDS = 300;

    @RegisterExtension
    final Proxies proxies = new Proxies();
    private final List<ScriptedBackend> backends = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopBackends() {
        backends.forEach(ScriptedBackend::close);
    }

    /**
     * Through the proxy's own connections (an endpoint by IP address), or Jetty's client: an
     * endpoint named by DNS, or one spoken to over TLS ({@code backend-protocol: HTTPS}).
     */
    enum Pool {
        OWN, JETTY, JETTY_TLS;

        ScriptedBackend backend(ScriptedBackend.Script script) {
            return this == JETTY_TLS ? ScriptedBackend.startTls(script) : ScriptedBackend.start(script);
        }
    }

    /** What an endpoint sends after a complete answer. */
    enum Unasked {
        SECOND_ANSWER("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale"),
        MORE_BODY_THAN_ITS_LENGTH("stale");

        final String bytes;

        Unasked(String bytes) {
            this.bytes = bytes;
        }
    }

    @ParameterizedTest
    @CsvSource({"SECOND_ANSWER, OWN", "SECOND_ANSWER, JETTY", "SECOND_ANSWER, JETTY_TLS",
        "MORE_BODY_THAN_ITS_LENGTH, OWN", "MORE_BODY_THAN_ITS_LENGTH, JETTY", "MORE_BODY_THAN_ITS_LENGTH, JETTY_TLS"})
    void bytesSentAfterAnAnswerAreNeverTakenForTheNextRequestsAnswer(Unasked unasked, Pool pool) throws Exception {
        ScriptedBackend backend = pool.backend((connection, request, head) -> head.startsWith("GET /first ")
                ? Answer.keepOpenThenSend("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", unasked.bytes)
                : Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"));
        backends.add(backend);
        IngressServer proxy = proxyTo(backend, pool);

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int round = 0; round < ROUNDS; round++) {
                assertEquals("ok", client.exchange(WireClient.get(HOST, "/first")).bodyText(), "round " + round);
                awaitUnasked(backend, round + 1);
                Response second = client.exchange(WireClient.get(HOST, "/second"));
                assertEquals(200, second.status(), "round " + round + ": " + second);
                assertEquals("second", second.bodyText(), "round " + round);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"HEAD, OWN", "HEAD, JETTY", "HEAD, JETTY_TLS", "GET /no-content, OWN", "GET /no-content, JETTY",
        "GET /no-content, JETTY_TLS"})
    void aBodyAfterAnAnswerThatHasNoneIsNotTakenForTheNextAnswer(String first, Pool pool) throws Exception {
        // a body on an answer to HEAD, or on a 204, written after its head
        ScriptedBackend backend = pool.backend((connection, request, head) -> {
            if (head.startsWith("HEAD ")) {
                return Answer.keepOpenThenSend("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "hello");
            }
            if (head.startsWith("GET /no-content ")) {
                return Answer.keepOpenThenSend("HTTP/1.1 204 No Content\r\n\r\n", "hello");
            }
            return Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
        });
        backends.add(backend);
        IngressServer proxy = proxyTo(backend, pool);
        String request = first.equals("HEAD")
                ? "HEAD / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n"
                : WireClient.get(HOST, "/no-content");

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int round = 0; round < ROUNDS; round++) {
                client.send(request);
                Response answer = first.equals("HEAD") ? client.readHeadResponse() : client.read();
                assertEquals(first.equals("HEAD") ? 200 : 204, answer.status(), "round " + round + ": " + answer);
                awaitUnasked(backend, round + 1);
                Response second = client.exchange(WireClient.get(HOST, "/second"));
                assertEquals(200, second.status(), "round " + round + ": " + second);
                assertEquals("second", second.bodyText(), "round " + round);
            }
        }
    }

    /** Spins (not parks: the next request must come at once) until the backend wrote its unasked bytes {@code times}. */
    private static void awaitUnasked(ScriptedBackend backend, int times) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (backend.unaskedWritten() < times) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the backend did not write its unasked bytes");
            }
            Thread.onSpinWait();
        }
    }

    /**
     * The endpoint closes its kept connections while they are pooled, and the next request comes at
     * once, before the proxy's selector may have seen the close: the check that finds unasked bytes
     * finds the end of the stream too (over TLS, the close_notify), and the request goes out on a
     * new connection instead of failing with a 502. One connection per endpoint: Jetty's client
     * may open a spare one when it replaces one, and a connection never used is not checked.
     */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void aConnectionTheEndpointClosedWhilePooledIsReplacedWithoutFailingTheNextRequest(Pool pool) throws Exception {
        ScriptedBackend backend = pool.backend((connection, request, head) -> head.startsWith("GET /first ")
                ? Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                : Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"));
        backends.add(backend);
        IngressServer proxy = proxies.start(builder(backend, pool).maxConnectionsPerEndpoint(1));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int round = 0; round < ROUNDS / 3; round++) {
                assertEquals("ok", client.exchange(WireClient.get(HOST, "/first")).bodyText(), "round " + round);
                backend.closeConnections();
                Response second = client.exchange(WireClient.get(HOST, "/second"));
                assertEquals(200, second.status(), "round " + round + ": " + second);
                assertEquals("second", second.bodyText(), "round " + round);
            }
        }
    }

    /**
     * The endpoint takes the next request on a kept connection and closes it without a byte of
     * answer, as when its keep-alive timeout crosses the request: nothing reached its application,
     * so the request goes out once more on a new connection, on both kinds of connection, as nginx
     * does with its kept connections.
     */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void aKeptConnectionClosedAsTheNextRequestReachesItIsReplacedWithoutTheClientNoticing(Pool pool) throws Exception {
        ScriptedBackend backend = pool.backend((connection, request, head) -> connection == 1 && request == 2
                ? Answer.thenClose("")
                : Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        backends.add(backend);
        IngressServer proxy = proxies.start(builder(backend, pool).maxConnectionsPerEndpoint(1));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals("ok", client.exchange(WireClient.get(HOST, "/a")).bodyText());
            Response second = client.exchange(WireClient.get(HOST, "/b"));

            assertEquals(200, second.status(), second.toString());
            assertEquals("ok", second.bodyText());
        }
        assertEquals(2, backend.connections());
    }

    /**
     * A streamed (chunked) upload goes through Jetty's client whatever the endpoint's address: the
     * answer to the next one is never read from what the endpoint sent after the answer to this one.
     */
    @ParameterizedTest
    @EnumSource(Unasked.class)
    void bytesSentAfterTheAnswerToAStreamedUploadAreNotTakenForTheNextOnesAnswer(Unasked unasked) throws Exception {
        ScriptedBackend backend = ScriptedBackend.startReadingBodies((connection, request, head) -> head.startsWith("POST /first ")
                ? Answer.keepOpenThenSend("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", unasked.bytes)
                : Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"));
        backends.add(backend);
        IngressServer proxy = proxyTo(backend, Pool.OWN);

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int round = 0; round < ROUNDS; round++) {
                assertEquals("ok", client.exchange(upload("/first")).bodyText(), "round " + round);
                awaitUnasked(backend, round + 1);
                Response second = client.exchange(upload("/second"));
                assertEquals(200, second.status(), "round " + round + ": " + second);
                assertEquals("second", second.bodyText(), "round " + round);
            }
        }
    }

    private static String upload(String path) {
        return "POST " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n";
    }

    private IngressServer proxyTo(ScriptedBackend backend, Pool pool) {
        return proxies.start(builder(backend, pool));
    }

    private static IngressServer.Builder builder(ScriptedBackend backend, Pool pool) {
        if (pool == Pool.OWN) {
            return IngressServer.builder(TestRoutes.create().route(HOST, "/", "app", backend.port()).router());
        }
        if (pool == Pool.JETTY_TLS) {
            return IngressServer.builder(TestRoutes.create().route(HOST, "/", "app",
                    Map.of("nginx.ingress.kubernetes.io/backend-protocol", "HTTPS"), backend.port()).router());
        }
        // an endpoint named by DNS (ExternalName, FQDN slices) is looked up by Jetty's client, and spoken to by it
        TestRoutes routes = TestRoutes.create().routeToDnsEndpoint(HOST, "/", "app", "localhost", backend.port());
        return IngressServer.builder(routes.router()).localBackendNames(true);
    }
}
