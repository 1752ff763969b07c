package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.ScriptedBackend.Answer;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A body whose length the client does not say (HTTP/1.1 chunked, HTTP/2 DATA without
 * content-length) reaches the endpoint framed, whatever the method and whether or not it has a
 * Content-Type: Jetty's client writes such a body unframed after a head that announces none on a
 * method it does not assume a body for (anything but POST and PUT) unless it is told the body is
 * chunked, and the endpoint then reads the body as the next request on the pooled connection.
 */
class StreamedBodyFramingTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n";

    @Test
    void aChunkedGetBodyGoesUpstreamAsTheBodyNeverAsAnotherRequest() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(
                TestRoutes.create().route("app.test", "/", "app", app.port()).router()));

        String response = RawHttp.exchange(proxy.httpPort(), "GET /search HTTP/1.1\r\nHost: app.test\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n");

        assertEquals(200, RawHttp.status(response), response);
        assertEquals(Integer.toString(SMUGGLED.length()), RawHttp.header(response, "X-Echo-Body-Length"), response);
        // the pooled upstream connection carries the next request: had the body gone unframed, the
        // endpoint would have answered "/smuggled" first, and this request would get that answer
        String next = RawHttp.exchange(proxy.httpPort(), "GET /next HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
        assertEquals("/next", RawHttp.header(next, "X-Echo-Path-Query"), next);
        assertEquals(2, app.requests());
        assertFalse(app.lastRequest().pathQuery().contains("smuggled"), app.lastRequest().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "DELETE", "PATCH", "OPTIONS", "PROPFIND"})
    void aChunkedBodyWithoutContentTypeReachesTheEndpointWhole(String method) throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(
                TestRoutes.create().route("app.test", "/", "app", app.port()).router()));

        String response = RawHttp.exchange(proxy.httpPort(), method + " /items/7 HTTP/1.1\r\nHost: app.test\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

        assertEquals(200, RawHttp.status(response), response);
        assertEquals(method, RawHttp.header(response, "X-Echo-Method"));
        assertEquals("11", RawHttp.header(response, "X-Echo-Body-Length"), response);
        assertEquals("chunked", app.lastRequest().header("Transfer-Encoding"), app.lastRequest().toString());
    }

    @Test
    void anHttp2BodyWithoutLengthOrContentTypeIsAnnouncedChunkedUpstreamOnAnyMethod() throws Exception {
        try (ScriptedBackend app = ScriptedBackend.start((connection, request, head) ->
                Answer.thenClose("HTTP/1.1 204 No Content\r\n\r\n"))) {
            IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", app.port()).router())
                    .httpsBindAddress("127.0.0.1").httpsPort(0));
            HttpClient http2 = proxies.http2Client();
            http2.setDefaultRequestContentType(null);  // no Content-Type, as curl --data-binary @- -H 'Content-Type:' sends it

            // the body comes after the upstream head is out, so the head cannot take its length from it
            AsyncRequestContent streamed = new AsyncRequestContent((String) null);
            var answer = new CompletableResponseListener(http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/items/7")
                    .method("DELETE").body(streamed).timeout(10, TimeUnit.SECONDS)).send();
            Await.until(() -> !app.heads().isEmpty(), "the request head upstream");
            streamed.write(ByteBuffer.wrap(SMUGGLED.getBytes(StandardCharsets.US_ASCII)), Callback.NOOP);
            streamed.close();
            // The endpoint answers 204 at the head, before the body ends: the proxy may then reset
            // the stream the client is still sending on (cancel_stream_error), which is no failure here.
            answer.handle((response, failure) -> null).get(10, TimeUnit.SECONDS);

            String head = app.heads().get(0);
            assertTrue(head.startsWith("DELETE /items/7 HTTP/1.1\r\n"), head);
            assertEquals("chunked", RawHttp.header(head, "Transfer-Encoding"), head);
        }
    }
}
