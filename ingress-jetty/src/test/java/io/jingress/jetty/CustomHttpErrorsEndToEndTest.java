package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code custom-http-errors} with {@code default-backend} through {@link IngressServer}: an
 * endpoint's answer with a listed status is replaced by the default backend's answer to a GET of
 * {@code /}, with ingress-nginx's headers, on the lean path (HTTP/1.1, HTTP/2 over TLS) and on
 * Jetty's (a chunked upload); another status passes untouched; the endpoint's connection is kept
 * (or closed when its body is too long to drop); the default backend down gives the status itself.
 */
class CustomHttpErrorsEndToEndTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String BIG = "x".repeat(100 * 1024);

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private ScriptedBackend app;
    private Backends.Echo errors;

    @AfterEach
    void closeApp() {
        if (app != null) {
            app.close();
        }
    }

    /** What the app answers: 404 for /missing, 503 for /busy, 418 for /teapot, a 404 with a long body for /big, else 200. */
    private static ScriptedBackend.Answer appAnswer(String head) {
        String target = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        if (target.startsWith("/missing")) {
            return ScriptedBackend.Answer.keepOpen("HTTP/1.1 404 Not Found\r\nContent-Length: 11\r\nX-App: yes\r\n\r\napp's 404!\n");
        }
        if (target.startsWith("/busy")) {
            return ScriptedBackend.Answer.keepOpen("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nbusy!\r\n0\r\n\r\n");
        }
        if (target.startsWith("/teapot")) {
            return ScriptedBackend.Answer.keepOpen("HTTP/1.1 418 I'm a teapot\r\nContent-Length: 7\r\nX-App: yes\r\n\r\nteapot\n");
        }
        if (target.startsWith("/big")) {
            return ScriptedBackend.Answer.keepOpen("HTTP/1.1 404 Not Found\r\nContent-Length: " + BIG.length() + "\r\n\r\n" + BIG);
        }
        return ScriptedBackend.Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
    }

    /**
     * {@code app.test}: the scripted app, with custom-http-errors 404,503,502 and default-backend
     * "errors" (an echo); {@code plain.test}: the same app without the annotations; {@code
     * upload.test}: an echo app that answers 413 to {@code /refuse}, with 413 listed; {@code
     * nopages.test}: the app, with the default backend "deadpages" on a dead port; {@code
     * down.test}: a dead port, with 502 listed.
     */
    private IngressServer proxy() {
        app = ScriptedBackend.startReadingBodies((connection, request, head) -> appAnswer(head));
        errors = backends.start("errors");
        Backends.Echo uploads = backends.start("uploads");
        Map<String, String> pages = Map.of(NGINX + "custom-http-errors", "404,503,502,413",
                NGINX + "default-backend", "errors");
        TestRoutes routes = TestRoutes.create()
                .route("errors.test", "/", "errors", errors.port())
                .route("deadpages.test", "/", "deadpages", backends.deadPort())
                .route("app.test", "/", "app", pages, app.port())
                .route("plain.test", "/", "plain", app.port())
                .route("upload.test", "/", "uploads", pages, uploads.port())
                .route("nopages.test", "/", "nopages", Map.of(NGINX + "custom-http-errors", "404",
                        NGINX + "default-backend", "deadpages"), app.port())
                .route("down.test", "/", "down", pages, backends.deadPort());
        return proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    private static String get(String host, String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + String.join("", headers) + "Connection: close\r\n\r\n";
    }

    @Test
    void aListedStatusIsReplacedByTheDefaultBackendsAnswerWithIngressNginxsHeaders() throws Exception {
        IngressServer proxy = proxy();

        String response = RawHttp.exchange(proxy.httpPort(), get("app.test", "/missing/page?x=1",
                "Accept: text/html\r\n", "X-Request-ID: req-42\r\n", "X-Code: 200\r\n"));

        // the error backend's answer, status included, as nginx's "error_page 404 = @custom_..." gives it
        assertEquals(200, RawHttp.status(response), response);
        assertEquals("errors", RawHttp.header(response, "X-Backend"));
        assertFalse(response.contains("app's 404!"), response);
        assertEquals(null, RawHttp.header(response, "X-App"), "nothing of the endpoint's answer reaches the client");
        Backends.Seen seen = errors.lastRequest();
        assertEquals("GET", seen.method());
        assertEquals("/?x=1", seen.pathQuery(), "nginx's rewrite (.*) / break: the path is /, the query kept");
        assertEquals("404", seen.header("X-Code"));
        assertEquals("text/html", seen.header("X-Format"));
        assertEquals("/missing/page?x=1", seen.header("X-Original-URI"));
        assertEquals("default", seen.header("X-Namespace"));
        assertEquals("ingress-3", seen.header("X-Ingress-Name"));
        assertEquals("app", seen.header("X-Service-Name"));
        assertEquals("80", seen.header("X-Service-Port"));
        assertEquals("req-42", seen.header("X-Request-ID"));
        assertEquals("app.test", seen.header("Host"));
        assertTrue(app.heads().get(0).contains("X-Request-ID: req-42"), "the same id as the endpoint's request");
    }

    @Test
    void theEndpointsConnectionIsKeptAfterItsBodyIsDroppedAndClosedWhenTheBodyIsTooLong() throws Exception {
        IngressServer proxy = proxy();

        for (String target : new String[] {"/missing", "/busy", "/missing"}) {
            String response = RawHttp.exchange(proxy.httpPort(), get("app.test", target));
            assertEquals("errors", RawHttp.header(response, "X-Backend"), response);
        }
        assertEquals(3, errors.requests());
        assertEquals(1, app.connections(), "a 404 and a chunked 503, each read whole, on one kept connection");

        String big = RawHttp.exchange(proxy.httpPort(), get("app.test", "/big"));
        assertEquals("errors", RawHttp.header(big, "X-Backend"), big);
        String after = RawHttp.exchange(proxy.httpPort(), get("app.test", "/ok"));
        assertEquals(200, RawHttp.status(after), after);
        assertEquals(2, app.connections(), "the long body was not read: its connection was closed, a new one opened");
    }

    @Test
    void aStatusNotListedOrARouteWithoutTheAnnotationPassesUntouched() throws Exception {
        IngressServer proxy = proxy();

        String teapot = RawHttp.exchange(proxy.httpPort(), get("app.test", "/teapot"));
        String plain = RawHttp.exchange(proxy.httpPort(), get("plain.test", "/missing"));

        assertEquals(418, RawHttp.status(teapot), teapot);
        assertTrue(teapot.endsWith("teapot\n"), teapot);
        assertEquals("yes", RawHttp.header(teapot, "X-App"));
        assertEquals(404, RawHttp.status(plain), plain);
        assertTrue(plain.endsWith("app's 404!\n"), plain);
        assertEquals(0, errors.requests());
    }

    @Test
    void overHttp2WithTlsTheErrorPageReplacesTheAnswerToo() throws Exception {
        IngressServer proxy = proxy();

        ContentResponse response = proxies.http2Client().newRequest("https://app.test:" + proxy.httpsPort() + "/busy")
                .headers(h -> h.put("Accept", "application/json")).timeout(10, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals("errors", response.getHeaders().get("X-Backend"));
        assertNotNull(response.getHeaders().get("Strict-Transport-Security"), "an answer over TLS as any other");
        assertEquals("503", errors.lastRequest().header("X-Code"));
        assertEquals("application/json", errors.lastRequest().header("X-Format"));
    }

    @Test
    void onJettysPathAChunkedUploadsListedAnswerIsReplacedToo() throws Exception {
        IngressServer proxy = proxy();

        String response = RawHttp.exchange(proxy.httpPort(), "POST /refuse HTTP/1.1\r\nHost: upload.test\r\n"
                + "Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n");

        assertEquals(200, RawHttp.status(response), response);
        assertEquals("errors", RawHttp.header(response, "X-Backend"));
        assertFalse(response.contains("too large"), response);
        Backends.Seen seen = errors.lastRequest();
        assertEquals("GET", seen.method());
        assertEquals(0, seen.bodyLength());
        assertEquals(null, seen.header("Content-Type"), "the error page's request has no body");
        assertEquals("413", seen.header("X-Code"));
        assertEquals("uploads", seen.header("X-Service-Name"));
    }

    @Test
    void theProxysOwn502IsReplacedWhenListed() throws Exception {
        IngressServer proxy = proxy();

        String response = RawHttp.exchange(proxy.httpPort(), get("down.test", "/x"));

        assertEquals("errors", RawHttp.header(response, "X-Backend"), response);
        assertEquals("502", errors.lastRequest().header("X-Code"));
    }

    @Test
    void whenTheDefaultBackendCannotBeReachedTheClientGetsTheStatusItReplaces() throws Exception {
        IngressServer proxy = proxy();

        String response = RawHttp.exchange(proxy.httpPort(), get("nopages.test", "/missing"));

        assertEquals(404, RawHttp.status(response), response);
        assertTrue(response.endsWith("\r\n\r\n404 Not Found\n"), response);
    }

    @Test
    void onJettysPathALongBodyIsCutShortAndTheErrorPageServedAll() throws Exception {
        IngressServer proxy = proxy();
        String upload = "u".repeat(20 * 1024);  // longer than the lean forwarder buffers: Jetty's client takes it

        String response = RawHttp.exchange(proxy.httpPort(), "POST /big HTTP/1.1\r\nHost: app.test\r\nContent-Length: "
                + upload.length() + "\r\nConnection: close\r\n\r\n" + upload);

        assertEquals("errors", RawHttp.header(response, "X-Backend"), response);
        assertFalse(response.contains("xxxx"), "nothing of the endpoint's body");
        assertEquals(List.of(upload.length()), app.bodyLengths());
        assertEquals("404", errors.lastRequest().header("X-Code"));
    }

    @Test
    void aHeadRequestsErrorPageIsAskedForWithHead() throws Exception {
        IngressServer proxy = proxy();

        String response = RawHttp.exchange(proxy.httpPort(), "HEAD /missing HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");

        assertEquals("errors", RawHttp.header(response, "X-Backend"), response);
        assertEquals("HEAD", errors.lastRequest().method());
        assertTrue(response.endsWith("\r\n\r\n"), "no body after the head: " + response);
    }
}
