package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestCertificates;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code custom-headers} through {@link IngressServer}: the entries of the ConfigMap it names, as
 * the client receives them from a real backend over the lean HTTP/1.1 path and HTTP/2 over TLS
 * (Jetty's path), and on the proxy's own answers.
 */
class CustomHeadersEndToEndTest {
    private static final Map<String, String> CUSTOM_HEADERS = Map.of("nginx.ingress.kubernetes.io/custom-headers", "headers");
    private static final Map<String, String> HEADERS = Map.of("X-Frame-Options", "DENY", "X-Team", "shop",
            "X-Powered-By", "not allowed");
    private static final String BACKEND_ANSWER = "HTTP/1.1 200 OK\r\n"
            + "X-Frame-Options: SAMEORIGIN\r\n"
            + "x-team: backend\r\n"
            + "X-Powered-By: backend\r\n"
            + "X-Other: kept\r\n"
            + "Content-Length: 2\r\nConnection: close\r\n\r\nok";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static TestRoutes routes() {
        return TestRoutes.create().allowResponseHeaders("X-Frame-Options", "X-Team").configMap("headers", HEADERS);
    }

    @Test
    void theConfigMapsHeadersReplaceTheEndpointsOnTheLeanPathAndOnlyOnThatIngresssRoutes() throws Exception {
        Backends.Raw app = backends.startRaw(BACKEND_ANSWER);
        Backends.Raw other = backends.startRaw(BACKEND_ANSWER);
        IngressServer proxy = proxies.start(IngressServer.builder(routes()
                .route("shop.test", "/", "app", CUSTOM_HEADERS, app.port())
                .route("other.test", "/", "other", other.port())
                .router()));

        String lean = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(lean), lean);
        assertEquals(List.of("DENY"), RawHttp.headerValues(lean, "X-Frame-Options"), lean);
        assertEquals(List.of("shop"), RawHttp.headerValues(lean, "X-Team"), lean);
        assertEquals(List.of("backend"), RawHttp.headerValues(lean, "X-Powered-By"), "a header not allowed is not set: " + lean);
        assertEquals(List.of("kept"), RawHttp.headerValues(lean, "X-Other"), lean);

        String otherIngress = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n");
        assertEquals(List.of("SAMEORIGIN"), RawHttp.headerValues(otherIngress, "X-Frame-Options"), otherIngress);
        assertEquals(List.of("backend"), RawHttp.headerValues(otherIngress, "X-Team"), otherIngress);
    }

    @Test
    void overHttp2TheClientSeesTheConfigMapsHeaders() throws Exception {
        Backends.Raw app = backends.startRaw(BACKEND_ANSWER);
        IngressServer proxy = proxies.start(IngressServer.builder(routes()
                .tlsRoute("shop.test", "/", "app", TestCertificates.pkcs8Secret(), CUSTOM_HEADERS, app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        ContentResponse response = proxies.http2Client().newRequest("https://shop.test:" + proxy.httpsPort() + "/h2")
                .timeout(10, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals(List.of("DENY"), response.getHeaders().getValuesList("X-Frame-Options"));
        assertEquals(List.of("shop"), response.getHeaders().getValuesList("X-Team"));
        assertEquals(List.of("kept"), response.getHeaders().getValuesList("X-Other"));
    }

    @Test
    void theProxysOwnAnswersOfTheRouteCarryThemTooAsMoreSetHeadersWithoutStatusFilter() throws Exception {
        IngressServer proxy = proxies.start(IngressServer.builder(routes()
                .route("shop.test", "/", "app", CUSTOM_HEADERS)  // no endpoint: 503
                .router()));

        String answer = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n");

        assertEquals(503, RawHttp.status(answer), answer);
        assertEquals(List.of("DENY"), RawHttp.headerValues(answer, "X-Frame-Options"), answer);
        assertEquals(List.of("shop"), RawHttp.headerValues(answer, "X-Team"), answer);
        String notFound = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: nobody.test\r\nConnection: close\r\n\r\n");
        assertEquals(404, RawHttp.status(notFound), notFound);
        assertNull(RawHttp.header(notFound, "X-Frame-Options"), "no route, no Ingress's headers: " + notFound);
    }

    @Test
    void aRedirectAndACorsPreflightAnsweredByTheProxyCarryThemToo() throws Exception {
        Backends.Raw app = backends.startRaw(BACKEND_ANSWER);
        IngressServer proxy = proxies.start(IngressServer.builder(routes()
                .route("old.test", "/", "app", Map.of("nginx.ingress.kubernetes.io/custom-headers", "headers",
                        "nginx.ingress.kubernetes.io/permanent-redirect", "https://new.test/"), app.port())
                .route("api.test", "/", "app", Map.of("nginx.ingress.kubernetes.io/custom-headers", "headers",
                        "nginx.ingress.kubernetes.io/enable-cors", "true"), app.port())
                .router()));

        String redirect = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: old.test\r\nConnection: close\r\n\r\n");
        assertEquals(301, RawHttp.status(redirect), redirect);
        assertEquals(List.of("DENY"), RawHttp.headerValues(redirect, "X-Frame-Options"), redirect);
        String preflight = RawHttp.exchange(proxy.httpPort(), "OPTIONS / HTTP/1.1\r\nHost: api.test\r\n"
                + "Origin: https://app.test\r\nAccess-Control-Request-Method: PUT\r\nConnection: close\r\n\r\n");
        assertEquals(204, RawHttp.status(preflight), preflight);
        assertEquals(List.of("DENY"), RawHttp.headerValues(preflight, "X-Frame-Options"), preflight);
    }

    @Test
    void aChangedConfigMapChangesTheHeadersOfTheNextTable() throws Exception {
        Backends.Raw app = backends.startRaw(BACKEND_ANSWER);
        TestRoutes routes = routes().route("shop.test", "/", "app", CUSTOM_HEADERS, app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        routes.configMap("headers", Map.of("X-Team", "payments"));
        String answer = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n");

        assertEquals(List.of("SAMEORIGIN"), RawHttp.headerValues(answer, "X-Frame-Options"), "the endpoint's, no longer replaced: " + answer);
        assertEquals(List.of("payments"), RawHttp.headerValues(answer, "X-Team"), answer);
    }

    @Test
    void routesShowsTheHeaders() throws Exception {
        Backends.Raw app = backends.startRaw(BACKEND_ANSWER);
        IngressServer proxy = proxies.start(IngressServer.builder(routes()
                .route("shop.test", "/", "app", CUSTOM_HEADERS, app.port())
                .router()));

        String json = RawHttp.exchange(proxy.adminPort(), "GET /routes HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");

        assertTrue(json.contains("\"response headers X-Frame-Options: \\\"DENY\\\", X-Team: \\\"shop\\\""
                + " (custom-headers, ConfigMap default/headers)\""), json);
        assertTrue(json.contains("key \\\"X-Powered-By\\\" is not among the response headers the controller allows"), json);
    }
}
