package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
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
 * {@code auth-keepalive}, {@code auth-keepalive-requests} and {@code auth-keepalive-timeout}, seen
 * from a real auth service on loopback that counts the connections the proxy opens and closes.
 */
class ExternalAuthKeepaliveTest {
    private static final String P = "nginx.ingress.kubernetes.io/";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    // calls per connection of the auth server, by the connection's id
    private final Map<String, Integer> callsByConnection = new java.util.concurrent.ConcurrentHashMap<>();
    private final Server authServer = new Server();
    private final ServerConnector connector = new ServerConnector(authServer, 1, 1);

    ExternalAuthKeepaliveTest() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(60_000);
        connector.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                opened.incrementAndGet();
            }

            @Override
            public void onClosed(Connection connection) {
                closed.incrementAndGet();
            }
        });
        authServer.addConnector(connector);
        authServer.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                calls.incrementAndGet();
                callsByConnection.merge(request.getConnectionMetaData().getId(), 1, Integer::sum);
                response.setStatus(200);
                Content.Sink.write(response, true, "ok", callback);
                return true;
            }
        });
        authServer.start();
    }

    @AfterEach
    void stopAuth() throws Exception {
        authServer.stop();
    }

    private IngressServer proxy(int port, String... pairs) {
        Map<String, String> annotations = new HashMap<>();
        annotations.put(P + "auth-url", "http://127.0.0.1:" + connector.getLocalPort() + "/check");
        for (int i = 0; i < pairs.length; i += 2) {
            annotations.put(P + pairs[i], pairs[i + 1]);
        }
        return proxies.start(IngressServer.builder(TestRoutes.create().route("app.test", "/", "app", annotations, port).router()));
    }

    private void get(IngressServer proxy, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/app")
                    .headers(h -> h.put("Host", "app.test")).timeout(20, TimeUnit.SECONDS).send();
            assertEquals(200, response.getStatus(), response.getContentAsString());
        }
    }

    @Test
    void withoutThemOneKeptConnectionServesEveryCall() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(backend.port());

        get(proxy, 4);

        assertEquals(4, calls.get());
        assertEquals(1, opened.get());
    }

    @Test
    void keepaliveRequestsClosesAConnectionAfterThatManyCalls() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(backend.port(), "auth-keepalive-requests", "2");

        get(proxy, 4);

        assertEquals(4, calls.get());
        // each connection serves at most two calls, and is reused for its second: Jetty's pool may open
        // one more while a released connection is on its way back (seen as 3 opened on a loaded machine)
        assertEquals(2, callsByConnection.values().stream().mapToInt(Integer::intValue).max().orElse(0),
                callsByConnection.toString());
        Await.until(() -> closed.get() >= 1, "a connection closed by the proxy after its second call");
    }

    @Test
    void keepaliveZeroClosesEachConnectionAfterItsCall() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(backend.port(), "auth-keepalive", "0");

        get(proxy, 3);

        assertEquals(3, calls.get());
        assertEquals(3, opened.get());
        Await.until(() -> closed.get() == 3, "every connection closed");
    }

    @Test
    void keepaliveTimeoutClosesAnIdleConnection() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(backend.port(), "auth-keepalive", "8", "auth-keepalive-timeout", "1");

        get(proxy, 1);

        assertEquals(1, opened.get());
        Await.until(() -> closed.get() == 1, "the idle connection closed by the proxy after 1 s");
    }
}
