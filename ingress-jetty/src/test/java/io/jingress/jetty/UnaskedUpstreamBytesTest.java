package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
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
import org.junit.jupiter.params.provider.ValueSource;

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
 * proxy or by nginx.)
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

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale",  // a second answer
        "stale",  // more body than the Content-Length said
    })
    void bytesSentAfterAnAnswerAreNeverTakenForTheNextRequestsAnswer(String unasked) throws Exception {
        ScriptedBackend backend = ScriptedBackend.start((connection, request, head) -> head.startsWith("GET /first ")
                ? Answer.keepOpenThenSend("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", unasked)
                : Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"));
        backends.add(backend);
        IngressServer proxy = proxyTo(backend);

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
    @ValueSource(strings = {"HEAD", "GET /no-content"})
    void aBodyAfterAnAnswerThatHasNoneIsNotTakenForTheNextAnswer(String first) throws Exception {
        // a body on an answer to HEAD, or on a 204, written after its head
        ScriptedBackend backend = ScriptedBackend.start((connection, request, head) -> {
            if (head.startsWith("HEAD ")) {
                return Answer.keepOpenThenSend("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "hello");
            }
            if (head.startsWith("GET /no-content ")) {
                return Answer.keepOpenThenSend("HTTP/1.1 204 No Content\r\n\r\n", "hello");
            }
            return Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
        });
        backends.add(backend);
        IngressServer proxy = proxyTo(backend);
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

    private IngressServer proxyTo(ScriptedBackend backend) {
        TestRoutes routes = TestRoutes.create().route(HOST, "/", "app", backend.port());
        return proxies.start(IngressServer.builder(routes.router()));
    }
}
