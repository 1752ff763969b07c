package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocket;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cookie of cookie affinity as the client gets it, with ingress-nginx's {@code session-cookie-*}
 * attributes, on the lean HTTP/1 connection (plain and TLS) and over HTTP/2.
 */
class AffinityCookieTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String TOKEN = "[0-9a-f]{16}";
    private static final String OLD_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1";
    private static final String CHROME_120 = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/120.0.0.0 Safari/537.36";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static Map<String, String> affinity(String... more) {
        Map<String, String> annotations = new HashMap<>();
        annotations.put(NGINX + "affinity", "cookie");
        for (int i = 0; i < more.length; i += 2) {
            annotations.put(more[i], more[i + 1]);
        }
        return annotations;
    }

    private IngressServer proxy(TestRoutes routes) {
        return proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    private static String get(String host, String path, String... headers) {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("Connection: close\r\n\r\n").toString();
    }

    private static String overTls(IngressServer proxy, String request) throws IOException {
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("http/1.1"))) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String setCookie(String response) {
        assertEquals(200, RawHttp.status(response), response);
        return RawHttp.header(response.substring(0, response.indexOf("\r\n\r\n") + 2), "Set-Cookie");
    }

    private static void assertCookie(String expectedRegex, String actual) {
        assertTrue(actual != null && actual.matches(expectedRegex), "expected " + expectedRegex + ", got " + actual);
    }

    @Test
    void byDefaultTheCookieHasTheIngressPathAndHttpOnlyAndSecureOnlyOverTls() throws Exception {
        Backends.Echo a = backends.start("a");
        IngressServer proxy = proxy(TestRoutes.create().route("app.test", "/shop", "shop", affinity(), a.port()));

        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/shop; HttpOnly",
                setCookie(RawHttp.exchange(proxy.httpPort(), get("app.test", "/shop/cart"))));
        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/shop; Secure; HttpOnly",
                setCookie(overTls(proxy, get("app.test", "/shop/cart"))));
        ContentResponse http2 = proxies.http2Client().newRequest("https://app.test:" + proxy.httpsPort() + "/shop")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, http2.getVersion());
        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/shop; Secure; HttpOnly",
                http2.getHeaders().get(HttpHeader.SET_COOKIE));
    }

    @Test
    void everyAttributeIsOnTheCookieInIngressNginxsOrder() throws Exception {
        Backends.Echo a = backends.start("a");
        IngressServer proxy = proxy(TestRoutes.create().route("app.test", "/", "app", affinity(
                NGINX + "session-cookie-name", "route",
                NGINX + "session-cookie-path", "/cart",
                NGINX + "session-cookie-domain", ".app.test",
                NGINX + "session-cookie-max-age", "172800",
                NGINX + "session-cookie-expires", "3600",
                NGINX + "session-cookie-samesite", "Strict",
                NGINX + "session-cookie-secure", "true"), a.port()));

        long before = System.currentTimeMillis() / 1000;
        String plain = setCookie(RawHttp.exchange(proxy.httpPort(), get("app.test", "/")));
        long after = System.currentTimeMillis() / 1000 + 1;
        String expires = "[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT";
        String expected = "route=" + TOKEN + "; Expires=(" + expires + "); Max-Age=172800; Domain=.app.test; Path=/cart;"
                + " Secure; HttpOnly; SameSite=Strict";
        assertCookie(expected, plain);
        Matcher date = Pattern.compile(expected).matcher(plain);
        assertTrue(date.matches());
        long at = ZonedDateTime.parse(date.group(1), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        assertTrue(at >= before + 3600 && at <= after + 3600, "Expires is an hour from the answer: " + plain);

        assertCookie(expected, setCookie(overTls(proxy, get("app.test", "/"))));
        ContentResponse http2 = proxies.http2Client().newRequest("https://app.test:" + proxy.httpsPort() + "/")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, http2.getVersion());
        assertCookie(expected, http2.getHeaders().get(HttpHeader.SET_COOKIE));
    }

    @Test
    void partitionedGoesLastOnTheCookieOnEveryPath() throws Exception {
        Backends.Echo a = backends.start("a");
        IngressServer proxy = proxy(TestRoutes.create().route("app.test", "/", "app", affinity(
                NGINX + "session-cookie-partitioned", "true",
                NGINX + "session-cookie-samesite", "None"), a.port()));

        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; HttpOnly; SameSite=None; Partitioned",
                setCookie(RawHttp.exchange(proxy.httpPort(), get("app.test", "/"))));
        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; Secure; HttpOnly; SameSite=None; Partitioned",
                setCookie(overTls(proxy, get("app.test", "/"))));
        ContentResponse http2 = proxies.http2Client().newRequest("https://app.test:" + proxy.httpsPort() + "/")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, http2.getVersion());
        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; Secure; HttpOnly; SameSite=None; Partitioned",
                http2.getHeaders().get(HttpHeader.SET_COOKIE));
    }

    @Test
    void aSessionCookieNameThatIsNoTokenGivesIngressCookieOnEveryPath() throws Exception {
        Backends.Echo a = backends.start("a");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", affinity(
                NGINX + "session-cookie-name", "my session"), a.port());
        IngressServer proxy = proxy(routes);

        assertTrue(routes.router().current().problems().toString().contains(
                "session-cookie-name: \"my session\" is not a cookie name"), routes.router().current().problems().toString());
        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; HttpOnly",
                setCookie(RawHttp.exchange(proxy.httpPort(), get("app.test", "/"))));
        ContentResponse http2 = proxies.http2Client().newRequest("https://app.test:" + proxy.httpsPort() + "/")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, http2.getVersion());
        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; Secure; HttpOnly", http2.getHeaders().get(HttpHeader.SET_COOKIE));
    }

    @Test
    void theCookieSticksToOneEndpointAndIsNotSetAgain() throws Exception {
        Backends.Echo a = backends.start("a");
        Backends.Echo b = backends.start("b");
        IngressServer proxy = proxy(TestRoutes.create().route("app.test", "/", "app",
                affinity(NGINX + "session-cookie-samesite", "Lax"), a.port(), b.port()));

        String first = RawHttp.exchange(proxy.httpPort(), get("app.test", "/"));
        String cookie = setCookie(first);
        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; HttpOnly; SameSite=Lax", cookie);
        String pinned = RawHttp.header(first, "X-Backend");
        String pair = cookie.substring(0, cookie.indexOf(';'));
        for (int i = 0; i < 6; i++) {
            String next = i % 2 == 0 ? RawHttp.exchange(proxy.httpPort(), get("app.test", "/", "Cookie: theme=dark; " + pair))
                    : overTls(proxy, get("app.test", "/", "Cookie: " + pair));
            assertEquals(pinned, RawHttp.header(next, "X-Backend"), next);
            assertNull(setCookie(next), "a cookie naming a live endpoint is not set again");
        }
    }

    @Test
    void aClientWhoseEndpointFailsIsServedByAnotherAndGivenANewCookie() throws Exception {
        Backends.Echo a = backends.start("a");
        Backends.Echo b = backends.start("b");
        IngressServer proxy = proxy(TestRoutes.create().route("app.test", "/", "app",
                affinity(NGINX + "session-cookie-change-on-failure", "true"), a.port(), b.port()));
        String first = RawHttp.exchange(proxy.httpPort(), get("app.test", "/"));
        String pair = setCookie(first).substring(0, setCookie(first).indexOf(';'));
        Backends.Echo pinned = RawHttp.header(first, "X-Backend").equals("a") ? a : b;
        Backends.Echo other = pinned == a ? b : a;

        pinned.kill();
        String moved = RawHttp.exchange(proxy.httpPort(), get("app.test", "/", "Cookie: " + pair));

        assertEquals(other.name(), RawHttp.header(moved, "X-Backend"), moved);
        String renewed = setCookie(moved);
        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; HttpOnly", renewed);
        assertNotEquals(pair, renewed.substring(0, renewed.indexOf(';')));
    }

    @Test
    void conditionalSameSiteNoneIsLeftOutForUserAgentsThatRejectIt() throws Exception {
        Backends.Echo a = backends.start("a");
        IngressServer proxy = proxy(TestRoutes.create().route("app.test", "/", "app", affinity(
                NGINX + "session-cookie-samesite", "None",
                NGINX + "session-cookie-conditional-samesite-none", "true"), a.port()));

        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; Secure; HttpOnly; SameSite=None",
                setCookie(overTls(proxy, get("app.test", "/", "User-Agent: " + CHROME_120))));
        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; Secure; HttpOnly",
                setCookie(overTls(proxy, get("app.test", "/", "User-Agent: " + OLD_IPHONE))));
        ContentResponse http2 = proxies.http2Client().newRequest("https://app.test:" + proxy.httpsPort() + "/")
                .headers(h -> h.put(HttpHeader.USER_AGENT, "Mozilla/5.0 (Windows NT 10.0) Chrome/59.0.3071.115"))
                .timeout(10, TimeUnit.SECONDS).send();
        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; Secure; HttpOnly", http2.getHeaders().get(HttpHeader.SET_COOKIE));
    }

    @Test
    void withoutConditionSameSiteNoneGoesToEveryUserAgent() throws Exception {
        Backends.Echo a = backends.start("a");
        IngressServer proxy = proxy(TestRoutes.create().route("app.test", "/", "app", affinity(
                NGINX + "session-cookie-samesite", "None"), a.port()));

        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; HttpOnly; SameSite=None",
                setCookie(RawHttp.exchange(proxy.httpPort(), get("app.test", "/", "User-Agent: " + OLD_IPHONE))));
    }

    @Test
    void aRegexPathGivesPathSlashUnlessSessionCookiePathIsSet() throws Exception {
        Backends.Echo a = backends.start("a");
        IngressServer proxy = proxy(TestRoutes.create()
                .implementationSpecificRoute("app.test", "/shop/[0-9]+", "shop",
                        affinity(NGINX + "use-regex", "true"), a.port())
                .implementationSpecificRoute("other.test", "/cart/[0-9]+", "cart",
                        affinity(NGINX + "use-regex", "true", NGINX + "session-cookie-path", "/cart"), a.port()));

        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/; HttpOnly",
                setCookie(RawHttp.exchange(proxy.httpPort(), get("app.test", "/shop/12"))));
        assertCookie("INGRESSCOOKIE=" + TOKEN + "; Path=/cart; HttpOnly",
                setCookie(RawHttp.exchange(proxy.httpPort(), get("other.test", "/cart/12"))));
    }
}
