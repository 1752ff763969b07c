package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;

import io.jingress.jetty.testing.TestCertificates;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;
import io.jingress.jetty.testing.WebSocketEcho;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code proxy-ssl-secret} and its companions through a real proxy to a real TLS endpoint whose
 * certificate ({@code tls/upstream.crt}: {@code web.default.svc}, {@code backend.internal}) is signed
 * by {@code tls/upstream-ca.crt}; see {@code src/test/resources/tls/README.md}.
 */
class ProxySslSecretTest {
    private static final String PROTOCOL = "nginx.ingress.kubernetes.io/backend-protocol";
    private static final String SECRET = "nginx.ingress.kubernetes.io/proxy-ssl-secret";
    private static final String VERIFY = "nginx.ingress.kubernetes.io/proxy-ssl-verify";
    private static final String NAME = "nginx.ingress.kubernetes.io/proxy-ssl-name";
    private static final String SERVER_NAME = "nginx.ingress.kubernetes.io/proxy-ssl-server-name";

    private static final String NOT_ACCEPTED = "502 Bad Gateway: the upstream endpoint's certificate was not accepted"
            + " (this route's Ingress asks proxy-ssl-verify: on; see proxy-ssl-secret's ca.crt, proxy-ssl-name and"
            + " proxy-ssl-verify-depth)\n";

    @RegisterExtension
    final Proxies proxies = new Proxies();

    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> sniSeen = new CopyOnWriteArrayList<>();
    private final List<String> clientSubjects = new CopyOnWriteArrayList<>();
    private final List<String> suitesSeen = new CopyOnWriteArrayList<>();
    private TlsTestServer endpoint;

