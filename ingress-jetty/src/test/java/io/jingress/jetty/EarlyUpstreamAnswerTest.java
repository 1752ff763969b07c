package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
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
 * An endpoint answers an upload before it has read it (a 413, a 401), with a complete answer, and
 * closes the connection; the upload, streamed through Jetty's client, then fails to go on. The
 * client gets the endpoint's answer, as nginx gives it, never a 502; and a client that writes its
 * whole body before it reads gets to write it, and then to read that answer.
 */
class EarlyUpstreamAnswerTest {
    private static final String HOST = "app.test";
    private static final String TOO_LARGE = "HTTP/1.1 413 Payload Too Large\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 9\r\nConnection: close\r\n\r\ntoo large";
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    private ScriptedBackend backend;

    @AfterEach
    void stopBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /**
     * Which of the two the proxy notices first, the answer waiting in its socket or the failed
     * write of the body, is a race: about one round in a hundred went the wrong way (a 502),
     * before the proxy read what the endpoint sent ahead of a failed write.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theEndpointsEarlyAnswerReachesTheClientEvenThoughItClosedBeforeTheBodyEnded(boolean chunked) throws Exception {
        IngressServer proxy = proxyToEarlyAnswers();
        int rounds = 250;
        int bodyBytes = 64 * 1024;  // over what the proxy reads whole before it sends: streamed by Jetty's client

        for (int round = 0; round < rounds; round++) {
            try (WireClient client = WireClient.connect(proxy.httpPort())) {
                CompletableFuture<String> written = writeUpload(client, chunked, bodyBytes);
                Response answer = client.read();  // while the body is still being written
                assertEquals(413, answer.status(), "round " + round + ": " + answer);
                assertEquals("too large", answer.bodyText(), "round " + round);
                assertEquals("written", written.get(20, TimeUnit.SECONDS), "round " + round);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aClientThatWritesItsWholeUploadBeforeReadingGetsTheAnswerOfAnEndpointThatClosed(boolean chunked) throws Exception {
        IngressServer proxy = proxyToEarlyAnswers();

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            // 10 MB: more than the socket buffers on the way hold, so the proxy must read on
            assertEquals("written", writeUpload(client, chunked, 10 * 1024 * 1024).get(20, TimeUnit.SECONDS));
            Response answer = client.read();
            assertEquals(413, answer.status(), answer.toString());
            assertEquals("too large", answer.bodyText());
            // the rest of the body was read to its end: the connection carries the next request
            assertEquals("ok", client.exchange(WireClient.get(HOST, "/after")).bodyText());
        }
    }

    private IngressServer proxyToEarlyAnswers() {
        backend = ScriptedBackend.start((connection, request, head) ->
                head.startsWith("POST ") ? Answer.thenClose(TOO_LARGE) : Answer.keepOpen(OK));
        return proxies.start(IngressServer.builder(TestRoutes.create().route(HOST, "/", "app", backend.port()).router()));
    }

    /** Writes a POST of {@code bodyBytes} on another thread: "written", or why the write failed. */
    private static CompletableFuture<String> writeUpload(WireClient client, boolean chunked, int bodyBytes) {
        int piece = 16 * 1024;
        byte[] bytes = chunked
                ? (Integer.toHexString(piece) + "\r\n" + "x".repeat(piece) + "\r\n").getBytes(StandardCharsets.US_ASCII)
                : "x".repeat(piece).getBytes(StandardCharsets.US_ASCII);
        return CompletableFuture.supplyAsync(() -> {
            try {
                client.send("POST /upload HTTP/1.1\r\nHost: " + HOST + "\r\n"
                        + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + bodyBytes) + "\r\n\r\n");
                for (int sent = 0; sent < bodyBytes; sent += piece) {
                    client.send(bytes);
                }
                if (chunked) {
                    client.send("0\r\n\r\n");
                }
                return "written";
            } catch (IOException e) {
                return "write failed: " + e;
            }
        });
    }
}
