package io.jingress.jetty;

import static io.jingress.core.model.HttpRouteMatch.pathPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.jingress.core.model.Gateway;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.BareHttp2;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An HTTPRoute rule's {@code timeouts} through {@link IngressServer} to real loopback backends
 * that are slow on purpose (they hold the request until the test lets them go): a request past its
 * time is answered 504, its upstream connection closed, on both upstream paths; an answer that
 * began is cut short; a request whose time ran out while its body came is not sent at all.
 */
class HttpRouteTimeoutsTest {
    private static final Gateway GATEWAY = TestRoutes.OPEN_GATEWAY;

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static HttpRoute route(String request, String backendRequest) {
        HttpRouteRule timed = new HttpRouteRule(List.of(pathPrefix("/")), List.of(), List.of(HttpBackendRef.service("svc", 80)),
                new HttpRouteRule.Timeouts(request, backendRequest), null, null, List.of());
        return new HttpRoute("default", "r", Instant.EPOCH, List.of(HttpRoute.ParentRef.of("infra", "web")),
                List.of("app.gw.test"), List.of(timed));
    }

    private IngressServer proxy(int backendPort, String request, String backendRequest) {
        return proxies.start(IngressServer.builder(TestRoutes.create().service("default", "svc", backendPort).gateway(GATEWAY)
                .httpRoute(route(request, backendRequest)).router()));
    }

    private ContentResponse send(IngressServer proxy, String method, String path, byte[] body) throws Exception {
        org.eclipse.jetty.client.Request request = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).method(method)
                .path(path).headers(h -> h.put("Host", "app.gw.test")).timeout(20, TimeUnit.SECONDS);
        if (body != null) {
            request.body(new BytesRequestContent(body));
        }
        return request.send();
    }

    /** Holds every request but {@code GET /fast} (answered at once) until the proxy closes the connection. */
    private static ScriptedBackend.Answer holdAllButFast(int connection, int request, String head) {
        return head.startsWith("GET /fast ") ? ScriptedBackend.Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                : ScriptedBackend.Answer.thenHoldUntilPeerCloses("");
    }

    @Test
    void aRequestPastItsRequestTimeoutIsAnswered504AndItsEndpointConnectionClosed() throws Exception {
        try (ScriptedBackend svc = ScriptedBackend.start(HttpRouteTimeoutsTest::holdAllButFast)) {
            IngressServer proxy = proxy(svc.port(), "1s", null);

            ContentResponse response = send(proxy, "GET", "/slow", null);

            assertEquals(504, response.getStatus());
            assertTrue(svc.awaitPeerClosedWhileHeld(5, TimeUnit.SECONDS), "the upstream connection was closed");
            assertEquals(1, svc.heads().size(), "sent once, not tried again");
            assertEquals(200, send(proxy, "GET", "/fast", null).getStatus());
        }
    }

    @Test
    void aStreamedBodyOnJettysPathIsCutAtTheRequestTimeoutToo() throws Exception {
        try (ScriptedBackend svc = ScriptedBackend.startReadingBodies(HttpRouteTimeoutsTest::holdAllButFast)) {
            IngressServer proxy = proxy(svc.port(), "1s", null);

            // larger than what the own connections read whole first: it streams through Jetty's client
            ContentResponse response = send(proxy, "POST", "/slow", new byte[64 * 1024]);

            assertEquals(504, response.getStatus());
            assertTrue(svc.awaitPeerClosedWhileHeld(5, TimeUnit.SECONDS), "the upstream connection was closed");
            assertEquals(List.of(64 * 1024), svc.bodyLengths());
        }
    }

    @Test
    void aTryPastItsBackendRequestTimeoutIsAnswered504OnBothPaths() throws Exception {
        try (ScriptedBackend svc = ScriptedBackend.startReadingBodies(HttpRouteTimeoutsTest::holdAllButFast)) {
            IngressServer proxy = proxy(svc.port(), null, "1s");

            assertEquals(504, send(proxy, "GET", "/slow", null).getStatus());
            assertTrue(svc.awaitPeerClosedWhileHeld(5, TimeUnit.SECONDS), "the upstream connection was closed");
            assertEquals(504, send(proxy, "POST", "/slow", new byte[64 * 1024]).getStatus());
            assertEquals(200, send(proxy, "GET", "/fast", null).getStatus());
            assertEquals(3, svc.heads().size());
        }
    }

    @Test
    void anAnswerStillComingWhenTheTimeRunsOutIsCutShort() throws Exception {
        try (ScriptedBackend svc = ScriptedBackend.start((connection, request, head) ->
                ScriptedBackend.Answer.thenHoldUntilPeerCloses("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))) {
            IngressServer proxy = proxy(svc.port(), "400ms", null);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
                client.setSoTimeout(10_000);
                client.getOutputStream().write("GET /report HTTP/1.1\r\nHost: app.gw.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = client.getInputStream();
                String head = RawHttp.readHead(in);

                assertEquals(200, RawHttp.status(head));
                // the 3 bytes that came, then the end of the connection, not the 10 announced
                assertEquals("abc", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
            assertTrue(svc.awaitPeerClosedWhileHeld(5, TimeUnit.SECONDS), "the upstream connection was closed");
        }
    }

    @Test
    void anHttp2RequestWhoseTimeRanOutWhileItsBodyCameIsNotSent() throws Exception {
        Backends.Echo svc = backends.start("svc");
        IngressServer proxy = proxy(svc.port(), "300ms", null);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            BareHttp2 h2 = new BareHttp2(socket);  // h2c with prior knowledge
            h2.headers(1, BareHttp2.END_HEADERS, BareHttp2.POST, BareHttp2.HTTP, BareHttp2.ROOT,
                    BareHttp2.literal(":authority", "app.gw.test"), BareHttp2.literal("content-length", "4"));
            h2.frame(BareHttp2.DATA, 0, 1, "ab".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(800);  // the slow client under test: the rest of its body comes after the route's 300 ms
            h2.frame(BareHttp2.DATA, BareHttp2.END_STREAM, 1, "cd".getBytes(StandardCharsets.US_ASCII));

            assertEquals(504, h2.statusOf(1));
        }
        assertEquals(0, svc.requests());
    }

    @Test
    void aRequestAnsweredInTimeIsServedAsUsualOnAKeptConnection() throws Exception {
        Backends.Echo svc = backends.start("svc");
        IngressServer proxy = proxy(svc.port(), "5s", "4s");

        for (int i = 0; i < 3; i++) {
            ContentResponse response = send(proxy, "POST", "/echo", "hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals(200, response.getStatus());
            assertEquals("hello", response.getContentAsString());
        }
        assertEquals(3, svc.requests());
    }
}
