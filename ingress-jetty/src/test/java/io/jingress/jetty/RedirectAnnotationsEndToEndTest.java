package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jingress.core.model.Problem;
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
 * {@code permanent-redirect}, {@code temporal-redirect} and {@code app-root} through {@link IngressServer}:
 * the proxy answers the redirect itself, the endpoint sees nothing, over HTTP/1.1 and HTTP/2, and
 * before the redirect of plain HTTP to HTTPS.
 */
class RedirectAnnotationsEndToEndTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static TlsSecret secret() throws IOException {
        return TestCertificates.pkcs8Secret();
    }

    private static String get(String host, String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void permanentRedirectAnswers301WithTheLocationAndTheEndpointSeesNothing() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("old.test", "/", "app", Map.of(NGINX + "permanent-redirect", "https://new.example.com/home"), app.port())
                .router()));

        String response = RawHttp.exchange(proxy.httpPort(), get("old.test", "/some/page?x=1"));

        assertEquals(301, RawHttp.status(response), response);
        assertEquals("https://new.example.com/home", RawHttp.header(response, "Location"));
        assertEquals("301 Moved Permanently\n", body(response));
        assertEquals(0, app.requests());
        // a POST with a body too
        String post = RawHttp.exchange(proxy.httpPort(), "POST /form HTTP/1.1\r\nHost: old.test\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n\r\nhello");
        assertEquals(301, RawHttp.status(post), post);
        assertEquals(0, app.requests());
    }

    @Test
    void theBodyOfARedirectedRequestIsNotReadAsTheNextRequestOnItsConnection() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("old.test", "/", "app", Map.of(NGINX + "permanent-redirect", "https://new.example.com/"), app.port())
                .route("app.test", "/", "app", app.port())
                .router()));

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            String smuggled = "GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n";
            socket.getOutputStream().write(("POST /form HTTP/1.1\r\nHost: old.test\r\nContent-Length: " + smuggled.length()
                    + "\r\n\r\n" + smuggled + "GET /next HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(301, RawHttp.status(answers), answers);
            // the body is read and dropped, and the connection goes on with the next request
            assertEquals(200, RawHttp.status(answers.substring(answers.indexOf("HTTP/1.1", 1))), answers);
        }
        assertEquals(1, app.requests());
        assertEquals("/next", app.lastRequest().pathQuery());
    }

    @Test
    void theCodeAnnotationChangesTheStatusAndTemporalRedirectAnswers302() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("permanent.test", "/", "app", Map.of(NGINX + "permanent-redirect", "https://new.example.com/",
                        NGINX + "permanent-redirect-code", "308"), app.port())
                .route("temporal.test", "/", "app", Map.of(NGINX + "temporal-redirect", "https://maintenance.example.com/"),
                        app.port())
                .route("temporal307.test", "/", "app", Map.of(NGINX + "temporal-redirect", "https://maintenance.example.com/",
                        NGINX + "temporal-redirect-code", "307"), app.port())
                .router()));

        String permanent = RawHttp.exchange(proxy.httpPort(), get("permanent.test", "/a"));
        assertEquals(308, RawHttp.status(permanent), permanent);
        assertEquals("https://new.example.com/", RawHttp.header(permanent, "Location"));
        assertEquals("308 Permanent Redirect\n", body(permanent));
        String temporal = RawHttp.exchange(proxy.httpPort(), get("temporal.test", "/a"));
        assertEquals(302, RawHttp.status(temporal), temporal);
        assertEquals("https://maintenance.example.com/", RawHttp.header(temporal, "Location"));
        assertEquals("302 Found\n", body(temporal));
        String temporal307 = RawHttp.exchange(proxy.httpPort(), get("temporal307.test", "/a"));
        assertEquals(307, RawHttp.status(temporal307), temporal307);
        assertEquals(0, app.requests());
    }

    @Test
    void variablesAreFilledInWithThePathAndQueryTheProxyWouldForward() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("old.test", "/", "app", Map.of(NGINX + "permanent-redirect", "https://new.example.com$request_uri"),
                        app.port())
                .route("all.test", "/", "app", Map.of(NGINX + "permanent-redirect", "$scheme://moved.$host/x$uri"),
                        app.port())
                .router()));

        String response = RawHttp.exchange(proxy.httpPort(), get("old.test", "/a/./b//c/%7euser?q=1&r=caf%C3%A9"));
        assertEquals(301, RawHttp.status(response), response);
        assertEquals("https://new.example.com/a/b/c/~user?q=1&r=caf%C3%A9", RawHttp.header(response, "Location"));
        String all = RawHttp.exchange(proxy.httpPort(), get("ALL.test:8080", "/p?q=1"));
        assertEquals("http://moved.all.test/x/p", RawHttp.header(all, "Location"));
        assertEquals(0, app.requests());
    }

    @Test
    void aHostNoHeaderMayCarryIsAnswered400AndNeverPutInALocation() throws Exception {
        Backends.Echo app = backends.start("app");
        // a rule without host takes any Host
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route(null, "/", "app", Map.of(NGINX + "permanent-redirect", "https://$host.moved.test/"), app.port())
                .router()));

        String plain = RawHttp.exchange(proxy.httpPort(), get("old.test", "/"));
        assertEquals("https://old.test.moved.test/", RawHttp.header(plain, "Location"), plain);
        String hostile = RawHttp.exchange(proxy.httpPort(), get("caf\u00c3\u00a9.test", "/"));
        // Jetty's parser refuses such a Host before the proxy sees it; PolicyRedirects would answer
        // 400 too (RouteRedirect.locationFor gives no location for it: RedirectAnnotationsTest)
        assertEquals(400, RawHttp.status(hostile), hostile);
        assertNull(RawHttp.header(hostile, "Location"), hostile);
        assertEquals(0, app.requests());
    }

    @Test
    void appRootRedirectsOnlySlashAndOtherPathsAreProxied() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX + "app-root", "/dashboard"), app.port())
                .router()));

        String root = RawHttp.exchange(proxy.httpPort(), get("app.test:8080", "/?x=1"));
        assertEquals(302, RawHttp.status(root), root);
        assertEquals("http://app.test:8080/dashboard", RawHttp.header(root, "Location"));
        assertEquals(0, app.requests());
        String dashboard = RawHttp.exchange(proxy.httpPort(), get("app.test", "/dashboard"));
        assertEquals(200, RawHttp.status(dashboard), dashboard);
        assertEquals("/dashboard", app.lastRequest().pathQuery());
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("app.test", "/other"))));
        assertEquals(2, app.requests());
    }

    @Test
    void appRootKeepsAnIpv6HostAndItsPortAsTheClientSentThem() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route(null, "/", "app", Map.of(NGINX + "app-root", "/dashboard"), app.port())
                .router()));

        String v6 = RawHttp.exchange(proxy.httpPort(), get("[::1]:8080", "/"));
        assertEquals("http://[::1]:8080/dashboard", RawHttp.header(v6, "Location"), v6);
        String v6WithoutPort = RawHttp.exchange(proxy.httpPort(), get("[::1]", "/"));
        assertEquals("http://[::1]/dashboard", RawHttp.header(v6WithoutPort, "Location"), v6WithoutPort);
    }

    @Test
    void theRedirectComesBeforeTheRedirectToHttpsOfATlsHost() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .tlsRoute("old.test", "/", "app", secret(), Map.of(NGINX + "permanent-redirect", "https://new.example.com$request_uri"),
                        app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        String plain = RawHttp.exchange(proxy.httpPort(), get("old.test", "/a?b=c"));
        assertEquals(301, RawHttp.status(plain), plain);
        assertEquals("https://new.example.com/a?b=c", RawHttp.header(plain, "Location"));
        assertNull(RawHttp.header(plain, "Strict-Transport-Security"), "never over plain HTTP");

        // over TLS, the same redirect, with the header every answer over TLS carries
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "old.test", List.of("http/1.1"))) {
            socket.getOutputStream().write(get("old.test", "/a?b=c").getBytes(StandardCharsets.ISO_8859_1));
            String secure = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(301, RawHttp.status(secure), secure);
            assertEquals("https://new.example.com/a?b=c", RawHttp.header(secure, "Location"));
            assertEquals("max-age=31536000; includeSubDomains", RawHttp.header(secure, "Strict-Transport-Security"));
        }
        assertEquals(0, app.requests());
    }

    @Test
    void overHttp2TheRedirectIsAnsweredOnce() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .tlsRoute("old.test", "/", "app", secret(), Map.of(NGINX + "temporal-redirect", "$scheme://new.example.com$request_uri"),
                        app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();

        ContentResponse response = http2.newRequest("https://old.test:" + proxy.httpsPort() + "/a/b?c=d")
                .timeout(10, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals(302, response.getStatus());
        assertEquals(List.of("https://new.example.com/a/b?c=d"), response.getHeaders().getValuesList(HttpHeader.LOCATION));
        assertEquals("302 Found\n", response.getContentAsString());
        assertEquals(0, app.requests());
    }

    @Test
    void aBadValueIsReportedAndTheRoutesAreProxiedAsUsual() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("bad.test", "/", "app", Map.of(NGINX + "permanent-redirect", "new.example.com/$args",
                        NGINX + "app-root", "dashboard"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String page = RawHttp.exchange(proxy.httpPort(), get("bad.test", "/page"));
        assertEquals(200, RawHttp.status(page), page);
        String root = RawHttp.exchange(proxy.httpPort(), get("bad.test", "/"));
        assertEquals(200, RawHttp.status(root), root);
        assertEquals(2, app.requests());
        List<String> warnings = routes.router().current().problems().stream()
                .filter(p -> p.severity() == Problem.Severity.WARNING && p.field().equals("metadata.annotations"))
                .map(Problem::message).toList();
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith(NGINX + "permanent-redirect: \"new.example.com/$args\" is not used: "), warnings.get(0));
        assertTrue(warnings.get(1).startsWith(NGINX + "app-root: \"dashboard\" is not used: "), warnings.get(1));
    }

    @Test
    void routesShowsTheRedirect() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("old.test", "/", "app", Map.of(NGINX + "permanent-redirect", "https://new.example.com$request_uri",
                        NGINX + "app-root", "/app"), app.port())
                .router()));

        String routes = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes").send().getContentAsString();

        List<JsonNode> policies = new ObjectMapper().readTree(routes).findValues("policy");
        assertEquals(1, policies.size(), routes);
        assertEquals(List.of("redirect 301 to https://new.example.com$request_uri (permanent-redirect)", "/ to /app (app-root)"),
                List.of(policies.get(0).get(0).asText(), policies.get(0).get(1).asText()));
    }
}
