package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.ScriptedBackend.Answer;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;
import io.jingress.jetty.testing.WireClient.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where the HTTP/1 wire must follow RFC 9110 and RFC 9112 as nginx does: expectations met by the
 * proxy, faulty HTTP/1.0 framing, HEAD answers of unknown length, request headers the proxy must
 * not invent, absolute-form targets naming another authority than Host, and the head of refusals.
 * Each holds on the lean connection and on Jetty's, which serves what the lean one hands over.
 */
class ClientWireConformanceTest extends ClientWireFixture {
    /** More than UpstreamForwarder reads whole: the body streams through Jetty's ProxyHandler. */
    private static final int STREAMED = 20_000;

    private final List<ScriptedBackend> scripted = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopScriptedBackends() {
        scripted.forEach(ScriptedBackend::close);
    }

    private ScriptedBackend track(ScriptedBackend backend) {
        scripted.add(backend);
        return backend;
    }

    @Test
    void expectContinueOnAStreamedBodyIsMetByTheProxyAndNotPassedToABackendThatNeverSends100() throws Exception {
        // an HTTP/1.0 server (Python's BaseHTTPRequestHandler): reads the body, never says 100
        ScriptedBackend backend = track(ScriptedBackend.startReadingBodies((connection, request, head) ->
                Answer.thenClose("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")));
        IngressServer proxy = proxyTo(backend.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("POST /upload HTTP/1.1\r\nHost: " + HOST + "\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + STREAMED + "\r\n\r\n");
            Response interim = client.readInterimOrFinal();
            assertEquals(100, interim.status(), interim.toString());

            client.send("x".repeat(STREAMED));
            Response response = client.read();
            assertEquals(200, response.status(), response.toString());
            assertEquals("ok", response.bodyText());
        }
        String upstreamHead = backend.heads().get(0);
        assertNull(RawHttp.header(upstreamHead, "Expect"), upstreamHead);
        assertEquals(List.of(STREAMED), backend.bodyLengths());
    }

    @Test
    void transferEncodingInAnHttp10RequestIsAnswered400AndTheConnectionCloses() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());
        String faulty = "POST /a HTTP/1.0\r\nHost: " + HOST + "\r\nConnection: keep-alive\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.send(faulty + get("/pipelined")).read();
            assertEquals(400, response.status(), response.toString());
            client.assertClosedByServer();
        }
        // the same on a connection the lean one handed to Jetty's (a percent escape in the path)
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(200, client.exchange(get("/handed%2Dover")).status());
            Response response = client.send(faulty + get("/pipelined")).read();
            assertEquals(400, response.status(), response.toString());
            client.assertClosedByServer();
        }
        assertEquals(1, app.requests(), "only the request before the faulty one reached the backend");
    }

    @Test
    void headAnswerOfUnknownLengthGetsNoContentLengthAndTheConnectionGoesOn() throws Exception {
        ScriptedBackend backend = track(ScriptedBackend.start((connection, request, head) -> {
            boolean isHead = head.startsWith("HEAD ");
            if (head.contains("/closed ")) {
                return Answer.thenClose("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
                        + (isHead ? "" : "hello"));
            }
            return Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + (isHead ? "" : "5\r\nhello\r\n0\r\n\r\n"));
        }));
        IngressServer proxy = proxyTo(backend.port());

        // origin-form (the lean connection) and absolute-form (Jetty's) targets
        for (String prefix : new String[] {"", "http://" + HOST}) {
            for (String path : new String[] {"/chunked", "/closed"}) {
                try (WireClient client = WireClient.connect(proxy.httpPort())) {
                    Response head = client.send("HEAD " + prefix + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                            .readHeadResponse();
                    assertEquals(200, head.status(), head.toString());
                    assertNull(head.header("Content-Length"), prefix + path + ": " + head);
                    // what a GET would be sent (RFC 9110 section 9.3.2): Jetty's connection says chunked
                    String transferEncoding = head.header("Transfer-Encoding");
                    assertTrue(transferEncoding == null || transferEncoding.equals("chunked"), prefix + path + ": " + head);
                    assertEquals("text/plain", head.header("Content-Type"), head.toString());

                    // a body sent after the HEAD response would be read here as the next status line
                    Response next = client.exchange(get("/chunked"));
                    assertEquals(200, next.status(), next.toString());
                    assertEquals("hello", next.bodyText());
                }
                try (WireClient client = WireClient.connect(proxy.httpPort())) {
                    Response head = client.send("HEAD " + prefix + path + " HTTP/1.0\r\nHost: " + HOST
                            + "\r\nConnection: keep-alive\r\n\r\n").readHeadResponse();
                    assertEquals(200, head.status(), head.toString());
                    assertNull(head.header("Content-Length"), "HTTP/1.0 " + prefix + path + ": " + head);
                    assertNull(head.header("Transfer-Encoding"), "HTTP/1.0 " + prefix + path + ": " + head);
                    if (prefix.isEmpty() || head.connectionHas("keep-alive")) {
                        assertTrue(head.connectionHas("keep-alive"), "HTTP/1.0 " + prefix + path + ": " + head);
                        assertEquals("hello", client.exchange(get("/chunked")).bodyText());
                    } else {
                        // Jetty's connection ends an HTTP/1.0 answer of unknown length with the
                        // connection, even a HEAD's: no byte may come before the close
                        client.assertClosedByServer();
                    }
                }
            }
        }
    }

    @Test
    void bodiesWithoutContentTypeReachTheBackendWithoutOne() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response small = client.exchange("POST /small HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals(200, small.status(), small.toString());
            assertNull(app.lastRequest().header("Content-Type"), "small body");

            Response large = client.exchange("POST /large HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: " + STREAMED
                    + "\r\n\r\n" + "x".repeat(STREAMED));
            assertEquals(200, large.status(), large.toString());
            assertEquals(Integer.toString(STREAMED), large.header("X-Echo-Body-Length"));
            assertNull(app.lastRequest().header("Content-Type"), "streamed body");

            Response chunked = client.exchange("POST /chunked HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n");
            assertEquals(200, chunked.status(), chunked.toString());
            assertNull(app.lastRequest().header("Content-Type"), "chunked body");

            Response typed = client.exchange("POST /typed HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Type: text/csv\r\nContent-Length: " + STREAMED
                    + "\r\n\r\n" + "x".repeat(STREAMED));
            assertEquals(200, typed.status(), typed.toString());
            assertEquals("text/csv", app.lastRequest().header("Content-Type"), "a client's own type goes on");
        }
    }

    @Test
    void absoluteFormTargetNamingAnotherAuthorityThanHostIsRoutedAndForwardedByTheTarget() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo other = backends.start("other");
        TestRoutes routes = TestRoutes.create()
                .route(HOST, "/", "app", app.port())
                .route("other.test", "/", "other", other.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.exchange("GET http://" + HOST + "/a HTTP/1.1\r\nHost: other.test\r\n\r\n");
            assertEquals(200, response.status(), response.toString());
            assertEquals("app", response.header("X-Backend"));
            assertEquals(HOST, app.lastRequest().header("Host"));
            assertEquals(HOST, app.lastRequest().header("X-Forwarded-Host"));

            response = client.exchange("GET http://" + HOST + ":8080/b HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            assertEquals(200, response.status(), response.toString());
            assertEquals("app", response.header("X-Backend"));
            assertEquals("/b", app.lastRequest().pathQuery());
            assertEquals(HOST, app.lastRequest().header("Host"), "the host routed by, and the client's Host");
        }
        assertEquals(0, other.requests(), "the Host header chose nothing");
    }

    @Test
    void leanRefusalsOfLongHeadsCarryADate() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.send("GET /big HTTP/1.1\r\nHost: " + HOST + "\r\n"
                    + "X-Big: " + "b".repeat(20 * 1024) + "\r\n\r\n").read();
            assertEquals(431, response.status(), response.toString());
            assertNotNull(response.header("Date"), response.toString());
        }
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.send(get("/" + "u".repeat(20 * 1024))).read();
            assertEquals(414, response.status(), response.toString());
            assertNotNull(response.header("Date"), response.toString());
        }
    }
}
