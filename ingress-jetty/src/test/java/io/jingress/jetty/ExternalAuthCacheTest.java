package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code auth-cache-key} and {@code auth-cache-duration} through a real proxy, backend and auth
 * service (on loopback) that counts the calls it gets. The auth service answers by the request's
 * {@code Authorization}: {@code Bearer ok-NAME} 200 with {@code X-Auth-Request-User: NAME};
 * {@code Bearer cookie} 200 with a {@code Set-Cookie}; {@code Bearer broken} 503; anything else 401.
 * Expiry is {@code AuthVerdictCacheTest}'s (an injected clock).
 */
class ExternalAuthCacheTest {
    private static final String P = "nginx.ingress.kubernetes.io/";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private final AtomicInteger authCalls = new AtomicInteger();
    private final Server authServer = new Server();

    ExternalAuthCacheTest() throws Exception {
        ServerConnector connector = new ServerConnector(authServer, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        authServer.addConnector(connector);
        authServer.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                authCalls.incrementAndGet();
                String authorization = request.getHeaders().get("Authorization");
                int status;
                if (authorization != null && authorization.startsWith("Bearer ok-")) {
                    status = 200;
                    response.getHeaders().put("X-Auth-Request-User", authorization.substring("Bearer ok-".length()));
                } else if ("Bearer cookie".equals(authorization)) {
                    status = 200;
                    response.getHeaders().put("Set-Cookie", "session=renewed");
                } else if ("Bearer broken".equals(authorization)) {
                    status = 503;
                } else {
                    status = 401;
                    response.getHeaders().put("WWW-Authenticate", "Bearer realm=\"test\"");
                }
                response.setStatus(status);
                response.write(true, ByteBuffer.wrap(("auth says " + status).getBytes(StandardCharsets.US_ASCII)), callback);
                return true;
            }
        });
        authServer.start();
    }

    @AfterEach
    void stopAuth() throws Exception {
        authServer.stop();
    }

    private String authUrl(String pathQuery) {
        return "http://127.0.0.1:" + ((ServerConnector) authServer.getConnectors()[0]).getLocalPort() + pathQuery;
    }

    private IngressServer proxy(String host, int port, String... pairs) {
        Map<String, String> annotations = new HashMap<>();
        annotations.put(P + "auth-url", authUrl("/check"));
        annotations.put(P + "auth-response-headers", "X-Auth-Request-User");
        for (int i = 0; i < pairs.length; i += 2) {
            annotations.put(P + pairs[i], pairs[i + 1]);
        }
        return proxies.start(IngressServer.builder(TestRoutes.create().route(host, "/", "app", annotations, port).router()));
    }

    private ContentResponse get(IngressServer proxy, String host, String authorization) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/app")
                .headers(h -> h.put("Host", host).put("Authorization", authorization)).timeout(20, TimeUnit.SECONDS).send();
    }

    @Test
    void twoRequestsWithTheSameKeyAskTheAuthServiceOnceAndBothGetItsHeaders() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy("app.test", backend.port(), "auth-cache-key", "$http_authorization");

        ContentResponse first = get(proxy, "app.test", "Bearer ok-alice");
        String firstUser = backend.lastRequest().header("X-Auth-Request-User");
        ContentResponse second = get(proxy, "app.test", "Bearer ok-alice");

        assertEquals(200, first.getStatus(), first.getContentAsString());
        assertEquals(200, second.getStatus(), second.getContentAsString());
        assertEquals(1, authCalls.get(), "the second was answered by the kept answer");
        assertEquals(2, backend.requests());
        assertEquals("alice", firstUser);
        assertEquals("alice", backend.lastRequest().header("X-Auth-Request-User"), "the kept answer's header");
    }

    @Test
    void overHttp2AndTlsAKeptAnswerLetsTheRequestOnThroughJettysPath() throws Exception {
        Backends.Echo backend = backends.start("app");
        Map<String, String> annotations = new HashMap<>();
        annotations.put(P + "auth-url", authUrl("/check"));
        annotations.put(P + "auth-response-headers", "X-Auth-Request-User");
        annotations.put(P + "auth-cache-key", "$http_authorization");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route(null, "/", "app", annotations,
                backend.port()).router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        for (int i = 0; i < 2; i++) {
            ContentResponse response = proxies.http2Client().newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/app")
                    .headers(h -> h.put("Authorization", "Bearer ok-bob")).timeout(20, TimeUnit.SECONDS).send();
            assertEquals(HttpVersion.HTTP_2, response.getVersion());
            assertEquals(200, response.getStatus(), response.getContentAsString());
            assertEquals("bob", backend.lastRequest().header("X-Auth-Request-User"));
        }
        assertEquals(1, authCalls.get(), "the second was answered by the kept answer");
        assertEquals(2, backend.requests());
    }

    @Test
    void aDifferentKeyAsksTheAuthServiceAgainAndGetsItsOwnAnswer() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy("app.test", backend.port(), "auth-cache-key", "$http_authorization");

        ContentResponse alice = get(proxy, "app.test", "Bearer ok-alice");
        ContentResponse bob = get(proxy, "app.test", "Bearer ok-bob");
        ContentResponse stranger = get(proxy, "app.test", "Bearer stolen");

        assertEquals(200, alice.getStatus());
        assertEquals(200, bob.getStatus());
        assertEquals("bob", backend.lastRequest().header("X-Auth-Request-User"));
        assertEquals(401, stranger.getStatus());
        assertEquals(3, authCalls.get());
        assertEquals(2, backend.requests());
    }

    @Test
    void a401IsKeptWithItsWwwAuthenticate() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy("app.test", backend.port(), "auth-cache-key", "$remote_user$http_authorization");

        ContentResponse first = get(proxy, "app.test", "Bearer expired");
        ContentResponse second = get(proxy, "app.test", "Bearer expired");

        assertEquals(401, first.getStatus());
        assertEquals(401, second.getStatus());
        assertEquals("Bearer realm=\"test\"", second.getHeaders().get("WWW-Authenticate"));
        assertEquals(1, authCalls.get());
        assertEquals(0, backend.requests());
    }

    @Test
    void aStatusTheDurationsDoNotListIsNotKept() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy("app.test", backend.port(), "auth-cache-key", "$http_authorization");

        ContentResponse first = get(proxy, "app.test", "Bearer broken");
        ContentResponse second = get(proxy, "app.test", "Bearer broken");

        assertEquals(500, first.getStatus());
        assertEquals(500, second.getStatus());
        assertEquals(2, authCalls.get(), "a 503 is not in 200 202 401 5m");
    }

    @Test
    void a401IsNotKeptWhenTheDurationsListOnly200() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy("app.test", backend.port(), "auth-cache-key", "$http_authorization",
                "auth-cache-duration", "200 10m");

        get(proxy, "app.test", "Bearer expired");
        get(proxy, "app.test", "Bearer expired");
        get(proxy, "app.test", "Bearer ok-alice");
        get(proxy, "app.test", "Bearer ok-alice");

        assertEquals(3, authCalls.get());
        assertEquals(2, backend.requests());
    }

    @Test
    void anAnswerThatSetsACookieIsNotKeptAsInNginx() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy("app.test", backend.port(), "auth-cache-key", "$http_authorization");

        ContentResponse first = get(proxy, "app.test", "Bearer cookie");
        ContentResponse second = get(proxy, "app.test", "Bearer cookie");

        assertEquals("session=renewed", first.getHeaders().get("Set-Cookie"));
        assertEquals("session=renewed", second.getHeaders().get("Set-Cookie"));
        assertEquals(2, authCalls.get());
    }

    @Test
    void withoutAuthCacheKeyEveryRequestIsChecked() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy("app.test", backend.port(), "auth-cache-duration", "200 5m");

        get(proxy, "app.test", "Bearer ok-alice");
        get(proxy, "app.test", "Bearer ok-alice");

        assertEquals(2, authCalls.get());
        assertEquals(2, backend.requests());
    }

    @Test
    void theSameKeyForAnotherAuthUrlIsAskedAgain() throws Exception {
        Backends.Echo backend = backends.start("app");
        // one wildcard rule: the auth URL, filled in with $host, differs by the request's host
        IngressServer proxy = proxy("*.app.test", backend.port(), "auth-url", authUrl("/check?for=$host"),
                "auth-cache-key", "$http_authorization");

        ContentResponse a = get(proxy, "a.app.test", "Bearer ok-alice");
        ContentResponse b = get(proxy, "b.app.test", "Bearer ok-alice");
        ContentResponse aAgain = get(proxy, "a.app.test", "Bearer ok-alice");

        assertEquals(200, a.getStatus());
        assertEquals(200, b.getStatus());
        assertEquals(200, aAgain.getStatus());
        assertEquals(2, authCalls.get(), "one call per auth URL, the third kept");
    }

    @Test
    void theRoutesPageShowsWhatIsKept() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy("app.test", backend.port(), "auth-cache-key", "$http_authorization",
                "auth-cache-duration", "200 1m");

        ContentResponse routes = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes")
                .timeout(20, TimeUnit.SECONDS).send();

        assertEquals(200, routes.getStatus());
        String expected = "answers kept by \\\"$http_authorization\\\" (auth-cache-key) for 200 1m";
        org.junit.jupiter.api.Assertions.assertTrue(routes.getContentAsString().contains(expected), routes.getContentAsString());
    }
}
