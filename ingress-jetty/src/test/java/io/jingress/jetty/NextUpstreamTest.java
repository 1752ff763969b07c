package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * proxy-next-upstream, -tries: which failed tries move a request to the next endpoint, end to end
 * with real backends, on the lean HTTP/1 path and on Jetty's (HTTP/2 over TLS, chunked bodies).
 * Endpoints are picked round robin (a retry's pick counts too), so of two requests at least one
 * goes first to the endpoint that fails.
 */
class NextUpstreamTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String UNAVAILABLE = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndown";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();
    private final List<TlsTestServer> tlsBackends = new ArrayList<>();

    @AfterEach
    void stopTlsBackends() throws Exception {
        for (TlsTestServer backend : tlsBackends) {
            backend.close();
        }
    }

    private IngressServer proxy(Map<String, String> annotations, int... ports) {
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", annotations, ports);
        return proxies.start(IngressServer.builder(routes.router()));
    }

    private List<Integer> statuses(IngressServer proxy, HttpMethod method, int requests, boolean chunked) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            Request request = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).method(method).path("/order")
                    .headers(h -> h.put("Host", "app.test")).timeout(20, TimeUnit.SECONDS);
            if (method == HttpMethod.POST) {
                byte[] body = "item=1".getBytes(StandardCharsets.US_ASCII);
                // without a length the body goes chunked, through Jetty's client
                request.body(chunked ? new InputStreamRequestContent(new ByteArrayInputStream(body)) : new BytesRequestContent(body));
            }
            ContentResponse response = request.send();
            statuses.add(response.getStatus());
        }
        return statuses;
    }

    @Test
    void withHttp503AnUnavailableEndpointsAnswerIsDroppedAndTheNextEndpointAnswers() throws Exception {
        Backends.Raw down = backends.startRaw(UNAVAILABLE);
        Backends.Echo up = backends.start("up");
        IngressServer proxy = proxy(Map.of(NGINX + "proxy-next-upstream", "error timeout http_503"), down.port(), up.port());

        assertEquals(List.of(200, 200), statuses(proxy, HttpMethod.GET, 2, false));
        // round robin, the retry's pick counted: the 503 endpoint is first for one or both requests
        assertTrue(down.heads().size() >= 1, "the 503 endpoint was tried");
        assertEquals(2, up.requests(), "each request reached the next endpoint once");
    }

    @Test
    void withoutHttp503TheUnavailableAnswerReachesTheClient() throws Exception {
        Backends.Raw down = backends.startRaw(UNAVAILABLE);
        Backends.Echo up = backends.start("up");
        IngressServer proxy = proxy(Map.of(), down.port(), up.port());

        List<Integer> statuses = statuses(proxy, HttpMethod.GET, 2, false);

        assertTrue(statuses.contains(503) && statuses.contains(200), statuses.toString());
        assertEquals(1, up.requests());
    }

    @Test
    void aPostMovesOnForItsStatusOnlyWithNonIdempotent() throws Exception {
        Backends.Raw down = backends.startRaw(UNAVAILABLE);
        Backends.Echo up = backends.start("up");
        IngressServer idempotentOnly = proxy(Map.of(NGINX + "proxy-next-upstream", "http_503"), down.port(), up.port());
        List<Integer> statuses = statuses(idempotentOnly, HttpMethod.POST, 2, false);
        assertTrue(statuses.contains(503), "a POST is not sent twice unless asked: " + statuses);

        Backends.Raw down2 = backends.startRaw(UNAVAILABLE);
        Backends.Echo up2 = backends.start("up2");
        IngressServer any = proxy(Map.of(NGINX + "proxy-next-upstream", "http_503 non_idempotent"), down2.port(), up2.port());
        assertEquals(List.of(200, 200), statuses(any, HttpMethod.POST, 2, false));
        assertEquals(6, up2.lastRequest().bodyLength(), "the body went whole to the next endpoint");
    }

    @Test
    void offDoesNotRetryAFailedConnect() throws Exception {
        Backends.Echo up = backends.start("up");
        IngressServer byDefault = proxy(Map.of(), backends.deadPort(), up.port());
        assertEquals(List.of(200, 200), statuses(byDefault, HttpMethod.GET, 2, false), "the default moves on");

        Backends.Echo up2 = backends.start("up2");
        IngressServer off = proxy(Map.of(NGINX + "proxy-next-upstream", "off"), backends.deadPort(), up2.port());
        List<Integer> statuses = statuses(off, HttpMethod.GET, 2, false);
        assertTrue(statuses.contains(502), statuses.toString());
        assertEquals(1, up2.requests());
    }

    @Test
    void triesBoundHowManyEndpointsAreTried() throws Exception {
        Backends.Echo up = backends.start("up");
        IngressServer oneTry = proxy(Map.of(NGINX + "proxy-next-upstream-tries", "1"), backends.deadPort(), up.port());
        assertTrue(statuses(oneTry, HttpMethod.GET, 2, false).contains(502));

        // three dead endpoints before the live one: the server's 3 tries may not reach it, 0 tries (all) do
        Backends.Echo up2 = backends.start("up2");
        IngressServer all = proxy(Map.of(NGINX + "proxy-next-upstream-tries", "0"),
                backends.deadPort(), backends.deadPort(), backends.deadPort(), up2.port());
        assertEquals(List.of(200, 200, 200, 200), statuses(all, HttpMethod.GET, 4, false));
    }

    @Test
    void aChunkedPostThroughJettysPathMovesOnAfterAFailedConnectWithNonIdempotent() throws Exception {
        Backends.Echo up = backends.start("up");
        IngressServer proxy = proxy(Map.of(NGINX + "proxy-next-upstream", "error non_idempotent"), backends.deadPort(), up.port());

        assertEquals(List.of(200, 200), statuses(proxy, HttpMethod.POST, 2, true));
        assertEquals(2, up.requests());
        assertEquals(6, up.lastRequest().bodyLength());
        assertEquals("chunked", up.lastRequest().header("Transfer-Encoding"));

        Backends.Echo up2 = backends.start("up2");
        IngressServer byDefault = proxy(Map.of(), backends.deadPort(), up2.port());
        // one of the two meets the dead endpoint and is answered 502 while its body may still be
        // coming: the client may then fail on writing it (broken pipe) before it reads the 502
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try {
                statuses.addAll(statuses(byDefault, HttpMethod.POST, 1, true));
            } catch (ExecutionException e) {
                statuses.add(-1);
            }
        }
        assertEquals(1, statuses.stream().filter(status -> status == 200).count(), statuses::toString);
        assertEquals(1, up2.requests(), "a POST is not retried by default");
    }

    @Test
    void timeoutMovesARequestOnAfterAReadTimeoutWhichTheDefaultDoesNot() throws Exception {
        try (ScriptedBackend silent = ScriptedBackend.start((connection, request, head) ->
                ScriptedBackend.Answer.thenHoldUntilPeerCloses(""))) {
            Backends.Echo up = backends.start("up");
            IngressServer timeout = proxy(Map.of(NGINX + "proxy-read-timeout", "1",
                    NGINX + "proxy-next-upstream", "error timeout"), silent.port(), up.port());
            assertEquals(List.of(200, 200), statuses(timeout, HttpMethod.GET, 2, false));

            Backends.Echo up2 = backends.start("up2");
            IngressServer byDefault = proxy(Map.of(NGINX + "proxy-read-timeout", "1"), silent.port(), up2.port());
            assertTrue(statuses(byDefault, HttpMethod.GET, 2, false).contains(504), "a read timeout is not retried by default");
        }
    }

    @Test
    void noTryBeginsPastTheNextUpstreamTimeout() throws Exception {
        try (ScriptedBackend silent = ScriptedBackend.start((connection, request, head) ->
                ScriptedBackend.Answer.thenHoldUntilPeerCloses(""))) {
            Backends.Echo up = backends.start("up");
            IngressServer proxy = proxy(Map.of(NGINX + "proxy-read-timeout", "1", NGINX + "proxy-next-upstream", "error timeout",
                    NGINX + "proxy-next-upstream-timeout", "1"), silent.port(), up.port());

            List<Integer> statuses = statuses(proxy, HttpMethod.GET, 2, false);

            assertTrue(statuses.contains(504), "the first try took the whole second: " + statuses);
            assertEquals(1, up.requests());
        }
    }

    @Test
    void overHttp2AndTlsToPlainEndpointsA503MovesOnThroughTheOwnConnections() throws Exception {
        Backends.Raw down = backends.startRaw(UNAVAILABLE);
        Backends.Echo up = backends.start("up");
        TestRoutes routes = TestRoutes.create().route(null, "/", "app",
                Map.of(NGINX + "proxy-next-upstream", "error http_503"), down.port(), up.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();

        for (int i = 0; i < 2; i++) {
            ContentResponse response = http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/h2")
                    .timeout(10, TimeUnit.SECONDS).send();
            assertEquals(HttpVersion.HTTP_2, response.getVersion());
            assertEquals(200, response.getStatus(), response.getContentAsString());
        }
        assertTrue(down.heads().size() >= 1, "the 503 endpoint was tried");
        assertEquals(2, up.requests(), "each request reached the next endpoint once");
    }

    /**
     * Passive health (5 failures in a row eject an endpoint, by default) does not hold a 403 or 404
     * against the endpoint that gave it, as nginx's max_fails does not, even when the route moves
     * such answers on; a 503 moved on counts as a failure and ejects it.
     */
    @Test
    void aNotFoundMovedOnIsNotHeldAgainstItsEndpointWhereAnUnavailableIs() throws Exception {
        Backends.Raw notFound = backends.startRaw(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnone");
        Backends.Echo up = backends.start("up");
        IngressServer moves404 = proxy(Map.of(NGINX + "proxy-next-upstream", "error http_404"), notFound.port(), up.port());
        assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
                statuses(moves404, HttpMethod.GET, 12, false));
        assertEquals(12, notFound.heads().size(), "the 404 endpoint stayed in the rotation: " + notFound.heads().size());

        Backends.Raw down = backends.startRaw(UNAVAILABLE);
        Backends.Echo up2 = backends.start("up2");
        IngressServer moves503 = proxy(Map.of(NGINX + "proxy-next-upstream", "error http_503"), down.port(), up2.port());
        assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
                statuses(moves503, HttpMethod.GET, 12, false));
        assertTrue(down.heads().size() <= 6, "the 503 endpoint was ejected after 5 failures: " + down.heads().size());
    }

    @Test
    void overJettysPathAForbiddenMovedOnIsNotHeldAgainstItsEndpoint() throws Exception {
        AtomicInteger forbiddenRequests = new AtomicInteger();
        AtomicInteger upRequests = new AtomicInteger();
        TlsTestServer forbidden = tlsBackend(403, forbiddenRequests);
        TlsTestServer up = tlsBackend(200, upRequests);
        TestRoutes routes = TestRoutes.create().route(null, "/", "app",
                Map.of(NGINX + "backend-protocol", "HTTPS", NGINX + "proxy-next-upstream", "http_403"),
                forbidden.port(), up.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();

        for (int i = 0; i < 12; i++) {
            ContentResponse response = http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/h2")
                    .timeout(10, TimeUnit.SECONDS).send();
            assertEquals(200, response.getStatus(), response.getContentAsString());
        }
        assertEquals(12, upRequests.get());
        assertEquals(12, forbiddenRequests.get(), "the 403 endpoint stayed in the rotation");
    }

    /** An HTTPS endpoint (Jetty's client path) answering {@code status}, counting requests. */
    private TlsTestServer tlsBackend(int status, AtomicInteger requests) throws Exception {
        TlsTestServer backend = TlsTestServer.answering(status, requests);
        tlsBackends.add(backend);
        return backend;
    }

    @Test
    void overHttp2AndTlsToHttpsEndpointsA503MovesOnThroughJettysPath() throws Exception {
        AtomicInteger downRequests = new AtomicInteger();
        AtomicInteger upRequests = new AtomicInteger();
        TlsTestServer down = tlsBackend(503, downRequests);
        TlsTestServer up = tlsBackend(200, upRequests);
        TestRoutes routes = TestRoutes.create().route(null, "/", "app",
                Map.of(NGINX + "backend-protocol", "HTTPS", NGINX + "proxy-next-upstream", "http_503"), down.port(), up.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();

        for (int i = 0; i < 2; i++) {
            ContentResponse response = http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/h2")
                    .timeout(10, TimeUnit.SECONDS).send();
            assertEquals(HttpVersion.HTTP_2, response.getVersion());
            assertEquals(200, response.getStatus(), response.getContentAsString());
            assertEquals("answered 200", response.getContentAsString());
        }
        assertTrue(downRequests.get() >= 1, "the 503 endpoint was tried");
        assertEquals(2, upRequests.get(), "each request reached the next endpoint once");
    }
}
