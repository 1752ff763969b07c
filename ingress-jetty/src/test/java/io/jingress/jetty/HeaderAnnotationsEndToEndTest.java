package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jingress.core.model.TlsSecret;
import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestCertificates;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WebSocketEcho;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code upstream-vhost}, {@code x-forwarded-prefix}, {@code enable-access-log} and
 * {@code proxy-redirect-from}/{@code -to} through {@link IngressServer}, with real backends, over
 * the lean HTTP/1.1 path, Jetty's (a chunked body), HTTP/2 and a WebSocket handshake.
 */
class HeaderAnnotationsEndToEndTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final Map<String, String> VHOST = Map.of(NGINX + "upstream-vhost", "internal.example:8080");
    private static final Map<String, String> REDIRECT = Map.of(NGINX + "proxy-redirect-from", "http://internal/",
            NGINX + "proxy-redirect-to", "https://public.test/");

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

    @Test
    void upstreamVhostIsTheHostTheBackendGetsAndXForwardedHostStillNamesTheClients() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo other = backends.start("other");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("vhost.test", "/", "app", VHOST, app.port())
                .route("other.test", "/", "other", other.port())
                .router()));

        String lean = RawHttp.exchange(proxy.httpPort(), get("vhost.test", "/page"));
        assertEquals(200, RawHttp.status(lean), lean);
        assertEquals(List.of("internal.example:8080"), app.lastRequest().headers().getValuesList("Host"));
        assertEquals("vhost.test", app.lastRequest().header("X-Forwarded-Host"));

        String jettys = RawHttp.exchange(proxy.httpPort(), chunkedPost("vhost.test", "/upload"));
        assertEquals(200, RawHttp.status(jettys), jettys);
        assertEquals(5, app.lastRequest().bodyLength());
        assertEquals(List.of("internal.example:8080"), app.lastRequest().headers().getValuesList("Host"));
        assertEquals("vhost.test", app.lastRequest().header("X-Forwarded-Host"));

        // another Ingress's backend gets the client's Host
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("other.test:80", "/page"))));
        assertEquals("other.test:80", other.lastRequest().header("Host"));
    }

    @Test
    void anHttp10RequestWithoutHostIsSentWithTheUpstreamVhostOnEitherPath() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route(null, "/", "app", VHOST, app.port())
                .router()));

        String lean = RawHttp.exchange(proxy.httpPort(), "GET /old HTTP/1.0\r\n\r\n");
        assertEquals(200, RawHttp.status(lean), lean);
        assertEquals(List.of("internal.example:8080"), app.lastRequest().headers().getValuesList("Host"));

        String jettys = RawHttp.exchange(proxy.httpPort(), "POST /old HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals(200, RawHttp.status(jettys), jettys);
        assertEquals(List.of("internal.example:8080"), app.lastRequest().headers().getValuesList("Host"));
    }

    @Test
    void overHttp2UpstreamVhostIsTheHostTheBackendGetsAndItsLocationIsRewritten() throws Exception {
        Backends.Echo app = backends.start("app");
        Map<String, String> annotations = new HashMap<>(VHOST);
        annotations.putAll(REDIRECT);
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .tlsRoute("vhost.test", "/", "app", secret(), annotations, app.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient client = proxies.http2Client();

        ContentResponse response = client.newRequest("https://vhost.test:" + proxy.httpsPort() + "/h2")
                .headers(h -> h.put("X-Echo-Location", "http://internal/next"))
                .timeout(10, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals(302, response.getStatus(), response.getContentAsString());
        assertEquals("https://public.test/next", response.getHeaders().get("Location"));
        assertEquals(List.of("internal.example:8080"), app.lastRequest().headers().getValuesList("Host"));
        assertEquals("vhost.test:" + proxy.httpsPort(), app.lastRequest().header("X-Forwarded-Host"));
    }

    @Test
    void aWebSocketHandshakeIsSentWithTheUpstreamVhost() throws Exception {
        WebSocketEcho echo = backends.startWebSocketEcho();
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("chat.test", "/", "chat", VHOST, echo.port())
                .router()));

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: chat.test\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = RawHttp.readHead(socket.getInputStream());
            assertEquals(101, RawHttp.status(answer), answer);
        }
        String head = echo.heads().get(0);
        assertEquals("internal.example:8080", RawHttp.header(head, "Host"), head);
        assertEquals("chat.test", RawHttp.header(head, "X-Forwarded-Host"), head);
        assertEquals(1, head.split("(?i)\r\nHost:", -1).length - 1, head);
    }

    @Test
    void xForwardedPrefixReplacesTheClientsOnARewrittenPathAndAClientsOwnIsNeverPassedOn() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo other = backends.start("other");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .implementationSpecificRoute("prefix.test", "/api(/|$)(.*)", "app",
                        Map.of(NGINX + "rewrite-target", "/$2", NGINX + "x-forwarded-prefix", "/api"), app.port())
                .route("other.test", "/", "other", other.port())
                .router()));
        String forged = "X-Forwarded-Prefix: /evil\r\n";

        String lean = RawHttp.exchange(proxy.httpPort(), get("prefix.test", "/api/users", forged));
        assertEquals(200, RawHttp.status(lean), lean);
        assertEquals("/users", app.lastRequest().pathQuery());
        assertEquals(List.of("/api"), app.lastRequest().headers().getValuesList("X-Forwarded-Prefix"));

        String jettys = RawHttp.exchange(proxy.httpPort(), chunkedPost("prefix.test", "/api/upload", forged));
        assertEquals(200, RawHttp.status(jettys), jettys);
        assertEquals("/upload", app.lastRequest().pathQuery());
        assertEquals(List.of("/api"), app.lastRequest().headers().getValuesList("X-Forwarded-Prefix"));

        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("other.test", "/", forged))));
        assertNull(other.lastRequest().header("X-Forwarded-Prefix"));
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), chunkedPost("other.test", "/", forged))));
        assertNull(other.lastRequest().header("X-Forwarded-Prefix"));
    }

    @Test
    void anIngressWithTheAccessLogOffWritesNoLineButIsCountedAndAnotherIngressIsLogged() throws Exception {
        Backends.Echo app = backends.start("app");
        StringBuffer log = new StringBuffer();
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("quiet.test", "/", "app", Map.of(NGINX + "enable-access-log", "false"), app.port())
                .route("loud.test", "/", "app", app.port())
                .router()).accessLog(log));

        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("quiet.test", "/quiet-lean"))));
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), chunkedPost("quiet.test", "/quiet-jetty"))));
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("loud.test", "/loud"))));

        String quiet = "jingress_requests_total{ingress=\"default/ingress-1\",service=\"default/app:80\",method=\"GET\",status=\"2xx\"}";
        Await.until(() -> sample(metrics(proxy), quiet) == 1, "the quiet Ingress's request is counted");
        Await.until(() -> log.indexOf("/loud") >= 0, "the other Ingress's request is logged");
        assertFalse(log.toString().contains("/quiet"), log.toString());
    }

    @Test
    void proxyRedirectRewritesAMatchingLocationOnBothPathsAndLeavesOthers() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo other = backends.start("other");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("redirect.test", "/", "app", REDIRECT, app.port())
                .route("other.test", "/", "other", other.port())
                .router()));
        String internal = "X-Echo-Location: http://internal/login?next=%2F\r\n";

        String lean = RawHttp.exchange(proxy.httpPort(), get("redirect.test", "/", internal,
                "X-Echo-Refresh: 5; url=http://internal/later\r\n"));
        assertEquals(302, RawHttp.status(lean), lean);
        assertEquals("https://public.test/login?next=%2F", RawHttp.header(lean, "Location"), lean);
        assertEquals("5; url=https://public.test/later", RawHttp.header(lean, "Refresh"), lean);

        String jettys = RawHttp.exchange(proxy.httpPort(), chunkedPost("redirect.test", "/", internal));
        assertEquals(302, RawHttp.status(jettys), jettys);
        assertEquals("https://public.test/login?next=%2F", RawHttp.header(jettys, "Location"), jettys);

        String elsewhere = RawHttp.exchange(proxy.httpPort(), get("redirect.test", "/", "X-Echo-Location: http://elsewhere/\r\n"));
        assertEquals("http://elsewhere/", RawHttp.header(elsewhere, "Location"), elsewhere);
        String relative = RawHttp.exchange(proxy.httpPort(), chunkedPost("redirect.test", "/", "X-Echo-Location: /login\r\n"));
        assertEquals("/login", RawHttp.header(relative, "Location"), relative);

        String otherIngress = RawHttp.exchange(proxy.httpPort(), get("other.test", "/", internal));
        assertEquals("http://internal/login?next=%2F", RawHttp.header(otherIngress, "Location"), otherIngress);
    }

    @Test
    void badValuesAreWarnedAndTheRequestGoesAsWithoutThem() throws Exception {
        Backends.Echo app = backends.start("app");
        StringBuffer log = new StringBuffer();
        TestRoutes routes = TestRoutes.create()
                .route("bad.test", "/", "app", Map.of(NGINX + "upstream-vhost", "$host",
                        NGINX + "enable-access-log", "nope",
                        NGINX + "proxy-redirect-from", "http://internal/",
                        NGINX + "proxy-redirect-to", "https://$host/"), app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).accessLog(log));

        assertEquals(3, routes.router().current().problems().size(), routes.router().current().problems().toString());
        String response = RawHttp.exchange(proxy.httpPort(), get("bad.test", "/logged", "X-Echo-Location: http://internal/\r\n"));
        assertEquals(302, RawHttp.status(response), response);
        assertEquals("http://internal/", RawHttp.header(response, "Location"), response);
        assertEquals("bad.test", app.lastRequest().header("Host"));
        Await.until(() -> log.indexOf("/logged") >= 0, "the request is logged");
    }

    @Test
    void routesShowsTheSettings() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("vhost.test", "/", "app", VHOST, app.port())
                .router()));

        String json = RawHttp.exchange(proxy.adminPort(), "GET /routes HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");

        assertTrue(json.contains("\"Host sent upstream: internal.example:8080 (upstream-vhost)\""), json);
    }

    private String metrics(IngressServer proxy) {
        try {
            return proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/metrics").send().getContentAsString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long sample(String metrics, String line) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(line) + " ([0-9.eE+]+)$").matcher(metrics);
        return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
    }

    private static TlsSecret secret() throws IOException {
        return TestCertificates.pkcs8Secret();
    }
}
