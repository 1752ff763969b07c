package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code default-backend} through {@link IngressServer}: a route whose Service has no ready endpoint
 * is served by the annotation's Service, with ingress-nginx's headers, on the lean HTTP/1 path, on
 * Jetty's (a chunked body) and over HTTP/2 with TLS; a route with endpoints never is.
 */
class DefaultBackendEndToEndTest {
    private static final String DEFAULT_BACKEND = "nginx.ingress.kubernetes.io/default-backend";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private Backends.Echo errors;
    private Backends.Echo app;

    /**
     * {@code errors.test} to the "errors" Service (so it exists, with an endpoint); {@code down.test}
     * to "down", which has no endpoint, {@code up.test} to "app", which has one, and
     * {@code nowhere.test} to "down" too, the first two with default-backend "errors", the last with
     * default-backend "empty", a Service without endpoints.
     */
    private IngressServer proxy() {
        errors = backends.start("errors");
        app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("errors.test", "/", "errors", errors.port())
                .route("empty.test", "/", "empty")
                .route("down.test", "/", "down", Map.of(DEFAULT_BACKEND, "errors"))
                .route("up.test", "/", "app", Map.of(DEFAULT_BACKEND, "errors"), app.port())
                .route("nowhere.test", "/", "down", Map.of(DEFAULT_BACKEND, "empty"));
        return proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    private static String get(String host, String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + String.join("", headers) + "Connection: close\r\n\r\n";
    }

    @Test
    void aRouteWithoutReadyEndpointsIsServedByTheDefaultBackendWithIngressNginxsHeaders() throws Exception {
        IngressServer proxy = proxy();

        String response = RawHttp.exchange(proxy.httpPort(), get("down.test", "/shop/cart?item=7",
                "Accept: text/html\r\n", "X-Code: 200\r\n", "X-Request-ID: abc123\r\n"));

        assertEquals(200, RawHttp.status(response), response);
        assertEquals("errors", RawHttp.header(response, "X-Backend"));
        Backends.Seen seen = errors.lastRequest();
        assertEquals("GET", seen.method());
        assertEquals("/shop/cart?item=7", seen.pathQuery(), "the request as it came");
        assertEquals("503", seen.header("X-Code"), "the client's own X-Code is replaced");
        assertEquals("text/html", seen.header("X-Format"));
        assertEquals("default", seen.header("X-Namespace"));
        assertEquals("ingress-3", seen.header("X-Ingress-Name"));
        assertEquals("down", seen.header("X-Service-Name"));
        assertEquals("80", seen.header("X-Service-Port"));
        assertEquals("abc123", seen.header("X-Request-ID"));
        assertEquals("down.test", seen.header("Host"));
        assertNull(seen.header("X-Original-URI"), "ingress-nginx sends it only with the error pages of custom-http-errors");
        assertNotNull(seen.header("X-Forwarded-For"));
    }

    @Test
    void aChunkedBodyOnJettysPathReachesTheDefaultBackendWhole() throws Exception {
        IngressServer proxy = proxy();

        String response = RawHttp.exchange(proxy.httpPort(), "POST /orders HTTP/1.1\r\nHost: down.test\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

        assertEquals(200, RawHttp.status(response), response);
        assertEquals("errors", RawHttp.header(response, "X-Backend"));
        assertEquals("11", RawHttp.header(response, "X-Echo-Body-Length"));
        assertEquals("POST", errors.lastRequest().method());
        assertEquals("503", errors.lastRequest().header("X-Code"));
    }

    @Test
    void overHttp2WithTlsTheDefaultBackendServesToo() throws Exception {
        IngressServer proxy = proxy();
        // a body of no announced length
        AsyncRequestContent body = new AsyncRequestContent("text/plain");
        body.write(ByteBuffer.wrap("over h2".getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
        body.close();

        ContentResponse response = proxies.http2Client().newRequest("https://down.test:" + proxy.httpsPort() + "/h2?x=1")
                .method(HttpMethod.POST).body(body)
                .headers(h -> h.put("Accept", "application/json"))
                .timeout(10, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals(200, response.getStatus());
        assertEquals("errors", response.getHeaders().get("X-Backend"));
        assertEquals("7", response.getHeaders().get("X-Echo-Body-Length"));
        Backends.Seen seen = errors.lastRequest();
        assertEquals("/h2?x=1", seen.pathQuery());
        assertEquals("503", seen.header("X-Code"));
        assertEquals("application/json", seen.header("X-Format"));
        assertEquals("down", seen.header("X-Service-Name"));
    }

    @Test
    void aRouteWithAReadyEndpointNeverReachesTheDefaultBackend() throws Exception {
        IngressServer proxy = proxy();

        for (int i = 0; i < 3; i++) {
            String response = RawHttp.exchange(proxy.httpPort(), get("up.test", "/"));
            assertEquals(200, RawHttp.status(response), response);
            assertEquals("app", RawHttp.header(response, "X-Backend"));
        }
        ContentResponse h2 = proxies.http2Client().newRequest("https://up.test:" + proxy.httpsPort() + "/")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals("app", h2.getHeaders().get("X-Backend"));
        assertEquals(0, errors.requests());
        assertNull(app.lastRequest().header("X-Code"));
    }

    @Test
    void aDefaultBackendWithoutEndpointsEitherLeavesThe503() throws Exception {
        IngressServer proxy = proxy();

        String response = RawHttp.exchange(proxy.httpPort(), get("nowhere.test", "/"));

        assertEquals(503, RawHttp.status(response), response);
        assertTrue(response.endsWith("503 Service Unavailable: no ready endpoint for this route\n"), response);
        assertEquals(0, errors.requests());
    }

    @Test
    void routesShowsTheFallbackOfTheRouteAndTheDefaultBackendAmongTheBackends() throws Exception {
        IngressServer proxy = proxy();

        JsonNode routes = new ObjectMapper().readTree(proxies.client().newRequest("127.0.0.1", proxy.adminPort())
                .path("/routes").send().getContentAsString());

        JsonNode down = null;
        for (JsonNode host : routes.get("hosts")) {
            if (host.get("host").asText().equals("down.test")) {
                down = host.get("paths").get(0);
            }
        }
        assertNotNull(down, routes.toString());
        assertEquals("no ready endpoint: goes to default-backend default/errors:80", down.get("policy").get(0).asText());
        assertEquals("NO_READY_ENDPOINTS", down.get("status").asText());
        boolean listed = false;
        for (JsonNode backend : routes.get("backends")) {
            listed |= backend.get("key").asText().equals("default/errors:80");
        }
        assertTrue(listed, routes.get("backends").toString());
    }
}
