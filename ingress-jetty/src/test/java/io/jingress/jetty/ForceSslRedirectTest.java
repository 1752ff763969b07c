package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code force-ssl-redirect: "true"}: plain HTTP gets the 308 to HTTPS on a host that is in no
 * {@code spec.tls}, even with {@code ssl-redirect: "false"}; over TLS the request is served.
 */
class ForceSslRedirectTest {
    private static final String FORCE = "nginx.ingress.kubernetes.io/force-ssl-redirect";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static String get(String host, String pathAndQuery) {
        return "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    private static String overTls(IngressServer proxy, String request) throws IOException {
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("http/1.1"))) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void plainHttpIsRedirectedToTheHttpsPortWithoutAnyTlsSectionAndTlsIsServed() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", Map.of(FORCE, "true"), app.port())
                .route("plain.test", "/", "plain", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));

        String plain = RawHttp.exchange(proxy.httpPort(), get("app.test", "/hello?x=1&y=%2F"));
        assertEquals(308, RawHttp.status(plain), plain);
        assertEquals("https://app.test:" + proxy.httpsPort() + "/hello?x=1&y=%2F", RawHttp.header(plain, "Location"));
        assertEquals(0, app.requests());

        String tls = overTls(proxy, get("app.test", "/hello"));
        assertEquals(200, RawHttp.status(tls), tls);
        ContentResponse http2 = proxies.http2Client().newRequest("https://app.test:" + proxy.httpsPort() + "/hello")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, http2.getVersion());
        assertEquals(200, http2.getStatus());
        // another Ingress on the same proxy is not forced
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("plain.test", "/hello"))));
        assertEquals(3, app.requests());
    }

    @Test
    void forceWinsOverSslRedirectFalseAsInIngressNginx() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", Map.of(FORCE, "true", "nginx.ingress.kubernetes.io/ssl-redirect", "false"),
                        app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));

        String plain = RawHttp.exchange(proxy.httpPort(), get("app.test", "/hello"));
        assertEquals(308, RawHttp.status(plain), plain);
        assertEquals("https://app.test:" + proxy.httpsPort() + "/hello", RawHttp.header(plain, "Location"));
    }

    @Test
    void behindALoadBalancerTheRedirectGoesToItsHttpsPortAndThePlainListenerServesNothingElse() throws Exception {
        Backends.Echo app = backends.start("app");
        // no HTTPS listener here: the load balancer terminates TLS on 443
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", Map.of(FORCE, "true"), app.port()).router())
                .httpsRedirectPort(443));

        String plain = RawHttp.exchange(proxy.httpPort(), get("app.test", "/hello"));
        assertEquals(308, RawHttp.status(plain), plain);
        assertEquals("https://app.test/hello", RawHttp.header(plain, "Location"));
        assertEquals(0, app.requests());
    }

    @Test
    void aBadValueForcesNothing() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", Map.of(FORCE, "yes"), app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));

        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("app.test", "/hello"))));
    }
}
