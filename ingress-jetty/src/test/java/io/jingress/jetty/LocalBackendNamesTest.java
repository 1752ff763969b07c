package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WebSocketEcho;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A backend given by DNS name (here an FQDN EndpointSlice, as an ExternalName Service's name would
 * be) that resolves only to the proxy's own host is not connected to, unless
 * {@link IngressServer.Builder#localBackendNames} allows it. {@code localhost} stands for any name
 * that resolves to 127.0.0.1 ({@code localtest.me}, {@code 127.0.0.1.nip.io}, a line in /etc/hosts).
 */
class LocalBackendNamesTest {
    private static final String UNREACHABLE = "502 Bad Gateway: the upstream endpoint could not be reached\n";
    private static final String UPGRADE = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private ContentResponse get(IngressServer proxy, String host, String path) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path(path).headers(h -> h.put("Host", host)).send();
    }

    @Test
    void backendNameResolvingOnlyToLoopbackGets502AndOtherRoutesStillServe() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo loopbackOnly = backends.start("loopback-only");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", app.port())
                .routeToDnsEndpoint("named.test", "/", "named", "localhost", loopbackOnly.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse refused = get(proxy, "named.test", "/");
        ContentResponse served = get(proxy, "app.test", "/");

        assertEquals(502, refused.getStatus());
        assertEquals(UNREACHABLE, refused.getContentAsString());
        assertEquals(0, loopbackOnly.requests());
        assertEquals(200, served.getStatus());
        assertEquals(1, app.requests());
    }

    @Test
    void backendNameResolvingOnlyToLoopbackIsServedWhenLocalBackendNamesAreAllowed() throws Exception {
        Backends.Echo loopbackOnly = backends.start("loopback-only");
        TestRoutes routes = TestRoutes.create().routeToDnsEndpoint("named.test", "/", "named", "localhost", loopbackOnly.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).localBackendNames(true));

        ContentResponse response = get(proxy, "named.test", "/");

        assertEquals(200, response.getStatus());
        assertEquals("loopback-only", response.getHeaders().get("X-Backend"));
    }

    @Test
    void theAdminPortCannotBeReachedThroughABackendNameOfTheLocalHost() throws Exception {
        TestRoutes routes = TestRoutes.create();
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        routes.routeToDnsEndpoint("admin.test", "/", "admin", "localhost", proxy.adminPort());

        ContentResponse response = get(proxy, "admin.test", "/routes");

        assertEquals(502, response.getStatus());
        assertEquals(UNREACHABLE, response.getContentAsString());
    }

    @Test
    void anFqdnEndpointThatIsALoopbackNumberIsNeverConnectedToEvenWithLocalNamesAllowed() throws Exception {
        // "127.1" is read as 127.0.0.1 by resolvers; the route table drops it, as an ExternalName of it
        Backends.Echo loopbackOnly = backends.start("loopback-only");
        TestRoutes routes = TestRoutes.create().routeToDnsEndpoint("named.test", "/", "named", "127.1", loopbackOnly.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).localBackendNames(true));

        ContentResponse response = get(proxy, "named.test", "/");

        assertEquals(503, response.getStatus());
        assertEquals(0, loopbackOnly.requests());
        assertTrue(routes.router().current().problems().toString().contains("\"127.1\" is neither a DNS name nor an IPv4 address"),
                routes.router().current().problems().toString());
    }

    @Test
    void aRequestWithABodyToABackendNameOfTheLocalHostGets502Too() throws Exception {
        Backends.Echo loopbackOnly = backends.start("loopback-only");
        TestRoutes routes = TestRoutes.create().routeToDnsEndpoint("named.test", "/", "named", "localhost", loopbackOnly.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).method(HttpMethod.POST)
                .path("/upload").headers(h -> h.put("Host", "named.test"))
                .body(new StringRequestContent("x".repeat(100_000))).send();

        assertEquals(502, response.getStatus());
        assertEquals(UNREACHABLE, response.getContentAsString());
        assertEquals(0, loopbackOnly.requests());
    }

    @Test
    void aShortBodyReadWithItsHeadReachesABackendNameWhole() throws Exception {
        // an endpoint by name takes Jetty's client, which once sent the head of a body the lean
        // connection had read with it, and not the body
        Backends.Echo named = backends.start("named");
        TestRoutes routes = TestRoutes.create().routeToDnsEndpoint("named.test", "/", "named", "localhost", named.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).localBackendNames(true));

        ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).method(HttpMethod.POST)
                .path("/upload").headers(h -> h.put("Host", "named.test"))
                .body(new StringRequestContent("x".repeat(1000))).timeout(20, java.util.concurrent.TimeUnit.SECONDS).send();

        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals("1000", response.getHeaders().get("X-Echo-Body-Length"));
    }

    @Test
    void anUpgradeToABackendNameOfTheLocalHostGets502AndIsTunnelledWhenAllowed() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        TestRoutes routes = TestRoutes.create().routeToDnsEndpoint("chat.test", "/", "chat", "localhost", echo.port());
        IngressServer refusing = proxies.start(IngressServer.builder(routes.router()));
        IngressServer allowing = proxies.start(IngressServer.builder(routes.router()).localBackendNames(true));

        String refused = RawHttp.exchange(refusing.httpPort(), "GET / HTTP/1.1\r\nHost: chat.test\r\n" + UPGRADE);
        assertEquals(502, RawHttp.status(refused), refused);
        assertTrue(echo.heads().isEmpty());

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), allowing.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: chat.test\r\n" + UPGRADE)
                    .getBytes(StandardCharsets.US_ASCII));
            String allowed = RawHttp.readHead(socket.getInputStream());
            assertEquals(101, RawHttp.status(allowed), allowed);
        }
        assertEquals(1, echo.heads().size());
    }
}
