package io.jingress.jetty.internal.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.WireClient;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lean HTTP/1 connection in a real Jetty server with a real socket client: which requests it
 * serves itself and which it hands to Jetty's connection, and how it frames what a handler writes.
 * The handler answers with the class of the connection that served the request.
 */
class LeanConnectionTest {
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicReference<Throwable> writeFailure = new AtomicReference<>();
    private final AtomicReference<Runnable> endLatch = new AtomicReference<>();
    private Server server;
    private ServerConnector connector;

    @BeforeEach
    void startServer() throws Exception {
        server = new Server();
        connector = new ServerConnector(server, 1, 1, new LeanConnectionFactory(new HttpConnectionFactory()));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(10_000);
        connector.addBean(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                opened.incrementAndGet();
            }

            @Override
            public void onClosed(Connection connection) {
                closed.incrementAndGet();
            }
        });
        server.addConnector(connector);
        server.setHandler(new TestHandler());
        server.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
    }

    private int port() {
        return connector.getLocalPort();
    }

    @Test
    void plainGetsAreServedByTheLeanConnectionOneAfterAnother() throws Exception {
        try (WireClient client = WireClient.connect(port())) {
            for (int i = 0; i < 3; i++) {
                client.send("GET /echo?n=" + i + " HTTP/1.1\r\nHost: a.test\r\nX-Test: " + i + "\r\n\r\n");
                WireClient.Response response = client.read();
                assertEquals(200, response.status());
                assertEquals("LeanConnection /echo n=" + i + " a.test " + i, response.bodyText());
                assertEquals(WireClient.Framing.LENGTH, response.framing());
            }
        }
    }

    @Test
    void aShortBodyIsReadWithItsHeadAndServedByTheLeanConnection() throws Exception {
        String body = "y".repeat(4000);
        try (WireClient client = WireClient.connect(port())) {
            client.send("POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhello"
                    + "PUT /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                    + "GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertEquals("LeanConnection 5", client.read().bodyText());
            assertEquals("LeanConnection " + body.length(), client.read().bodyText());
            assertEquals("LeanConnection /echo null a.test null", client.read().bodyText());

            // a body that arrives after its head is waited for; the head is not taken for a body-less one
            client.send("PATCH /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 10\r\n\r\n01234");
            client.send("56789GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertEquals("LeanConnection 10", client.read().bodyText());
            assertEquals("LeanConnection /echo null a.test null", client.read().bodyText());

            // a client that waits for 100 Continue gets it, then the final answer; the handler sees no
            // Expect; one that sends its body at once gets no 100
            client.send("POST /upload-expect HTTP/1.1\r\nHost: a.test\r\nExpect: 100-continue\r\nContent-Length: 6\r\n\r\n");
            WireClient.Response interim = client.readInterimOrFinal();
            assertEquals(100, interim.status(), interim.toString());
            client.send("waited");
            assertEquals("LeanConnection 6 expect=null", client.read().bodyText());
            client.send("POST /upload-expect HTTP/1.1\r\nHost: a.test\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nsent");
            WireClient.Response direct = client.readInterimOrFinal();
            assertEquals(200, direct.status(), direct.toString());
            assertEquals("LeanConnection 4 expect=null", direct.bodyText());

            // one the parser would take but the connection's buffer cannot hold with its head streams through Jetty
            String longer = "z".repeat(RequestHeadParser.MAX_BODY);
            client.send("POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: " + longer.length() + "\r\n\r\n" + longer);
            assertEquals("HttpConnection " + longer.length(), client.read().bodyText());
        }
        assertEquals(1, opened.get());
    }

    @Test
    void aRequestWithABodyHandsTheConnectionToJettyWithTheBytesAlreadyRead() throws Exception {
        String body = "x".repeat(20_000);
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n"
                    + "POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                    + "GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertEquals("LeanConnection /echo null a.test null", client.read().bodyText());
            assertEquals("HttpConnection " + body.length(), client.read().bodyText());
            assertEquals("HttpConnection /echo null a.test null", client.read().bodyText());
        }
        Await.until(() -> closed.get() == 1, "the connection is closed");
        assertEquals(1, opened.get(), "the connection listeners heard one open, not one per connection class");
    }

    @Test
    void aHandlerThatWritesOnceGetsAContentLength() throws Exception {
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n");
            WireClient.Response response = client.read();
            assertEquals(Integer.toString(response.body().length), response.header("Content-Length"));
            assertEquals(null, response.header("Connection"));
            assertTrue(response.header("Date") != null, "a Date header, as Jetty sends");
            assertEquals(HttpConfiguration.SERVER_VERSION, response.header("Server"), "the Server header this configuration asks for");
        }
    }

    @Test
    void aStreamOfUnknownLengthIsChunkedForHttp11AndCloseDelimitedForHttp10() throws Exception {
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /two HTTP/1.1\r\nHost: a.test\r\n\r\n");
            WireClient.Response response = client.read();
            assertEquals(WireClient.Framing.CHUNKED, response.framing());
            assertEquals("abcd", response.bodyText());
            client.send("GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertEquals(200, client.read().status(), "the connection goes on after a chunked response");
        }
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /two HTTP/1.0\r\nHost: a.test\r\nConnection: keep-alive\r\n\r\n");
            WireClient.Response response = client.read();
            assertEquals(WireClient.Framing.CLOSE, response.framing());
            assertEquals("abcd", response.bodyText());
        }
    }

    @Test
    void headAnd204AnswersCarryNoBodyAndTheConnectionGoesOn() throws Exception {
        try (WireClient client = WireClient.connect(port())) {
            client.send("HEAD /echo HTTP/1.1\r\nHost: a.test\r\n\r\n");
            WireClient.Response head = client.readHeadResponse();
            assertEquals(200, head.status());
            assertEquals(0, head.body().length);
            assertEquals(Integer.toString("LeanConnection /echo null a.test null".length()), head.header("Content-Length"),
                    "the length a GET would have had, as Jetty sends it");
            client.send("GET /204 HTTP/1.1\r\nHost: a.test\r\n\r\n");
            WireClient.Response noContent = client.read();
            assertEquals(204, noContent.status());
            assertNull(noContent.header("Content-Length"));
            client.send("GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertEquals("LeanConnection /echo null a.test null", client.read().bodyText());
        }
    }

    @Test
    void contentBeyondTheAnnouncedLengthIsNotSentAndTheConnectionCloses() throws Exception {
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /cl5 HTTP/1.1\r\nHost: a.test\r\n\r\n");
            WireClient.Response response = client.read();
            assertEquals("01234", response.bodyText());
            client.assertClosedByServer();
        }
        Await.until(() -> writeFailure.get() != null, "the handler's write failed");
    }

    @Test
    void aHandlerThatThrowsBeforeAnsweringGives500AndTheConnectionCloses() throws Exception {
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /fail HTTP/1.1\r\nHost: a.test\r\n\r\n");
            WireClient.Response response = client.read();
            assertEquals(500, response.status());
            assertTrue(response.connectionHas("close"));
            client.assertClosedByServer();
        }
    }

    @Test
    void connectionCloseIsHonouredAfterTheResponse() throws Exception {
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /echo HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\nGET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n");
            WireClient.Response response = client.read();
            assertEquals(200, response.status());
            assertTrue(response.connectionHas("close"));
            client.assertClosedByServer();
        }
    }

    @Test
    void anIdleClientConnectionIsClosedAtTheIdleTimeout() throws Exception {
        connector.setIdleTimeout(300);
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertEquals(200, client.read().status());
            client.assertClosedByServer();
        }
    }

    @Test
    void aChangedHeaderLineReachesTheHandlerWithItsNewValue() throws Exception {
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /echo HTTP/1.1\r\nHost: a.test\r\nX-Test: one\r\n\r\n");
            assertEquals("LeanConnection /echo null a.test one", client.read().bodyText());
            client.send("GET /echo HTTP/1.1\r\nHost: b.test\r\nX-Test: two\r\n\r\n");
            assertEquals("LeanConnection /echo null b.test two", client.read().bodyText());
        }
    }

    @Test
    void aHeadPastTheLimitGets431AndARequestLinePastItGets414() throws Exception {
        int limit = connector.getConnectionFactory(LeanConnectionFactory.class).getHttpConfiguration().getRequestHeaderSize();
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /echo HTTP/1.1\r\nHost: a.test\r\nX-Big: " + "b".repeat(limit) + "\r\n\r\n");
            assertEquals(431, client.read().status());
            client.assertClosedByServer();
        }
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /" + "p".repeat(limit) + " HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertEquals(414, client.read().status());
            client.assertClosedByServer();
        }
    }

    @Test
    void theConnectorShuttingDownClosesConnectionsAfterTheirNextResponse() throws Exception {
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertFalse(client.read().connectionHas("close"));
            // the exchange ended on the server's side too: one that ends after the shutdown closes
            // its connection at once (the next test)
            Await.until(this::waitsForARequest, "the connection waits for a next request");
            connector.shutdown();
            client.send("GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n");
            WireClient.Response response = client.read();
            assertEquals(200, response.status());
            assertTrue(response.connectionHas("close"));
            client.assertClosedByServer();
        }
    }

    // a client keeping its connection, as an idle pool does, would otherwise hold a graceful stop
    // until its deadline: the connection was busy when the idle ones were closed
    @Test
    void aKeepAliveResponseThatEndsAfterTheConnectorShutDownClosesItsConnection() throws Exception {
        try (WireClient client = WireClient.connect(port())) {
            client.send("GET /part-then-end HTTP/1.1\r\nHost: a.test\r\n\r\n");
            Await.until(() -> endLatch.get() != null, "the response's head and first part are written");
            // as IngressServer's: requests in flight keep their time until the stop deadline
            connector.setShutdownIdleTimeout(60_000);
            connector.shutdown();
            endLatch.get().run();
            WireClient.Response response = client.read();
            assertEquals("abcd", response.bodyText());
            assertFalse(response.connectionHas("close"), "the head went out before the shutdown");
            client.assertClosedByServer();
        }
    }

    private boolean waitsForARequest() {
        return connector.getConnectedEndPoints().stream()
                .allMatch(endPoint -> endPoint.getConnection() instanceof LeanConnection lean && lean.waitsForARequest());
    }

    /** Answers with the serving connection's class and what the request carried. */
    private final class TestHandler extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            // Jetty's HTTP/1 connection (the lean connection hands over to a subclass of it), or the lean one
            Object served = request.getConnectionMetaData().getConnection();
            String connection = served instanceof org.eclipse.jetty.server.internal.HttpConnection
                    ? "HttpConnection" : served.getClass().getSimpleName();
            String path = request.getHttpURI().getPath();
            switch (path) {
                case "/echo" -> {
                    String text = connection + " " + path + " " + request.getHttpURI().getQuery() + " "
                            + request.getHttpURI().getHost() + " " + request.getHeaders().get("X-Test");
                    Content.Sink.write(response, true, text, callback);
                }
                case "/upload", "/upload-expect" -> Content.Source.asStringAsync(request, StandardCharsets.UTF_8).whenComplete((text, failure) -> {
                    if (failure != null) {
                        callback.failed(failure);
                    } else {
                        String expect = path.equals("/upload-expect") ? " expect=" + request.getHeaders().get("Expect") : "";
                        Content.Sink.write(response, true, connection + " " + text.length() + expect, callback);
                    }
                });
                case "/two" -> response.write(false, ByteBuffer.wrap("ab".getBytes(StandardCharsets.US_ASCII)),
                        Callback.from(() -> response.write(true, ByteBuffer.wrap("cd".getBytes(StandardCharsets.US_ASCII)), callback),
                                callback::failed));
                case "/cl5" -> {
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 5);
                    response.write(true, ByteBuffer.wrap("0123456789".getBytes(StandardCharsets.US_ASCII)), Callback.from(
                            callback::succeeded, failure -> {
                                writeFailure.set(failure);
                                callback.failed(failure);
                            }));
                }
                case "/part-then-end" -> response.write(false, ByteBuffer.wrap("ab".getBytes(StandardCharsets.US_ASCII)),
                        Callback.from(() -> endLatch.set(() -> response.write(true,
                                ByteBuffer.wrap("cd".getBytes(StandardCharsets.US_ASCII)), callback)), callback::failed));
                case "/204" -> {
                    response.setStatus(204);
                    response.write(true, null, callback);
                }
                case "/fail" -> throw new IllegalStateException("handler failure for the test");
                default -> {
                    return false;
                }
            }
            return true;
        }
    }
}
