package io.jingress.jetty;

import java.util.Collections;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.route.Route;
import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.SilentPort;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamFailureTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private ContentResponse send(IngressServer proxy, HttpMethod method, String path) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .method(method)
                .path(path)
                .headers(h -> h.put("Host", "app.test"))
                .timeout(20, TimeUnit.SECONDS)
                .send();
    }

    private static List<Endpoint> endpointsOf(TestRoutes routes) {
        Route route = (Route) routes.router().current().match("app.test", "/");
        return route.backend().endpoints();
    }

    @Test
    void unreachableEndpointGets502WithAPlainBody() throws Exception {
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", backends.deadPort());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = send(proxy, HttpMethod.GET, "/");

        assertEquals(502, response.getStatus());
        assertTrue(response.getHeaders().get("Content-Type").startsWith("text/plain"));
        String body = response.getContentAsString();
        assertEquals("502 Bad Gateway: the upstream endpoint could not be reached\n", body);
    }

    @Test
    void endpointNameThatDoesNotResolveGets502SayingItCouldNotBeReached() throws Exception {
        // ".invalid" never resolves (RFC 6761); it is not an endpoint that closed the connection
        TestRoutes routes = TestRoutes.create().routeToDnsEndpoint("app.test", "/", "app", "backend.invalid", 80);
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = send(proxy, HttpMethod.GET, "/");

        assertEquals(502, response.getStatus());
        assertEquals("502 Bad Gateway: the upstream endpoint could not be reached\n", response.getContentAsString());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 20_000})  // read whole with the request, or streamed through Jetty's client
    void anAnswerWithATransferCodingOtherThanChunkedGets502(int bodyBytes) throws Exception {
        // the chunks would come off and the gzip under them stay, with no word of it to the client
        try (ScriptedBackend backend = ScriptedBackend.start((connection, request, head) ->
                ScriptedBackend.Answer.thenHoldUntilPeerCloses("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                        + "5\r\n\u001f\u008b\b\u0000\u0000\r\n0\r\n\r\n"))) {
            TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

            ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                    .method(HttpMethod.POST)
                    .path("/")
                    .headers(h -> h.put("Host", "app.test"))
                    .body(new StringRequestContent("x".repeat(bodyBytes)))
                    .timeout(20, TimeUnit.SECONDS)
                    .send();

            assertEquals(502, response.getStatus(), response.getContentAsString());
            assertEquals("502 Bad Gateway: the upstream endpoint's answer is not HTTP/1.1 that can be read\n",
                    response.getContentAsString());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 20_000})  // read whole with the request, or streamed through Jetty's client
    void anAnswerWhoseHeadIsPast32KiBGets502AndOneBelowIsServed(int bodyBytes) throws Exception {
        // as nginx answers a head past proxy_buffer_size: the endpoint's fault, not the proxy's (500)
        try (ScriptedBackend backend = ScriptedBackend.start((connection, request, head) -> {
            int size = head.contains("/big") ? 40_000 : 30_000;
            return ScriptedBackend.Answer.thenHoldUntilPeerCloses("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(size)
                    + "\r\nContent-Length: 2\r\n\r\nok");
        })) {
            TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

            for (String path : new String[] {"/big", "/fits"}) {
                ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                        .method(HttpMethod.POST)
                        .path(path)
                        .headers(h -> h.put("Host", "app.test"))
                        .body(new StringRequestContent("x".repeat(bodyBytes)))
                        .timeout(20, TimeUnit.SECONDS)
                        .send();

                if (path.equals("/big")) {
                    assertEquals(502, response.getStatus(), response.getContentAsString());
                } else {
                    assertEquals(200, response.getStatus(), response.getContentAsString());
                    assertEquals(30_000, response.getHeaders().get("X-Big").length());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 20_000})  // read whole with the request, or streamed through Jetty's client
    void anAnswerThatIsNotHttpGets502SayingSo(int bodyBytes) throws Exception {
        // a Service whose targetPort is the Pod's TLS or gRPC port, say. It takes the whole request
        // before it closes: closing with the body unread would reset the connection, and the proxy
        // might then see the reset before the answer.
        try (ScriptedBackend backend = ScriptedBackend.start((connection, request, head) ->
                ScriptedBackend.Answer.thenHoldUntilPeerCloses("\u0015\u0003\u0003\u0000\u0002\u0002\u0032 not http\r\n\r\n"))) {
            TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

            ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                    .method(HttpMethod.POST)
                    .path("/")
                    .headers(h -> h.put("Host", "app.test"))
                    .body(new StringRequestContent("x".repeat(bodyBytes)))
                    .timeout(20, TimeUnit.SECONDS)
                    .send();

            assertEquals(502, response.getStatus());
            assertEquals("502 Bad Gateway: the upstream endpoint's answer is not HTTP/1.1 that can be read\n",
                    response.getContentAsString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST"})
    void anEndpointThatClosesWithoutAnsweringGets502SayingSo(String method) throws Exception {
        // an app that crashes on this request: reached, then gone (a refused connection is another 502, above)
        try (ScriptedBackend backend = ScriptedBackend.start((connection, request, head) ->
                ScriptedBackend.Answer.thenClose(""))) {
            TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

            ContentResponse response = send(proxy, HttpMethod.fromString(method), "/order");

            assertEquals(502, response.getStatus());
            assertEquals("502 Bad Gateway: the upstream endpoint closed the connection before its answer was complete\n",
                    response.getContentAsString());
        }
    }

    @Test
    void endpointThatDoesNotAnswerInTimeGets504() throws Exception {
        Backends.Echo slow = backends.start("slow");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", slow.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).readTimeout(Duration.ofMillis(300)));

        ContentResponse response = send(proxy, HttpMethod.GET, "/hold");

        assertEquals(504, response.getStatus());
        assertTrue(response.getContentAsString().startsWith("504 Gateway Timeout"), response.getContentAsString());
        assertEquals(1, slow.requests(), "a read timeout is not retried");
    }

    @Test
    void anEndpointThatDoesNotAnswerTheConnectIsLeftAfterTheConnectTimeout() throws Exception {
        // a connect that neither succeeds nor is refused, as to a Pod that stopped answering
        try (SilentPort silentPort = new SilentPort()) {
            int silent = silentPort.port();
            Backends.Echo live = backends.start("live");
            TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", silent, live.port());
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router())
                    .connectTimeout(Duration.ofMillis(300)));

            // round robin sends every other request to the silent endpoint first: a connect that
            // times out never reached it, so the request is tried on the live one
            for (int i = 0; i < 4; i++) {
                ContentResponse response = send(proxy, HttpMethod.GET, "/c" + i);
                assertEquals(200, response.getStatus(), response.getContentAsString());
                assertEquals("live", response.getHeaders().get("X-Backend"));
            }
            assertEquals(4, live.requests());
            Endpoint dead = endpointsOf(routes).stream().filter(e -> e.port() == silent).findFirst().orElseThrow();
            assertTrue(dead.failures() > 0, "the silent endpoint's failures are reported to it");

            TestRoutes alone = TestRoutes.create().route("app.test", "/", "app", silent);
            IngressServer onlySilent = proxies.start(IngressServer.builder(alone.router())
                    .connectTimeout(Duration.ofMillis(300)));
            ContentResponse response = send(onlySilent, HttpMethod.GET, "/");
            assertEquals(504, response.getStatus());
            assertTrue(response.getContentAsString().startsWith("504 Gateway Timeout"), response.getContentAsString());
        }
    }

    @Test
    void refusedConnectionIsRetriedOnAnotherEndpoint() throws Exception {
        Backends.Echo live = backends.start("live");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", backends.deadPort(), live.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        for (int i = 0; i < 10; i++) {
            ContentResponse response = send(proxy, HttpMethod.GET, "/r" + i);
            assertEquals(200, response.getStatus(), response.getContentAsString());
            assertEquals("live", response.getHeaders().get("X-Backend"));
            assertTrue(live.lastRequest().header("X-Request-ID").matches("[0-9a-f]{32}"), "a retried request keeps its id");
        }
        Endpoint dead = endpointsOf(routes).stream().filter(e -> e.port() != live.port()).findFirst().orElseThrow();
        assertTrue(dead.failures() > 0, "the dead endpoint's failures are reported to it");
    }

    @Test
    void postIsNotRetriedOnAnotherEndpoint() throws Exception {
        Backends.Echo live = backends.start("live");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", backends.deadPort(), live.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            statuses.merge(send(proxy, HttpMethod.POST, "/order").getStatus(), 1, Integer::sum);
        }

        assertEquals(Map.of(200, 1, 502, 1), statuses, "round robin over a dead and a live endpoint");
        assertEquals(1, live.requests());
    }

    @Test
    void backendKilledMidRunFailsNoGet() throws Exception {
        Backends.Echo a = backends.start("a");
        Backends.Echo b = backends.start("b");
        Backends.Echo victim = backends.start("victim");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", a.port(), b.port(), victim.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        int clients = 4;
        int perClient = 150;
        AtomicInteger done = new AtomicInteger();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        try {
                            int status = send(proxy, HttpMethod.GET, "/item/" + i).getStatus();
                            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        } catch (Exception e) {
                            errors.add(e);
                        }
                        if (done.incrementAndGet() == clients * perClient / 3) {
                            victim.kill();
                        }
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(List.of(), errors);
        assertEquals(Map.of(200, clients * perClient), toPlainMap(statuses));
        assertTrue(victim.requests() > 0, "the victim served before it was killed");
        for (Endpoint endpoint : endpointsOf(routes)) {
            Await.until(() -> endpoint.inFlight() == 0, endpoint + " has no request that never ended");
        }
    }

    private static Map<Integer, Integer> toPlainMap(Map<Integer, AtomicInteger> counts) {
        Map<Integer, Integer> plain = new HashMap<>();
        counts.forEach((k, v) -> plain.put(k, v.get()));
        return plain;
    }
}
