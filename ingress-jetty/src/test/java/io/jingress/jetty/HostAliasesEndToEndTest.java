package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jingress.core.model.TlsSecret;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code server-alias} and {@code from-to-www-redirect} through {@link IngressServer}: an alias
 * reaches its host's backend, the www. (or bare) name of a host is answered 308 with the exact
 * Location, over the lean HTTP/1.1 path and HTTP/2 over TLS, and a name with rules of its own is
 * served by them.
 */
class HostAliasesEndToEndTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    /** Names www.example.test, example.test and alias.example.test. */
    private static TlsSecret wwwSecret() throws IOException {
        try (InputStream crt = HostAliasesEndToEndTest.class.getResourceAsStream("/tls/www.crt");
                InputStream key = HostAliasesEndToEndTest.class.getResourceAsStream("/tls/www.key")) {
            return new TlsSecret("default", "www-tls", new String(crt.readAllBytes(), StandardCharsets.US_ASCII),
                    new String(key.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    private static String get(String host, String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void anAliasReachesTheHostsBackendWithTheClientsHost() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("shop.test", "/", "app", Map.of(NGINX + "server-alias", "alias.test, *.shop.example"), app.port())
                .router()));

        String response = RawHttp.exchange(proxy.httpPort(), get("alias.test", "/cart?item=1"));

        assertEquals(200, RawHttp.status(response), response);
        assertEquals("app", RawHttp.header(response, "X-Backend"));
        assertEquals("/cart?item=1", app.lastRequest().pathQuery());
        assertEquals("alias.test", app.lastRequest().header("Host"));
        String wildcard = RawHttp.exchange(proxy.httpPort(), get("eu.shop.example:8080", "/"));
        assertEquals(200, RawHttp.status(wildcard), wildcard);
        assertEquals(404, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("other.test", "/"))));
    }

    @Test
    void anAliasThatIsAnotherIngresssHostIsServedByThatIngress() throws Exception {
        Backends.Echo shop = backends.start("shop");
        Backends.Echo blog = backends.start("blog");
        TestRoutes routes = TestRoutes.create()
                .route("shop.test", "/", "shop", Map.of(NGINX + "server-alias", "blog.test"), shop.port())
                .route("blog.test", "/", "blog", blog.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String response = RawHttp.exchange(proxy.httpPort(), get("blog.test", "/"));

        assertEquals("blog", RawHttp.header(response, "X-Backend"), response);
        assertEquals(0, shop.requests());
        assertEquals(1, routes.router().current().problems().size(), routes.router().current().problems().toString());
    }

    @Test
    void theBareNameIsAnswered308ToTheWwwHostWithTheSamePortPathAndQuery() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("www.example.test", "/", "app", Map.of(NGINX + "from-to-www-redirect", "true"), app.port())
                .router()));

        String withPort = RawHttp.exchange(proxy.httpPort(), get("example.test:8080", "/a/b/?q=1&r=%2F"));
        assertEquals(308, RawHttp.status(withPort), withPort);
        assertEquals("http://www.example.test:8080/a/b/?q=1&r=%2F", RawHttp.header(withPort, "Location"));
        String withoutPort = RawHttp.exchange(proxy.httpPort(), get("example.test", "/"));
        assertEquals(308, RawHttp.status(withoutPort), withoutPort);
        assertEquals("http://www.example.test/", RawHttp.header(withoutPort, "Location"));
        assertNull(RawHttp.header(withoutPort, "Strict-Transport-Security"));
        String post = RawHttp.exchange(proxy.httpPort(), "POST /form HTTP/1.1\r\nHost: example.test\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n\r\nhello");
        assertEquals(308, RawHttp.status(post), post);
        assertEquals(0, app.requests());
        // the host itself is proxied
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("www.example.test", "/a"))));
        assertEquals(1, app.requests());
    }

    @Test
    void theWwwNameOfABareHostIsRedirectedToIt() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("example.test", "/", "app", Map.of(NGINX + "from-to-www-redirect", "true"), app.port())
                .router()));

        String response = RawHttp.exchange(proxy.httpPort(), get("WWW.Example.Test", "/page?x"));

        assertEquals(308, RawHttp.status(response), response);
        assertEquals("http://example.test/page?x", RawHttp.header(response, "Location"));
        assertEquals(0, app.requests());
    }

    @Test
    void aNameWithRulesOfItsOwnIsServedByThemNotRedirected() throws Exception {
        Backends.Echo bare = backends.start("bare");
        Backends.Echo www = backends.start("www");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("example.test", "/", "bare", Map.of(NGINX + "from-to-www-redirect", "true"), bare.port())
                .route("www.example.test", "/", "www", www.port())
                .router()));

        String response = RawHttp.exchange(proxy.httpPort(), get("www.example.test", "/"));

        assertEquals(200, RawHttp.status(response), response);
        assertEquals("www", RawHttp.header(response, "X-Backend"));
    }

    @Test
    void overHttp2AndTlsTheRedirectKeepsHttpsAndTheAliasReachesTheBackend() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .tlsRoute("www.example.test", "/", "app", wwwSecret(), Map.of(NGINX + "from-to-www-redirect", "true",
                        NGINX + "server-alias", "alias.example.test"), app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        ContentResponse redirect = proxies.http2Client().newRequest("https://example.test:" + proxy.httpsPort() + "/a/b?c=d")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, redirect.getVersion());
        assertEquals(308, redirect.getStatus());
        assertEquals(List.of("https://www.example.test:" + proxy.httpsPort() + "/a/b?c=d"),
                redirect.getHeaders().getValuesList(HttpHeader.LOCATION));
        assertEquals("308 Permanent Redirect\n", redirect.getContentAsString());
        assertEquals(0, app.requests());

        ContentResponse alias = proxies.http2Client().newRequest("https://alias.example.test:" + proxy.httpsPort() + "/x")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, alias.getStatus());
        assertEquals("app", alias.getHeaders().get("X-Backend"));
        assertEquals("/x", app.lastRequest().pathQuery());

        // the Ingress's certificate names both: the redirected name and the alias are served with it
        X509Certificate host = certificate(proxy, "www.example.test");
        assertEquals(host, certificate(proxy, "example.test"));
        assertEquals(host, certificate(proxy, "alias.example.test"));

        // over plain HTTP: the redirect keeps the scheme, and the alias is sent to HTTPS as its host is
        String plain = RawHttp.exchange(proxy.httpPort(), get("example.test", "/a"));
        assertEquals("http://www.example.test/a", RawHttp.header(plain, "Location"), plain);
        String plainAlias = RawHttp.exchange(proxy.httpPort(), get("alias.example.test", "/a"));
        assertEquals(308, RawHttp.status(plainAlias), plainAlias);
        assertEquals("https://alias.example.test:" + proxy.httpsPort() + "/a", RawHttp.header(plainAlias, "Location"));
    }

    @Test
    void overHttp1AndTlsTheRedirectIsAnsweredWithTheHostsCertificate() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .tlsRoute("www.example.test", "/", "app", wwwSecret(), Map.of(NGINX + "from-to-www-redirect", "true"), app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "example.test", List.of("http/1.1"))) {
            assertEquals(certificate(proxy, "www.example.test"), TlsTestServer.leaf(socket));
            socket.getOutputStream().write(get("example.test", "/p?q").getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(308, RawHttp.status(response), response);
            assertEquals("https://www.example.test/p?q", RawHttp.header(response, "Location"));
            // as every answer over TLS
            assertEquals("max-age=31536000; includeSubDomains", RawHttp.header(response, "Strict-Transport-Security"));
        }
        assertEquals(0, app.requests());
    }

    @Test
    void routesShowsTheAliasesOfAHostAndTheRedirectedName() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("www.example.test", "/", "app", Map.of(NGINX + "from-to-www-redirect", "true",
                        NGINX + "server-alias", "alias.test"), app.port())
                .router()));

        String routes = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes").send().getContentAsString();

        JsonNode hosts = new ObjectMapper().readTree(routes).get("hosts");
        assertEquals(2, hosts.size(), routes);
        assertEquals("www.example.test", hosts.get(0).get("host").asText());
        assertEquals("[\"alias.test\"]", hosts.get(0).get("aliases").toString());
        assertEquals("example.test", hosts.get(1).get("host").asText());
        assertNull(hosts.get(1).get("aliases"));
        JsonNode redirect = hosts.get(1).get("paths").get(0);
        assertEquals("/", redirect.get("path").asText());
        assertEquals("[\"redirect 308 to $scheme://www.example.test$request_uri (from-to-www-redirect)\"]",
                redirect.get("policy").toString());
    }

    private static X509Certificate certificate(IngressServer proxy, String sni) throws IOException {
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), sni, List.of("http/1.1"))) {
            return TlsTestServer.leaf(socket);
        }
    }
}
