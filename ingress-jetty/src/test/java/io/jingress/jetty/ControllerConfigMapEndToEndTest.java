package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestCertificates;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller ConfigMap's {@code proxy-set-headers} and {@code add-headers} through
 * {@link IngressServer}, with real endpoints: what the endpoint receives and what the client
 * receives, over the lean HTTP/1.1 path and over HTTP/2 (Jetty's client path).
 */
class ControllerConfigMapEndToEndTest {
    private static final String BACKEND_ANSWER = "HTTP/1.1 200 OK\r\n"
            + "X-Frame-Options: SAMEORIGIN\r\n"
            + "X-Other: kept\r\n"
            + "Content-Length: 2\r\nConnection: close\r\n\r\nok";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static TestRoutes routes() {
        return TestRoutes.create()
                .configMap("jingress-controller", Map.of("add-headers", "default/answer-headers",
                        "proxy-set-headers", "default/upstream-headers", "proxy-read-timeout", "30"))
                .configMap("answer-headers", Map.of("X-Frame-Options", "DENY", "X-Content-Type-Options", "nosniff"))
                .configMap("upstream-headers", Map.of("X-Env", "prod", "X-Team", "platform", "Host", "refused.test"))
                .controllerConfigMap("jingress-controller");
    }

    @Test
    void theEndpointGetsTheSetHeadersInPlaceOfTheClientsAndTheClientTheAddedOnesOnTheLeanPath() throws Exception {
        Backends.Raw app = backends.startRaw(BACKEND_ANSWER);
        IngressServer proxy = proxies.start(IngressServer.builder(routes()
                .route("shop.test", "/", "app", app.port())
                .router()));

        String answer = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: shop.test\r\nX-Env: forged\r\n"
                + "X-Client: mine\r\nConnection: close\r\n\r\n");

        assertEquals(200, RawHttp.status(answer), answer);
        assertEquals(List.of("DENY"), RawHttp.headerValues(answer, "X-Frame-Options"), "replacing the endpoint's: " + answer);
        assertEquals(List.of("nosniff"), RawHttp.headerValues(answer, "X-Content-Type-Options"), answer);
        assertEquals(List.of("kept"), RawHttp.headerValues(answer, "X-Other"), answer);
        String head = app.heads().get(0);
        assertEquals(List.of("prod"), RawHttp.headerValues(head, "X-Env"), "the client's replaced: " + head);
        assertEquals(List.of("platform"), RawHttp.headerValues(head, "X-Team"), head);
        assertEquals(List.of("mine"), RawHttp.headerValues(head, "X-Client"), head);
        assertEquals(List.of("shop.test"), RawHttp.headerValues(head, "Host"), "Host is never set from the ConfigMap: " + head);
    }

    @Test
    void overHttp2TheSameHeadersGoBothWaysAndAnIngresssCustomHeadersWinOverTheAddedOnes() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(routes()
                .allowResponseHeaders("X-Frame-Options")
                .configMap("own", Map.of("X-Frame-Options", "SAMEORIGIN"))
                .tlsRoute("shop.test", "/", "app", TestCertificates.pkcs8Secret(), Map.of("nginx.ingress.kubernetes.io/custom-headers", "own"),
                        app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        ContentResponse response = proxies.http2Client().newRequest("https://shop.test:" + proxy.httpsPort() + "/h2")
                .headers(h -> h.put("X-Env", "forged")).timeout(10, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals(List.of("SAMEORIGIN"), response.getHeaders().getValuesList("X-Frame-Options"), "the Ingress's own");
        assertEquals(List.of("nosniff"), response.getHeaders().getValuesList("X-Content-Type-Options"));
        assertEquals(List.of("prod"), app.lastRequest().headers().getValuesList("X-Env"));
        assertEquals("platform", app.lastRequest().header("X-Team"));
    }

    @Test
    void theProxysOwnAnswersOfIngressRoutesCarryTheAddedHeadersAndTheRoutesShowThem() throws Exception {
        IngressServer proxy = proxies.start(IngressServer.builder(routes()
                .route("shop.test", "/", "app")  // no endpoint: 503
                .router()));

        String answer = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n");
        assertEquals(503, RawHttp.status(answer), answer);
        assertEquals(List.of("DENY"), RawHttp.headerValues(answer, "X-Frame-Options"), answer);
        String notFound = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: nobody.test\r\nConnection: close\r\n\r\n");
        assertNull(RawHttp.header(notFound, "X-Frame-Options"), "no Ingress route: " + notFound);

        String json = RawHttp.exchange(proxy.adminPort(), "GET /routes HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
        assertTrue(json.contains("request headers X-Env: \\\"prod\\\", X-Team: \\\"platform\\\" (proxy-set-headers,"
                + " ConfigMap default/upstream-headers)"), json);
        assertTrue(json.contains("(add-headers, ConfigMap default/answer-headers)"), json);
        assertTrue(json.contains("key \\\"Host\\\" is a header the proxy writes itself"), json);
        assertTrue(json.replaceAll("\\s", "").contains("\"fromConfigMap\":[\"proxy-read-timeout\"]"), json);
    }

    @Test
    void blockedClientsUserAgentsAndReferersGet403OnEveryHostBeforeAnyRouteAndNothingReachesTheEndpoint() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .configMap("jingress-controller", Map.of("block-user-agents", "~*badbot", "block-referers", "spam.example"))
                .controllerConfigMap("jingress-controller")
                .route("shop.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(),
                "GET / HTTP/1.1\r\nHost: shop.test\r\nUser-Agent: curl/8.5\r\nConnection: close\r\n\r\n")));
        String bot = RawHttp.exchange(proxy.httpPort(),
                "GET / HTTP/1.1\r\nHost: shop.test\r\nUser-Agent: Mozilla/5.0 (BadBot)\r\nConnection: close\r\n\r\n");
        assertEquals(403, RawHttp.status(bot), bot);
        assertTrue(bot.endsWith("403 Forbidden\n"), "the client is not told why: " + bot);
        String referred = RawHttp.exchange(proxy.httpPort(),
                "GET / HTTP/1.1\r\nHost: nobody.test\r\nReferer: SPAM.example\r\nConnection: close\r\n\r\n");
        assertEquals(403, RawHttp.status(referred), "also where no route would take it: " + referred);
        assertEquals(1, app.requests(), "only the allowed request reached the endpoint");

        // every address of this client: 127.0.0.1 is refused, then the ConfigMap is edited
        routes.configMap("jingress-controller", Map.of("block-cidrs", "127.0.0.0/8"));
        assertEquals(403, RawHttp.status(RawHttp.exchange(proxy.httpPort(),
                "GET / HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n")));
        String json = RawHttp.exchange(proxy.adminPort(), "GET /routes HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
        assertTrue(json.contains("\"requestBlocks\" : [ \"clients refused from 127.0.0.0/8 (block-cidrs)\" ]"), json);
        routes.configMap("jingress-controller", Map.of());
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(),
                "GET / HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n")));
    }

    @Test
    void headerNamesWithUnderscoresOrOtherCharsAreDroppedAsIngressNginxDoesUnlessTheConfigMapSaysOtherwise() throws Exception {
        Backends.Raw app = backends.startRaw(BACKEND_ANSWER);
        TestRoutes routes = TestRoutes.create().route("shop.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        String request = "GET / HTTP/1.1\r\nHost: shop.test\r\nX_Real_IP: 6.6.6.6\r\nX.Dotted: a\r\nX-Fine_9: b\r\n"
                + "X-Fine-9: c\r\nConnection: close\r\n\r\n";

        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), request)));
        String head = app.heads().get(0);
        assertEquals(List.of(), RawHttp.headerValues(head, "X_Real_IP"), "without a ConfigMap: " + head);
        assertEquals(List.of(), RawHttp.headerValues(head, "X.Dotted"), head);
        assertEquals(List.of(), RawHttp.headerValues(head, "X-Fine_9"), head);
        assertEquals(List.of("c"), RawHttp.headerValues(head, "X-Fine-9"), head);
        assertEquals(List.of("127.0.0.1"), RawHttp.headerValues(head, "X-Real-IP"), "the proxy's own: " + head);

        routes.configMap("jingress-controller", Map.of("enable-underscores-in-headers", "true"))
                .controllerConfigMap("jingress-controller");
        RawHttp.exchange(proxy.httpPort(), request);
        head = app.heads().get(1);
        assertEquals(List.of("6.6.6.6"), RawHttp.headerValues(head, "X_Real_IP"), head);
        assertEquals(List.of(), RawHttp.headerValues(head, "X.Dotted"), "still not a valid name: " + head);

        routes.configMap("jingress-controller", Map.of("ignore-invalid-headers", "false"));
        RawHttp.exchange(proxy.httpPort(), request);
        head = app.heads().get(2);
        assertEquals(List.of("a"), RawHttp.headerValues(head, "X.Dotted"), "nothing dropped for its name: " + head);
        assertEquals(List.of("b"), RawHttp.headerValues(head, "X-Fine_9"), head);
    }

    @Test
    void theHttpsRedirectAndTheRateLimitsRefusalHaveTheStatusesTheConfigMapGives() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .configMap("jingress-controller", Map.of("http-redirect-code", "301", "limit-req-status-code", "429"))
                .controllerConfigMap("jingress-controller")
                .route("old.test", "/", "app", Map.of("nginx.ingress.kubernetes.io/force-ssl-redirect", "true"), app.port())
                .route("busy.test", "/", "app", Map.of("nginx.ingress.kubernetes.io/limit-rpm", "1"), app.port())
                .router()).httpsRedirectPort(443));

        String redirect = RawHttp.exchange(proxy.httpPort(), "GET /a?b HTTP/1.1\r\nHost: old.test\r\nConnection: close\r\n\r\n");
        assertEquals(301, RawHttp.status(redirect), redirect);
        assertEquals("https://old.test/a?b", RawHttp.header(redirect, "Location"));
        assertTrue(redirect.endsWith("301 Moved Permanently\n"), redirect);

        int status = 200;
        String refused = null;
        for (int i = 0; i < 20 && status == 200; i++) {
            refused = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: busy.test\r\nConnection: close\r\n\r\n");
            status = RawHttp.status(refused);
        }
        assertEquals(429, status, refused);
        assertTrue(refused.endsWith("429 Too Many Requests: too many requests from this client (limit-rpm)\n"), refused);
    }

    @Test
    void theConfigMapsHstsKeysReplaceTheServersHeaderOnAnswersOverTlsAndFollowItsEdits() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .configMap("jingress-controller", Map.of("hsts-max-age", "600", "hsts-preload", "true"))
                .controllerConfigMap("jingress-controller")
                .tlsRoute("shop.test", "/", "app", TestCertificates.pkcs8Secret(), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        ContentResponse answer = proxies.http2Client().newRequest("https://shop.test:" + proxy.httpsPort() + "/")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, answer.getStatus());
        assertEquals("max-age=600; includeSubDomains; preload", answer.getHeaders().get("Strict-Transport-Security"));
        ContentResponse notFound = proxies.http2Client().newRequest("https://nobody.test:" + proxy.httpsPort() + "/")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(404, notFound.getStatus());
        assertEquals("max-age=600; includeSubDomains; preload", notFound.getHeaders().get("Strict-Transport-Security"),
                "the proxy's own answers too");
        for (String refused : refusedBeforeRouting(proxy)) {
            assertEquals(List.of("max-age=600; includeSubDomains; preload"), RawHttp.headerValues(refused,
                    "Strict-Transport-Security"), "the refusals made before routing too: " + refused);
        }

        routes.configMap("jingress-controller", Map.of("hsts", "false"));
        answer = proxies.http2Client().newRequest("https://shop.test:" + proxy.httpsPort() + "/")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, answer.getStatus());
        assertNull(answer.getHeaders().get("Strict-Transport-Security"), "hsts: false");
        for (String refused : refusedBeforeRouting(proxy)) {
            assertEquals(List.of(), RawHttp.headerValues(refused, "Strict-Transport-Security"), refused);
        }

        routes.configMap("jingress-controller", Map.of());
        answer = proxies.http2Client().newRequest("https://shop.test:" + proxy.httpsPort() + "/")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals("max-age=31536000; includeSubDomains", answer.getHeaders().get("Strict-Transport-Security"),
                "the server's own again");
    }

    @Test
    void hideHeadersKeepsTheEndpointsFieldsFromTheClientAndAllowBackendServerHeaderPassesItsServer() throws Exception {
        Backends.Raw app = backends.startRaw("HTTP/1.1 200 OK\r\nServer: gunicorn/21.2\r\nX-Powered-By: PHP/8.1\r\n"
                + "x-debug-token: 1234\r\nX-Other: kept\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        TestRoutes routes = TestRoutes.create().route("shop.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        String request = "GET / HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n";

        String answer = RawHttp.exchange(proxy.httpPort(), request);
        assertNull(RawHttp.header(answer, "Server"), "never by default: " + answer);
        assertEquals(List.of("PHP/8.1"), RawHttp.headerValues(answer, "X-Powered-By"), answer);

        routes.configMap("jingress-controller", Map.of("hide-headers", "X-Powered-By, X-Debug-Token",
                "allow-backend-server-header", "true")).controllerConfigMap("jingress-controller");
        answer = RawHttp.exchange(proxy.httpPort(), request);
        assertEquals(200, RawHttp.status(answer), answer);
        assertEquals(List.of(), RawHttp.headerValues(answer, "X-Powered-By"), answer);
        assertEquals(List.of(), RawHttp.headerValues(answer, "X-Debug-Token"), "any case: " + answer);
        assertEquals(List.of("kept"), RawHttp.headerValues(answer, "X-Other"), answer);
        assertEquals(List.of("gunicorn/21.2"), RawHttp.headerValues(answer, "Server"), answer);
    }

    @Test
    void sslProtocolsAndSslCiphersChooseTheTlsOfNewConnectionsAndFollowEdits() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .configMap("jingress-controller", Map.of("ssl-protocols", "TLSv1.3"))
                .controllerConfigMap("jingress-controller")
                .tlsRoute("shop.test", "/", "app", TestCertificates.pkcs8Secret(), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        assertEquals("TLS_AES_128_GCM_SHA256", negotiated(proxy, "TLSv1.3", "TLS_AES_128_GCM_SHA256"));
        assertThrows(SSLHandshakeException.class, () -> negotiated(proxy, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                "TLS 1.2 refused");
        ContentResponse answer = proxies.http2Client().newRequest("https://shop.test:" + proxy.httpsPort() + "/")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, answer.getStatus(), "HTTP/2 over TLS 1.3 serves as before");

        routes.configMap("jingress-controller", Map.of("ssl-protocols", "TLSv1.2 TLSv1.3",
                "ssl-ciphers", "ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-GCM-SHA384"));
        assertEquals("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", negotiated(proxy, "TLSv1.2",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
                "the ConfigMap's order is the server's preference");
        assertThrows(SSLHandshakeException.class, () -> negotiated(proxy, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                "a suite not listed");
        assertEquals("TLS_AES_256_GCM_SHA384", negotiated(proxy, "TLSv1.3", "TLS_AES_256_GCM_SHA384"), "TLS 1.3's own stay");
        try (SSLSocket socket = negotiatedSocket(proxy, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String overTls12 = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(200, RawHttp.status(overTls12), overTls12);
        }

        routes.configMap("jingress-controller", Map.of());
        assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", negotiated(proxy, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                "the server's own again");
        assertThrows(SSLHandshakeException.class, () -> negotiated(proxy, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"));
    }

    /**
     * Two requests refused before any route is read, over TLS: a head too large (431, by the lean
     * connection) and one with two Host fields (400, by Jetty's error handler); the whole answers.
     */
    private static List<String> refusedBeforeRouting(IngressServer proxy) throws Exception {
        List<String> answers = new java.util.ArrayList<>();
        for (String request : List.of("GET / HTTP/1.1\r\nHost: shop.test\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n", "GET / HTTP/1.1\r\nHost: shop.test\r\nHost: b.test\r\nConnection: close\r\n\r\n")) {
            try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "shop.test", List.of("http/1.1"))) {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(RawHttp.status(answer) == 431 || RawHttp.status(answer) == 400, answer);
                answers.add(answer);
            }
        }
        return answers;
    }

    /** The suite a fresh TLS connection to the proxy agrees on, the client offering only {@code protocol} and {@code suites}. */
    private static String negotiated(IngressServer proxy, String protocol, String... suites) throws Exception {
        try (SSLSocket socket = negotiatedSocket(proxy, protocol, suites)) {
            assertEquals(protocol, socket.getSession().getProtocol());
            return socket.getSession().getCipherSuite();
        }
    }

    private static SSLSocket negotiatedSocket(IngressServer proxy, String protocol, String... suites) throws Exception {
        SSLSocket socket = (SSLSocket) TlsTestServer.trustAll().getSocketFactory().createSocket("127.0.0.1", proxy.httpsPort());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("shop.test")));
        parameters.setProtocols(new String[] {protocol});
        parameters.setCipherSuites(suites);
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }
}