    @AfterEach
    void stopEndpoint() throws Exception {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ProxySslSecretTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static SslContextFactory.Server endpointTls(boolean needClientAuth) throws Exception {
        return endpointTls(needClientAuth, "upstream");
    }

    /** Serves {@code name.crt} (the whole chain in it) with {@code name.key}. */
    private static SslContextFactory.Server endpointTls(boolean needClientAuth, String name) throws Exception {
        SslContextFactory.Server tls = TestCertificates.serverTls(name);
        if (needClientAuth) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(
                    new java.io.ByteArrayInputStream(resource("upstream-ca.crt").getBytes(StandardCharsets.US_ASCII))));
            tls.setTrustStore(trust);
            tls.setNeedClientAuth(true);
        }
        return tls;
    }

    /** The endpoint: answers 200 "secret data", noting the SNI and client certificate subject it saw. */
    private TlsTestServer startEndpoint(boolean needClientAuth) throws Exception {
        return startEndpoint(endpointTls(needClientAuth));
    }

    private TlsTestServer startEndpoint(SslContextFactory.Server tls) throws Exception {
        endpoint = new TlsTestServer(tls, new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                requests.incrementAndGet();
                if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData data) {
                    SSLSession session = data.sslSession();
                    suitesSeen.add(session.getProtocol() + " " + session.getCipherSuite());
                    if (session instanceof ExtendedSSLSession extended) {
                        for (SNIServerName name : extended.getRequestedServerNames()) {
                            sniSeen.add(((SNIHostName) name).getAsciiName());
                        }
                    }
                    X509Certificate[] peer = data.peerCertificates();
                    if (peer != null && peer.length > 0) {
                        clientSubjects.add(peer[0].getSubjectX500Principal().getName());
                    }
                }
                response.setStatus(200);
                Content.Sink.write(response, true, "secret data", callback);
                return true;
            }
        });
        return endpoint;
    }

    private TestRoutes routes(Map<String, String> annotations, Map<String, String> secretData) {
        Map<String, String> all = new HashMap<>(annotations);
        all.put(PROTOCOL, "HTTPS");
        TestRoutes routes = TestRoutes.create().route("web.test", "/", "web", all, endpoint.port());
        if (secretData != null) {
            routes.opaqueSecret("upstream-ca", secretData).apply();
        }
        return routes;
    }

    private ContentResponse get(IngressServer proxy) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/app")
                .headers(h -> h.put("Host", "web.test")).timeout(20, TimeUnit.SECONDS).send();
    }

    @Test
    void verifyOnWithTheRightCaAndTheServicesNameIsProxied() throws Exception {
        startEndpoint(false);
        TestRoutes routes = routes(Map.of(SECRET, "default/upstream-ca", VERIFY, "on"),
                Map.of("ca.crt", resource("upstream-ca.crt")));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = get(proxy);

        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals("secret data", response.getContentAsString());
        assertEquals(List.of(), sniSeen, "no SNI unless proxy-ssl-server-name is on");
    }

    @Test
    void verifyOnWithAnotherCaIsAnswered502AndTheEndpointGetsNoRequest() throws Exception {
        startEndpoint(false);
        TestRoutes routes = routes(Map.of(SECRET, "default/upstream-ca", VERIFY, "on"),
                Map.of("ca.crt", resource("other-ca.crt")));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = get(proxy);

        assertEquals(502, response.getStatus(), response.getContentAsString());
        assertEquals(NOT_ACCEPTED, response.getContentAsString());
        assertEquals(0, requests.get());
    }

    @Test
    void aCertificateThatDoesNotNameTheProxySslNameIsAnswered502() throws Exception {
        startEndpoint(false);
        TestRoutes routes = routes(Map.of(SECRET, "default/upstream-ca", VERIFY, "on", NAME, "vault.internal"),
                Map.of("ca.crt", resource("upstream-ca.crt")));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = get(proxy);

        assertEquals(502, response.getStatus(), response.getContentAsString());
        assertEquals(NOT_ACCEPTED, response.getContentAsString());
        assertEquals(0, requests.get());
    }

    @Test
    void serverNameOnSendsTheProxySslNameAsSniAndItIsVerified() throws Exception {
        startEndpoint(false);
        TestRoutes routes = routes(Map.of(SECRET, "default/upstream-ca", VERIFY, "on", NAME, "backend.internal",
                SERVER_NAME, "on"), Map.of("ca.crt", resource("upstream-ca.crt")));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = get(proxy);

        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals(List.of("backend.internal"), sniSeen);
    }

    @Test
    void theSecretsClientCertificateIsPresentedToAnEndpointThatRequiresOne() throws Exception {
        startEndpoint(true);
        TestRoutes routes = routes(Map.of(SECRET, "default/upstream-ca", VERIFY, "on"), Map.of(
                "ca.crt", resource("upstream-ca.crt"),
                "tls.crt", resource("upstream-client.crt"),
                "tls.key", resource("upstream-client.key")));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = get(proxy);

        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals(List.of("CN=jingress-client"), clientSubjects);
    }

    @Test
    void anIntermediateCaNeedsAVerifyDepthOfTwo() throws Exception {
        startEndpoint(endpointTls(false, "chain"));
        TestRoutes routes = routes(Map.of(SECRET, "default/upstream-ca", VERIFY, "on"),
                Map.of("ca.crt", resource("chain-root-ca.crt")));
        // the Service "web" of the other Ingress: the same certificate name (web.default.svc)
        routes.route("deep.test", "/", "web", Map.of(PROTOCOL, "HTTPS", SECRET, "default/upstream-ca", VERIFY, "on",
                "nginx.ingress.kubernetes.io/proxy-ssl-verify-depth", "2"), endpoint.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse depthOne = get(proxy);
        assertEquals(502, depthOne.getStatus(), depthOne.getContentAsString());
        assertEquals(NOT_ACCEPTED, depthOne.getContentAsString());

        ContentResponse depthTwo = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/app")
                .headers(h -> h.put("Host", "deep.test")).timeout(20, TimeUnit.SECONDS).send();
        assertEquals(200, depthTwo.getStatus(), depthTwo.getContentAsString());
        assertEquals(1, requests.get());
    }

    @Test
    void aVerifyingRouteNeverReusesAnUnverifiedConnectionToTheSameEndpoint() throws Exception {
        startEndpoint(false);
        TestRoutes routes = routes(Map.of(SECRET, "default/upstream-ca", VERIFY, "on"),
                Map.of("ca.crt", resource("other-ca.crt")));
        routes.route("plain.test", "/", "web", Map.of(PROTOCOL, "HTTPS"), endpoint.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse unverified = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/app")
                .headers(h -> h.put("Host", "plain.test")).timeout(20, TimeUnit.SECONDS).send();
        assertEquals(200, unverified.getStatus(), "the Ingress without proxy-ssl-* is proxied unverified");

        ContentResponse verifying = get(proxy);
        assertEquals(502, verifying.getStatus(), "the kept-alive unverified connection is not the verifying route's");
        assertEquals(NOT_ACCEPTED, verifying.getContentAsString());
        assertEquals(1, requests.get());
    }

    @Test
    void proxySslCiphersChooseTheTls12SuitesOfferedToTheEndpoint() throws Exception {
        startEndpoint(false);
        String protocols = "nginx.ingress.kubernetes.io/proxy-ssl-protocols";
        String ciphers = "nginx.ingress.kubernetes.io/proxy-ssl-ciphers";
        TestRoutes routes = routes(Map.of(protocols, "TLSv1.2", ciphers, "ECDHE-RSA-AES256-SHA384"), null);
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        assertEquals(200, get(proxy).getStatus());
        assertEquals(List.of("TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"), suitesSeen, "the one suite offered");
        assertTrue(routes.router().current().problems().isEmpty(), routes.router().current().problems().toString());

        suitesSeen.clear();
        routes.removeAnnotation(ciphers);
        assertEquals(200, get(proxy).getStatus());
        assertEquals(1, suitesSeen.size());
        assertTrue(suitesSeen.get(0).contains("_GCM_"), "Java's defaults prefer AES-GCM: " + suitesSeen);
    }

    @Test
    void verifyOffSendsToAnyCertificateAsBefore() throws Exception {
        startEndpoint(false);
        TestRoutes routes = routes(Map.of(SECRET, "default/upstream-ca", VERIFY, "off"),
                Map.of("ca.crt", resource("other-ca.crt")));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = get(proxy);

        assertEquals(200, response.getStatus(), response.getContentAsString());
    }

    @Test
    void verifyOnWithASecretWithoutCaIsAnswered502SayingWhy() throws Exception {
        startEndpoint(false);
        TestRoutes routes = routes(Map.of(SECRET, "default/upstream-ca", VERIFY, "on"), Map.of(
                "tls.crt", resource("upstream-client.crt"), "tls.key", resource("upstream-client.key")));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = get(proxy);

        assertEquals(502, response.getStatus());
        assertEquals("502 Bad Gateway: this route's Ingress asks for TLS to its endpoints that cannot be done:"
                + " proxy-ssl-verify is on and the Secret default/upstream-ca has no usable ca.crt; nothing is sent\n",
                response.getContentAsString());
        assertEquals(0, requests.get());
    }

    @Test
    void aChangedSecretApplies() throws Exception {
        startEndpoint(false);
        TestRoutes routes = routes(Map.of(SECRET, "default/upstream-ca", VERIFY, "on"),
                Map.of("ca.crt", resource("other-ca.crt")));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        assertEquals(502, get(proxy).getStatus());

        routes.opaqueSecret("upstream-ca", Map.of("ca.crt", resource("upstream-ca.crt"))).apply();

        assertEquals(200, get(proxy).getStatus());
    }

    @Test
    void aWebSocketIsTunnelledOnlyToAVerifiedEndpoint() throws Exception {
        SslContextFactory.Server tls = endpointTls(false);
        tls.start();
        ServerSocket tlsSocket = tls.getSslContext().getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        String upgrade = "GET /chat HTTP/1.1\r\nHost: web.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        try (WebSocketEcho echo = new WebSocketEcho(tlsSocket)) {
            TestRoutes routes = TestRoutes.create().route("web.test", "/", "web",
                    Map.of(PROTOCOL, "HTTPS", SECRET, "default/upstream-ca", VERIFY, "on"), echo.port());
            routes.opaqueSecret("upstream-ca", Map.of("ca.crt", resource("other-ca.crt"))).apply();
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

            String refused = RawHttp.exchange(proxy.httpPort(), upgrade);
            assertTrue(refused.startsWith("HTTP/1.1 502 "), refused);
            assertEquals(List.of(), echo.heads(), "no upgrade reached an endpoint of another CA");

            routes.opaqueSecret("upstream-ca", Map.of("ca.crt", resource("upstream-ca.crt"))).apply();
            try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
                String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                assertEquals("HTTP/1.1 101 Switching Protocols", statusLine);
            }
            assertEquals(1, echo.heads().size(), "the upgrade reached the endpoint of the CA");
        } finally {
            tls.stop();
        }
    }

    @Test
    void theRoutesPageShowsTheSettingAndNeverTheKey() throws Exception {
        startEndpoint(false);
        String key = resource("upstream-client.key");
        TestRoutes routes = routes(Map.of(SECRET, "default/upstream-ca", VERIFY, "on", SERVER_NAME, "on"), Map.of(
                "ca.crt", resource("upstream-ca.crt"), "tls.crt", resource("upstream-client.crt"), "tls.key", key));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        String json = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/routes").send().getContentAsString();

        assertTrue(json.contains("TLS to endpoints (proxy-ssl-*): endpoint certificates verified against default/upstream-ca"
                + " ca.crt (depth 1, name service.namespace.svc), SNI service.namespace.svc, client certificate of"
                + " default/upstream-ca presented"), json);
        assertFalse(json.contains(key.split("\n")[1]), "no line of the key");
    }
}
