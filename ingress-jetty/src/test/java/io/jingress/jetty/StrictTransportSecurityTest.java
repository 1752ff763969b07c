package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import io.jingress.core.model.TlsSecret;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestCertificates;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code Strict-Transport-Security} through {@link IngressServer}: on every answer over TLS (HTTP/1.1
 * on the lean connection and on Jetty's, HTTP/2; the endpoint's and the proxy's own), never over
 * plain HTTP, the endpoint's own kept, and as configured.
 */
class StrictTransportSecurityTest {
    private static final String INGRESS_NGINX_DEFAULT = "max-age=31536000; includeSubDomains";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static TlsSecret secret() throws IOException {
        return TestCertificates.pkcs8Secret();
    }

    /** Starts {@code builder} with an HTTPS listener on 127.0.0.1 too. */
    private IngressServer proxy(IngressServer.Builder builder) {
        return proxies.start(builder.httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    /**
     * {@code app.test} to an echo backend, {@code tls.test} (listed under {@code spec.tls}, so plain
     * HTTP is redirected) to the same, {@code down.test} to a dead port (502), {@code gone.test} to a
     * missing Service (503); other hosts 404.
     */
    private TestRoutes routes() throws IOException {
        Backends.Echo app = backends.start("app");
        return TestRoutes.create()
                .route("app.test", "/", "app", app.port())
                .tlsRoute("tls.test", "/", "tls-app", secret(), app.port())
                .route("down.test", "/", "down", backends.deadPort())
                .routeToMissingService("gone.test", "/", "gone");
    }

    /** The whole response to {@code request} (with {@code Connection: close}) over TLS and HTTP/1.1. */
    private static String overTls(IngressServer proxy, String request) throws IOException {
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("http/1.1"))) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String get(String host) {
        return "GET /hello HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    /** Every {@code Strict-Transport-Security} value in a response's head, in order. */
    private static List<String> hsts(String response) {
        List<String> values = new ArrayList<>();
        int end = response.indexOf("\r\n\r\n");
        for (String line : response.substring(0, end < 0 ? response.length() : end).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("Strict-Transport-Security")) {
                values.add(line.substring(colon + 1).trim());
            }
        }
        return values;
    }

    @Test
    void everyAnswerOverTlsCarriesIngressNginxsDefaultHsts() throws Exception {
        IngressServer proxy = proxy(IngressServer.builder(routes().router()));

        String ok = overTls(proxy, get("app.test"));
        assertEquals(200, RawHttp.status(ok), ok);
        assertEquals(List.of(INGRESS_NGINX_DEFAULT), hsts(ok));
        // the proxy's own answers too
        for (String host : List.of("nobody.test", "down.test", "gone.test")) {
            String own = overTls(proxy, get(host));
            assertEquals(List.of(INGRESS_NGINX_DEFAULT), hsts(own), own);
        }
        assertEquals(404, RawHttp.status(overTls(proxy, get("nobody.test"))));
        assertEquals(502, RawHttp.status(overTls(proxy, get("down.test"))));
        assertEquals(503, RawHttp.status(overTls(proxy, get("gone.test"))));
        // a chunked upload: the lean connection hands it to Jetty's HTTP/1 connection, and Jetty's
        // ProxyHandler streams it upstream
        String upload = overTls(proxy, "POST /upload HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertEquals(200, RawHttp.status(upload), upload);
        assertEquals(List.of(INGRESS_NGINX_DEFAULT), hsts(upload));
    }

    // ingress-nginx adds it "always": the refusals made before a request reaches the proxy too
    @Test
    void refusalsOfMalformedOrOversizedRequestsOverTlsCarryHsts() throws Exception {
        IngressServer proxy = proxy(IngressServer.builder(routes().router()));

        // an oversized head: refused by the lean connection itself
        String tooLarge = overTls(proxy, "GET /hello HTTP/1.1\r\nHost: app.test\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
        assertEquals(431, RawHttp.status(tooLarge), tooLarge);
        assertEquals(List.of(INGRESS_NGINX_DEFAULT), hsts(tooLarge));
        // a second Host: handed to Jetty's connection, whose error handler refuses it
        String duplicateHost = overTls(proxy, "GET /hello HTTP/1.1\r\nHost: app.test\r\nHost: b.test\r\n"
                + "Connection: close\r\n\r\n");
        assertEquals(400, RawHttp.status(duplicateHost), duplicateHost);
        assertEquals(List.of(INGRESS_NGINX_DEFAULT), hsts(duplicateHost));

        // not over plain HTTP
        String plain = RawHttp.exchange(proxy.httpPort(), "GET /hello HTTP/1.1\r\nHost: app.test\r\nHost: b.test\r\n"
                + "Connection: close\r\n\r\n");
        assertEquals(400, RawHttp.status(plain), plain);
        assertEquals(List.of(), hsts(plain));
    }

    @Test
    void http2AnswersCarryHstsToo() throws Exception {
        IngressServer proxy = proxy(IngressServer.builder(routes().router()));
        HttpClient client = proxies.http2Client();

        for (String host : List.of("app.test", "nobody.test", "down.test")) {
            ContentResponse response = client.newRequest("https://" + host + ":" + proxy.httpsPort() + "/hello")
                    .timeout(10, TimeUnit.SECONDS).send();
            assertEquals(HttpVersion.HTTP_2, response.getVersion());
            assertEquals(List.of(INGRESS_NGINX_DEFAULT),
                    response.getHeaders().getValuesList(HttpHeader.STRICT_TRANSPORT_SECURITY), host);
        }
    }

    @Test
    void plainHttpAnswersNeverCarryHstsNorDoesTheRedirectToHttps() throws Exception {
        IngressServer proxy = proxy(IngressServer.builder(routes().router()));

        String redirect = RawHttp.exchange(proxy.httpPort(), get("tls.test"));
        assertEquals(308, RawHttp.status(redirect), redirect);
        assertEquals(List.of(), hsts(redirect));
        for (String host : List.of("app.test", "nobody.test", "down.test", "gone.test")) {
            String plain = RawHttp.exchange(proxy.httpPort(), get(host));
            assertEquals(List.of(), hsts(plain), plain);
        }
        // the same proxy's HTTPS answers do carry it
        assertEquals(List.of(INGRESS_NGINX_DEFAULT), hsts(overTls(proxy, get("tls.test"))));
    }

    @Test
    void anEndpointsOwnHstsIsPassedOnAloneOverBothProtocols() throws Exception {
        Backends.Raw own = backends.startRaw("HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=600; preload\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\nok");
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(IngressServer.builder(TestRoutes.create()
                .route("own.test", "/", "own", own.port())
                .route("app.test", "/", "app", app.port()).router()));

        String ownAnswer = overTls(proxy, get("own.test"));
        assertEquals(200, RawHttp.status(ownAnswer), ownAnswer);
        assertEquals(List.of("max-age=600; preload"), hsts(ownAnswer));
        ContentResponse overHttp2 = proxies.http2Client().newRequest("https://own.test:" + proxy.httpsPort() + "/hello")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(List.of("max-age=600; preload"), overHttp2.getHeaders().getValuesList(HttpHeader.STRICT_TRANSPORT_SECURITY));
        // while an endpoint that sends none gets the proxy's
        assertEquals(List.of(INGRESS_NGINX_DEFAULT), hsts(overTls(proxy, get("app.test"))));
    }

    @Test
    void hstsIsAsConfiguredOrOff() throws Exception {
        TestRoutes routes = routes();
        IngressServer halfYear = proxy(IngressServer.builder(routes.router()).hsts(Duration.ofDays(180), false));
        IngressServer forget = proxy(IngressServer.builder(routes.router()).hsts(Duration.ZERO, true));
        IngressServer off = proxy(IngressServer.builder(routes.router()).disableHsts());

        assertEquals(List.of("max-age=15552000"), hsts(overTls(halfYear, get("app.test"))));
        assertEquals(List.of("max-age=15552000"), hsts(overTls(halfYear, get("nobody.test"))));
        assertEquals(List.of("max-age=0; includeSubDomains"), hsts(overTls(forget, get("app.test"))));
        String ok = overTls(off, get("app.test"));
        assertEquals(200, RawHttp.status(ok), ok);
        assertEquals(List.of(), hsts(ok));
        assertEquals(List.of(), hsts(overTls(off, get("nobody.test"))));
    }
}
