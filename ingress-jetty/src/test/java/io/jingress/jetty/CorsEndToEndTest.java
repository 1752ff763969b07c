package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestCertificates;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code enable-cors} and the {@code cors-*} annotations through {@link IngressServer}, over real
 * sockets: preflights answered by the proxy, the headers added to the endpoint's answers (lean
 * HTTP/1.1, Jetty's HTTP/1.1 and HTTP/2) and to the proxy's own, and nothing for other Ingresses.
 */
class CorsEndToEndTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String ALLOWED = "https://app.example.com";
    private static final Map<String, String> LISTED = Map.of(NGINX + "enable-cors", "true",
            NGINX + "cors-allow-origin", "https://app.example.com, https://*.example.org");

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static String request(String method, String host, String target, String... headers) {
        StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("Connection: close\r\n\r\n").toString();
    }

    private static String preflight(String host, String origin) {
        return request("OPTIONS", host, "/api/items", "Origin: " + origin, "Access-Control-Request-Method: PUT",
                "Access-Control-Request-Headers: content-type");
    }

    /** Every value of header {@code name} in a raw head, in order. */
    private static List<String> all(String response, String name) {
        List<String> values = new ArrayList<>();
        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                values.add(line.substring(colon + 1).trim());
            }
        }
        return values;
    }

    private static List<String> accessControlNames(String response) {
        List<String> names = new ArrayList<>();
        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Access-Control-", 0, 15)) {
                names.add(line.substring(0, line.indexOf(':')));
            }
        }
        return names;
    }

    private static TlsSecret secret() throws IOException {
        return TestCertificates.pkcs8Secret();
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnswered204WithTheHeadersAndTheEndpointSeesNothing() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("api.test", "/", "app", LISTED, app.port())
                .router()));

        String response = RawHttp.exchange(proxy.httpPort(), preflight("api.test", ALLOWED));

        assertEquals(204, RawHttp.status(response), response);
        assertEquals(List.of(ALLOWED), all(response, "Access-Control-Allow-Origin"));
        assertEquals(List.of("Origin"), all(response, "Vary"));
        assertEquals(List.of("true"), all(response, "Access-Control-Allow-Credentials"));
        assertEquals(List.of("GET, PUT, POST, DELETE, PATCH, OPTIONS"), all(response, "Access-Control-Allow-Methods"));
        assertEquals(List.of("DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,"
                + "Authorization"), all(response, "Access-Control-Allow-Headers"));
        assertEquals(List.of("1728000"), all(response, "Access-Control-Max-Age"));
        assertEquals(List.of(), all(response, "Access-Control-Expose-Headers"));
        assertEquals(List.of(), all(response, "Content-Type"));
        assertEquals(List.of(), all(response, "Content-Length"), response);
        assertEquals("", response.substring(response.indexOf("\r\n\r\n") + 4));
        assertEquals(0, app.requests());

        // a wildcard origin: one label
        String wildcard = RawHttp.exchange(proxy.httpPort(), preflight("api.test", "https://shop.example.org"));
        assertEquals(204, RawHttp.status(wildcard), wildcard);
        assertEquals("https://shop.example.org", RawHttp.header(wildcard, "Access-Control-Allow-Origin"));
        assertEquals(0, app.requests());
    }

    @Test
    void theConnectionGoesOnAfterAPreflightsAnswer() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("api.test", "/", "app", LISTED, app.port())
                .router()));

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            String keptAlive = preflight("api.test", ALLOWED).replace("Connection: close\r\n", "");
            socket.getOutputStream().write((keptAlive + request("PUT", "api.test", "/api/items", "Origin: " + ALLOWED,
                    "Content-Length: 0")).getBytes(StandardCharsets.ISO_8859_1));
            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(204, RawHttp.status(answers), answers);
            String second = answers.substring(answers.indexOf("HTTP/1.1", 1));
            assertEquals(200, RawHttp.status(second), answers);
            assertEquals("PUT", RawHttp.header(second, "X-Echo-Method"));
            assertEquals(List.of(ALLOWED), all(second, "Access-Control-Allow-Origin"));
        }
        assertEquals(1, app.requests());
    }

    @Test
    void aGetFromAnAllowedOriginGetsTheHeadersAddedToTheEndpointsAnswer() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("api.test", "/", "app", LISTED, app.port())
                .router()));

        // the lean HTTP/1.1 path (no body)
        String get = RawHttp.exchange(proxy.httpPort(), request("GET", "api.test", "/api/items", "Origin: " + ALLOWED));
        assertEquals(200, RawHttp.status(get), get);
        assertEquals("app", RawHttp.header(get, "X-Backend"));
        assertEquals(List.of(ALLOWED), all(get, "Access-Control-Allow-Origin"));
        assertEquals(List.of("true"), all(get, "Access-Control-Allow-Credentials"));
        assertEquals(List.of("Origin"), all(get, "Vary"));
        assertEquals(ALLOWED, app.lastRequest().header("Origin"), "the Origin goes on to the endpoint");

        // Jetty's HTTP/1.1 path (a chunked body)
        String post = RawHttp.exchange(proxy.httpPort(), "POST /api/items HTTP/1.1\r\nHost: api.test\r\nOrigin: " + ALLOWED
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertEquals(200, RawHttp.status(post), post);
        assertEquals("5", RawHttp.header(post, "X-Echo-Body-Length"));
        assertEquals(List.of(ALLOWED), all(post, "Access-Control-Allow-Origin"));
        assertEquals(List.of("Origin"), all(post, "Vary"));
        assertEquals(2, app.requests());
    }

    @Test
    void anOriginNotInTheListGetsNoAccessControlHeadersAndItsPreflightGoesToTheEndpoint() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("api.test", "/", "app", LISTED, app.port())
                .router()));

        for (String origin : List.of("https://evil.test", "https://app.example.com.evil.test", "http://app.example.com",
                "https://a.b.example.org")) {
            String get = RawHttp.exchange(proxy.httpPort(), request("GET", "api.test", "/", "Origin: " + origin));
            assertEquals(200, RawHttp.status(get), get);
            assertEquals(List.of(), accessControlNames(get), origin);
            assertEquals(List.of("Origin"), all(get, "Vary"), "a cache must not give this answer to an allowed origin");
        }
        String noOrigin = RawHttp.exchange(proxy.httpPort(), request("GET", "api.test", "/"));
        assertEquals(List.of(), accessControlNames(noOrigin));

        String preflight = RawHttp.exchange(proxy.httpPort(), preflight("api.test", "https://evil.test"));
        assertEquals(200, RawHttp.status(preflight), preflight);
        assertEquals("OPTIONS", RawHttp.header(preflight, "X-Echo-Method"), "proxied, as ingress-nginx does");
        assertEquals(List.of(), accessControlNames(preflight));
        assertEquals(6, app.requests());
    }

    @Test
    void withTheDefaultOriginEveryAnswerSaysStarEvenWithoutAnOrigin() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("api.test", "/", "app", Map.of(NGINX + "enable-cors", "true"), app.port())
                .router()));

        String get = RawHttp.exchange(proxy.httpPort(), request("GET", "api.test", "/"));
        assertEquals(List.of("*"), all(get, "Access-Control-Allow-Origin"), get);
        assertEquals(List.of(), all(get, "Vary"), "the answer is the same for every origin");
        String preflight = RawHttp.exchange(proxy.httpPort(), preflight("api.test", "https://anyone.test"));
        assertEquals(204, RawHttp.status(preflight), preflight);
        assertEquals(List.of("*"), all(preflight, "Access-Control-Allow-Origin"));
        // an OPTIONS that is no preflight (no Access-Control-Request-Method) is the endpoint's
        String options = RawHttp.exchange(proxy.httpPort(), request("OPTIONS", "api.test", "/", "Origin: https://anyone.test"));
        assertEquals("OPTIONS", RawHttp.header(options, "X-Echo-Method"), options);
        assertEquals(List.of("*"), all(options, "Access-Control-Allow-Origin"));
        assertEquals(2, app.requests());
    }

    @Test
    void credentialsMaxAgeAndExposedHeadersAreSentAsAnnotated() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("api.test", "/", "app", Map.of(NGINX + "enable-cors", "true",
                        NGINX + "cors-allow-origin", ALLOWED,
                        NGINX + "cors-allow-credentials", "false",
                        NGINX + "cors-max-age", "600",
                        NGINX + "cors-allow-methods", "GET, PUT",
                        NGINX + "cors-allow-headers", "X-Custom, Content-Type",
                        NGINX + "cors-expose-headers", "X-Total-Count, X-Echo-Method"), app.port())
                .router()));

        for (String response : List.of(RawHttp.exchange(proxy.httpPort(), preflight("api.test", ALLOWED)),
                RawHttp.exchange(proxy.httpPort(), request("GET", "api.test", "/", "Origin: " + ALLOWED)))) {
            assertEquals(List.of(ALLOWED), all(response, "Access-Control-Allow-Origin"), response);
            assertEquals(List.of(), all(response, "Access-Control-Allow-Credentials"));
            assertEquals(List.of("600"), all(response, "Access-Control-Max-Age"));
            assertEquals(List.of("GET, PUT"), all(response, "Access-Control-Allow-Methods"));
            assertEquals(List.of("X-Custom, Content-Type"), all(response, "Access-Control-Allow-Headers"));
            assertEquals(List.of("X-Total-Count, X-Echo-Method"), all(response, "Access-Control-Expose-Headers"));
        }
        assertEquals(1, app.requests());
    }

    @Test
    void theEndpointsOwnAccessControlHeadersAreReplacedByTheIngresss() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nAccess-Control-Allow-Origin: *\r\n"
                + "access-control-allow-credentials: false\r\nAccess-Control-Expose-Headers: X-Secret\r\n"
                + "Access-Control-Max-Age: 5\r\nVary: Accept-Encoding\r\nConnection: close\r\n\r\nok";
        Backends.Raw allowing = backends.startRaw(answer);
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("api.test", "/", "app", LISTED, allowing.port())
                .router()));

        String allowed = RawHttp.exchange(proxy.httpPort(), request("GET", "api.test", "/", "Origin: " + ALLOWED));
        assertEquals(200, RawHttp.status(allowed), allowed);
        assertEquals(List.of(ALLOWED), all(allowed, "Access-Control-Allow-Origin"));
        assertEquals(List.of("true"), all(allowed, "Access-Control-Allow-Credentials"));
        assertEquals(List.of(), all(allowed, "Access-Control-Expose-Headers"));
        assertEquals(List.of("1728000"), all(allowed, "Access-Control-Max-Age"));
        assertEquals(List.of("Accept-Encoding", "Origin"), all(allowed, "Vary"));

        // an origin the Ingress does not allow is not let in by the endpoint's "*" either
        String refused = RawHttp.exchange(proxy.httpPort(), request("GET", "api.test", "/", "Origin: https://evil.test"));
        assertEquals(200, RawHttp.status(refused), refused);
        assertEquals(List.of(), accessControlNames(refused));
        assertEquals("ok", refused.substring(refused.indexOf("\r\n\r\n") + 4));
    }

    @Test
    void theProxysOwnAnswersOfTheRouteCarryTheHeaders() throws Exception {
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("api.test", "/", "app", LISTED, backends.deadPort())
                .router()));

        String response = RawHttp.exchange(proxy.httpPort(), request("GET", "api.test", "/", "Origin: " + ALLOWED));

        assertEquals(502, RawHttp.status(response), response);
        assertEquals(List.of(ALLOWED), all(response, "Access-Control-Allow-Origin"));
        assertEquals(List.of("true"), all(response, "Access-Control-Allow-Credentials"));
        assertEquals(List.of("Origin"), all(response, "Vary"));
        // no route, no CORS
        String notFound = RawHttp.exchange(proxy.httpPort(), request("GET", "other.test", "/", "Origin: " + ALLOWED));
        assertEquals(404, RawHttp.status(notFound), notFound);
        assertEquals(List.of(), accessControlNames(notFound));
    }

    @Test
    void withoutEnableCorsNothingIsAddedEvenWithCorsAnnotationsAndAWarningSaysSo() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("api.test", "/", "app", Map.of(NGINX + "cors-allow-origin", ALLOWED, NGINX + "cors-max-age", "60"),
                        app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String get = RawHttp.exchange(proxy.httpPort(), request("GET", "api.test", "/", "Origin: " + ALLOWED));
        assertEquals(List.of(), accessControlNames(get), get);
        assertEquals(List.of(), all(get, "Vary"));
        String preflight = RawHttp.exchange(proxy.httpPort(), preflight("api.test", ALLOWED));
        assertEquals("OPTIONS", RawHttp.header(preflight, "X-Echo-Method"), preflight);
        assertEquals(2, app.requests());
        List<String> warnings = routes.router().current().problems().stream()
                .filter(p -> p.severity() == Problem.Severity.WARNING && p.field().equals("metadata.annotations"))
                .map(Problem::message).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).endsWith("have no effect without " + NGINX + "enable-cors: \"true\""), warnings.get(0));
    }

    @Test
    void anotherIngressIsUnaffected() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo other = backends.start("other");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("api.test", "/", "app", LISTED, app.port())
                .route("other.test", "/", "other", other.port())
                .router()));

        String get = RawHttp.exchange(proxy.httpPort(), request("GET", "other.test", "/", "Origin: " + ALLOWED));
        assertEquals("other", RawHttp.header(get, "X-Backend"), get);
        assertEquals(List.of(), accessControlNames(get));
        assertEquals(List.of(), all(get, "Vary"));
        String preflight = RawHttp.exchange(proxy.httpPort(), preflight("other.test", ALLOWED));
        assertEquals("OPTIONS", RawHttp.header(preflight, "X-Echo-Method"), preflight);
        assertEquals(2, other.requests());
        assertEquals(0, app.requests());
    }

    @Test
    void overHttp2ThePreflightIsAnsweredAndTheAnswersCarryTheHeaders() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .tlsRoute("api.test", "/", "app", secret(), LISTED, app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();
        String url = "https://api.test:" + proxy.httpsPort() + "/api/items";

        ContentResponse preflight = http2.newRequest(url).method(HttpMethod.OPTIONS)
                .headers(h -> h.put(HttpHeader.ORIGIN, ALLOWED).put(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD, "PUT"))
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, preflight.getVersion());
        assertEquals(204, preflight.getStatus());
        HttpFields headers = preflight.getHeaders();
        assertEquals(List.of(ALLOWED), headers.getValuesList(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN));
        assertEquals(List.of("1728000"), headers.getValuesList(HttpHeader.ACCESS_CONTROL_MAX_AGE));
        assertEquals(List.of("max-age=31536000; includeSubDomains"), headers.getValuesList(HttpHeader.STRICT_TRANSPORT_SECURITY));
        assertEquals(0, app.requests());

        ContentResponse get = http2.newRequest(url).headers(h -> h.put(HttpHeader.ORIGIN, ALLOWED))
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, get.getStatus());
        assertEquals(List.of(ALLOWED), get.getHeaders().getValuesList(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN));
        assertEquals(List.of("true"), get.getHeaders().getValuesList(HttpHeader.ACCESS_CONTROL_ALLOW_CREDENTIALS));
        assertEquals(List.of("Origin"), get.getHeaders().getValuesList(HttpHeader.VARY));
        assertEquals(List.of("app"), get.getHeaders().getValuesList("X-Backend"));
        assertEquals(1, app.requests());
    }

    @Test
    void aPlainHttpPreflightToATlsHostIsRedirectedFirst() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .tlsRoute("api.test", "/", "app", secret(), LISTED, app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        String response = RawHttp.exchange(proxy.httpPort(), preflight("api.test", ALLOWED));

        assertEquals(308, RawHttp.status(response), response);
        assertNull(RawHttp.header(response, "Access-Control-Allow-Origin"));
        assertEquals(0, app.requests());
    }

    @Test
    void routesShowsCors() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("api.test", "/", "app", LISTED, app.port())
                .router()));

        String routes = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes").send().getContentAsString();

        List<JsonNode> policies = new ObjectMapper().readTree(routes).findValues("policy");
        assertEquals(1, policies.size(), routes);
        assertEquals("CORS for https://app.example.com, https://*.example.org (enable-cors)", policies.get(0).get(0).asText());
    }
}
