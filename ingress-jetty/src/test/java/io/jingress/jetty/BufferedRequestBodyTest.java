package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request bodies of up to 16 KB with a Content-Length are read whole before the request goes
 * upstream, as nginx buffers them: the endpoint gets the head and the body together, framed by
 * the length read, and never a request whose client gave up halfway.
 */
class BufferedRequestBodyTest {
    private static final String HOST = "app.test";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private IngressServer proxyTo(int... ports) {
        return proxies.start(IngressServer.builder(TestRoutes.create().route(HOST, "/", "app", ports).router()));
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String post(String method, String path, String body, String... headers) {
        return method + " " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n" + String.join("", headers)
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void aSmallBodyReachesTheEndpointWholeAndFramedByItsLength() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());
        String body = "x".repeat(16 * 1024);

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (String sent : List.of("hello", body, "")) {
                WireClient.Response response = client.exchange(post("POST", "/p", sent));
                assertEquals(200, response.status(), response.toString());
                assertEquals(sha256(sent), response.header("X-Echo-Body-Sha256"));
                assertEquals(List.of(Integer.toString(sent.length())),
                        app.lastRequest().headers().getValuesList("Content-Length"));
            }
            // a Connection header naming Content-Length must not strip the framing of what is sent
            WireClient.Response response = client.exchange(post("PUT", "/p", "hello", "Connection: Content-Length\r\n"));
            assertEquals(200, response.status(), response.toString());
            assertEquals(sha256("hello"), response.header("X-Echo-Body-Sha256"));
            assertEquals(List.of("5"), app.lastRequest().headers().getValuesList("Content-Length"));
        }
    }

    /**
     * The path a target takes: origin-form requests are read by the lean connection, body and
     * all; an absolute-form one is handed to Jetty's connection, and the proxy reads its body.
     */
    static List<String> targets() {
        return List.of("/pieces", "http://" + HOST + "/pieces");
    }

    @ParameterizedTest
    @MethodSource("targets")
    void aBodyArrivingInPiecesIsSentOnceWhole(String target) throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            String request = post("POST", target, "0123456789abcdef");
            int headEnd = request.indexOf("\r\n\r\n") + 4;
            client.send(request.substring(0, headEnd + 6));
            // the proxy waits for the rest: nothing reaches the endpoint meanwhile
            TimeUnit.MILLISECONDS.sleep(200);
            assertEquals(0, app.requests(), "a request went upstream before its body was whole");
            client.send(request.substring(headEnd + 6));
            WireClient.Response response = client.read();
            assertEquals(200, response.status(), response.toString());
            assertEquals(sha256("0123456789abcdef"), response.header("X-Echo-Body-Sha256"));
            assertEquals(1, app.requests());
        }
    }

    @ParameterizedTest
    @MethodSource("targets")
    void aClientThatLeavesBeforeItsBodyIsWholeSendsNothingUpstream(String target) throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            String request = post("POST", target, "x".repeat(100));
            client.send(request.substring(0, request.length() - 90));
        }
        // a later request on another connection is answered: by then the first was dealt with
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response response = client.exchange(post("POST", "/after", "ok"));
            assertEquals(200, response.status(), response.toString());
        }
        assertEquals(1, app.requests(), "only the whole request reached the endpoint");
        assertEquals("/after", app.lastRequest().pathQuery());
    }

    @ParameterizedTest
    @MethodSource("targets")
    void aClientThatWaitsFor100ContinueGetsItAndTheEndpointGetsTheBodyWithoutTheExpectation(String target)
            throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app.port());
        String body = "b".repeat(2000);

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send("POST " + target + " HTTP/1.1\r\nHost: " + HOST + "\r\nExpect: 100-continue\r\nContent-Length: "
                    + body.length() + "\r\n\r\n");
            WireClient.Response interim = client.readInterimOrFinal();
            assertEquals(100, interim.status(), interim.toString());
            client.send(body);
            WireClient.Response response = client.read();
            assertEquals(200, response.status(), response.toString());
            assertEquals(sha256(body), response.header("X-Echo-Body-Sha256"));
        }
        assertEquals(null, app.lastRequest().header("Expect"), "the proxy met the expectation itself");
        assertEquals(Integer.toString(body.length()), app.lastRequest().header("Content-Length"));
    }

    @Test
    void anIdempotentRequestIsRetriedElsewhereWithItsBody() throws Exception {
        Backends.Echo live = backends.start("live");
        IngressServer proxy = proxyTo(backends.deadPort(), live.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int i = 0; i < 4; i++) {  // round robin: every other try starts at the dead endpoint
                String body = "put-" + i;
                WireClient.Response response = client.exchange(post("PUT", "/r" + i, body));
                assertEquals(200, response.status(), response.toString());
                assertEquals("live", response.header("X-Backend"));
                assertEquals(sha256(body), response.header("X-Echo-Body-Sha256"));
            }
        }
        assertEquals(4, live.requests());
        assertTrue(live.lastRequest().headers().getValuesList("Content-Length").equals(List.of("5")));
    }
}
