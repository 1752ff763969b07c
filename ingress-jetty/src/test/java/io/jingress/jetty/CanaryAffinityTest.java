package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code affinity-canary-behavior} through {@link IngressServer}: with {@code sticky} (the
 * default) a client stays on the side, main or canary, its affinity cookie names, and the canary
 * keeps the sessions it is given; with {@code legacy} the canary's rule decides every request.
 * Sessions are made on the lean HTTP/1 path and replayed on it and over HTTP/2 with TLS.
 */
class CanaryAffinityTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final int CLIENTS = 40;

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private IngressServer proxy(String mode, String behavior) {
        Backends.Echo mainA = backends.start("main-a");
        Backends.Echo mainB = backends.start("main-b");
        Backends.Echo canaryA = backends.start("canary-a");
        Backends.Echo canaryB = backends.start("canary-b");
        Map<String, String> canary = new HashMap<>(Map.of(NGINX + "canary", "true", NGINX + "canary-weight", "50",
                NGINX + "canary-by-header", "X-Canary"));
        if (behavior != null) {
            canary.put(NGINX + "affinity-canary-behavior", behavior);
        }
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "main", Map.of(NGINX + "affinity", "cookie", NGINX + "affinity-mode", mode),
                        mainA.port(), mainB.port())
                .route("app.test", "/", "canary", canary, canaryA.port(), canaryB.port());
        return proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    private static String request(String... headerLines) {
        StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: app.test\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /** A client's session: its cookie pair ({@code NAME=VALUE}) and the backend that first served it. */
    private record Session(String cookie, String backend) {
    }

    private static List<Session> newSessions(WireClient client) throws Exception {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            WireClient.Response response = client.exchange(request());
            assertEquals(200, response.status());
            String setCookie = response.header("Set-Cookie");
            assertNotNull(setCookie, "a new client is given a session, on the main backend or the canary");
            sessions.add(new Session(setCookie.substring(0, setCookie.indexOf(';')), response.header("X-Backend")));
        }
        return sessions;
    }

    private String overHttp2(IngressServer proxy, String cookie, String canaryHeader) throws Exception {
        ContentResponse response = proxies.http2Client().newRequest("https://app.test:" + proxy.httpsPort() + "/")
                .headers(h -> {
                    h.put(HttpHeader.COOKIE, cookie);
                    if (canaryHeader != null) {
                        h.put("X-Canary", canaryHeader);
                    }
                }).timeout(10, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals(200, response.getStatus());
        return response.getHeaders().get("X-Backend");
    }

    private void aClientStaysOnTheSideItsSessionIsOn(String mode) throws Exception {
        IngressServer proxy = proxy(mode, null);
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            List<Session> sessions = newSessions(client);
            Set<String> sides = new LinkedHashSet<>();
            for (Session session : sessions) {
                sides.add(session.backend().substring(0, session.backend().indexOf('-')));
                for (int i = 0; i < 10; i++) {
                    WireClient.Response response = client.exchange(request("Cookie: " + session.cookie()));
                    assertEquals(session.backend(), response.header("X-Backend"), session.toString());
                    assertEquals(null, response.header("Set-Cookie"), "the session keeps its cookie");
                }
                assertEquals(session.backend(), overHttp2(proxy, session.cookie(), null), session + " over HTTP/2");
                // the session decides before the header, as ingress-nginx's balancer.lua
                String other = session.backend().startsWith("main") ? "always" : "never";
                assertEquals(session.backend(), client.exchange(request("Cookie: " + session.cookie(), "X-Canary: " + other))
                        .header("X-Backend"));
                assertEquals(session.backend(), overHttp2(proxy, session.cookie(), other));
            }
            assertEquals(Set.of("main", "canary"), sides, "the weight sent new clients to both sides");
        }
    }

    @Test
    void stickyIsTheDefaultAndKeepsAPersistentSessionOnItsSideOnBothPaths() throws Exception {
        aClientStaysOnTheSideItsSessionIsOn("persistent");
    }

    @Test
    void stickyKeepsABalancedSessionOnItsSideOnBothPaths() throws Exception {
        aClientStaysOnTheSideItsSessionIsOn("balanced");
    }

    @Test
    void legacyDecidesEveryRequestByTheCanaryRuleWhateverTheCookie() throws Exception {
        IngressServer proxy = proxy("persistent", "legacy");
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Session session = null;
            for (int i = 0; i < CLIENTS && session == null; i++) {
                WireClient.Response response = client.exchange(request());
                if (response.header("X-Backend").startsWith("main")) {
                    String setCookie = response.header("Set-Cookie");
                    session = new Session(setCookie.substring(0, setCookie.indexOf(';')), response.header("X-Backend"));
                }
            }
            assertNotNull(session, "the weight sent a new client to the main backend");
            String pinned = session.backend();
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < 40; i++) {
                seen.add(client.exchange(request("Cookie: " + session.cookie())).header("X-Backend"));
                seen.add(overHttp2(proxy, session.cookie(), null));
            }
            assertTrue(seen.contains(session.backend()), seen.toString());
            assertTrue(seen.stream().anyMatch(backend -> backend.startsWith("canary")),
                    "a client with a session on the main backend is still sent to the canary by weight: " + seen);
            assertTrue(seen.stream().noneMatch(backend -> backend.startsWith("main") && !backend.equals(pinned)),
                    "on the main backend the session keeps its endpoint: " + seen);
            assertEquals("canary", client.exchange(request("Cookie: " + session.cookie(), "X-Canary: always"))
                    .header("X-Backend").substring(0, 6), "the header decides, not the session");
        }
    }
}
