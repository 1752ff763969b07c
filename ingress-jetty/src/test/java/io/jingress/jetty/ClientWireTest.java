package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.WireClient;
import io.jingress.jetty.testing.WireClient.Framing;
import io.jingress.jetty.testing.WireClient.Response;

import org.junit.jupiter.api.Test;

/**
 * The life of a client connection on the plain-HTTP listener, seen from raw sockets: keep-alive,
 * pipelining, request bodies between body-less requests, HTTP/1.0, close in its forms, heads that
 * arrive in pieces. {@link ClientWireForwardingTest} has what crosses the proxy, and
 * {@link ClientWireStrictnessTest} what the listener refuses. Black-box: these hold whichever HTTP/1
 * connection implementation serves the listener. (The numbers in comments are the cases of the
 * brief these tests were written from.)
 */
class ClientWireTest extends ClientWireFixture {
    // 1
    @Test
    void threeRequestsInTurnOnOneConnectionAreAllAnswered() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int i = 1; i <= 3; i++) {
                Response response = client.exchange(get("/turn/" + i));
                assertEquals(200, response.status(), response.toString());
                assertEquals("/turn/" + i, response.header("X-Echo-Path-Query"));
                assertFalse(response.connectionHas("close"), response.toString());
            }
        }
        assertEquals(3, app.requests());
    }

    // 2
    @Test
    void pipelinedRequestsInOneWriteAreAnsweredInOrder() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());
        int[] lengths = {10, 20_000, 70_000};

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send(get("/download/" + lengths[0]) + get("/download/" + lengths[1]) + get("/download/" + lengths[2]));
            for (int length : lengths) {
                Response response = client.read();
                assertEquals(200, response.status(), response.statusLine());
                assertEquals("/download/" + length, response.header("X-Echo-Path-Query"));
                assertEquals(length, response.body().length);
                assertEquals(Backends.patternSha256(length), sha256(response.body()));
            }
            Response after = client.exchange(get("/after"));
            assertEquals("/after", after.header("X-Echo-Path-Query"));
        }
        assertEquals(4, app.requests());
    }

    @Test
    void pipelinedGetHeadGetRoundsAreAllAnsweredInOrder() throws Exception {
        // wrk's pipelining example, many times over on one connection: each HEAD answer in between
        // must end where its head ends, and the upstream connection carry on after it.
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());
        String head = "HEAD /h HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int round = 0; round < 20; round++) {
                client.send(get("/a" + round) + head + get("/b" + round));
                assertEquals("/a" + round, client.read().header("X-Echo-Path-Query"));
                Response headResponse = client.readHeadResponse();
                assertEquals(200, headResponse.status());
                assertEquals("/h", headResponse.header("X-Echo-Path-Query"));
                assertEquals("/b" + round, client.read().header("X-Echo-Path-Query"));
            }
        }
        assertEquals(60, app.requests());
    }

    // 3
    @Test
    void postWithContentLengthBetweenTwoGetsReachesTheBackendIntact() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());
        String body = "name=value&other=" + "x".repeat(3000);

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals("/one", client.exchange(get("/one")).header("X-Echo-Path-Query"));

            Response post = client.exchange("POST /form HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body);
            assertEquals(200, post.status(), post.toString());
            assertEquals("POST", post.header("X-Echo-Method"));
            assertEquals(Integer.toString(body.length()), post.header("X-Echo-Body-Length"));
            assertEquals(body, post.bodyText());
            assertEquals(sha256(body.getBytes(StandardCharsets.ISO_8859_1)), post.header("X-Echo-Body-Sha256"));
            assertEquals(body.length(), app.lastRequest().bodyLength());

            Response third = client.exchange(get("/three"));
            assertEquals(200, third.status());
            assertEquals("GET", third.header("X-Echo-Method"));
            assertEquals("/three", third.header("X-Echo-Path-Query"));
            assertEquals(0, third.body().length);
        }
        assertEquals(3, app.requests());
    }

    // 3
    @Test
    void chunkedPostBetweenTwoGetsReachesTheBackendIntact() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals("/one", client.exchange(get("/one")).header("X-Echo-Path-Query"));

            Response post = client.exchange("POST /chunks HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
            assertEquals(200, post.status(), post.toString());
            assertEquals("POST", post.header("X-Echo-Method"));
            assertEquals("11", post.header("X-Echo-Body-Length"));
            assertEquals("hello world", post.bodyText());
            assertEquals(11, app.lastRequest().bodyLength());

            Response third = client.exchange(get("/three"));
            assertEquals(200, third.status());
            assertEquals("/three", third.header("X-Echo-Path-Query"));
        }
        assertEquals(3, app.requests());
    }

    // 3: the same requests with their bodies, all in one write, so whoever parses the first head
    // already holds the bytes of the others.
    @Test
    void getPostChunkedPostAndGetInOneWriteAreAnsweredInOrder() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send(get("/one")
                    + "POST /form HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 7\r\n\r\na=1&b=2"
                    + "POST /chunks HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + get("/four"));
            Response one = client.read();
            assertEquals("/one", one.header("X-Echo-Path-Query"), one.toString());
            Response form = client.read();
            assertEquals("/form", form.header("X-Echo-Path-Query"), form.toString());
            assertEquals("a=1&b=2", form.bodyText());
            Response chunks = client.read();
            assertEquals("/chunks", chunks.header("X-Echo-Path-Query"), chunks.toString());
            assertEquals("abc", chunks.bodyText());
            Response four = client.read();
            assertEquals("/four", four.header("X-Echo-Path-Query"), four.toString());
            assertEquals(0, four.body().length);
        }
        assertEquals(4, app.requests());
    }

    // 3: the head first, the body only later.
    @Test
    void postWhoseBodyArrivesAfterItsHeadReachesTheBackendIntact() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("POST /later HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 11\r\n\r\n");
            pace();
            client.send("hello");
            pace();
            Response response = client.exchange(" world");
            assertEquals(200, response.status(), response.toString());
            assertEquals("hello world", response.bodyText());

            assertEquals("/next", client.exchange(get("/next")).header("X-Echo-Path-Query"));
        }
        assertEquals(2, app.requests());
    }

    // RFC 9112 section 2.2: a server SHOULD ignore an empty line before the request line.
    @Test
    void emptyLineBeforeTheRequestLineIsIgnored() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.exchange("\r\n" + get("/after-blank"));
            assertEquals(200, response.status(), response.toString());
            assertEquals("/after-blank", response.header("X-Echo-Path-Query"));
        }
        assertEquals(1, app.requests());
    }

    // 4
    @Test
    void http10RequestWithoutKeepAliveIsAnsweredThenClosed() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.exchange("GET /old HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n");
            assertEquals(200, response.status(), response.toString());
            assertTrue(response.statusLine().startsWith("HTTP/1."), response.statusLine());
            assertEquals("/old", response.header("X-Echo-Path-Query"));
            client.assertClosedByServer();
        }
        assertEquals(1, app.requests());
    }

    // 4: Jetty keeps an HTTP/1.0 keep-alive connection open and says so.
    @Test
    void http10RequestWithKeepAliveIsAnsweredAndTheConnectionKept() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response first = client.exchange("GET /old/1 HTTP/1.0\r\nHost: " + HOST + "\r\nConnection: keep-alive\r\n\r\n");
            assertEquals(200, first.status(), first.toString());
            assertTrue(first.connectionHas("keep-alive"), first.toString());
            assertEquals(Framing.LENGTH, first.framing());

            Response second = client.exchange("GET /old/2 HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n");
            assertEquals(200, second.status(), second.toString());
            assertEquals("/old/2", second.header("X-Echo-Path-Query"));
            client.assertClosedByServer();
        }
        assertEquals(2, app.requests());
    }

    // 5
    @Test
    void connectionCloseIsAnsweredWithConnectionCloseThenClosed() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.exchange("GET /bye HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");
            assertEquals(200, response.status(), response.toString());
            assertTrue(response.connectionHas("close"), response.toString());
            client.assertClosedByServer();
        }
        Backends.Seen seen = app.lastRequest();
        assertEquals("/bye", seen.pathQuery());
    }

    // 6: surprise, safe but misleading: a malformed chunk size in the request body is reported as
    // 5: whatever was pipelined after the last request of a connection is never served.
    @Test
    void requestPipelinedAfterConnectionCloseIsNotServed() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("GET /last HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n" + get("/ignored"));
            Response response = client.read();
            assertEquals("/last", response.header("X-Echo-Path-Query"), response.toString());
            assertTrue(response.connectionHas("close"), response.toString());
            assertEquals("", client.readUntilClosed());
        }
        assertEquals(1, app.requests());
        assertEquals("/last", app.lastRequest().pathQuery());
    }

    // 4
    @Test
    void requestPipelinedAfterAnHttp10RequestIsNotServed() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("GET /old HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n" + get("/ignored"));
            Response response = client.read();
            assertEquals("/old", response.header("X-Echo-Path-Query"), response.toString());
            assertEquals("", client.readUntilClosed());
        }
        assertEquals(1, app.requests());
        assertEquals("/old", app.lastRequest().pathQuery());
    }

    // 5: header names and Connection tokens are case-insensitive.
    @Test
    void connectionCloseInAnyCaseClosesTheConnection() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.exchange("GET /case HTTP/1.1\r\nhOsT: " + HOST + "\r\nconnection: CLOSE\r\n\r\n");
            assertEquals(200, response.status(), response.toString());
            assertTrue(response.connectionHas("close"), response.toString());
            client.assertClosedByServer();
        }
        assertEquals("/case", app.lastRequest().pathQuery());
    }

    // An endpoint that answers an upload before reading it (a 413): a client that writes its
    // whole body before it reads, as most HTTP libraries do, must be able to finish writing and
    // then read the answer; closing its connection early breaks its write, and it never reads.
    @Test
    void aClientThatWritesAllOfItsUploadBeforeReadingGetsTheEndpointsEarlyAnswer() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            CompletableFuture<String> written = CompletableFuture.supplyAsync(() -> {
                try {
                    client.send("POST /refuse HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n");
                    byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 160; i++) {  // 10 MB
                        client.send(chunk);
                    }
                    client.send("0\r\n\r\n");
                    return "written";
                } catch (IOException e) {
                    return "write failed: " + e;
                }
            });
            assertEquals("written", written.get(20, TimeUnit.SECONDS));
            Response response = client.read();
            assertEquals(413, response.status(), response.toString());
            assertEquals("too large", response.bodyText());
            assertEquals(200, client.exchange(get("/after")).status(), "the connection goes on");
        }
    }

    // A client that shuts down its sending side after the request (as "nc -N" or a one-shot script
    // does) cannot be told apart from one that closed the connection before its answer: as nginx
    // (proxy_ignore_client_abort off), it is taken as gone. The request upstream is stopped and the
    // connection closed without an answer, at once, not when the endpoint answers (here 30 s).
    @Test
    void clientThatHalfClosesBeforeItsAnswerIsTakenAsGoneAsNginxTakesIt() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send(get("/hold")).shutdownOutput();
            assertEquals("", client.readUntilClosed());
        }
        app.release();
    }

    // Surprise, safe: a body-less GET with "Expect: 100-continue" is answered (no 100 first) but
    // with "Connection: close", and the connection is closed: the server cannot tell whether a body
    // is still coming.
    @Test
    void getWithExpectContinueAndNoBodyIsAnsweredThenClosed() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("GET /expecting HTTP/1.1\r\nHost: " + HOST + "\r\nExpect: 100-continue\r\n\r\n");
            Response response = client.readInterimOrFinal();
            assertEquals(200, response.status(), response.toString());
            assertEquals("/expecting", response.header("X-Echo-Path-Query"));
            assertTrue(response.connectionHas("close"), response.toString());
            client.assertClosedByServer();
        }
        assertEquals(1, app.requests());
    }

    // 13
    @Test
    void unknownHostGets404AndTheConnectionStaysUsable() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response unknown = client.exchange("GET / HTTP/1.1\r\nHost: unknown.test\r\n\r\n");
            assertEquals(404, unknown.status(), unknown.toString());
            assertTrue(unknown.bodyText().startsWith("404 Not Found"), unknown.bodyText());
            assertFalse(unknown.connectionHas("close"), unknown.toString());

            Response known = client.exchange(get("/known"));
            assertEquals(200, known.status(), known.toString());
            assertEquals("/known", known.header("X-Echo-Path-Query"));
        }
        assertEquals(1, app.requests());
    }

    // 14
    @Test
    void requestHeadArrivingInPiecesIsAnsweredNormally() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("GET /paced HTTP/1.1\r\nHost: app");
            pace();
            client.send(".test\r\nX-Paced: yes\r");
            pace();
            Response response = client.exchange("\n\r\n");
            assertEquals(200, response.status(), response.toString());
            assertEquals("/paced", response.header("X-Echo-Path-Query"));
        }
        assertEquals("yes", app.lastRequest().header("X-Paced"));
    }

    /** Deliberate client pacing (not waiting for a result): the proxy sees the head in separate reads. */
    private static void pace() throws InterruptedException {
        Thread.sleep(200);
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(Backends.sha256().digest(bytes));
    }
}
