package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jingress.core.model.TlsSecret;
import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.BareHttp2;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTPS through {@link IngressServer}: certificates of TLS Secrets by SNI, live swaps, HTTP/2. */
class HttpsEndToEndTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static String resource(String name) throws IOException {
        try (InputStream in = HttpsEndToEndTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static TlsSecret secret(String name, String files) throws IOException {
        return new TlsSecret("default", name, resource(files + ".crt"), resource(files + ".key"));
    }

    private static X509Certificate certificate(TlsSecret secret) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(secret.certificateChainPem().getBytes(StandardCharsets.US_ASCII)));
    }

    /** The echo backend of {@link #httpsProxyToEcho}. */
    private Backends.Echo echo;

    /** An HTTPS proxy that sends every host and path to {@link #echo}, a new echo backend "app". */
    private IngressServer httpsProxyToEcho() {
        echo = backends.start("app");
        return httpsProxy(TestRoutes.create().route(null, "/", "app", echo.port()));
    }

    private IngressServer httpsProxy(TestRoutes routes) {
        return proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    /** What a TLS client saying {@code sni} sees: the server's certificate and the response to {@code request}. */
    private record Handshake(X509Certificate certificate, String response) {
    }

    private static Handshake handshake(int port, String sni, String request) throws Exception {
        try (SSLSocket socket = TlsTestServer.connect(port, sni, List.of("http/1.1"))) {
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return new Handshake(served, response);
        }
    }

    private static String get(String host) {
        return "GET /hello HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void http11OnBothListenersIsServedByTheLeanConnection() throws Exception {
        IngressServer proxy = httpsProxyToEcho();
        List<String> opened = new CopyOnWriteArrayList<>();
        for (Connector connector : proxy.jettyServer().getConnectors()) {
            ((ContainerLifeCycle) connector).addBean(new Connection.Listener() {
                @Override
                public void onOpened(Connection connection) {
                    opened.add(connector.getName() + " " + connection.getClass().getSimpleName());
                }
            });
        }

        assertEquals(200, RawHttp.status(handshake(proxy.httpsPort(), "app.test", get("app.test")).response()));
        assertEquals(200, RawHttp.status(RawHttp.exchange(proxy.httpPort(), get("app.test"))));

        // the lean connection is the cheaper path: were a customizer added to the configuration
        // the HTTPS listener shares with HTTP/2 (as Jetty's HTTP/2 factory adds one), Jetty's
        // HttpConnection would serve HTTP/1.1 over TLS, as correctly, at about a quarter more CPU
        assertTrue(opened.contains("https LeanConnection"), opened.toString());
        assertTrue(opened.contains("http LeanConnection"), opened.toString());
        assertTrue(opened.stream().noneMatch(name -> name.endsWith(" HttpConnection")), opened.toString());
    }

    @Test
    void plainHttpSentToTheHttpsPortIsAnswered400InPlainText() throws Exception {
        IngressServer proxy = httpsProxyToEcho();

        String response = RawHttp.exchange(proxy.httpsPort(), "GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");

        assertEquals(400, RawHttp.status(response), response);
        assertTrue(response.endsWith("\r\n\r\n400 Bad Request: plain HTTP was sent to the HTTPS port\n"), response);
        assertEquals("close", RawHttp.header(response, "Connection"));
        assertEquals(0, echo.requests());
        // and TLS on the same port goes on as before
        assertTrue(handshake(proxy.httpsPort(), "app.test", "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n")
                .response().startsWith("HTTP/1.1 200 "));
        Await.until(() -> proxy.openConnections() == 0, "both connections are no longer counted");
    }

    @Test
    void httpsServesTheSecretsCertificateChosenBySni() throws Exception {
        Backends.Echo app = backends.start("app");
        TlsSecret secret = secret("pkcs8-tls", "pkcs8");
        TestRoutes routes = TestRoutes.create().tlsRoute("pkcs8.example.test", "/", "app", secret, app.port());
        IngressServer proxy = httpsProxy(routes);

        Handshake handshake = handshake(proxy.httpsPort(), "pkcs8.example.test", get("pkcs8.example.test"));

        assertEquals(certificate(secret), handshake.certificate());
        assertEquals(200, RawHttp.status(handshake.response()), handshake.response());
        assertEquals("https", app.lastRequest().header("X-Forwarded-Proto"));
        assertEquals(Integer.toString(proxy.httpsPort()), app.lastRequest().header("X-Forwarded-Port"));
    }

    @Test
    void theTablesDefaultCertificateIsServedToUnknownNamesAndFollowsItsSecret() throws Exception {
        Backends.Echo app = backends.start("app");
        TlsSecret own = secret("pkcs8-tls", "pkcs8");
        TlsSecret fallback = secret("default-tls", "ec");
        TestRoutes routes = TestRoutes.create().tlsRoute("pkcs8.example.test", "/", "app", own, app.port())
                .defaultCertificate(fallback);
        IngressServer proxy = httpsProxy(routes);

        Handshake unknown = handshake(proxy.httpsPort(), "unknown.example.test", get("pkcs8.example.test"));
        Handshake withoutSni = handshake(proxy.httpsPort(), null, get("pkcs8.example.test"));

        assertEquals(certificate(fallback), unknown.certificate());
        assertEquals(200, RawHttp.status(unknown.response()), unknown.response());
        assertEquals(certificate(fallback), withoutSni.certificate());
        assertEquals(certificate(own), handshake(proxy.httpsPort(), "pkcs8.example.test", get("pkcs8.example.test"))
                .certificate(), "a host's own certificate wins");

        // the Secret rotated in the cluster: the next handshake gets the new certificate
        TlsSecret rotated = new TlsSecret("default", "default-tls", resource("pkcs1.crt"), resource("pkcs1.key"));
        routes.replaceSecret(rotated);
        X509Certificate expected = certificate(rotated);
        Await.until(() -> {
            try {
                return expected.equals(handshake(proxy.httpsPort(), "unknown.example.test", get("pkcs8.example.test"))
                        .certificate());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the rotated default certificate is served");
    }

    @Test
    void unknownNameGetsTheDefaultCertificateAndIsRoutedByHost() throws Exception {
        Backends.Echo app = backends.start("app");
        TlsSecret secret = secret("pkcs8-tls", "pkcs8");
        TestRoutes routes = TestRoutes.create().tlsRoute("pkcs8.example.test", "/", "app", secret, app.port());
        IngressServer proxy = httpsProxy(routes);

        Handshake handshake = handshake(proxy.httpsPort(), "unknown.example.test", get("pkcs8.example.test"));

        assertNotEquals(certificate(secret), handshake.certificate());
        assertEquals(handshake.certificate().getSubjectX500Principal(), handshake.certificate().getIssuerX500Principal(),
                "the default certificate is self-signed");
        assertEquals(200, RawHttp.status(handshake.response()), "an SNI that differs from Host is not refused");
    }

    @Test
    void certificateSwappedLiveIsServedToTheNextHandshake() throws Exception {
        Backends.Echo app = backends.start("app");
        TlsSecret before = secret("app-tls", "pkcs8");
        TestRoutes routes = TestRoutes.create().tlsRoute("pkcs8.example.test", "/", "app", before, app.port());
        IngressServer proxy = httpsProxy(routes);
        assertEquals(certificate(before), handshake(proxy.httpsPort(), "pkcs8.example.test", get("pkcs8.example.test")).certificate());

        TlsSecret after = secret("app-tls", "pkcs1");
        routes.replaceSecret(after);

        Handshake handshake = handshake(proxy.httpsPort(), "pkcs8.example.test", get("pkcs8.example.test"));
        assertEquals(certificate(after), handshake.certificate());
        assertEquals(200, RawHttp.status(handshake.response()));
    }

    @Test
    void aSecretThatCannotBeServedIsAProblemOnTheAdminPortUntilItIsFixed() throws Exception {
        Backends.Echo app = backends.start("app");
        // the certificate of one key pair with the key of another
        TlsSecret mismatched = new TlsSecret("default", "app-tls", resource("pkcs8.crt"), resource("pkcs1.key"));
        TestRoutes routes = TestRoutes.create().tlsRoute("pkcs8.example.test", "/", "app", mismatched, app.port());
        IngressServer proxy = httpsProxy(routes);

        String json = RawHttp.exchange(proxy.adminPort(), "GET /routes HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
        JsonNode problems = new ObjectMapper().readTree(json.substring(json.indexOf("\r\n\r\n") + 4)).get("problems");
        assertEquals(1, problems.size(), json);
        assertEquals("Secret", problems.get(0).get("kind").asText());
        assertEquals("default/app-tls", problems.get(0).get("object").asText());
        assertEquals("WARNING", problems.get(0).get("severity").asText());
        assertTrue(json.contains("\"secret\" : \"default/app-tls\",\n    \"problem\" : \"Secret default/app-tls: "), json);
        String metrics = RawHttp.exchange(proxy.adminPort(), "GET /metrics HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
        assertTrue(metrics.contains("jingress_route_table_problems{severity=\"warning\"} 1\n"), metrics);

        routes.replaceSecret(secret("app-tls", "pkcs8"));

        json = RawHttp.exchange(proxy.adminPort(), "GET /routes HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
        assertTrue(json.contains("\"problems\" : [ ]"), json);
        metrics = RawHttp.exchange(proxy.adminPort(), "GET /metrics HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
        assertTrue(metrics.contains("jingress_route_table_problems{severity=\"warning\"} 0\n"), metrics);
    }

    @Test
    void plainHttpIsRedirectedToTheHttpsListener() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().tlsRoute("pkcs8.example.test", "/", "app", secret("pkcs8-tls", "pkcs8"), app.port());
        IngressServer proxy = httpsProxy(routes);

        String response = RawHttp.exchange(proxy.httpPort(), get("pkcs8.example.test"));

        assertEquals(308, RawHttp.status(response));
        assertEquals("https://pkcs8.example.test:" + proxy.httpsPort() + "/hello", RawHttp.header(response, "Location"));
        assertEquals(0, app.requests());
    }

    @Test
    void aTlsEntryWithoutHostsServesItsCertificateToTheRuleHostsItCoversAndRedirectsPlainHttp() throws Exception {
        Backends.Echo app = backends.start("app");
        TlsSecret wildcard = secret("wild-tls", "wildcard");
        TestRoutes routes = TestRoutes.create()
                .tlsRouteWithoutTlsHosts("shop.wild.example.test", "/", "app", wildcard, app.port());
        IngressServer proxy = httpsProxy(routes);

        Handshake handshake = handshake(proxy.httpsPort(), "shop.wild.example.test", get("shop.wild.example.test"));
        String plain = RawHttp.exchange(proxy.httpPort(), get("shop.wild.example.test"));

        assertEquals(certificate(wildcard), handshake.certificate());
        assertEquals(200, RawHttp.status(handshake.response()), handshake.response());
        assertEquals(308, RawHttp.status(plain), plain);
        assertEquals("https://shop.wild.example.test:" + proxy.httpsPort() + "/hello", RawHttp.header(plain, "Location"));
        assertEquals(1, app.requests());
    }

    @Test
    void http2ClientIsServedOverAlpn() throws Exception {
        IngressServer proxy = httpsProxyToEcho();
        HttpClient http2 = proxies.http2Client();
        ContentResponse response = http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/h2?x=1")
                .timeout(10, TimeUnit.SECONDS).send();

        assertEquals(200, response.getStatus());
        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals("/h2?x=1", echo.lastRequest().pathQuery());
        assertEquals("127.0.0.1:" + proxy.httpsPort(), echo.lastRequest().header("Host"), "the :authority becomes Host");
        assertTrue(echo.lastRequest().header("X-Request-ID").matches("[0-9a-f]{32}"));
    }

    @Test
    void gracefulStopLetsAnHttp2RequestInFlightFinish() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route(null, "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1")
                .httpsPort(0).stopTimeout(Duration.ofSeconds(20)));
        HttpClient http2 = proxies.http2Client();
        CompletableFuture<ContentResponse> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/hold").timeout(30, TimeUnit.SECONDS).send();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(app.awaitHolding(10, TimeUnit.SECONDS), "the request reached the backend");

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(proxy::stop);
        Thread.sleep(2_500);  // longer than Jetty's default shutdown idle timeout, 1 s
        assertFalse(stopping.isDone(), "stop waits for the request in flight");

        app.release();
        ContentResponse response = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(200, response.getStatus());
        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        stopping.get(10, TimeUnit.SECONDS);
    }

    @Test
    void http11UploadsOfEverySizeOverTlsReachTheEndpointIntactOnOneConnection() throws Exception {
        IngressServer proxy = httpsProxyToEcho();
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "a.test", List.of("http/1.1"))) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            // with the head in one read, past the first 4 KB buffer, past the head limit, past a TLS record
            for (int size : new int[] {0, 100, 3_000, 10_000, 20_000, 1_000_000}) {
                byte[] body = new byte[size];
                new Random(size).nextBytes(body);
                out.write(("PUT /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: " + size + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                String head = RawHttp.readHead(in);
                assertEquals(200, RawHttp.status(head), head);
                assertEquals(HexFormat.of().formatHex(Backends.sha256().digest(body)), RawHttp.header(head, "X-Echo-Body-Sha256"),
                        size + " bytes");
                in.readNBytes(Integer.parseInt(RawHttp.header(head, "Content-Length")));
            }
            out.write("GET /after HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(200, RawHttp.status(RawHttp.readHead(in)));
        }
        assertEquals("https", echo.lastRequest().header("X-Forwarded-Proto"));
        assertEquals(7, echo.requests());
    }

    @Test
    void pipelinedRequestsAndExpectContinueOverTlsAreServedInOrder() throws Exception {
        IngressServer proxy = httpsProxyToEcho();
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "a.test", List.of())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(("GET /one HTTP/1.1\r\nHost: a.test\r\n\r\nGET /two HTTP/1.1\r\nHost: a.test\r\n\r\n"
                    + "GET /three HTTP/1.1\r\nHost: a.test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (String path : new String[] {"/one", "/two", "/three"}) {
                String head = RawHttp.readHead(in);
                assertEquals(path, RawHttp.header(head, "X-Echo-Path-Query"), head);
                in.readNBytes(Integer.parseInt(RawHttp.header(head, "Content-Length")));
            }
            out.write("PUT /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(RawHttp.readHead(in).startsWith("HTTP/1.1 100 "));
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = RawHttp.readHead(in);
            assertEquals(200, RawHttp.status(head), head);
            assertEquals("5", RawHttp.header(head, "X-Echo-Body-Length"));
        }
    }

    @Test
    void http2UploadReachesAnHttp11BackendIntact() throws Exception {
        IngressServer proxy = httpsProxyToEcho();
        byte[] body = new byte[3 * 1024 * 1024];
        new Random(5).nextBytes(body);
        HttpClient http2 = proxies.http2Client();
        ContentResponse response = http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/upload")
                .method("PUT")
                .body(new BytesRequestContent("application/octet-stream", body))
                .timeout(30, TimeUnit.SECONDS).send();

        assertEquals(200, response.getStatus());
        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals(HexFormat.of().formatHex(Backends.sha256().digest(body)),
                response.getHeaders().get("X-Echo-Body-Sha256"));
    }

    @Test
    void anHttp2BodyWithoutContentLengthReachesTheEndpointEvenAfterOtherRequestsOnTheConnection() throws Exception {
        IngressServer proxy = httpsProxyToEcho();
        HttpClient http2 = proxies.http2Client();
        String base = "https://127.0.0.1:" + proxy.httpsPort();
        assertEquals(200, http2.newRequest(base + "/first").timeout(10, TimeUnit.SECONDS).send().getStatus());

        // HTTP/2 frames this body without a Content-Length; Jetty's ProxyHandler dropped it,
        // and the endpoint got an empty POST
        AsyncRequestContent streamed = new AsyncRequestContent();
        var response = new CompletableResponseListener(
                http2.newRequest(base + "/streamed").method("POST").body(streamed).timeout(10, TimeUnit.SECONDS)).send();
        streamed.write(ByteBuffer.wrap("part one, ".getBytes(StandardCharsets.US_ASCII)), Callback.NOOP);
        streamed.write(ByteBuffer.wrap("part two".getBytes(StandardCharsets.US_ASCII)), Callback.NOOP);
        streamed.close();
        ContentResponse post = response.get(10, TimeUnit.SECONDS);
        assertEquals(200, post.getStatus());
        assertEquals("18", post.getHeaders().get("X-Echo-Body-Length"), echo.lastRequest().headers().toString());

        // a POST whose stream ends with its headers has no body, and gets none upstream
        ContentResponse empty = http2.newRequest(base + "/empty").method("POST").timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, empty.getStatus());
        assertEquals("0", empty.getHeaders().get("X-Echo-Body-Length"));
        assertNull(echo.lastRequest().header("Transfer-Encoding"), echo.lastRequest().headers().toString());
    }

    @Test
    void concurrentHttp2StreamsOnOneConnectionEachGetTheirOwnAnswer() throws Exception {
        IngressServer proxy = httpsProxyToEcho();
        HttpClient http2 = proxies.http2Client();
        Random random = new Random(11);
        // bodies with a Content-Length up to 16 KB and none at all: the proxy reads them whole and
        // sends each request on a connection of its own upstream, answering on the client's streams
        String base = "https://127.0.0.1:" + proxy.httpsPort();
        assertEquals(200, http2.newRequest(base + "/first").timeout(10, TimeUnit.SECONDS).send().getStatus());
        List<byte[]> bodies = new ArrayList<>();
        List<CompletableFuture<ContentResponse>> answers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            byte[] body = new byte[i % 4 == 0 ? 0 : random.nextInt(16 * 1024)];
            random.nextBytes(body);
            bodies.add(body);
            var request = http2.newRequest(base + "/stream/" + i + "?n=" + i)
                    .timeout(20, TimeUnit.SECONDS);
            if (body.length > 0) {
                request.method("POST").body(new BytesRequestContent("application/octet-stream", body));
            }
            answers.add(new CompletableResponseListener(request, 32 * 1024).send());
        }
        for (int i = 0; i < answers.size(); i++) {
            ContentResponse answer = answers.get(i).get(20, TimeUnit.SECONDS);
            assertEquals(200, answer.getStatus());
            assertEquals(HttpVersion.HTTP_2, answer.getVersion());
            assertEquals("/stream/" + i + "?n=" + i, answer.getHeaders().get("X-Echo-Path-Query"));
            assertArrayEquals(bodies.get(i), answer.getContent(), "the body of stream " + i);
        }
        assertEquals(61, echo.requests());
        assertEquals(1, proxy.openConnections(), "all streams on one connection");
    }

    @Test
    void anHttp2RequestsCookieCrumbsReachAnHttp11EndpointAsOneHeader() throws Exception {
        IngressServer proxy = httpsProxyToEcho();
        HttpClient http2 = proxies.http2Client();
        // HTTP/2 lets a client split its cookies into several fields; HTTP/1.1 allows one
        // (RFC 9113 section 8.2.3)
        ContentResponse response = http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/c")
                .headers(headers -> headers.add("Cookie", "a=1").add("Cookie", "b=2"))
                .timeout(10, TimeUnit.SECONDS).send();

        assertEquals(200, response.getStatus());
        assertEquals(List.of("a=1; b=2"), echo.lastRequest().headers().getValuesList("Cookie"));
    }

    @Test
    void aChunkedHttp11AnswerReachesAnHttp2ClientWithoutItsConnectionHeaders() throws Exception {
        Backends.Raw app = backends.startRaw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n"
                + "Keep-Alive: timeout=5\r\nX-App: raw\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n");
        TestRoutes routes = TestRoutes.create().route(null, "/", "app", app.port());
        IngressServer proxy = httpsProxy(routes);
        HttpClient http2 = proxies.http2Client();
        ContentResponse response = http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/chunked")
                .timeout(10, TimeUnit.SECONDS).send();

        assertEquals(200, response.getStatus());
        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals("hello, world", response.getContentAsString());
        assertEquals("raw", response.getHeaders().get("X-App"));
        // connection-specific fields are malformed in HTTP/2 (RFC 9113 section 8.2.2)
        assertNull(response.getHeaders().get("Transfer-Encoding"));
        assertNull(response.getHeaders().get("Connection"));
        assertNull(response.getHeaders().get("Keep-Alive"));
    }

    @Test
    void anHttp2HeadGetsTheHeadersAndNoBody() throws Exception {
        IngressServer proxy = httpsProxyToEcho();
        HttpClient http2 = proxies.http2Client();
        ContentResponse response = http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/head")
                .method("HEAD").timeout(10, TimeUnit.SECONDS).send();

        assertEquals(200, response.getStatus());
        assertEquals("HEAD", response.getHeaders().get("X-Echo-Method"));
        assertEquals(0, response.getContent().length);
        // and the connection goes on serving
        assertEquals(200, http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/after")
                .timeout(10, TimeUnit.SECONDS).send().getStatus());
    }

    @Test
    void http2DoesNotOfferWebSocketsOverItsStreams() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route(null, "/", "app", app.port());
        IngressServer proxy = httpsProxy(routes);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(new SslContextFactory.Client(true));
        HTTP2Client client = new HTTP2Client(connector);
        client.start();
        try {
            CompletableFuture<Map<Integer, Integer>> settings = new CompletableFuture<>();
            client.connect(connector.getSslContextFactory(), new InetSocketAddress("127.0.0.1", proxy.httpsPort()),
                    new Session.Listener() {
                        @Override
                        public void onSettings(Session session, SettingsFrame frame) {
                            settings.complete(frame.getSettings());
                        }
                    }).get(10, TimeUnit.SECONDS);

            // Offered (RFC 8441, Jetty's default), a browser opens its WebSockets as extended CONNECTs
            // on the HTTP/2 connection, which the proxy answered 405: it tunnels HTTP/1.1 upgrades
            // only. Not offered, the browser opens them over HTTP/1.1 (nginx has no RFC 8441 either)
            Integer enabled = settings.get(10, TimeUnit.SECONDS).get(SettingsFrame.ENABLE_CONNECT_PROTOCOL);
            assertTrue(enabled == null || enabled == 0, "SETTINGS_ENABLE_CONNECT_PROTOCOL = " + enabled);
        } finally {
            client.stop();
        }
    }

    /** An HTTPS proxy whose graceful stop gives up after 5 s, and a started low-level HTTP/2 client session to it. */
    private record RawHttp2(IngressServer proxy, HTTP2Client client, Session session) {
        MetaData.Request post(String path, int contentLength) {
            return new MetaData.Request("POST", HttpURI.from("https://127.0.0.1:" + proxy.httpsPort() + path),
                    HttpVersion.HTTP_2, HttpFields.build().put(HttpHeader.CONTENT_LENGTH, Integer.toString(contentLength)),
                    contentLength);
        }

        /** Stops the client, then the proxy, which fails if a request is still in progress. */
        void stopBoth() throws Exception {
            client.stop();
            proxy.stop();
        }
    }

    private RawHttp2 rawHttp2(TestRoutes routes) throws Exception {
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router())
                .httpsBindAddress("127.0.0.1").httpsPort(0).stopTimeout(Duration.ofSeconds(5)));
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(new SslContextFactory.Client(true));
        HTTP2Client client = new HTTP2Client(connector);
        client.start();
        Session session = client.connect(connector.getSslContextFactory(),
                new InetSocketAddress("127.0.0.1", proxy.httpsPort()), new Session.Listener() { }).get(10, TimeUnit.SECONDS);
        return new RawHttp2(proxy, client, session);
    }

    /** A stream listener that completes {@code outcome} with the response status, or "reset". */
    private static Stream.Listener outcome(CompletableFuture<String> outcome) {
        return new Stream.Listener() {
            @Override
            public void onHeaders(Stream stream, HeadersFrame frame) {
                if (frame.getMetaData() instanceof MetaData.Response response) {
                    outcome.complete("status " + response.getStatus());
                }
            }

            @Override
            public void onReset(Stream stream, ResetFrame frame, Callback callback) {
                outcome.complete("reset");
                callback.succeeded();
            }
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 20_000})
    void anHttp2BodyLongerThanItsContentLengthIsRefusedAndSmugglesNothing(int declared) throws Exception {
        Backends.Echo app = backends.start("app");
        RawHttp2 h2 = rawHttp2(TestRoutes.create().route(null, "/", "app", app.port()));
        // the DATA carry the declared bytes, then an HTTP/1.1 request of their own
        byte[] smuggled = "GET /smuggled HTTP/1.1\r\nHost: app\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] data = new byte[declared + smuggled.length];
        Arrays.fill(data, 0, declared, (byte) 'x');
        System.arraycopy(smuggled, 0, data, declared, smuggled.length);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Stream stream = h2.session().newStream(new HeadersFrame(h2.post("/upload", declared), null, false), outcome(outcome))
                .get(10, TimeUnit.SECONDS);
        stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(data), true));

        assertEquals("reset", outcome.get(10, TimeUnit.SECONDS));
        // a short body is read whole before anything goes upstream (a longer one streams: its head
        // may have gone); the stream's end is noticed, so the proxy stops without waiting on it
        h2.stopBoth();
        assertTrue(app.requests() <= (declared <= 16 * 1024 ? 0 : 1), app.requests() + " requests upstream");
    }

    @Test
    void anAnswerBeforeTheEndOfAnHttp2UploadEndsTheStreamWithoutWaitingForTheRestOfTheBody() throws Exception {
        Backends.Echo app = backends.start("app");
        RawHttp2 h2 = rawHttp2(TestRoutes.create().route(null, "/", "app", app.port()));
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Stream.Listener listener = new Stream.Listener() {
            @Override
            public void onHeaders(Stream stream, HeadersFrame frame) {
                events.add("status " + ((MetaData.Response) frame.getMetaData()).getStatus());
                stream.demand();
            }

            @Override
            public void onDataAvailable(Stream stream) {
                Stream.Data data = stream.readData();
                if (data != null) {
                    events.add(StandardCharsets.US_ASCII.decode(data.frame().getByteBuffer()) + (data.frame().isEndStream() ? " END" : ""));
                    data.release();
                    if (data.frame().isEndStream()) {
                        return;
                    }
                }
                stream.demand();
            }

            @Override
            public void onClosed(Stream stream) {
                closed.complete(null);
            }
        };
        // an upload of unknown length (it streams upstream); the endpoint refuses it after its head
        MetaData.Request head = new MetaData.Request("POST", HttpURI.from("https://127.0.0.1:" + h2.proxy().httpsPort() + "/refuse"),
                HttpVersion.HTTP_2, HttpFields.EMPTY, -1);
        Stream stream = h2.session().newStream(new HeadersFrame(head, null, false), listener).get(10, TimeUnit.SECONDS);
        // not waited for: once the answer has ended the stream, the DATA not yet sent are dropped
        stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(new byte[16 * 1024]), false));

        // the client never ends its body: the answer ends the exchange all the same (it used to
        // keep the stream, and the endpoint's connection, open for the rest of the body)
        closed.get(10, TimeUnit.SECONDS);
        assertEquals("status 413", events.get(0), events.toString());
        assertEquals("too large", String.join("", events.subList(1, events.size())).replace(" END", ""), events.toString());
        assertTrue(events.get(events.size() - 1).endsWith(" END"), "the answer ends before the stream: " + events);
        // the connection goes on
        CompletableFuture<String> next = new CompletableFuture<>();
        h2.session().newStream(new HeadersFrame(new MetaData.Request("GET",
                HttpURI.from("https://127.0.0.1:" + h2.proxy().httpsPort() + "/next"), HttpVersion.HTTP_2, HttpFields.EMPTY),
                null, true), outcome(next));
        assertEquals("status 200", next.get(10, TimeUnit.SECONDS));
        h2.stopBoth();
    }

    @Test
    void anHttp2TargetWithBytesBeyondAsciiGoesUpstreamAsTheSameBytesEscaped() throws Exception {
        Backends.Echo app = backends.start("app");
        RawHttp2 h2 = rawHttp2(TestRoutes.create().route(null, "/caf%C3%A9", "app", app.port()));
        CompletableFuture<String> outcome = new CompletableFuture<>();

        // HPACK carries the path's bytes a char a byte: "caf\u00e9" in UTF-8, unescaped
        h2.session().newStream(new HeadersFrame(new MetaData.Request("GET",
                HttpURI.from("https://127.0.0.1:" + h2.proxy().httpsPort() + "/caf\u00c3\u00a9/<1>?q=caf\u00c3\u00a9"),
                HttpVersion.HTTP_2, HttpFields.EMPTY), null, true), outcome(outcome));

        assertEquals("status 200", outcome.get(10, TimeUnit.SECONDS));
        assertEquals("/caf%C3%A9/%3C1%3E?q=caf%C3%A9", app.lastRequest().pathQuery());
        h2.stopBoth();
    }

    @Test
    void anHttp2RequestNamingItsHostInAHostFieldInsteadOfAuthorityIsRoutedByIt() throws Exception {
        Backends.Echo app = backends.start("app");
        Backends.Echo anyHost = backends.start("any-host");
        IngressServer proxy = httpsProxy(TestRoutes.create().route("app.test", "/", "app", app.port())
                .route(null, "/", "any-host", anyHost.port()));
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "app.test", List.of("h2"))) {
            BareHttp2 h2 = new BareHttp2(socket);
            // RFC 9113 8.3.1: a request may name its host in a Host field in place of :authority
            int[] host = {0x00, 4, 'h', 'o', 's', 't', 8, 'a', 'p', 'p', '.', 't', 'e', 's', 't'};
            h2.headers(1, BareHttp2.END_HEADERS | BareHttp2.END_STREAM, BareHttp2.GET, BareHttp2.HTTPS, BareHttp2.ROOT, host);
            assertEquals(BareHttp2.STATUS_200, h2.answerTo(1));
        }
        assertEquals(1, app.requests(), "routed by the Host field, which is the Host forwarded");
        assertEquals("app.test", app.lastRequest().header("Host"));
        assertEquals(0, anyHost.requests());
    }

    @Test
    void anHttp2UploadCancelledBeforeItsBodyEndsItsRequest() throws Exception {
        Backends.Echo app = backends.start("app");
        RawHttp2 h2 = rawHttp2(TestRoutes.create().route(null, "/", "app", app.port()));
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Stream stream = h2.session().newStream(new HeadersFrame(h2.post("/upload", 1000), null, false), outcome(outcome))
                .get(10, TimeUnit.SECONDS);
        stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(new byte[400]), false)).get(10, TimeUnit.SECONDS);
        stream.reset(new ResetFrame(stream.getId(), ErrorCode.CANCEL_STREAM_ERROR.code)).get(10, TimeUnit.SECONDS);

        // the proxy was waiting for the rest of the body: the reset ends the request, which
        // otherwise held up the graceful stop until its timeout
        h2.stopBoth();
        assertEquals(0, app.requests());
    }

    @Test
    void http2RequestsAreRetriedAndGetTheProxysOwnErrors() throws Exception {
        Backends.Echo live = backends.start("live");
        Backends.Echo slow = backends.start("slow");
        int dead = backends.deadPort();
        TestRoutes routes = TestRoutes.create()
                .route("retry.test", "/", "retry", dead, live.port())
                .route("dead.test", "/", "dead", dead)
                .route("slow.test", "/", "slow", slow.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router())
                .httpsBindAddress("127.0.0.1").httpsPort(0).readTimeout(Duration.ofMillis(300)));
        // every name is this machine: the authority (HTTP/2's Host) is what routes
        HttpClient http2 = proxies.http2Client();
        int port = proxy.httpsPort();

        for (int i = 0; i < 4; i++) {
            ContentResponse retried = http2.newRequest("https://retry.test:" + port + "/r" + i)
                    .timeout(10, TimeUnit.SECONDS).send();
            assertEquals(200, retried.getStatus(), "a refused connection is tried on the other endpoint");
            assertEquals("live", retried.getHeaders().get("X-Backend"));
        }
        ContentResponse refused = http2.newRequest("https://dead.test:" + port + "/").timeout(10, TimeUnit.SECONDS).send();
        assertEquals(502, refused.getStatus());
        assertTrue(refused.getContentAsString().startsWith("502 Bad Gateway"), refused.getContentAsString());
        ContentResponse late = http2.newRequest("https://slow.test:" + port + "/hold").timeout(10, TimeUnit.SECONDS).send();
        assertEquals(504, late.getStatus());
        assertEquals(HttpVersion.HTTP_2, late.getVersion());
        assertEquals(1, slow.requests(), "a read timeout is not retried");
        // the connection outlives the errors
        assertEquals(200, http2.newRequest("https://retry.test:" + port + "/after").timeout(10, TimeUnit.SECONDS).send()
                .getStatus());
    }

    @Test
    void anAnswerBeforeTheEndOfAnHttp2UploadReachesTheClientAndTheConnectionGoesOn() throws Exception {
        IngressServer proxy = httpsProxyToEcho();
        HttpClient http2 = proxies.http2Client();
        String base = "https://127.0.0.1:" + proxy.httpsPort();
        AsyncRequestContent upload = new AsyncRequestContent();
        CompletableFuture<String> answer = new CompletableFuture<>();
        StringBuilder content = new StringBuilder();
        // the endpoint refuses the upload after its head, without reading the body
        http2.newRequest(base + "/refuse").method("PUT").body(upload).timeout(10, TimeUnit.SECONDS)
                .onResponseContent((response, bytes) -> content.append(StandardCharsets.US_ASCII.decode(bytes)))
                .onResponseSuccess(response -> answer.complete(response.getStatus() + " " + content))
                .onResponseFailure((response, failure) -> answer.complete("failed: " + failure))
                .send(result -> { });
        upload.write(ByteBuffer.wrap(new byte[64 * 1024]), Callback.NOOP);

        assertEquals("413 too large", answer.get(10, TimeUnit.SECONDS));
        upload.close();
        assertEquals(200, http2.newRequest(base + "/echo").timeout(10, TimeUnit.SECONDS).send().getStatus());
    }

    @Test
    void largeHttp2DownloadsOnConcurrentStreamsArriveIntact() throws Exception {
        IngressServer proxy = httpsProxyToEcho();
        HttpClient http2 = proxies.http2Client();
        // more than HTTP/2's flow-control windows: the relay must wait for the client's window updates
        long length = 8L * 1024 * 1024;
        List<CompletableFuture<String>> digests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<String> digest = new CompletableFuture<>();
            MessageDigest sha = Backends.sha256();
            long[] received = {0};
            http2.newRequest("https://127.0.0.1:" + proxy.httpsPort() + "/download/" + length)
                    .timeout(60, TimeUnit.SECONDS)
                    .onResponseContent((response, bytes) -> {
                        received[0] += bytes.remaining();
                        sha.update(bytes);
                    })
                    .send(result -> digest.complete(result.isSucceeded() && received[0] == length
                            ? HexFormat.of().formatHex(sha.digest()) : "failed: " + received[0] + " bytes, " + result));
            digests.add(digest);
        }
        String expected = Backends.patternSha256(length);
        for (CompletableFuture<String> digest : digests) {
            assertEquals(expected, digest.get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void tlsConnectionsPastTheLimitAreClosed() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route(null, "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router())
                .httpsBindAddress("127.0.0.1").httpsPort(0).maxConnections(1));
        try (Socket held = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            Await.until(() -> proxy.openConnections() == 1, "the first connection is open");

            Exception refused = assertThrows(Exception.class,
                    () -> handshake(proxy.httpsPort(), "app.example.test", get("app.example.test")));

            assertTrue(refused instanceof IOException, refused.toString());
        }
        assertEquals(0, app.requests());
    }
}
