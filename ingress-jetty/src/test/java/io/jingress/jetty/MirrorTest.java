package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.internal.tls.TlsCertificates;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.MirrorServer;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import io.jingress.jetty.testing.WireClient;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code mirror-target} through a real proxy, a real backend and a real mirror ({@link MirrorServer}):
 * the copy's method, path, headers and body; the client's answer whatever the mirror does; HTTP/2
 * over TLS; a chunked body, which is proxied and not mirrored.
 */
class MirrorTest {
    private static final String P = "nginx.ingress.kubernetes.io/";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private MirrorServer mirror;

    @AfterEach
    void stopMirror() {
        if (mirror != null) {
            mirror.close();
        }
    }

    private static Map<String, String> annotations(String... pairs) {
        Map<String, String> annotations = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            annotations.put(P + pairs[i], pairs[i + 1]);
        }
        return annotations;
    }

    private IngressServer proxy(Map<String, String> annotations, int port) {
        return proxies.start(IngressServer.builder(TestRoutes.create().route("app.test", "/", "app", annotations, port).router()));
    }

    private org.eclipse.jetty.client.Request request(IngressServer proxy, String pathQuery) {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path(pathQuery)
                .headers(h -> h.put("Host", "app.test")).timeout(20, TimeUnit.SECONDS);
    }

    @Test
    void theMirrorGetsTheMethodPathHeadersAndBodyOfEachRequest() throws Exception {
        Backends.Echo backend = backends.start("app");
        mirror = new MirrorServer(MirrorServer.Answer.OK);
        IngressServer proxy = proxy(annotations("mirror-target", mirror.url("/shadow$request_uri"),
                "mirror-host", "shadow.test", "rewrite-target", "/rewritten"), backend.port());

        ContentResponse response = request(proxy, "/cart?id=7").method(HttpMethod.POST)
                .headers(h -> h.put("X-Test", "yes").put("Cookie", "a=1"))
                .body(new StringRequestContent("text/plain", "hello mirror")).send();

        assertEquals(200, response.getStatus());
        assertEquals("app", response.getHeaders().get("X-Backend"));
        assertEquals("/rewritten?id=7", backend.lastRequest().pathQuery());
        MirrorServer.Seen copy = mirror.next();
        assertNotNull(copy, "the mirror got a copy");
        assertEquals("POST", copy.method());
        assertEquals("/shadow/cart?id=7", copy.pathQuery(), "$request_uri is what the client asked, before the rewrite");
        assertEquals("shadow.test", copy.header("Host"));
        assertEquals("yes", copy.header("X-Test"));
        assertEquals("a=1", copy.header("Cookie"));
        assertEquals("text/plain", copy.header("Content-Type"));
        assertEquals("hello mirror", copy.body());
        assertEquals("12", copy.header("Content-Length"));
    }

    @Test
    void withRequestBodyOffTheCopyHasNoBody() throws Exception {
        Backends.Echo backend = backends.start("app");
        mirror = new MirrorServer(MirrorServer.Answer.OK);
        IngressServer proxy = proxy(annotations("mirror-target", mirror.url("$request_uri"), "mirror-request-body", "off"),
                backend.port());

        ContentResponse response = request(proxy, "/upload").method(HttpMethod.PUT)
                .body(new StringRequestContent("secret body")).send();

        assertEquals(200, response.getStatus());
        assertEquals(11, backend.lastRequest().bodyLength());
        MirrorServer.Seen copy = mirror.next();
        assertEquals("PUT", copy.method());
        assertEquals("/upload", copy.pathQuery());
        assertEquals("127.0.0.1", copy.header("Host"), "the target's host name, without its port, as ingress-nginx");
        assertEquals("", copy.body());
        String length = copy.header("Content-Length");
        assertTrue(length == null || length.equals("0"), "no body announced: " + length);
    }

    @Test
    void aMirrorThatIsDownOrAnswers500ChangesNothingForTheClient() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer down = proxy(annotations("mirror-target", "http://127.0.0.1:" + backends.deadPort() + "$request_uri"),
                backend.port());
        mirror = new MirrorServer(MirrorServer.Answer.ERROR);
        IngressServer failing = proxy(annotations("mirror-target", mirror.url("$request_uri")), backend.port());

        for (int i = 0; i < 3; i++) {
            ContentResponse toDown = request(down, "/a").send();
            ContentResponse toFailing = request(failing, "/b").method(HttpMethod.POST).body(new StringRequestContent("x")).send();

            assertEquals(200, toDown.getStatus());
            assertEquals("/a", toDown.getHeaders().get("X-Echo-Path-Query"));
            assertEquals(200, toFailing.getStatus());
            assertEquals("/b", toFailing.getHeaders().get("X-Echo-Path-Query"));
            assertEquals("/b", mirror.next().pathQuery());
        }
        assertEquals(6, backend.requests());
    }

    @Test
    void aMirrorThatHoldsItsAnswerDoesNotDelayTheClient() throws Exception {
        Backends.Echo backend = backends.start("app");
        mirror = new MirrorServer(MirrorServer.Answer.HELD);
        IngressServer proxy = proxy(annotations("mirror-target", mirror.url("$request_uri")), backend.port());

        // on one kept-alive connection: nginx would hold the second request until the mirror answered the first
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response first = client.exchange(WireClient.get("app.test", "/first"));
            WireClient.Response second = client.exchange(WireClient.get("app.test", "/second"));

            assertEquals(200, first.status());
            assertEquals("/first", first.header("X-Echo-Path-Query"));
            assertEquals(200, second.status());
            assertEquals("/second", second.header("X-Echo-Path-Query"));
        }
        // the held first copy keeps its connection, so the second goes on another: either may arrive first
        assertEquals(java.util.Set.of("/first", "/second"), java.util.Set.of(mirror.next().pathQuery(), mirror.next().pathQuery()));
        mirror.release();  // only now does the mirror answer either copy
    }

    @Test
    void anHttp2ClientOverTlsIsMirroredToo() throws Exception {
        Backends.Echo backend = backends.start("app");
        mirror = new MirrorServer(MirrorServer.Answer.OK);
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", annotations("mirror-target", mirror.url("$request_uri")), backend.port())
                .router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        ContentResponse response = proxies.http2Client().newRequest("https://app.test:" + proxy.httpsPort() + "/h2?x=1")
                .method(HttpMethod.POST).body(new StringRequestContent("over h2")).timeout(20, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals(200, response.getStatus());
        MirrorServer.Seen copy = mirror.next();
        assertEquals("POST", copy.method());
        assertEquals("/h2?x=1", copy.pathQuery());
        assertEquals("over h2", copy.body());
    }

    @Test
    void aChunkedBodyIsProxiedAndNotMirrored() throws Exception {
        Backends.Echo backend = backends.start("app");
        mirror = new MirrorServer(MirrorServer.Answer.OK);
        IngressServer proxy = proxy(annotations("mirror-target", mirror.url("$request_uri")), backend.port());
        byte[] body = new byte[30_000];

        ContentResponse chunked = request(proxy, "/chunked").method(HttpMethod.POST)
                .body(new InputStreamRequestContent(new ByteArrayInputStream(body))).send();
        ContentResponse after = request(proxy, "/after").send();

        assertEquals(200, chunked.getStatus());
        assertEquals("30000", chunked.getHeaders().get("X-Echo-Body-Length"));
        assertEquals(200, after.getStatus());
        assertEquals("/after", mirror.next().pathQuery(), "the chunked request had no copy; the next one had");
    }

    @Test
    void aMirrorTargetLeadingBackToTheMirroredRouteGetsOneCopyNotCopiesOfCopies() throws Exception {
        Backends.Echo backend = backends.start("app");
        Backends.Echo other = backends.start("other");
        TestRoutes routes = TestRoutes.create().route("other.test", "/", "other", other.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        // the mirror is the proxy itself, with the mirrored route's host: a loop
        routes.route("app.test", "/", "app", annotations("mirror-target", "http://127.0.0.1:" + proxy.httpPort() + "$request_uri",
                "mirror-host", "app.test"), backend.port());

        assertEquals(200, request(proxy, "/loop").send().getStatus());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // seenRequests, not requests(): the echo counts a request when it arrives, and records it
        // once its body is read
        while (backend.seenRequests().size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(2, backend.requests(), "the request and its copy");
        // the copy may arrive before or after the request it copies
        assertEquals(1, backend.seenRequests().stream().filter(seen -> "1".equals(seen.header("X-Jingress-Mirror"))).count(),
                "one of the two, the copy, is marked");
        // twenty round trips through the proxy: time enough for copies of copies to show
        for (int i = 0; i < 20; i++) {
            proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/").headers(h -> h.put("Host", "other.test"))
                    .timeout(20, TimeUnit.SECONDS).send();
        }
        assertEquals(2, backend.requests(), "the copy was not copied again");
    }

    @Test
    void theRoutesPageShowsTheMirrorAndMetricsCountDroppedCopies() throws Exception {
        Backends.Echo backend = backends.start("app");
        IngressServer proxy = proxy(annotations("mirror-target", "http://shadow.test$request_uri"), backend.port());

        String routes = RawHttp.exchange(proxy.adminPort(), "GET /routes HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
        String metrics = RawHttp.exchange(proxy.adminPort(), "GET /metrics HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");

        assertTrue(routes.contains("copy of each request to http://shadow.test$request_uri with Host shadow.test (mirror-target)"),
                routes);
        assertTrue(metrics.contains("jingress_mirror_dropped_total 0\n"), metrics);
    }
    @Test
    void copiesPastTheBoundInFlightAreDroppedAndCounted() throws Exception {
        Backends.Echo backend = backends.start("app");
        mirror = new MirrorServer(MirrorServer.Answer.HELD);
        IngressServer proxy = proxy(annotations("mirror-target", mirror.url("$request_uri")), backend.port());

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int i = 0; i < 515; i++) {
                assertEquals(200, client.exchange(WireClient.get("app.test", "/n" + i)).status(), "request " + i);
            }
        }
        String metrics = RawHttp.exchange(proxy.adminPort(), "GET /metrics HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");

        assertTrue(metrics.contains("jingress_mirror_dropped_total 3\n"), "512 copies held, 3 dropped: " + metrics);
        assertEquals(515, backend.requests());
    }
    @Test
    void onJettysPathToAnHttpsEndpointARequestWithoutBodyIsMirroredAndOneWithABodyIsNot() throws Exception {
        try (TlsTestServer tlsBackend = new TlsTestServer(TlsCertificates.create().sslContextFactory(), new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, Response response, Callback callback) {
                Content.Source.consumeAll(request, Callback.from(() -> Content.Sink.write(response, true, "tls", callback),
                        callback::failed));
                return true;
            }
        })) {
            mirror = new MirrorServer(MirrorServer.Answer.OK);
            IngressServer proxy = proxy(annotations("mirror-target", mirror.url("$request_uri"), "backend-protocol", "HTTPS"),
                    tlsBackend.port());

            ContentResponse withBody = request(proxy, "/with-body").method(HttpMethod.POST)
                    .body(new StringRequestContent("small")).send();
            ContentResponse without = request(proxy, "/without").send();

            assertEquals(200, withBody.getStatus());
            assertEquals("tls", withBody.getContentAsString());
            assertEquals(200, without.getStatus());
            MirrorServer.Seen copy = mirror.next();
            assertEquals("GET", copy.method());
            assertEquals("/without", copy.pathQuery(), "the request whose body Jetty's client streams had no copy");
        }
    }
}
