package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLSession;

import io.jingress.jetty.internal.tls.TlsCertificates;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import io.jingress.jetty.testing.WebSocketEcho;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code backend-protocol} through a real proxy: endpoints that speak only TLS (a Jetty server with
 * a self-signed certificate on loopback), reached over HTTP/1.1 and HTTP/2 from the client, with
 * short, large and chunked bodies; and what an endpoint that does not speak TLS, or a protocol the
 * proxy does not speak, gives.
 */
class BackendProtocolTest {
    private static final String PROTOCOL = "nginx.ingress.kubernetes.io/backend-protocol";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private TlsTestServer tlsBackend;

    @AfterEach
    void stopTlsBackend() throws Exception {
        if (tlsBackend != null) {
            tlsBackend.close();
        }
    }

    /**
     * An HTTPS endpoint whose certificate names no one (the proxy's default, self-signed), answering
     * what it saw: the scheme, the TLS connection, the SNI, the method and the body's length.
     */
    private TlsTestServer startTlsBackend() throws Exception {
        tlsBackend = new TlsTestServer(TlsCertificates.create().sslContextFactory(), new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, Response response, Callback callback)
                    throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.ISO_8859_1);
                SSLSession session = ((EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE))
                        .sslSession();
                List<?> sni = session instanceof ExtendedSSLSession extended ? extended.getRequestedServerNames() : List.of();
                response.setStatus(200);
                response.getHeaders().put("X-Seen-Scheme", request.isSecure() ? "https" : "http");
                response.getHeaders().put("X-Seen-Connection", request.getConnectionMetaData().getId());
                response.getHeaders().put("X-Seen-SNI", sni.isEmpty() ? "none" : sni.toString());
                response.getHeaders().put("X-Seen-Host", request.getHeaders().get("Host"));
                response.getHeaders().put("X-Seen-Method", request.getMethod());
                response.getHeaders().put("X-Seen-Body-Length", Integer.toString(body.length()));
                Content.Sink.write(response, true, "hello over tls", callback);
                return true;
            }
        });
        return tlsBackend;
    }

    private ContentResponse send(IngressServer proxy, String host, HttpMethod method, Request.Content body) throws Exception {
        Request request = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).method(method).path("/app")
                .headers(h -> h.put("Host", host)).timeout(20, TimeUnit.SECONDS);
        if (body != null) {
            request.body(body);
        }
        return request.send();
    }

    @Test
    void aGetAndAShortPostReachAnHttpsEndpointOverTlsWithoutSniAndWithoutVerifyingItsCertificate() throws Exception {
        TlsTestServer backend = startTlsBackend();
        TestRoutes routes = TestRoutes.create().route("argocd.test", "/", "argocd", Map.of(PROTOCOL, "HTTPS"), backend.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse get = send(proxy, "argocd.test", HttpMethod.GET, null);
        assertEquals(200, get.getStatus(), get.getContentAsString());
        assertEquals("hello over tls", get.getContentAsString());
        assertEquals("https", get.getHeaders().get("X-Seen-Scheme"));
        assertEquals("none", get.getHeaders().get("X-Seen-SNI"));
        assertEquals("argocd.test", get.getHeaders().get("X-Seen-Host"));

        ContentResponse post = send(proxy, "argocd.test", HttpMethod.POST, new BytesRequestContent(new byte[1000]));
        assertEquals(200, post.getStatus(), post.getContentAsString());
        assertEquals("POST", post.getHeaders().get("X-Seen-Method"));
        assertEquals("1000", post.getHeaders().get("X-Seen-Body-Length"));
    }

    @Test
    void largeAndChunkedBodiesReachAnHttpsEndpointWhole() throws Exception {
        TlsTestServer backend = startTlsBackend();
        TestRoutes routes = TestRoutes.create().route("keycloak.test", "/", "keycloak", Map.of(PROTOCOL, "https"), backend.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse large = send(proxy, "keycloak.test", HttpMethod.POST, new BytesRequestContent(new byte[300_000]));
        assertEquals(200, large.getStatus(), large.getContentAsString());
        assertEquals("300000", large.getHeaders().get("X-Seen-Body-Length"));

        // no length known up front: sent chunked
        ContentResponse chunked = send(proxy, "keycloak.test", HttpMethod.PUT,
                new InputStreamRequestContent(new ByteArrayInputStream(new byte[70_000])));
        assertEquals(200, chunked.getStatus(), chunked.getContentAsString());
        assertEquals("PUT", chunked.getHeaders().get("X-Seen-Method"));
        assertEquals("70000", chunked.getHeaders().get("X-Seen-Body-Length"));
    }

    @Test
    void twoRequestsInTurnShareOneKeptAliveTlsConnectionToTheEndpoint() throws Exception {
        TlsTestServer backend = startTlsBackend();
        TestRoutes routes = TestRoutes.create().route("dash.test", "/", "dash", Map.of(PROTOCOL, "HTTPS"), backend.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse first = send(proxy, "dash.test", HttpMethod.GET, null);
        ContentResponse second = send(proxy, "dash.test", HttpMethod.GET, null);

        assertEquals(200, first.getStatus());
        assertEquals(200, second.getStatus());
        assertEquals(first.getHeaders().get("X-Seen-Connection"), second.getHeaders().get("X-Seen-Connection"));
    }

    @Test
    void anHttp2ClientReachesAnHttpsEndpoint() throws Exception {
        TlsTestServer backend = startTlsBackend();
        TestRoutes routes = TestRoutes.create().route("dash.test", "/", "dash", Map.of(PROTOCOL, "HTTPS"), backend.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();
        ContentResponse get = http2.newRequest("https://dash.test:" + proxy.httpsPort() + "/app")
                .timeout(20, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, get.getVersion());
        assertEquals(200, get.getStatus(), get.getContentAsString());
        assertEquals("https", get.getHeaders().get("X-Seen-Scheme"));

        for (int length : new int[] {1000, 50_000}) {
            ContentResponse post = http2.newRequest("https://dash.test:" + proxy.httpsPort() + "/app")
                    .method(HttpMethod.POST).body(new BytesRequestContent(new byte[length]))
                    .timeout(20, TimeUnit.SECONDS).send();
            assertEquals(200, post.getStatus(), post.getContentAsString());
            assertEquals(Integer.toString(length), post.getHeaders().get("X-Seen-Body-Length"));
        }
    }

    @Test
    void anEndpointThatSpeaksPlainHttpGives502SayingSoAndAnotherIngressIsUnaffected() throws Exception {
        Backends.Echo plain = backends.start("plain");
        TestRoutes routes = TestRoutes.create()
                .route("wrong.test", "/", "wrong", Map.of(PROTOCOL, "HTTPS"), plain.port())
                .route("right.test", "/", "right", plain.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        for (Request.Content body : new Request.Content[] {null, new BytesRequestContent(new byte[100_000])}) {
            ContentResponse wrong = send(proxy, "wrong.test", body == null ? HttpMethod.GET : HttpMethod.POST, body);
            assertEquals(502, wrong.getStatus());
            assertTrue(wrong.getContentAsString().contains("did not complete a TLS handshake"), wrong.getContentAsString());
            assertTrue(wrong.getContentAsString().contains("backend-protocol HTTPS"), wrong.getContentAsString());
        }
        ContentResponse right = send(proxy, "right.test", HttpMethod.GET, null);
        assertEquals(200, right.getStatus(), right.getContentAsString());
        assertEquals(1, plain.requests(), "the plain endpoint saw only the other Ingress's request as HTTP");
    }

    @Test
    void aGetIsTriedOnAnotherEndpointWhenOneDoesNotSpeakTls() throws Exception {
        Backends.Echo plain = backends.start("plain");
        TlsTestServer backend = startTlsBackend();
        TestRoutes routes = TestRoutes.create()
                .route("mixed.test", "/", "mixed", Map.of(PROTOCOL, "HTTPS"), plain.port(), backend.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        for (int i = 0; i < 4; i++) {
            ContentResponse get = send(proxy, "mixed.test", HttpMethod.GET, null);
            assertEquals(200, get.getStatus(), get.getContentAsString());
            assertEquals("https", get.getHeaders().get("X-Seen-Scheme"));
        }
    }

    @Test
    void autoHttpSpeaksTlsToTheEndpointOnlyForAClientThatCameOverTls() throws Exception {
        TlsTestServer backend = startTlsBackend();
        TestRoutes routes = TestRoutes.create().route("auto.test", "/", "auto", Map.of(PROTOCOL, "AUTO_HTTP"), backend.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();
        ContentResponse overTls = http2.newRequest("https://auto.test:" + proxy.httpsPort() + "/app")
                .timeout(20, TimeUnit.SECONDS).send();
        assertEquals(200, overTls.getStatus(), overTls.getContentAsString());
        assertEquals("https", overTls.getHeaders().get("X-Seen-Scheme"));
        // plain HTTP from the client: plain HTTP to the endpoint, which speaks only TLS
        ContentResponse plain = send(proxy, "auto.test", HttpMethod.GET, null);
        assertEquals(502, plain.getStatus(), plain.getContentAsString());
    }

    @Test
    void fcgiIsAnswered502SayingWhyAndNothingReachesTheEndpoint() throws Exception {
        Backends.Echo echo = backends.start("fcgi");
        TestRoutes routes = TestRoutes.create()
                .route("fcgi.test", "/", "fcgi", Map.of(PROTOCOL, "FCGI"), echo.port())
                .route("web.test", "/", "web", echo.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse fcgi = send(proxy, "fcgi.test", HttpMethod.POST, new BytesRequestContent(new byte[10]));
        assertEquals(502, fcgi.getStatus());
        assertEquals("502 Bad Gateway: this route's Ingress asks for backend-protocol FCGI, and Jingress does not"
                + " speak FastCGI to endpoints\n", fcgi.getContentAsString());
        assertEquals(0, echo.requests());
        assertEquals(200, send(proxy, "web.test", HttpMethod.GET, null).getStatus());
    }

    @Test
    void aWebSocketReachesAnHttpsEndpointOverTls() throws Exception {
        SslContextFactory.Server tls = TlsCertificates.create().sslContextFactory();
        tls.start();
        ServerSocket tlsSocket = tls.getSslContext().getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (WebSocketEcho echo = new WebSocketEcho(tlsSocket)) {
            TestRoutes routes = TestRoutes.create().route("chat.test", "/", "chat", Map.of(PROTOCOL, "HTTPS"), echo.port());
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", proxy.httpPort()), 5_000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /chat HTTP/1.1\r\nHost: chat.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(WebSocketEcho.maskedTextFrame("hello wss"));
                out.flush();
                InputStream in = new BufferedInputStream(socket.getInputStream());
                String answer = RawHttp.readHead(in);
                assertTrue(answer.startsWith("HTTP/1.1 101 "), answer);
                assertEquals(0x81, in.read());
                int length = in.read();
                assertEquals("hello wss", new String(in.readNBytes(length), StandardCharsets.UTF_8));
            }
            assertTrue(echo.heads().get(0).startsWith("GET /chat HTTP/1.1\r\n"), echo.heads().toString());
        } finally {
            tls.stop();
        }
    }

    @Test
    void aWebSocketToAnEndpointThatSpeaksPlainHttpGives502() throws Exception {
        Backends.Echo plain = backends.start("plain");
        TestRoutes routes = TestRoutes.create().route("chat.test", "/", "chat", Map.of(PROTOCOL, "HTTPS"), plain.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        String answer = RawHttp.exchange(proxy.httpPort(), "GET /chat HTTP/1.1\r\nHost: chat.test\r\n"
                + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);
        assertEquals(0, plain.requests());
    }

    @Test
    void anEndpointThatAcceptsAndSaysNothingIsTimedByTheReadTimeoutDuringTheTlsHandshake() throws Exception {
        try (ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                List<Socket> held = new java.util.ArrayList<>();
                try {
                    while (true) {
                        held.add(mute.accept());  // never answers the ClientHello
                    }
                } catch (java.io.IOException closed) {
                    held.forEach(socket -> {
                        try {
                            socket.close();
                        } catch (java.io.IOException ignored) {
                            // closing
                        }
                    });
                }
            }, "mute-tls-peer");
            acceptor.setDaemon(true);
            acceptor.start();
            TestRoutes routes = TestRoutes.create().route("slow.test", "/", "slow",
                    Map.of(PROTOCOL, "HTTPS", "nginx.ingress.kubernetes.io/proxy-read-timeout", "1"), mute.getLocalPort());
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router())
                    .readTimeout(java.time.Duration.ofSeconds(30)));

            for (Request.Content body : new Request.Content[] {null, new BytesRequestContent(new byte[100_000])}) {
                long start = System.nanoTime();
                ContentResponse answer = send(proxy, "slow.test", body == null ? HttpMethod.GET : HttpMethod.POST, body);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(504, answer.getStatus(), answer.getContentAsString());
                assertTrue(millis >= 900 && millis < 10_000, "after the Ingress's 1 s: " + millis + " ms");
            }
            // a WebSocket's TLS handshake alike
            long start = System.nanoTime();
            String upgrade = RawHttp.exchange(proxy.httpPort(), "GET /chat HTTP/1.1\r\nHost: slow.test\r\n"
                    + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(upgrade.startsWith("HTTP/1.1 504 "), upgrade);
            assertTrue(millis >= 900 && millis < 10_000, "after the Ingress's 1 s: " + millis + " ms");
        }
    }

    @Test
    void theRoutesPageSaysTheEndpointsAreSpokenToInHttps() throws Exception {
        TestRoutes routes = TestRoutes.create().route("dash.test", "/", "dash", Map.of(PROTOCOL, "HTTPS"), 9);
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        String json = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes").send().getContentAsString();
        assertTrue(json.contains("endpoints spoken to in HTTPS, certificates not verified (backend-protocol)"), json);
    }
}
