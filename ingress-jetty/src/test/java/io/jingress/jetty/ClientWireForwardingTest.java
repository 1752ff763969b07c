package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.ScriptedBackend.Answer;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;
import io.jingress.jetty.testing.WireClient.Framing;
import io.jingress.jetty.testing.WireClient.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What crosses the proxy between a raw-socket client and the backend, on the plain-HTTP listener:
 * target forms and paths as the backend receives them, hop-by-hop headers held back both ways,
 * forwarded headers, many headers, and how HEAD, 204, 304, chunked and close-delimited responses
 * are framed for the client. Black-box: these hold whichever HTTP/1 connection implementation serves
 * the listener. (The numbers in comments are the cases of the brief these tests were written from.)
 */
class ClientWireForwardingTest extends ClientWireFixture {
    private final List<ScriptedBackend> scripted = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopScriptedBackends() {
        scripted.forEach(ScriptedBackend::close);
    }

    private ScriptedBackend scripted(ScriptedBackend.Script script) {
        ScriptedBackend backend = ScriptedBackend.start(script);
        scripted.add(backend);
        return backend;
    }

    // 8
    @Test
    void absoluteFormTargetIsRoutedByItsHostAndTheBackendGetsThePath() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.exchange("GET http://" + HOST + "/abs/path?q=1 HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            assertEquals(200, response.status(), response.toString());
            assertEquals("/abs/path?q=1", response.header("X-Echo-Path-Query"));
            assertEquals(HOST, app.lastRequest().header("Host"));

            assertEquals("/next", client.exchange(get("/next")).header("X-Echo-Path-Query"));
        }
    }

    // 9
    @Test
    void hopByHopRequestHeadersStayAtTheProxyAndEndToEndOnesArrive() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.exchange("GET /hop HTTP/1.1\r\nHost: " + HOST + "\r\n"
                    + "Connection: X-Secret, keep-alive\r\n"
                    + "X-Secret: 1\r\n"
                    + "Keep-Alive: timeout=5\r\n"
                    + "TE: trailers\r\n"
                    + "Proxy-Authorization: x\r\n"
                    + "X-Custom: a\r\n"
                    + "Accept: text/html\r\n"
                    + "Accept: application/json\r\n"
                    + "\r\n");
            assertEquals(200, response.status(), response.toString());
            Backends.Seen seen = app.lastRequest();
            for (String hop : new String[] {"X-Secret", "Keep-Alive", "TE", "Proxy-Authorization"}) {
                assertNull(seen.header(hop), hop + " reached the backend");
            }
            String connection = seen.header("Connection");
            assertTrue(connection == null || !connection.toLowerCase(Locale.ROOT).contains("x-secret"), connection);
            assertEquals("a", seen.header("X-Custom"));
            assertEquals(List.of("text/html", "application/json"), seen.headers().getValuesList("Accept"));

            assertEquals("/next", client.exchange(get("/next")).header("X-Echo-Path-Query"), "the connection stays open");
        }
        assertEquals(2, app.requests());
    }

    // 9
    @Test
    void backendHopByHopResponseHeadersStayAtTheProxy() throws Exception {
        ScriptedBackend backend = scripted((connection, request, head) -> Answer.keepOpen("HTTP/1.1 200 OK\r\n"
                + "Connection: X-Back\r\n"
                + "X-Back: 1\r\n"
                + "Keep-Alive: timeout=9\r\n"
                + "X-Kept: yes\r\n"
                + "Content-Length: 2\r\n"
                + "\r\n"
                + "ok"));
        IngressServer proxy = proxyTo(backend.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int i = 0; i < 2; i++) {
                Response response = client.exchange(get("/hop/" + i));
                assertEquals(200, response.status(), response.toString());
                assertEquals("ok", response.bodyText());
                assertEquals("yes", response.header("X-Kept"));
                assertNull(response.header("X-Back"), response.toString());
                assertNull(response.header("Keep-Alive"), response.toString());
                assertFalse(response.connectionHas("x-back"), response.toString());
            }
        }
    }

    // 10
    @Test
    void aTargetWithBytesBeyondAsciiGoesUpstreamAsTheSameBytesEscapedAndOneNotUtf8IsRefused() throws Exception {
        ScriptedBackend shop = scripted((connection, request, head) -> Answer.keepOpen(
                "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nshop"));
        ScriptedBackend other = scripted((connection, request, head) -> Answer.keepOpen(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nother"));
        // an Ingress path holds such chars escaped
        TestRoutes routes = TestRoutes.create().route(HOST, "/", "other", other.port())
                .route(HOST, "/caf%C3%A9", "shop", shop.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            // "caf\u00e9" and "\u65e5" in UTF-8, unescaped, and chars a URI may not hold raw, as some
            // clients send them (nginx takes them): Jetty refused the path ("Illegal Path
            // Character"), and the query went upstream as "caf\xE9" and "?"
            Response response = client.exchange("GET /caf\u00c3\u00a9/<1>{2}?q=caf\u00c3\u00a9&j=\u00e6\u0097\u00a5&f={\"a\"} HTTP/1.1\r\n"
                    + "Host: " + HOST + "\r\n\r\n");
            assertEquals("shop", response.bodyText(), response.toString());
        }
        String head = shop.heads().get(0);
        assertTrue(head.startsWith("GET /caf%C3%A9/%3C1%3E%7B2%7D?q=caf%C3%A9&j=%E6%97%A5&f={\"a\"} HTTP/1.1\r\n"), head);

        for (String target : new String[] {"/caf\u00e9", "/?q=caf\u00e9"}) {
            try (WireClient client = WireClient.connect(proxy.httpPort())) {
                // ISO-8859-1's "\u00e9": not UTF-8, so Jetty's decoding has already lost the byte
                Response response = client.exchange(get(target));
                assertEquals(400, response.status(), response.toString());
                assertTrue(response.bodyText().startsWith("400 Bad Request: the "), response.bodyText());
            }
        }
        assertEquals(1, shop.heads().size());
        assertEquals(0, other.heads().size());
    }

    @Test
    void encodedUnreservedCharactersAreDecodedAndTheQueryIsKeptAsSent() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.exchange(get("/a%2Db/c?x=1&y=%20"));
            assertEquals(200, response.status(), response.toString());
        }
        assertEquals("/a-b/c?x=1&y=%20", app.lastRequest().pathQuery());
    }

    // 11
    @Test
    void headIsAnsweredWithTheHeadersOfGetAndNoBodyAndTheConnectionGoesOn() throws Exception {
        ScriptedBackend backend = scripted((connection, request, head) -> Answer.keepOpen(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n"
                        + (head.startsWith("HEAD ") ? "" : "hello world")));
        IngressServer proxy = proxyTo(backend.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response get = client.exchange(get("/doc"));
            assertEquals(200, get.status(), get.toString());
            assertEquals("11", get.header("Content-Length"));
            assertEquals("hello world", get.bodyText());

            Response head = client.send("HEAD /doc HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").readHeadResponse();
            assertEquals(200, head.status(), head.toString());
            assertEquals("11", head.header("Content-Length"));
            assertEquals("text/plain", head.header("Content-Type"));

            // a body sent after the HEAD response would be read here as the next status line
            Response again = client.exchange(get("/doc"));
            assertEquals(200, again.status(), again.toString());
            assertEquals("hello world", again.bodyText());
        }
        assertTrue(backend.heads().get(1).startsWith("HEAD /doc HTTP/1.1\r\n"), backend.heads().get(1));
    }

    // 12
    @Test
    void bodylessChunkedAndCloseDelimitedResponsesAreFramedForTheClient() throws Exception {
        ScriptedBackend backend = scripted((connection, request, head) -> {
            String target = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            return switch (target) {
                case "/no-content" -> Answer.keepOpen("HTTP/1.1 204 No Content\r\nX-Kind: 204\r\n\r\n");
                case "/not-modified" -> Answer.keepOpen("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n");
                case "/chunked" -> Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
                case "/until-close" -> Answer.thenClose("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbody until close");
                default -> Answer.thenClose("HTTP/1.1 500 Unexpected\r\nContent-Length: 0\r\n\r\n");
            };
        });
        IngressServer proxy = proxyTo(backend.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response noContent = client.exchange(get("/no-content"));
            assertEquals(204, noContent.status(), noContent.toString());
            assertEquals("204", noContent.header("X-Kind"));

            Response notModified = client.exchange(get("/not-modified"));
            assertEquals(304, notModified.status(), notModified.toString());
            assertEquals("\"v1\"", notModified.header("ETag"));

            Response chunked = client.exchange(get("/chunked"));
            assertEquals(200, chunked.status(), chunked.toString());
            assertEquals("hello world", chunked.bodyText());

            Response untilClose = client.exchange(get("/until-close"));
            assertEquals(200, untilClose.status(), untilClose.toString());
            assertEquals("body until close", untilClose.bodyText());
            // Today the proxy re-frames it for an HTTP/1.1 client (chunked) and keeps the client connection.
            assertEquals(Framing.CHUNKED, untilClose.framing(), untilClose.toString());
            Response after = client.exchange(get("/chunked"));
            assertEquals("hello world", after.bodyText());
        }
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals("hello world", client.exchange(get("/chunked")).bodyText());
        }
    }

    // 15
    @Test
    void sixtyHeadersAreAllForwarded() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());
        StringBuilder request = new StringBuilder("GET /many HTTP/1.1\r\nHost: " + HOST + "\r\n");
        for (int i = 0; i < 60; i++) {
            request.append(String.format("X-Many-%02d: %s\r\n", i, value(i)));
        }
        request.append("\r\n");

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.exchange(request.toString());
            assertEquals(200, response.status(), response.toString());
        }
        Backends.Seen seen = app.lastRequest();
        for (int i = 0; i < 60; i++) {
            assertEquals(value(i), seen.header(String.format("X-Many-%02d", i)));
        }
    }

    // Optional whitespace around a header value is not part of it; an empty value is still a header.
    @Test
    void whitespaceAroundHeaderValuesIsTrimmedAndEmptyValuesArrive() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.exchange("GET /ows HTTP/1.1\r\nHost:\t" + HOST + " \r\n"
                    + "X-Spaced:   inner  space \t\r\nX-Empty:\r\nX-Blank:   \r\n\r\n");
            assertEquals(200, response.status(), response.toString());
        }
        Backends.Seen seen = app.lastRequest();
        assertEquals(HOST, seen.header("Host"));
        assertEquals("inner  space", seen.header("X-Spaced"));
        assertEquals("", seen.header("X-Empty"));
        assertEquals("", seen.header("X-Blank"));
    }

    @Test
    void aProxyHeaderIsNotForwardedSoNoBackendTakesItForItsOwnProxy() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            // httpoxy: a CGI-style backend would read "Proxy" as its HTTP_PROXY setting
            Response response = client.exchange("GET /p HTTP/1.1\r\nHost: " + HOST + "\r\nProxy: http://attacker.test:8080\r\n"
                    + "X-Proxy-Kept: yes\r\n\r\n");
            assertEquals(200, response.status(), response.toString());
            assertNull(app.lastRequest().header("Proxy"));
            assertEquals("yes", app.lastRequest().header("X-Proxy-Kept"));
        }
    }

    // 16
    @Test
    void forwardedHeadersAreAppendedAndSetFromTheClientConnection() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response response = client.exchange("GET /fwd HTTP/1.1\r\nHost: " + HOST + "\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n");
            assertEquals(200, response.status(), response.toString());
            Backends.Seen seen = app.lastRequest();
            assertEquals("1.2.3.4, 127.0.0.1", seen.header("X-Forwarded-For"));
            assertEquals("127.0.0.1", seen.header("X-Real-IP"));
            assertEquals("http", seen.header("X-Forwarded-Proto"));
            assertEquals(HOST, seen.header("X-Forwarded-Host"));
            assertEquals(Integer.toString(proxy.httpPort()), seen.header("X-Forwarded-Port"));
            assertTrue(seen.header("X-Request-ID").matches("[0-9a-f]{32}"), seen.header("X-Request-ID"));

            client.exchange("GET /fwd HTTP/1.1\r\nHost: " + HOST + "\r\nX-Request-ID: client-trace-7\r\n\r\n");
            assertEquals(List.of("client-trace-7"), app.lastRequest().headers().getValuesList("X-Request-ID"));

            client.exchange("GET /fwd HTTP/1.1\r\nHost: " + HOST + "\r\nX-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: 5.6.7.8\r\n\r\n");
            assertEquals(List.of("1.2.3.4, 5.6.7.8, 127.0.0.1"), app.lastRequest().headers().getValuesList("X-Forwarded-For"));
        }
    }

    @Test
    void eachConnectionForwardsItsOwnClientAddress() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());
        InetAddress second = InetAddress.getByName("127.0.0.2");

        try (WireClient one = WireClient.connect(proxy.httpPort());
                WireClient two = WireClient.connectFrom(second, proxy.httpPort())) {
            for (int round = 0; round < 2; round++) {  // the second round on the same connections
                one.exchange("GET /fwd HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
                assertEquals("127.0.0.1", app.lastRequest().header("X-Real-IP"));
                assertEquals("127.0.0.1", app.lastRequest().header("X-Forwarded-For"));
                two.exchange("GET /fwd HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
                assertEquals("127.0.0.2", app.lastRequest().header("X-Real-IP"));
                assertEquals("127.0.0.2", app.lastRequest().header("X-Forwarded-For"));
            }
        }
    }

    private static String value(int i) {
        return "v" + i + "-" + "y".repeat(40);
    }
}
