package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import java.io.BufferedInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The paths the listeners refuse before routing, which {@code --explain} (the adapter's
 * {@code AmbiguousPaths}) says are 400 too: the two must agree, so this list is the adapter's
 * {@code RouteExplainerTest.pathsTheProxysUriComplianceRefusesAre400AsThere}.
 */
class AmbiguousPathsTest {
    private static final List<String> REFUSED = List.of("/a/%2e/b", "/a/.%2e/b", "/a/%2E%2E/b", "/a/%2e", "/a/..;/b",
            "/a/.;x/b", "/a/..;", "/a/%25/b", "/a/%2541");
    private static final List<String> TAKEN = List.of("/a/%2ex/b", "/a;x/b", "/a/b;c", "/a/..x/b", "/a/..%3B/b", "/a/.../b");

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n";
    }

    @Test
    void ambiguousPathsAre400OnBothListenersAndTheOthersAreForwarded() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().route("app.test", "/", "app", app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        for (String path : REFUSED) {
            assertEquals(400, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get(path))), path);
            try (Socket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("http/1.1"))) {
                socket.getOutputStream().write(get(path).getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                assertEquals(400, RawHttp.status(RawHttp.readHead(new BufferedInputStream(socket.getInputStream()))),
                        path + " over TLS");
            }
        }
        for (String path : TAKEN) {
            assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get(path))), path);
        }
    }
}
