package io.jingress.jetty;

import java.io.IOException;
import java.io.UncheckedIOException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link IngressHandler} mounted in an application's own Jetty server, without {@link IngressServer}. */
class IngressHandlerTest {
    @RegisterExtension
    final Backends backends = new Backends();

    @Test
    void handlerMountedInAnApplicationsOwnServerProxiesWhatItsOwnHandlersLeave() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressHandler ingress = IngressHandler.builder(routes.router()).connectTimeout(Duration.ofSeconds(2)).build();
        Handler own = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!request.getHttpURI().getPath().equals("/own")) {
                    return false;
                }
                Content.Sink.write(response, true, "own\n", callback);
                return true;
            }
        };
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Sequence(own, ingress));
        server.start();
        try {
            String proxied = RawHttp.exchange(connector.getLocalPort(), "GET /items HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
            String local = RawHttp.exchange(connector.getLocalPort(), "GET /own HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");

            assertEquals(200, RawHttp.status(proxied), proxied);
            assertEquals("app", RawHttp.header(proxied, "X-Backend"));
            assertTrue(local.endsWith("own\n"), local);
            assertEquals(1, app.requests());
        } finally {
            server.stop();
        }
    }

    @Test
    void adminHandlerReportsTheHandlersTraffic() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressHandler ingress = IngressHandler.create(routes.router());
        Server server = new Server();
        ServerConnector proxyConnector = new ServerConnector(server);
        proxyConnector.setHost("127.0.0.1");
        server.addConnector(proxyConnector);
        server.setHandler(ingress);
        Server admin = new Server();
        ServerConnector adminConnector = new ServerConnector(admin);
        adminConnector.setHost("127.0.0.1");
        admin.addConnector(adminConnector);
        admin.setHandler(ingress.adminHandler());
        server.start();
        admin.start();
        try {
            RawHttp.exchange(proxyConnector.getLocalPort(), "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");

            String counted = "jingress_requests_total{ingress=\"default/ingress-1\",service=\"default/app:80\",method=\"GET\",status=\"2xx\"} 1";
            int adminPort = adminConnector.getLocalPort();
            // The count is taken as the exchange completes, just after the client has its response.
            Await.until(() -> {
                try {
                    return RawHttp.exchange(adminPort, "GET /metrics HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n")
                            .contains(counted);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "the request is counted");
        } finally {
            server.stop();
            admin.stop();
        }
    }

    @Test
    void builderRejectsBadSettingsNamingTheField() {
        IngressHandler.Builder builder = IngressHandler.builder(TestRoutes.create().router());

        IllegalArgumentException tries = assertThrows(IllegalArgumentException.class, () -> builder.maxTries(0));
        assertTrue(tries.getMessage().startsWith("maxTries"), tries.getMessage());
        IllegalArgumentException read = assertThrows(IllegalArgumentException.class, () -> builder.readTimeout(Duration.ZERO));
        assertTrue(read.getMessage().startsWith("readTimeout"), read.getMessage());
        assertThrows(NullPointerException.class, () -> IngressHandler.builder(null));
    }
}
