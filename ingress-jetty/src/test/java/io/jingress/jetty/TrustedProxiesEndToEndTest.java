package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code trustedProxies}: behind a load balancer that terminates TLS, its {@code X-Forwarded-Proto}
 * and {@code X-Forwarded-For} are believed when the connection comes from it, and only then. Each
 * request goes both ways: a plain GET over the lean HTTP/1 path, a chunked POST over Jetty's.
 */
class TrustedProxiesEndToEndTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    /** The test's client connects from 127.0.0.1: a trusted load balancer here. */
    private static final List<String> LOOPBACK_TRUSTED = List.of("127.0.0.1", "10.0.0.0/8");
    /** A load balancer elsewhere: the test's client is not it. */
    private static final List<String> ELSEWHERE = List.of("10.0.0.0/8");

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static String get(String host, String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + String.join("", headers) + "Connection: close\r\n\r\n";
    }

    private static String chunkedPost(String host, String target, String... headers) {
        return "POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + String.join("", headers)
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    }

    /** The same request over the lean path and over Jetty's: both answers. */
    private static List<String> bothPaths(IngressServer proxy, String host, String target, String... headers) throws Exception {
        return List.of(RawHttp.exchange(proxy.httpPort(), get(host, target, headers)),
                RawHttp.exchange(proxy.httpPort(), chunkedPost(host, target, headers)));
    }

    private IngressServer forced(Backends.Echo app, List<String> trusted, Appendable log) {
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX + "force-ssl-redirect", "true"), app.port())
                .route("open.test", "/", "open", app.port())
                .route("guarded.test", "/", "guarded", Map.of(NGINX + "allowlist-source-range", "203.0.113.0/24"), app.port());
        IngressServer.Builder builder = IngressServer.builder(routes.router()).httpsRedirectPort(443).trustedProxies(trusted);
        return proxies.start(log == null ? builder : builder.accessLog(log));
    }

    @Test
    void fromATrustedLoadBalancerForwardedHttpsIsServedWithHstsAndTheBackendSeesTheForwardedClient() throws Exception {
        Backends.Echo app = backends.start("app");
        StringBuffer log = new StringBuffer();
        IngressServer proxy = forced(app, LOOPBACK_TRUSTED, log);

        for (String answer : bothPaths(proxy, "app.test", "/cart", "X-Forwarded-Proto: https\r\n",
                "X-Forwarded-For: 203.0.113.7\r\n")) {
            assertEquals(200, RawHttp.status(answer), answer);
            assertEquals("max-age=31536000; includeSubDomains", RawHttp.header(answer, "Strict-Transport-Security"));
            assertEquals("203.0.113.7", app.lastRequest().header("X-Real-IP"));
            assertEquals("203.0.113.7", app.lastRequest().header("X-Forwarded-For"));
            assertEquals("https", app.lastRequest().header("X-Forwarded-Proto"));
        }
        Await.until(() -> log.toString().lines().filter(line -> line.startsWith("203.0.113.7 - - [")).count() == 2,
                "the access log names the forwarded client: " + log);

        // the load balancer took the client's plain HTTP: redirected, no HSTS
        for (String answer : bothPaths(proxy, "app.test", "/cart", "X-Forwarded-Proto: http\r\n")) {
            assertEquals(308, RawHttp.status(answer), answer);
            assertEquals("https://app.test/cart", RawHttp.header(answer, "Location"));
            assertNull(RawHttp.header(answer, "Strict-Transport-Security"));
        }
        assertEquals(2, app.requests());
    }

    @Test
    void fromATrustedLoadBalancerTheAllowlistAppliesToTheForwardedClient() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = forced(app, LOOPBACK_TRUSTED, null);

        for (String answer : bothPaths(proxy, "guarded.test", "/", "X-Forwarded-For: 203.0.113.7\r\n")) {
            assertEquals(200, RawHttp.status(answer), answer);
        }
        for (String answer : bothPaths(proxy, "guarded.test", "/", "X-Forwarded-For: 198.51.100.1\r\n")) {
            assertEquals(403, RawHttp.status(answer), answer);
        }
        // no X-Forwarded-For: the client is the load balancer itself, outside the allowlist
        for (String answer : bothPaths(proxy, "guarded.test", "/")) {
            assertEquals(403, RawHttp.status(answer), answer);
        }
        assertEquals(2, app.requests());
    }

    @Test
    void fromAnUntrustedPeerTheSameHeadersChangeNothing() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = forced(app, ELSEWHERE, null);
        String[] spoofed = {"X-Forwarded-Proto: https\r\n", "X-Forwarded-For: 203.0.113.7\r\n",
                "X-Forwarded-Host: evil.example\r\n", "X-Forwarded-Port: 8443\r\n"};

        for (String answer : bothPaths(proxy, "app.test", "/cart", spoofed)) {
            assertEquals(308, RawHttp.status(answer), answer);
            assertNull(RawHttp.header(answer, "Strict-Transport-Security"));
        }
        for (String answer : bothPaths(proxy, "guarded.test", "/", spoofed)) {
            assertEquals(403, RawHttp.status(answer), answer);
        }
        assertEquals(0, app.requests());
        for (String answer : bothPaths(proxy, "open.test", "/", spoofed)) {
            assertEquals(200, RawHttp.status(answer), answer);
            assertEquals("127.0.0.1", app.lastRequest().header("X-Real-IP"));
            assertEquals("203.0.113.7, 127.0.0.1", app.lastRequest().header("X-Forwarded-For"));
            assertEquals("http", app.lastRequest().header("X-Forwarded-Proto"));
            assertEquals("open.test", app.lastRequest().header("X-Forwarded-Host"));
            assertEquals(String.valueOf(proxy.httpPort()), app.lastRequest().header("X-Forwarded-Port"));
        }
    }

    @Test
    void theClientIsTheFirstUntrustedAddressFromTheRightAndTheTrustedHopsAreDropped() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = forced(app, LOOPBACK_TRUSTED, null);

        for (String answer : bothPaths(proxy, "open.test", "/",
                "X-Forwarded-For: 198.51.100.9, 203.0.113.7\r\n", "X-Forwarded-For: 10.1.1.1, 10.2.2.2\r\n")) {
            assertEquals(200, RawHttp.status(answer), answer);
            assertEquals("203.0.113.7", app.lastRequest().header("X-Real-IP"));
            // what the client claims, then the client: the last entry is X-Real-IP, as always
            assertEquals(List.of("198.51.100.9, 203.0.113.7"), app.lastRequest().headers().getValuesList("X-Forwarded-For"));
        }
    }

    @Test
    void aMalformedEntryStopsTheWalkAndNothingLeftOfItIsBelieved() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = forced(app, LOOPBACK_TRUSTED, null);

        for (String answer : bothPaths(proxy, "guarded.test", "/", "X-Forwarded-For: 203.0.113.7, not-an-address\r\n")) {
            assertEquals(403, RawHttp.status(answer), answer);
        }
        for (String answer : bothPaths(proxy, "open.test", "/", "X-Forwarded-For: 203.0.113.7, not-an-address, 10.3.3.3\r\n")) {
            assertEquals(200, RawHttp.status(answer), answer);
            assertEquals("10.3.3.3", app.lastRequest().header("X-Real-IP"));
            assertEquals("203.0.113.7, not-an-address, 10.3.3.3", app.lastRequest().header("X-Forwarded-For"));
        }
        for (String answer : bothPaths(proxy, "open.test", "/", "X-Forwarded-For: 203.0.113.7, not-an-address\r\n")) {
            assertEquals("127.0.0.1", app.lastRequest().header("X-Real-IP"));
            assertEquals("203.0.113.7, not-an-address, 127.0.0.1", app.lastRequest().header("X-Forwarded-For"));
        }
    }

    @Test
    void aTrustedLoadBalancersHostAndPortGoUpstreamAndABadPortIsReplaced() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = forced(app, LOOPBACK_TRUSTED, null);

        for (String answer : bothPaths(proxy, "open.test", "/", "X-Forwarded-Host: www.example.com\r\n",
                "X-Forwarded-Port: 443\r\n", "X-Forwarded-Proto: https\r\n")) {
            assertEquals(200, RawHttp.status(answer), answer);
            assertEquals("www.example.com", app.lastRequest().header("X-Forwarded-Host"));
            assertEquals("443", app.lastRequest().header("X-Forwarded-Port"));
            assertEquals("https", app.lastRequest().header("X-Forwarded-Proto"));
        }
        for (String answer : bothPaths(proxy, "open.test", "/", "X-Forwarded-Port: 99999\r\n")) {
            assertEquals(200, RawHttp.status(answer), answer);
            assertEquals(String.valueOf(proxy.httpPort()), app.lastRequest().header("X-Forwarded-Port"));
            assertEquals("open.test", app.lastRequest().header("X-Forwarded-Host"));
            assertEquals("http", app.lastRequest().header("X-Forwarded-Proto"));
        }
    }

    @Test
    void theAffinityCookieIsSecureWhenTheLoadBalancerSaysHttps() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", Map.of(NGINX + "affinity", "cookie"), app.port()).router())
                .trustedProxies(LOOPBACK_TRUSTED));

        String https = RawHttp.exchange(proxy.httpPort(), get("app.test", "/", "X-Forwarded-Proto: https\r\n"));
        assertTrue(RawHttp.header(https, "Set-Cookie").contains("; Secure"), https);
        String http = RawHttp.exchange(proxy.httpPort(), get("app.test", "/"));
        assertFalse(RawHttp.header(http, "Set-Cookie").contains("; Secure"), http);
    }

    @Test
    void schemeInARedirectIsTheOneTheTrustedLoadBalancerSays() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("old.test", "/", "app", Map.of(NGINX + "permanent-redirect", "$scheme://new.example.com$request_uri"),
                        app.port()).router())
                .trustedProxies(LOOPBACK_TRUSTED));

        String https = RawHttp.exchange(proxy.httpPort(), get("old.test", "/a?b=1", "X-Forwarded-Proto: https\r\n"));
        assertEquals("https://new.example.com/a?b=1", RawHttp.header(https, "Location"), https);
        String http = RawHttp.exchange(proxy.httpPort(), get("old.test", "/a?b=1"));
        assertEquals("http://new.example.com/a?b=1", RawHttp.header(http, "Location"), http);
    }

    @Test
    void aRangeThatIsNoneIsRefusedAtStartNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IngressServer.builder(TestRoutes.create().router()).trustedProxies(List.of("10.0.0.0/8", "10.0.0.0/40")));
        assertTrue(e.getMessage().startsWith("trustedProxies: \"10.0.0.0/40\""), e.getMessage());
    }
}
