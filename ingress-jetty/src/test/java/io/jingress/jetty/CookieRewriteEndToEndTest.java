package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jingress.core.model.TlsSecret;
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
 * {@code proxy-cookie-domain} and {@code proxy-cookie-path} through {@link IngressServer}: a real
 * backend's {@code Set-Cookie} fields, sent as written, as the client receives them over the lean
 * HTTP/1.1 path and HTTP/2 over TLS (Jetty's path).
 */
class CookieRewriteEndToEndTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final Map<String, String> REWRITE = Map.of(NGINX + "proxy-cookie-domain", "backend.internal example.com",
            NGINX + "proxy-cookie-path", "/app /web");
    private static final String BACKEND_ANSWER = "HTTP/1.1 200 OK\r\n"
            + "Set-Cookie: a=1; Domain=backend.internal; Path=/app\r\n"
            + "Set-Cookie: b=2; domain=.BACKEND.internal; path=/app/deep; HttpOnly; Secure\r\n"
            + "Set-Cookie: c=3; Domain=other.internal; Path=/other; Max-Age=60\r\n"
            + "Set-Cookie: Path=/app; SameSite=Lax\r\n"
            + "X-Other: Domain=backend.internal; Path=/app\r\n"
            + "Content-Length: 2\r\nConnection: close\r\n\r\nok";
    private static final List<String> REWRITTEN = List.of("a=1; Domain=example.com; Path=/web",
            "b=2; domain=.example.com; path=/web/deep; HttpOnly; Secure",
            "c=3; Domain=other.internal; Path=/other; Max-Age=60",
            "Path=/app; SameSite=Lax");
    private static final List<String> AS_SENT = List.of("a=1; Domain=backend.internal; Path=/app",
            "b=2; domain=.BACKEND.internal; path=/app/deep; HttpOnly; Secure",
            "c=3; Domain=other.internal; Path=/other; Max-Age=60",
            "Path=/app; SameSite=Lax");

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    @Test
    void eachSetCookieHasItsMatchingDomainAndPathRewrittenOnTheLeanPathAndOthersUntouched() throws Exception {
        Backends.Raw app = backends.startRaw(BACKEND_ANSWER);
        Backends.Raw other = backends.startRaw(BACKEND_ANSWER);
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("cookies.test", "/", "app", REWRITE, app.port())
                .route("other.test", "/", "other", other.port())
                .router()));

        String lean = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: cookies.test\r\nConnection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(lean), lean);
        assertEquals(REWRITTEN, setCookies(lean), lean);
        assertEquals("Domain=backend.internal; Path=/app", RawHttp.header(lean, "X-Other"), lean);

        String otherIngress = RawHttp.exchange(proxy.httpPort(), "GET / HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n");
        assertEquals(AS_SENT, setCookies(otherIngress), otherIngress);
    }

    @Test
    void overHttp2TheClientSeesTheRewrittenSetCookies() throws Exception {
        Backends.Raw app = backends.startRaw(BACKEND_ANSWER);
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .tlsRoute("cookies.test", "/", "app", secret(), REWRITE, app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        ContentResponse response = proxies.http2Client().newRequest("https://cookies.test:" + proxy.httpsPort() + "/h2")
                .timeout(10, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals(REWRITTEN, response.getHeaders().getValuesList("Set-Cookie"));
    }

    @Test
    void routesShowsTheRewrite() throws Exception {
        Backends.Raw app = backends.startRaw(BACKEND_ANSWER);
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("cookies.test", "/", "app", REWRITE, app.port())
                .router()));

        String json = RawHttp.exchange(proxy.adminPort(), "GET /routes HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");

        assertTrue(json.contains("\"Set-Cookie Domain backend.internal -> example.com (proxy-cookie-domain),"
                + " Path /app -> /web (proxy-cookie-path)\""), json);
    }

    /** Every Set-Cookie value of a raw response's head, in order. */
    private static List<String> setCookies(String response) {
        List<String> values = new ArrayList<>();
        for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
            if (line.regionMatches(true, 0, "Set-Cookie:", 0, 11)) {
                values.add(line.substring(11).trim());
            }
        }
        return values;
    }

    private static TlsSecret secret() throws IOException {
        return TestCertificates.pkcs8Secret();
    }
}
