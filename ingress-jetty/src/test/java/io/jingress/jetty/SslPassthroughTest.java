package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.Problem;
import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLSocket;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ssl-passthrough}: TLS connections for a passed-through host reach their backend undecrypted. */
class SslPassthroughTest {
    private static final String PASSTHROUGH = "nginx.ingress.kubernetes.io/ssl-passthrough";
    private static final String HOST = "argocd.test";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private final StringBuilder accessLog = new StringBuilder();
    private TlsTestServer backend;
    private HttpClient http2;

    @AfterEach
    void stopBackendAndClient() throws Exception {
        if (http2 != null) {
            http2.stop();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** An HTTP/2 client (h2 by ALPN) that trusts any certificate, finds every name at 127.0.0.1 and says HOST as SNI. */
    private HttpClient http2Client() throws Exception {
        SslContextFactory.Client tls = new SslContextFactory.Client(true);
        // Jetty's client sends no SNI when certificates are not verified: say it, as a browser would
        tls.setSNIProvider((engine, names) -> List.of(new SNIHostName(HOST)));
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        http2 = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
        http2.setSocketAddressResolver((host, port, context, promise) ->
                promise.succeeded(List.of(new InetSocketAddress("127.0.0.1", port))));
        http2.start();
        return http2;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SslPassthroughTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** The backend's own certificate: "upstream" of the test CA, which the proxy never serves. */
    private static X509Certificate backendCertificate() throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(resource("upstream.crt").getBytes(StandardCharsets.US_ASCII)));
    }

    private static SslContextFactory.Server backendTls() throws Exception {
        Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(
                resource("upstream.crt").getBytes(StandardCharsets.US_ASCII))).toArray(new Certificate[0]);
        String keyPem = resource("upstream.key").replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(keyPem)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("backend", key, "pw".toCharArray(), chain);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(store);
        tls.setKeyStorePassword("pw");
        return tls;
    }

