package io.jingress.jetty;

import static io.jingress.core.model.HttpRouteMatch.pathPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jingress.core.model.Gateway;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An HTTPRoute rule's {@code retry} through {@link IngressServer} to a real loopback backend of
 * one endpoint that fails the first tries on purpose: the statuses in {@code codes} and failures
 * without an answer are tried again, on the same endpoint, up to {@code attempts} times,
 * {@code backoff} apart.
 */
class HttpRouteRetryTest {
    private static final Gateway GATEWAY = TestRoutes.OPEN_GATEWAY;
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    @RegisterExtension
    final Proxies proxies = new Proxies();

    private final AtomicInteger requests = new AtomicInteger();
    private final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();

    /** A backend whose first {@code failing} requests get {@code failure}, the rest 200. */
    private ScriptedBackend failingFirst(int failing, ScriptedBackend.Answer failure) {
        return ScriptedBackend.start((connection, request, head) -> {
            arrivals.add(System.nanoTime());
            return requests.incrementAndGet() <= failing ? failure : ScriptedBackend.Answer.keepOpen(OK);
        });
    }

    private static ScriptedBackend.Answer status(int status) {
        return ScriptedBackend.Answer.keepOpen("HTTP/1.1 " + status + " Nope\r\nContent-Length: 4\r\n\r\nnope");
    }

    private IngressServer proxy(int backendPort, HttpRouteRule.Retry retry, HttpRouteRule.Timeouts timeouts) {
        HttpRouteRule rule = new HttpRouteRule(List.of(pathPrefix("/")), List.of(), List.of(HttpBackendRef.service("svc", 80)),
                timeouts, retry, null, List.of());
        HttpRoute route = new HttpRoute("default", "r", Instant.EPOCH, List.of(HttpRoute.ParentRef.of("infra", "web")),
                List.of("app.gw.test"), List.of(rule));
        return proxies.start(IngressServer.builder(TestRoutes.create().service("default", "svc", backendPort).gateway(GATEWAY)
                .httpRoute(route).router()));
    }

