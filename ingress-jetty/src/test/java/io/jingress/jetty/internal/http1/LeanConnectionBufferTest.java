package io.jingress.jetty.internal.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.WireClient;

import org.eclipse.jetty.io.ArrayByteBufferPool;
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
 * What the lean connection holds while a head is on its way: a small buffer, grown only for a head
 * (or a head and its short body) that does not fit, and none once a request is read. The server's
 * buffer pool tracks every buffer not yet given back. The handler answers with the class of the
 * connection, the length of the X-Long header and of the body.
 */
class LeanConnectionBufferTest {
    private final ArrayByteBufferPool.Tracking pool = new ArrayByteBufferPool.Tracking();
    private Server server;
    private ServerConnector connector;

    @BeforeEach
    void startServer() throws Exception {
        server = new Server();
        HttpConfiguration configuration = new HttpConfiguration();
        configuration.setRequestHeaderSize(16 * 1024);  // as IngressServer sets it
        connector = new ServerConnector(server, null, null, pool, 1, 1,
                new LeanConnectionFactory(new HttpConnectionFactory(configuration)));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(10_000);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Object served = request.getConnectionMetaData().getConnection();
                String connection = served instanceof LeanConnection ? "LeanConnection" : "HttpConnection";
                String header = request.getHeaders().get("X-Long");
                Content.Source.asStringAsync(request, StandardCharsets.ISO_8859_1).whenComplete((body, failure) -> {
                    if (failure != null) {
                        callback.failed(failure);
                    } else {
                        Content.Sink.write(response, true, connection + " " + (header == null ? 0 : header.length())
                                + " " + body.length(), callback);
                    }
                });
                return true;
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
    }

    // buffers taken from the pool and not given back, by capacity
    private List<Integer> heldBuffers() {
        List<Integer> capacities = new ArrayList<>();
        pool.getLeaks().forEach(buffer -> capacities.add(buffer.capacity()));
        return capacities;
    }

    @Test
    void clientsPartWayThroughAHeadHoldTheFirstBufferNotOneOfTheHeadLimit() throws Exception {
        List<WireClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(WireClient.connect(connector.getLocalPort()).send("GET /a HTTP/1.1\r\nHost: a.te"));
            }
            Await.until(() -> heldBuffers().size() == 3, "each connection reads its part of a head");
            for (int capacity : heldBuffers()) {
                assertTrue(capacity <= LeanConnection.FIRST_BUFFER, "a buffer of " + capacity + " bytes for a head of 28");
            }
            for (WireClient client : clients) {
                WireClient.Response response = client.send("st\r\n\r\n").read();
                assertEquals(200, response.status(), response.toString());
                assertEquals("LeanConnection 0 0", response.bodyText());
            }
            Await.until(() -> heldBuffers().isEmpty(), "between requests a connection holds no buffer");
        } finally {
            for (WireClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void aHeadLongerThanTheFirstBufferIsReadWholeInPartsAndServed() throws Exception {
        String value = "v".repeat(12_000);
        String head = "GET /a HTTP/1.1\r\nHost: a.test\r\nX-Long: " + value + "\r\n\r\n";
        try (WireClient client = WireClient.connect(connector.getLocalPort())) {
            client.send(head.substring(0, 3000));
            Await.until(() -> heldBuffers().size() == 1, "the first part is read");
            client.send(head.substring(3000, 9000));
            Await.until(() -> heldBuffers().size() == 1 && heldBuffers().get(0) > LeanConnection.FIRST_BUFFER,
                    "the head moves to a larger buffer once the first is full");
            client.send(head.substring(9000));
            WireClient.Response response = client.read();
            assertEquals(200, response.status(), response.toString());
            assertEquals("LeanConnection " + value.length() + " 0", response.bodyText());

            // the next request starts in a small buffer again
            client.send("GET /a HTTP/1.1\r\nHost: a.te");
            Await.until(() -> heldBuffers().size() == 1, "the next head is read");
            assertTrue(heldBuffers().get(0) <= LeanConnection.FIRST_BUFFER, "held: " + heldBuffers());
            assertEquals("LeanConnection 0 0", client.send("st\r\n\r\n").read().bodyText());
        }
        Await.until(() -> heldBuffers().isEmpty(), "a closed connection holds no buffer");
    }

    @Test
    void pipelinedRequestsAcrossTheFirstBuffersEndAreEachServedInOrder() throws Exception {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            // heads of 60 to 5,000 bytes: some end past the first buffer, some do not fit it at all
            requests.append("GET /a HTTP/1.1\r\nHost: a.test\r\nX-Long: ").append("v".repeat(i * 25)).append("\r\n\r\n");
        }
        try (WireClient client = WireClient.connect(connector.getLocalPort())) {
            client.send(requests.toString());
            for (int i = 0; i < 200; i++) {
                assertEquals("LeanConnection " + i * 25 + " 0", client.read().bodyText(), "request " + i);
            }
        }
        Await.until(() -> heldBuffers().isEmpty(), "a closed connection holds no buffer");
    }

    @Test
    void aHeadAndAShortBodyLongerThanTheFirstBufferAreReadTogether() throws Exception {
        String body = "b".repeat(10_000);
        try (WireClient client = WireClient.connect(connector.getLocalPort())) {
            client.send("POST /a HTTP/1.1\r\nHost: a.test\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                    + "GET /a HTTP/1.1\r\nHost: a.test\r\nX-Long: 123\r\n\r\n");
            assertEquals("LeanConnection 0 " + body.length(), client.read().bodyText());
            assertEquals("LeanConnection 3 0", client.read().bodyText());
        }
    }
}
