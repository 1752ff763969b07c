package io.jingress.jetty;

import static io.jingress.jetty.testing.BareHttp2.AUTHORITY;
import static io.jingress.jetty.testing.BareHttp2.DATA;
import static io.jingress.jetty.testing.BareHttp2.END_HEADERS;
import static io.jingress.jetty.testing.BareHttp2.END_STREAM;
import static io.jingress.jetty.testing.BareHttp2.GET;
import static io.jingress.jetty.testing.BareHttp2.HTTPS;
import static io.jingress.jetty.testing.BareHttp2.POST;
import static io.jingress.jetty.testing.BareHttp2.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.internal.http2.Http2ConnectionFactory;
import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.BareHttp2;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.server.HttpConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP/2 request headers past {@code maxRequestHeaderBytes}: 431 on their stream, as over HTTP/1, not the whole connection failed. */
class Http2HeaderSizeTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    @Test
    void anOversizedRequestGets431OnItsStreamWhileTheRequestInFlightAndLaterOnesAreServed() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("h2"))) {
            BareHttp2 h2 = new BareHttp2(socket);
            // a POST whose body has not come yet: in flight while the oversized request arrives
            h2.headers(1, END_HEADERS, POST, HTTPS, ROOT, AUTHORITY);
            // one 17,000-byte header (a big cookie, say): past the 16 KiB limit, in a HEADERS frame and a CONTINUATION
            h2.longHeaders(3, END_STREAM, GET, HTTPS, ROOT, AUTHORITY, BareHttp2.literal("x-big", "b".repeat(17_000)));
            assertEquals(431, h2.statusOf(3));

            h2.frame(DATA, END_STREAM, 1, "hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals(200, h2.statusOf(1), "the request in flight is served");
            h2.headers(5, END_HEADERS | END_STREAM, GET, HTTPS, ROOT, AUTHORITY);
            assertEquals(200, h2.statusOf(5), "the connection goes on");
        }
        assertEquals(2, app.requests(), "the oversized request does not reach the endpoint");
    }

    @Test
    void anOversizedRequestIsLoggedAsItWasDecodedNotAsJettysStandIn() throws Exception {
        Backends.Echo app = backends.start("app");
        StringBuffer log = new StringBuffer();
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0).accessLog(log));
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("h2"))) {
            BareHttp2 h2 = new BareHttp2(socket);
            h2.longHeaders(1, END_STREAM, GET, HTTPS, BareHttp2.literal(":path", "/big?x=1"), AUTHORITY,
                    BareHttp2.literal("user-agent", "h2-client/1.0"), BareHttp2.literal("x-big", "b".repeat(17_000)));
            assertEquals(431, h2.statusOf(1));
        }

        Await.until(() -> log.indexOf(" 431 ") >= 0, "the refused request is logged");
        String line = log.toString().lines().filter(l -> l.contains(" 431 ")).findFirst().orElseThrow();
        // Jetty's own line would say "GET /badRequest HTTP/2.0" and "-"
        assertTrue(line.contains("] \"GET /big?x=1 HTTP/2.0\" 431 "), line);
        assertTrue(line.contains(" \"-\" \"h2-client/1.0\" "), line);
        assertEquals(0, app.requests());
    }

    @Test
    void anOversizedPostGets431AndTheBodyItSendsAfterDoesNotUpsetTheConnection() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("h2"))) {
            BareHttp2 h2 = new BareHttp2(socket);
            h2.longHeaders(1, 0, POST, HTTPS, ROOT, AUTHORITY, BareHttp2.literal("cookie", "c".repeat(20_000)));
            h2.frame(DATA, 0, 1, "hel".getBytes(StandardCharsets.US_ASCII));
            assertEquals(431, h2.statusOf(1));
            // the rest of the body, after the answer (the stream may be reset by then: DATA on it is ignored)
            h2.frame(DATA, END_STREAM, 1, "lo".getBytes(StandardCharsets.US_ASCII));
            h2.headers(3, END_HEADERS | END_STREAM, GET, HTTPS, ROOT, AUTHORITY);
            assertEquals(200, h2.statusOf(3), "the connection goes on");
        }
        assertEquals(1, app.requests());
    }

    @Test
    void aHeaderBlockPastFourTimesTheLimitStillEndsTheConnection() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("h2"))) {
            BareHttp2 h2 = new BareHttp2(socket);
            // Jetty buffers a header block whole before decoding it; past 64 KiB (4 x 16 KiB) it refuses the connection
            h2.longHeaders(1, END_STREAM, GET, HTTPS, ROOT, AUTHORITY, BareHttp2.literal("x-big", "b".repeat(70_000)));
            assertEquals(-1, h2.statusOf(1));
        }
        assertEquals(0, app.requests());
    }

    @Test
    void theConfigurationHttp2ConnectionsGetHasTheDecodeLimitAndNoAltSvcCustomizer() {
        HttpConfiguration shared = new HttpConfiguration();
        shared.setRequestHeaderSize(16 * 1024);
        Http2ConnectionFactory http2 = new Http2ConnectionFactory(shared);
        assertEquals(64 * 1024, http2.getHttpConfiguration().getRequestHeaderSize());
        assertEquals(16 * 1024, shared.getRequestHeaderSize(), "HTTP/1.1's limit is left as it is");
        assertTrue(http2.getHttpConfiguration().getCustomizers().isEmpty(), http2.getHttpConfiguration().getCustomizers().toString());
        assertTrue(shared.getCustomizers().isEmpty());
    }
}