    private ContentResponse send(IngressServer proxy, String method) throws Exception {
        org.eclipse.jetty.client.Request request = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).method(method)
                .path("/x").headers(h -> h.put("Host", "app.gw.test")).timeout(20, TimeUnit.SECONDS);
        if (method.equals("POST")) {
            request.body(new StringRequestContent("order"));
        }
        return request.send();
    }

    @Test
    void aStatusInCodesIsTriedAgainOnTheOneEndpoint() throws Exception {
        try (ScriptedBackend svc = failingFirst(2, status(503))) {
            IngressServer proxy = proxy(svc.port(), new HttpRouteRule.Retry(List.of(503), 2, null), null);

            ContentResponse response = send(proxy, "GET");

            assertEquals(200, response.getStatus());
            assertEquals("ok", response.getContentAsString());
            assertEquals(3, requests.get());
        }
    }

    @Test
    void anyStatusFrom400To599MayBeRetriedNotOnlyNginxs() throws Exception {
        try (ScriptedBackend svc = failingFirst(1, status(409))) {
            IngressServer proxy = proxy(svc.port(), new HttpRouteRule.Retry(List.of(409), 1, null), null);

            assertEquals(200, send(proxy, "GET").getStatus());
            assertEquals(2, requests.get());
        }
    }

    @Test
    void whenTheAttemptsAreSpentTheLastAnswerIsTheClients() throws Exception {
        try (ScriptedBackend svc = failingFirst(100, status(503))) {
            IngressServer proxy = proxy(svc.port(), new HttpRouteRule.Retry(List.of(503), 2, null), null);

            ContentResponse response = send(proxy, "GET");

            assertEquals(503, response.getStatus());
            assertEquals("nope", response.getContentAsString());
            assertEquals(3, requests.get(), "one try and two retries");
        }
    }

    @Test
    void aStatusNotInCodesAndAPostAreNotRetried() throws Exception {
        try (ScriptedBackend svc = failingFirst(100, status(500))) {
            IngressServer proxy = proxy(svc.port(), new HttpRouteRule.Retry(List.of(503), 2, null), null);
            assertEquals(500, send(proxy, "GET").getStatus());
            assertEquals(1, requests.get());
        }
        requests.set(0);
        try (ScriptedBackend svc = failingFirst(100, status(503))) {
            IngressServer proxy = proxy(svc.port(), new HttpRouteRule.Retry(List.of(503), 2, null), null);
            assertEquals(503, send(proxy, "POST").getStatus());
            assertEquals(1, requests.get(), "a POST the endpoint answered is not sent again");
        }
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsTriedAgainOnTheOneEndpointOnlyWithARetry() throws Exception {
        try (ScriptedBackend svc = failingFirst(1, ScriptedBackend.Answer.thenClose(""))) {
            IngressServer proxy = proxy(svc.port(), new HttpRouteRule.Retry(List.of(), 1, null), null);
            assertEquals(200, send(proxy, "GET").getStatus());
            assertEquals(2, requests.get());
        }
        requests.set(0);
        try (ScriptedBackend svc = failingFirst(1, ScriptedBackend.Answer.thenClose(""))) {
            IngressServer proxy = proxy(svc.port(), null, null);
            assertEquals(502, send(proxy, "GET").getStatus(), "without retry: no other endpoint to try");
            assertEquals(1, requests.get());
        }
    }

    @Test
    void theBackoffPassesBetweenATryAndTheNext() throws Exception {
        try (ScriptedBackend svc = failingFirst(1, status(503))) {
            IngressServer proxy = proxy(svc.port(), new HttpRouteRule.Retry(List.of(503), 1, "400ms"), null);

            assertEquals(200, send(proxy, "GET").getStatus());

            List<Long> at = List.copyOf(arrivals);
            assertEquals(2, at.size());
            long apart = TimeUnit.NANOSECONDS.toMillis(at.get(1) - at.get(0));
            assertTrue(apart >= 400, "the retry came " + apart + " ms after the first try");
        }
    }

    @Test
    void aTryPastItsBackendRequestTimeoutIsRetriedAndTheRequestTimeoutEndsTheTries() throws Exception {
        try (ScriptedBackend svc = failingFirst(1, ScriptedBackend.Answer.thenHoldUntilPeerCloses(""))) {
            IngressServer proxy = proxy(svc.port(), new HttpRouteRule.Retry(List.of(), 2, null),
                    new HttpRouteRule.Timeouts(null, "1s"));
            assertEquals(200, send(proxy, "GET").getStatus());
            assertEquals(2, requests.get());
        }
        requests.set(0);
        try (ScriptedBackend svc = failingFirst(100, ScriptedBackend.Answer.thenHoldUntilPeerCloses(""))) {
            // tries of 300 ms, 100 ms apart, as many as 10: the request's second ends them all
            IngressServer proxy = proxy(svc.port(), new HttpRouteRule.Retry(List.of(), 9, "100ms"),
                    new HttpRouteRule.Timeouts("1s", "300ms"));
            assertEquals(504, send(proxy, "GET").getStatus());
            assertTrue(requests.get() < 10, requests.get() + " tries");
        }
    }

    @Test
    void aStatusInCodesIsTriedAgainOnJettysPathTooToAnH2cEndpoint() throws Exception {
        Server h2c = new Server();
        ServerConnector connector = new ServerConnector(h2c, new HTTP2CServerConnectionFactory(new HttpConfiguration()));
        connector.setHost("127.0.0.1");
        h2c.addConnector(connector);
        h2c.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                boolean first = requests.incrementAndGet() == 1;
                response.setStatus(first ? 503 : 200);
                Content.Sink.write(response, true, first ? "busy" : request.getConnectionMetaData().getProtocol(), callback);
                return true;
            }
        });
        h2c.start();
        try {
            HttpRouteRule rule = new HttpRouteRule(List.of(pathPrefix("/")), List.of(),
                    List.of(HttpBackendRef.service("svc", 80)), null, new HttpRouteRule.Retry(List.of(503), 1, "50ms"), null, List.of());
            HttpRoute route = new HttpRoute("default", "r", Instant.EPOCH, List.of(HttpRoute.ParentRef.of("infra", "web")),
                    List.of("app.gw.test"), List.of(rule));
            IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().gateway(GATEWAY)
                    .h2cService("svc", connector.getLocalPort()).httpRoute(route).router()));

            ContentResponse response = send(proxy, "GET");

            assertEquals(200, response.getStatus());
            assertEquals("HTTP/2.0", response.getContentAsString(), "spoken to in HTTP/2");
            assertEquals(2, requests.get());
        } finally {
            h2c.stop();
        }
    }
}
