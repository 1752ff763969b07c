package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.route.Route;
import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BalancingTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private ContentResponse get(IngressServer proxy, String cookie) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .path("/")
                .headers(h -> {
                    h.put("Host", "app.test");
                    if (cookie != null) {
                        h.put("Cookie", cookie);
                    }
                })
                .send();
    }

    @Test
    void requestsRotateAcrossEndpoints() throws Exception {
        Backends.Echo a = backends.start("a");
        Backends.Echo b = backends.start("b");
        Backends.Echo c = backends.start("c");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", a.port(), b.port(), c.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        Map<String, Integer> perBackend = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            perBackend.merge(get(proxy, null).getHeaders().get("X-Backend"), 1, Integer::sum);
        }

        assertEquals(Map.of("a", 10, "b", 10, "c", 10), perBackend);
    }

    @Test
    void cookieAffinityKeepsAClientOnTheEndpointItWasGiven() throws Exception {
        Backends.Echo a = backends.start("a");
        Backends.Echo b = backends.start("b");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app",
                Map.of("nginx.ingress.kubernetes.io/affinity", "cookie",
                        "nginx.ingress.kubernetes.io/session-cookie-name", "route"),
                a.port(), b.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse first = get(proxy, null);
        String setCookie = first.getHeaders().get("Set-Cookie");
        assertNotNull(setCookie, "a client without the cookie is told its endpoint");
        assertTrue(setCookie.startsWith("route="), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String pinned = first.getHeaders().get("X-Backend");

        for (int i = 0; i < 10; i++) {
            ContentResponse next = get(proxy, "theme=dark; " + cookie);
            assertEquals(pinned, next.getHeaders().get("X-Backend"));
            assertNull(next.getHeaders().get("Set-Cookie"), "a valid cookie is not set again");
        }
    }

    @Test
    void everyUpstreamExchangeIsReportedToItsEndpoint() throws Exception {
        Backends.Echo a = backends.start("a");
        Backends.Echo b = backends.start("b");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", a.port(), b.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        for (int i = 0; i < 8; i++) {
            assertEquals(200, get(proxy, null).getStatus());
        }

        Route route = (Route) routes.router().current().match("app.test", "/");
        long requests = 0;
        for (Endpoint endpoint : route.backend().endpoints()) {
            requests += endpoint.requests();
            Await.until(() -> endpoint.inFlight() == 0, endpoint + " has no request in flight");
            assertEquals(0, endpoint.failures());
        }
        assertEquals(8, requests);
    }
}
