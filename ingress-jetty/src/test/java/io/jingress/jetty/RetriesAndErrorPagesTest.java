package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code proxy-next-upstream: http_503} with {@code custom-http-errors: "503"} on one Ingress: as in
 * nginx, a 503 first moves the request to the next endpoint, and only the last answer, if it is
 * still a 503, is replaced by the default backend's error page; on both request paths.
 */
class RetriesAndErrorPagesTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String UNAVAILABLE = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndown";
    private static final Map<String, String> BOTH = Map.of(NGINX + "proxy-next-upstream", "error timeout http_503",
            NGINX + "custom-http-errors", "503", NGINX + "default-backend", "errors");

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

    private static String get() {
        return "GET /page HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n";
    }

    @Test
    void onTheOwnConnectionsA503MovesOnBeforeAnErrorPageIsConsidered() throws Exception {
        Backends.Raw down = backends.startRaw(UNAVAILABLE);
        Backends.Echo up = backends.start("up");
        Backends.Echo errors = backends.start("errors");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("errors.test", "/", "errors", errors.port())
                .route("app.test", "/", "app", BOTH, down.port(), up.port()).router()));

        for (int i = 0; i < 2; i++) {
            String response = RawHttp.exchange(proxy.httpPort(), get());
            assertEquals(200, RawHttp.status(response), response);
            assertEquals("up", RawHttp.header(response, "X-Backend"), response);
        }
        assertTrue(down.heads().size() >= 1, "the 503 endpoint was tried");
        assertEquals(0, errors.requests(), "no error page for an answer that moved on");
    }

    @Test
    void onTheOwnConnectionsTheLast503IsReplacedByTheErrorPage() throws Exception {
        Backends.Raw down = backends.startRaw(UNAVAILABLE);
        Backends.Raw alsoDown = backends.startRaw(UNAVAILABLE);
        Backends.Echo errors = backends.start("errors");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("errors.test", "/", "errors", errors.port())
                .route("app.test", "/", "app", BOTH, down.port(), alsoDown.port()).router()));

        String response = RawHttp.exchange(proxy.httpPort(), get());

        assertEquals("errors", RawHttp.header(response, "X-Backend"), response);
        assertEquals(2, down.heads().size() + alsoDown.heads().size(), "each endpoint was tried once");
        assertEquals("503", errors.lastRequest().header("X-Code"));
    }

    /** An HTTPS endpoint (Jetty's client path) answering {@code status}, counting requests. */
    private TlsTestServer tlsBackend(int status, AtomicInteger requests) throws Exception {
        TlsTestServer backend = TlsTestServer.answering(status, requests);
        tlsBackends.add(backend);
        return backend;
    }

    @Test
    void onJettysPathA503MovesOnBeforeAnErrorPageIsConsidered() throws Exception {
        AtomicInteger downRequests = new AtomicInteger();
        AtomicInteger upRequests = new AtomicInteger();
        TlsTestServer down = tlsBackend(503, downRequests);
        TlsTestServer up = tlsBackend(200, upRequests);
        Backends.Echo errors = backends.start("errors");
        Map<String, String> annotations = new java.util.HashMap<>(BOTH);
        annotations.put(NGINX + "backend-protocol", "HTTPS");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("errors.test", "/", "errors", errors.port())
                .route("app.test", "/", "app", annotations, down.port(), up.port()).router()));

        for (int i = 0; i < 2; i++) {
            ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/page")
                    .headers(h -> h.put("Host", "app.test")).timeout(10, TimeUnit.SECONDS).send();
            assertEquals(200, response.getStatus(), response.getContentAsString());
            assertEquals("answered 200", response.getContentAsString());
        }
        assertTrue(downRequests.get() >= 1, "the 503 endpoint was tried");
        assertEquals(2, upRequests.get());
        assertEquals(0, errors.requests(), "no error page for an answer that moved on");
    }
}