    /** An HTTPS backend (HTTP/1.1 and h2) that echoes a request's body, or answers "backend <protocol>" to one without. */
    private TlsTestServer startBackend() throws Exception {
        backend = new TlsTestServer(backendTls(), new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                byte[] body = Content.Source.asByteBuffer(request).array();
                response.setStatus(200);
                if (body.length > 0) {
                    response.write(true, java.nio.ByteBuffer.wrap(body), callback);
                } else {
                    Content.Sink.write(response, true, "backend " + request.getConnectionMetaData().getProtocol(), callback);
                }
                return true;
            }
        });
        return backend;
    }

    /** A proxy with HTTPS whose table passes HOST through to {@code backendPort}, and routes other.test to an echo. */
    private IngressServer proxy(TestRoutes routes) {
        return proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0)
                .accessLog(accessLog));
    }

    private TestRoutes passthroughRoutes(int backendPort, boolean enabled) {
        return TestRoutes.create().route(HOST, "/", "argocd-server", Map.of(PASSTHROUGH, "true"), backendPort)
                .route("other.test", "/", "other", backends.start("other").port()).sslPassthrough(enabled);
    }

    private static String exchange(SSLSocket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static String get(String host) {
        return "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    private String accessLog() {
        synchronized (accessLog) {
            return accessLog.toString();
        }
    }

    @Test
    void aClientNamingThePassthroughHostSeesTheBackendsCertificateAndGetsItsAnswer() throws Exception {
        IngressServer proxy = proxy(passthroughRoutes(startBackend().port(), true));

        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), HOST, List.of("http/1.1"))) {
            assertEquals(backendCertificate(), TlsTestServer.leaf(socket), "TLS ends at the backend, not at the proxy");
            String response = exchange(socket, get(HOST));
            assertEquals(200, RawHttp.status(response), response);
            assertTrue(response.endsWith("backend HTTP/1.1"), response);
            assertEquals(null, RawHttp.header(response, "Strict-Transport-Security"), "nothing of the request path ran");
        }
        Await.until(() -> accessLog().contains("\"PASSTHROUGH argocd.test TLS\" 200 "), "the tunnel is logged as it ends");
        String line = accessLog().lines().filter(l -> l.contains("PASSTHROUGH")).findFirst().orElseThrow();
        assertTrue(line.startsWith("127.0.0.1 - - ["), line);
        assertTrue(line.contains(" [default/argocd-server:80] [] 127.0.0.1:" + backend.port() + " "), line);
        assertEquals(0, proxy.handler().metrics().clientRequests(), "no request was seen by the proxy");
        String metrics = RawHttp.exchange(proxy.adminPort(), "GET /metrics HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
        assertTrue(metrics.contains("\njingress_ssl_passthrough_tunnels_total{status=\"200\"} 1\n"), metrics);
    }

    @Test
    void behindProxyProtocolTheHeaderIsReadAndNotPassedOn() throws Exception {
        TestRoutes routes = passthroughRoutes(startBackend().port(), true);
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0)
                .proxyProtocol(true).accessLog(accessLog));

        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), proxy.httpsPort())) {
            plain.getOutputStream().write("PROXY TCP4 203.0.113.7 192.0.2.1 40123 443\r\n".getBytes(StandardCharsets.US_ASCII));
            plain.getOutputStream().flush();
            try (SSLSocket tls = (SSLSocket) TlsTestServer.trustAll().getSocketFactory()
                    .createSocket(plain, HOST, proxy.httpsPort(), true)) {
                tls.setSoTimeout(10_000);
                javax.net.ssl.SSLParameters parameters = tls.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(HOST)));
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                assertEquals(backendCertificate(), TlsTestServer.leaf(tls), "the backend's TLS, without the PROXY header");
                assertTrue(exchange(tls, get(HOST)).endsWith("backend HTTP/1.1"));
            }
        }
        Await.until(() -> accessLog().contains("\"PASSTHROUGH argocd.test TLS\" 200 "), "the tunnel is logged");
        assertTrue(accessLog().startsWith("203.0.113.7 - - ["), "the client the header named: " + accessLog());
    }

    @Test
    void anotherNameAndNoNameStillEndTlsAtTheProxy() throws Exception {
        IngressServer proxy = proxy(passthroughRoutes(startBackend().port(), true));

        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), "other.test", List.of("http/1.1"))) {
            assertNotEquals(backendCertificate(), TlsTestServer.leaf(socket));
            String response = exchange(socket, get("other.test"));
            assertEquals(200, RawHttp.status(response), response);
            assertEquals("other", RawHttp.header(response, "X-Backend"), response);
        }
        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), null, List.of("http/1.1"))) {
            assertNotEquals(backendCertificate(), TlsTestServer.leaf(socket), "no SNI: the proxy's certificate");
        }
    }

    @Test
    void http2IsNegotiatedWithTheBackendAndPassesThrough() throws Exception {
        IngressServer proxy = proxy(passthroughRoutes(startBackend().port(), true));

        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), HOST, List.of("h2", "http/1.1"))) {
            assertEquals("h2", socket.getApplicationProtocol(), "ALPN is the backend's answer");
        }
        ContentResponse response = http2Client().newRequest("https://" + HOST + ":" + proxy.httpsPort() + "/")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, response.getStatus(), accessLog());
        assertEquals(HttpVersion.HTTP_2, response.getVersion());
        assertEquals("backend HTTP/2.0", response.getContentAsString());
    }

    @Test
    void aLargeBodyArrivesIntactBothWays() throws Exception {
        IngressServer proxy = proxy(passthroughRoutes(startBackend().port(), true));
        byte[] body = new byte[6 * 1024 * 1024];
        new Random(7).nextBytes(body);

        org.eclipse.jetty.client.Request request = http2Client().POST("https://" + HOST + ":" + proxy.httpsPort() + "/echo")
                .body(new BytesRequestContent(body)).timeout(30, TimeUnit.SECONDS);
        ContentResponse response = new CompletableResponseListener(request, 2 * body.length).send().get(30, TimeUnit.SECONDS);

        assertEquals(200, response.getStatus());
        assertArrayEquals(body, response.getContent());
    }

    @Test
    void aBackendThatIsDownClosesTheClientConnectionPromptly() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        IngressServer proxy = proxy(passthroughRoutes(closedPort, true));

        long start = System.nanoTime();
        assertThrows(IOException.class, () -> TlsTestServer.connect(proxy.httpsPort(), HOST, List.of("http/1.1")).close());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3), "closed at once, not at a timeout");
        Await.until(() -> accessLog().contains("\"PASSTHROUGH argocd.test TLS\" 502 0 \"-\" \"-\" "), "logged with 502");
        assertTrue(accessLog().matches("(?s).*\" 502 0 \"-\" \"-\" [1-9][0-9]* .*"), "the ClientHello's bytes were received: "
                + accessLog());
    }

    @Test
    void aFailedConnectTriesAnotherEndpoint() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TestRoutes routes = TestRoutes.create().route(HOST, "/", "argocd-server", Map.of(PASSTHROUGH, "true"),
                closedPort, startBackend().port()).sslPassthrough(true);
        IngressServer proxy = proxy(routes);

        for (int i = 0; i < 4; i++) {  // round robin: every other connection picks the closed port first
            try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), HOST, List.of("http/1.1"))) {
                assertEquals(backendCertificate(), TlsTestServer.leaf(socket));
            }
        }
        Await.until(() -> accessLog().lines().filter(l -> l.contains("\"PASSTHROUGH argocd.test TLS\" 200 ")).count() == 4,
                "four tunnels logged, each with the endpoint that answered");
        assertTrue(accessLog().lines().allMatch(l -> l.contains(" 127.0.0.1:" + backend.port() + " ")), accessLog());
    }

    /** The first TLS record a client naming {@code sni} sends: its ClientHello. */
    private static byte[] clientHello(String sni) throws Exception {
        javax.net.ssl.SSLEngine engine = TlsTestServer.trustAll().createSSLEngine(sni, 443);
        engine.setUseClientMode(true);
        javax.net.ssl.SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(sni)));
        engine.setSSLParameters(parameters);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(java.nio.ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    @Test
    void theBytesGoThroughAsTheyAreAndAHalfCloseTravelsToTheEndpoint() throws Exception {
        byte[] hello = clientHello(HOST);
        java.util.concurrent.CompletableFuture<byte[]> received = new java.util.concurrent.CompletableFuture<>();
        try (ServerSocket endpoint = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread thread = new Thread(() -> {
                try (Socket accepted = endpoint.accept()) {
                    received.complete(accepted.getInputStream().readAllBytes());  // to the client's half-close
                    accepted.getOutputStream().write("answer after the half-close".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    received.completeExceptionally(e);
                }
            });
            thread.start();
            IngressServer proxy = proxy(TestRoutes.create().route(HOST, "/", "raw", Map.of(PASSTHROUGH, "true"),
                    endpoint.getLocalPort()).sslPassthrough(true));

            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.httpsPort())) {
                client.setSoTimeout(10_000);
                client.getOutputStream().write(hello);
                client.getOutputStream().write("after the hello".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertEquals("answer after the half-close", answer);
            }
            byte[] expected = java.util.Arrays.copyOf(hello, hello.length + "after the hello".length());
            System.arraycopy("after the hello".getBytes(StandardCharsets.US_ASCII), 0, expected, hello.length,
                    "after the hello".length());
            assertArrayEquals(expected, received.get(10, TimeUnit.SECONDS), "the ClientHello, then the rest, unchanged");
            thread.join(10_000);
        }
    }

    @Test
    void aTunnelThatCarriesNothingForTheIdleTimeoutIsClosed() throws Exception {
        TestRoutes routes = passthroughRoutes(startBackend().port(), true);
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0)
                .clientIdleTimeout(java.time.Duration.ofMillis(500)).accessLog(accessLog));

        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), HOST, List.of("http/1.1"))) {
            assertEquals(backendCertificate(), TlsTestServer.leaf(socket));
            long start = System.nanoTime();
            assertEquals(-1, socket.getInputStream().read(), "closed, not timed out by the client's 10 s");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
        Await.until(() -> accessLog().contains("\"PASSTHROUGH argocd.test TLS\" 200 "), "logged as relayed");
    }

    @Test
    void withoutTheSwitchTheHostIsServedByTheProxyWithAWarning() throws Exception {
        TestRoutes routes = passthroughRoutes(startBackend().port(), false);
        IngressServer proxy = proxy(routes);

        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), HOST, List.of("http/1.1"))) {
            assertNotEquals(backendCertificate(), TlsTestServer.leaf(socket), "TLS ends at the proxy");
        }
        List<Problem> warnings = routes.router().current().problems().stream()
                .filter(p -> p.message().contains("--enable-ssl-passthrough")).toList();
        assertEquals(1, warnings.size(), routes.router().current().problems().toString());
        assertEquals("default/ingress-1", warnings.get(0).object());
        assertTrue(warnings.get(0).message().startsWith(PASSTHROUGH + ": \"true\" has no effect"), warnings.get(0).message());
    }

    @Test
    void aTableSwapWithoutTheAnnotationSendsNewConnectionsToTheProxy() throws Exception {
        TestRoutes routes = passthroughRoutes(startBackend().port(), true);
        IngressServer proxy = proxy(routes);
        SSLSocket open = TlsTestServer.connect(proxy.httpsPort(), HOST, List.of("http/1.1"));
        assertEquals(backendCertificate(), TlsTestServer.leaf(open));

        routes.removeAnnotation(PASSTHROUGH);

        try (SSLSocket socket = TlsTestServer.connect(proxy.httpsPort(), HOST, List.of("http/1.1"))) {
            assertNotEquals(backendCertificate(), TlsTestServer.leaf(socket), "a new connection: TLS ends at the proxy");
        }
        try (open) {
            String response = exchange(open, get(HOST));
            assertTrue(response.endsWith("backend HTTP/1.1"), "a tunnel open before the swap goes on: " + response);
        }
    }
}
