package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import javax.net.ssl.SSLSocket;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.BareHttp2;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.ScriptedBackend.Answer;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An HTTP/2 {@code :method} must be a token, as an HTTP/1 method is: one with a space or a tab
 * would go into the upstream request line ({@code GET /admin /public HTTP/1.1}), routed by one
 * path and read by some servers as another. It is answered 400 and reaches no endpoint.
 */
class Http2RequestMethodTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private Backends.Echo app;

    private IngressServer proxy() {
        app = backends.start("app");
        return proxyTo(app.port());
    }

    private IngressServer proxyTo(int port) {
        return proxies.start(IngressServer.builder(TestRoutes.create().route("app.test", "/", "app", port).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    private static int statusOf(IngressServer proxy, String method) throws Exception {
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("h2"))) {
            BareHttp2 h2 = new BareHttp2(socket);
            h2.headers(1, BareHttp2.END_STREAM | BareHttp2.END_HEADERS, BareHttp2.literal(":method", method),
                    BareHttp2.HTTPS, BareHttp2.literal(":path", "/public"), BareHttp2.AUTHORITY);
            return h2.statusOf(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /admin", "GET\t/admin", "G(E)T", "GET;x=\"1\""})
    void aMethodThatIsNoTokenIsAnswered400AndReachesNoEndpoint(String method) throws Exception {
        // a backend that reads any request line, as a lenient server would
        try (ScriptedBackend lenient = ScriptedBackend.start((connection, request, head) ->
                Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))) {
            IngressServer proxy = proxyTo(lenient.port());

            assertEquals(400, statusOf(proxy, method));
            assertEquals(List.of(), lenient.heads());
        }
    }

    @Test
    void anyMethodThatIsATokenGoesToTheEndpoint() throws Exception {
        IngressServer proxy = proxy();

        assertEquals(200, statusOf(proxy, "PROPFIND"));
        assertEquals("PROPFIND", app.lastRequest().method());
        assertEquals(200, statusOf(proxy, "X-Custom_1.0"));
        assertEquals("X-Custom_1.0", app.lastRequest().method());
    }
}
