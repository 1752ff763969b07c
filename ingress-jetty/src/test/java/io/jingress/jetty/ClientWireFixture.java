package io.jingress.jetty;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the client-wire tests share: a proxy routing every path of {@link #HOST} to one backend. */
abstract class ClientWireFixture {
    static final String HOST = "app.test";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    /** A proxy routing {@link #HOST} {@code /} (Prefix) to the backend on {@code backendPort}. */
    IngressServer proxyTo(int backendPort) {
        TestRoutes routes = TestRoutes.create().route(HOST, "/", "app", backendPort);
        return proxies.start(IngressServer.builder(routes.router()));
    }

    /** A GET of {@code pathQuery} on {@link #HOST}, as raw bytes. */
    static String get(String pathQuery) {
        return WireClient.get(HOST, pathQuery);
    }
}
