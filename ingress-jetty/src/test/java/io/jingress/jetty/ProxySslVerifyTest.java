package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
import org.eclipse.jetty.http.HttpMethod;
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

/**
 * {@code proxy-ssl-verify: "on"} with {@code backend-protocol: HTTPS} through a real proxy to a real
 * TLS endpoint (self-signed, as in {@link BackendProtocolTest}) and no {@code proxy-ssl-secret}: nothing
 * can verify, so Jingress refuses with 502 rather than send anything unverified (see
 * {@link ProxySslSecretTest} for verification with a CA).
 */
class ProxySslVerifyTest {
    private static final String PROTOCOL = "nginx.ingress.kubernetes.io/backend-protocol";
    private static final String VERIFY = "nginx.ingress.kubernetes.io/proxy-ssl-verify";
    private static final String REFUSAL = "502 Bad Gateway: this route's Ingress asks for TLS to its endpoints that cannot"
            + " be done: proxy-ssl-verify is on and no proxy-ssl-secret names the CA; nothing is sent\n";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private final AtomicInteger tlsRequests = new AtomicInteger();
    private TlsTestServer tlsBackend;

    @AfterEach
    void stopTlsBackend() throws Exception {
        if (tlsBackend != null) {
            tlsBackend.close();
        }
    }

    /** An HTTPS endpoint with a certificate that names no one, counting the requests it gets. */
    private TlsTestServer startTlsBackend() throws Exception {
        tlsBackend = new TlsTestServer(TlsCertificates.create().sslContextFactory(), new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                tlsRequests.incrementAndGet();
                response.setStatus(200);
                Content.Sink.write(response, true, "hello over tls", callback);
                return true;
            }
        });
        return tlsBackend;
    }

    private ContentResponse send(IngressServer proxy, String host, HttpMethod method, byte[] body) throws Exception {
        org.eclipse.jetty.client.Request request = proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .method(method).path("/app").headers(h -> h.put("Host", host)).timeout(20, TimeUnit.SECONDS);
        if (body != null) {
            request.body(new BytesRequestContent(body));
        }
        return request.send();
    }

    @Test
    void verifyOnWithAnHttpsBackendIsAnswered502SayingWhyAndTheEndpointSeesNothing() throws Exception {
        TlsTestServer backend = startTlsBackend();
        TestRoutes routes = TestRoutes.create()
                .route("vault.test", "/", "vault", Map.of(PROTOCOL, "HTTPS", VERIFY, "on"), backend.port())
                .route("argocd.test", "/", "argocd", Map.of(PROTOCOL, "HTTPS"), backend.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse get = send(proxy, "vault.test", HttpMethod.GET, null);
        ContentResponse post = send(proxy, "vault.test", HttpMethod.POST, new byte[10_000]);

        assertEquals(502, get.getStatus());
        assertEquals(REFUSAL, get.getContentAsString());
        assertEquals(502, post.getStatus());
        assertEquals(REFUSAL, post.getContentAsString());
        assertEquals(0, tlsRequests.get(), "nothing reached the endpoint");
        ContentResponse other = send(proxy, "argocd.test", HttpMethod.GET, null);
        assertEquals(200, other.getStatus(), "another Ingress without the annotation is served");
        assertEquals(1, tlsRequests.get());
    }

    @Test
    void verifyOffWithAnHttpsBackendIsProxiedUnverifiedAsBefore() throws Exception {
        TlsTestServer backend = startTlsBackend();
        TestRoutes routes = TestRoutes.create()
                .route("argocd.test", "/", "argocd", Map.of(PROTOCOL, "HTTPS", VERIFY, "off"), backend.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse get = send(proxy, "argocd.test", HttpMethod.GET, null);

        assertEquals(200, get.getStatus(), get.getContentAsString());
        assertEquals("hello over tls", get.getContentAsString());
        assertEquals(1, tlsRequests.get());
    }

    @Test
    void verifyOnWithAPlainHttpBackendHasNoEffectAndIsProxied() throws Exception {
        Backends.Echo plain = backends.start("plain");
        TestRoutes routes = TestRoutes.create().route("web.test", "/", "web", Map.of(VERIFY, "on"), plain.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse get = send(proxy, "web.test", HttpMethod.GET, null);

        assertEquals(200, get.getStatus(), get.getContentAsString());
        assertEquals(1, plain.requests());
    }

    @Test
    void anHttp2ClientOfAVerifyingIngressIsAnswered502AndTheEndpointSeesNothing() throws Exception {
        TlsTestServer backend = startTlsBackend();
        TestRoutes routes = TestRoutes.create()
                .route("vault.test", "/", "vault", Map.of(PROTOCOL, "HTTPS", VERIFY, "on"), backend.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();
        ContentResponse get = http2.newRequest("https://vault.test:" + proxy.httpsPort() + "/app")
                .timeout(20, TimeUnit.SECONDS).send();

        assertEquals(HttpVersion.HTTP_2, get.getVersion());
        assertEquals(502, get.getStatus());
        assertEquals(REFUSAL, get.getContentAsString());
        assertEquals(0, tlsRequests.get());
    }

    @Test
    void aWebSocketOfAVerifyingIngressIsAnswered502AndTheEndpointSeesNothing() throws Exception {
        SslContextFactory.Server tls = TlsCertificates.create().sslContextFactory();
        tls.start();
        ServerSocket tlsSocket = tls.getSslContext().getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (WebSocketEcho echo = new WebSocketEcho(tlsSocket)) {
            TestRoutes routes = TestRoutes.create()
                    .route("chat.test", "/", "chat", Map.of(PROTOCOL, "HTTPS", VERIFY, "on"), echo.port());
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

            String answer = RawHttp.exchange(proxy.httpPort(), "GET /chat HTTP/1.1\r\nHost: chat.test\r\n"
                    + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");

            assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);
            assertTrue(answer.endsWith(REFUSAL), answer);
            assertEquals(List.of(), echo.heads(), "no upgrade reached the endpoint");
        } finally {
            tls.stop();
        }
    }

    @Test
    void withAutoHttpAPlainClientIsProxiedAndATlsClientIsAnswered502() throws Exception {
        Backends.Echo plain = backends.start("plain");
        TestRoutes routes = TestRoutes.create()
                .route("auto.test", "/", "auto", Map.of(PROTOCOL, "AUTO_HTTP", VERIFY, "on"), plain.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        ContentResponse overPlainHttp = send(proxy, "auto.test", HttpMethod.GET, null);
        assertEquals(200, overPlainHttp.getStatus(), overPlainHttp.getContentAsString());
        assertEquals(1, plain.requests());

        HttpClient http2 = proxies.http2Client();
        ContentResponse overTls = http2.newRequest("https://auto.test:" + proxy.httpsPort() + "/app")
                .timeout(20, TimeUnit.SECONDS).send();
        assertEquals(502, overTls.getStatus());
        assertEquals(REFUSAL, overTls.getContentAsString());
        assertEquals(1, plain.requests(), "the client over TLS reached no endpoint");
    }

    @Test
    void theRoutesPageSaysTheRoutesAreAnswered502() throws Exception {
        TestRoutes routes = TestRoutes.create().route("vault.test", "/", "vault", Map.of(PROTOCOL, "HTTPS", VERIFY, "on"), 9);
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        String json = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes").send()
                .getContentAsString();
        assertTrue(json.contains("answered 502 over TLS to the endpoints: proxy-ssl-verify is on and no proxy-ssl-secret names the CA"), json);
    }
}
