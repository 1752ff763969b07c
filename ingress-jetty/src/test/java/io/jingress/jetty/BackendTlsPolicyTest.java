package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;

import io.jingress.core.model.BackendTlsPolicy;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestCertificates;
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
 * BackendTLSPolicy through a real proxy to real TLS endpoints: an HTTPRoute's requests to a Service
 * a policy targets go over TLS, the endpoint's certificate checked against the policy's ConfigMap CA
 * (or the JDK's CAs) and its hostname or subjectAltNames, the hostname sent as SNI; a certificate
 * that does not pass, or a policy that cannot be used, is a 502 and the endpoint gets no request.
 * The endpoint serves {@code tls/upstream.crt} ({@code web.default.svc}, {@code backend.internal},
 * signed by {@code tls/upstream-ca.crt}) or {@code tls/spiffe.crt}; see {@code tls/README.md}.
 */
class BackendTlsPolicyTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> sniSeen = new CopyOnWriteArrayList<>();
    private final List<String> versionsSeen = new CopyOnWriteArrayList<>();
    private final List<String> clientSubjects = new CopyOnWriteArrayList<>();
    private TlsTestServer endpoint;

    @AfterEach
    void stopEndpoint() throws Exception {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /** A TLS endpoint serving {@code name.crt} with {@code name.key}, answering 200 "over tls", noting the SNI it saw. */
    private TlsTestServer startEndpoint(String name) throws Exception {
        return startEndpoint(TestCertificates.serverTls(name));
    }

    private TlsTestServer startEndpoint(SslContextFactory.Server tls) throws Exception {
        endpoint = new TlsTestServer(tls, new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                requests.incrementAndGet();
                versionsSeen.add(request.getConnectionMetaData().getHttpVersion().asString());
                if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData data
                        && data.sslSession() instanceof ExtendedSSLSession session) {
                    for (SNIServerName sni : session.getRequestedServerNames()) {
                        sniSeen.add(((SNIHostName) sni).getAsciiName());
                    }
                    if (data.peerCertificates() != null && data.peerCertificates().length > 0) {
                        clientSubjects.add(data.peerCertificates()[0].getSubjectX500Principal().getName());
                    }
                }
                response.setStatus(200);
                Content.Sink.write(response, true, "over tls", callback);
                return true;
            }
        });
        return endpoint;
    }

    private static HttpRoute route(String... services) {
        List<HttpBackendRef> refs = new java.util.ArrayList<>();
        for (String service : services) {
            refs.add(HttpBackendRef.service(service, 80));
        }
        return new HttpRoute("default", "r", Instant.EPOCH, List.of(HttpRoute.ParentRef.of("infra", "web")),
                List.of("app.gw.test"), List.of(HttpRouteRule.of(List.of(), refs)));
    }

    private static BackendTlsPolicy policy(String hostname, List<BackendTlsPolicy.SubjectAltName> names, String configMap) {
        return new BackendTlsPolicy("default", "secure-tls", Instant.EPOCH, List.of(BackendTlsPolicy.TargetRef.service("secure",
                null)), configMap == null ? List.of() : List.of(BackendTlsPolicy.LocalRef.configMap(configMap)),
                configMap == null ? "System" : null, hostname, names, Map.of());
    }

    /** The Service "secure" (the TLS endpoint) behind the HTTPRoute, and the policy with the CA "upstream-ca" made of {@code caFile}. */
    private IngressServer proxy(BackendTlsPolicy policy, String caFile) throws Exception {
        TestRoutes routes = TestRoutes.create().gateway(TestRoutes.OPEN_GATEWAY).service("default", "secure", endpoint.port());
        if (caFile != null) {
            routes.configMap("upstream-ca", Map.of("ca.crt", TestCertificates.resource(caFile)));
        }
        routes.backendTlsPolicy(policy).httpRoute(route("secure"));
        return proxies.start(IngressServer.builder(routes.router()));
    }

    private ContentResponse get(IngressServer proxy) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/app")
                .headers(h -> h.put("Host", "app.gw.test")).timeout(20, TimeUnit.SECONDS).send();
    }

    @Test
    void theRightCaAndHostnameAreProxiedOverTlsWithTheHostnameAsSni() throws Exception {
        startEndpoint("upstream");
        IngressServer proxy = proxy(policy("web.default.svc", List.of(), "upstream-ca"), "upstream-ca.crt");

        ContentResponse response = get(proxy);

        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals("over tls", response.getContentAsString());
        assertEquals(List.of("web.default.svc"), sniSeen);
    }

    @Test
    void aHostnameTheCertificateDoesNotCarryIs502AndTheEndpointGetsNoRequest() throws Exception {
        startEndpoint("upstream");
        IngressServer proxy = proxy(policy("other.default.svc", List.of(), "upstream-ca"), "upstream-ca.crt");

        ContentResponse response = get(proxy);

        assertEquals(502, response.getStatus());
        assertEquals("502 Bad Gateway: the upstream endpoint's certificate was not accepted (BackendTLSPolicy"
                + " default/secure-tls applies to its Service; see its caCertificateRefs or wellKnownCACertificates,"
                + " hostname and subjectAltNames)\n", response.getContentAsString());
        assertEquals(0, requests.get());
    }

    @Test
    void anotherCaIs502AndTheEndpointGetsNoRequest() throws Exception {
        startEndpoint("upstream");
        IngressServer proxy = proxy(policy("web.default.svc", List.of(), "upstream-ca"), "other-ca.crt");

        ContentResponse response = get(proxy);

        assertEquals(502, response.getStatus());
        assertTrue(response.getContentAsString().contains("certificate was not accepted"), response.getContentAsString());
        assertEquals(0, requests.get());
    }

    @Test
    void theJdksTrustedCasDoNotTrustATestCa() throws Exception {
        startEndpoint("upstream");
        IngressServer proxy = proxy(policy("web.default.svc", List.of(), null), null);

        ContentResponse response = get(proxy);

        assertEquals(502, response.getStatus(), "wellKnownCACertificates: System is not trust-all");
        assertTrue(response.getContentAsString().contains("certificate was not accepted"), response.getContentAsString());
        assertEquals(0, requests.get());
    }

    @Test
    void subjectAltNamesAreCheckedInsteadOfTheHostnameWhichIsStillTheSni() throws Exception {
        startEndpoint("upstream");
        IngressServer proxy = proxy(policy("sni.example.com", List.of(BackendTlsPolicy.SubjectAltName.hostname("backend.internal")),
                "upstream-ca"), "upstream-ca.crt");

        ContentResponse response = get(proxy);

        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals(List.of("sni.example.com"), sniSeen);
    }

    @Test
    void subjectAltNamesTheCertificateDoesNotCarryAre502() throws Exception {
        startEndpoint("upstream");
        IngressServer proxy = proxy(policy("web.default.svc", List.of(BackendTlsPolicy.SubjectAltName.hostname("nope.internal"),
                BackendTlsPolicy.SubjectAltName.uri("spiffe://cluster.local/ns/default/sa/web")), "upstream-ca"),
                "upstream-ca.crt");

        ContentResponse response = get(proxy);

        assertEquals(502, response.getStatus(), "the hostname the certificate carries is not one of the subjectAltNames");
        assertEquals(0, requests.get());
    }

    @Test
    void aSpiffeIdIsMatchedAsAUriSubjectAltName() throws Exception {
        startEndpoint("spiffe");
        IngressServer proxy = proxy(policy("web.default.svc", List.of(BackendTlsPolicy.SubjectAltName.uri(
                "spiffe://cluster.local/ns/default/sa/web")), "upstream-ca"), "spiffe.crt");

        ContentResponse response = get(proxy);

        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals(List.of("web.default.svc"), sniSeen);
    }

    @Test
    void aMissingConfigMapIs502SayingWhyAndNothingIsSent() throws Exception {
        startEndpoint("upstream");
        IngressServer proxy = proxy(policy("web.default.svc", List.of(), "upstream-ca"), null);

        ContentResponse response = get(proxy);

        assertEquals(502, response.getStatus());
        assertEquals("502 Bad Gateway: BackendTLSPolicy default/secure-tls asks for TLS to its endpoints that cannot be"
                + " done: the CA certificates of BackendTLSPolicy default/secure-tls cannot be used"
                + " (spec.validation.caCertificateRefs[0]: ConfigMap default/upstream-ca does not exist); nothing is sent\n",
                response.getContentAsString());
        assertEquals(0, requests.get());
    }

    @Test
    void aSplitRuleSpeaksTlsToTheTargetedServiceAndCleartextToTheOther() throws Exception {
        startEndpoint("upstream");
        Backends.Echo plain = backends.start("plain");
        TestRoutes routes = TestRoutes.create().gateway(TestRoutes.OPEN_GATEWAY).service("default", "secure", endpoint.port())
                .service("default", "plain", plain.port()).configMap("upstream-ca", Map.of("ca.crt", TestCertificates.resource("upstream-ca.crt")))
                .backendTlsPolicy(policy("web.default.svc", List.of(), "upstream-ca")).httpRoute(route("secure", "plain"));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        for (int i = 0; i < 40; i++) {
            ContentResponse response = get(proxy);
            assertEquals(200, response.getStatus(), response.getContentAsString());
        }

        assertTrue(requests.get() > 0 && plain.requests() > 0, requests.get() + " over TLS, " + plain.requests() + " plain");
        assertEquals(40, requests.get() + plain.requests());
    }

    @Test
    void aPortOfAppProtocolH2cIsSpokenToInHttp2OverTls() throws Exception {
        startEndpoint("upstream");
        TestRoutes routes = TestRoutes.create().gateway(TestRoutes.OPEN_GATEWAY).h2cService("secure", endpoint.port())
                .configMap("upstream-ca", Map.of("ca.crt", TestCertificates.resource("upstream-ca.crt")))
                .backendTlsPolicy(policy("web.default.svc", List.of(), "upstream-ca")).httpRoute(route("secure"));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse response = get(proxy);

        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals(List.of("HTTP/2.0"), versionsSeen, "HTTP/2 negotiated by ALPN");
        assertEquals(List.of("web.default.svc"), sniSeen);
    }

    @Test
    void aWebSocketIsTunnelledOverTlsOnlyToAnEndpointThePolicyAccepts() throws Exception {
        SslContextFactory.Server tls = TestCertificates.serverTls("upstream");
        tls.start();
        java.net.ServerSocket tlsSocket = tls.getSslContext().getServerSocketFactory().createServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress());
        String upgrade = "GET /chat HTTP/1.1\r\nHost: app.gw.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        try (WebSocketEcho echo = new WebSocketEcho(tlsSocket)) {
            TestRoutes routes = TestRoutes.create().gateway(TestRoutes.OPEN_GATEWAY).service("default", "secure", echo.port())
                    .configMap("upstream-ca", Map.of("ca.crt", TestCertificates.resource("other-ca.crt")))
                    .backendTlsPolicy(policy("web.default.svc", List.of(), "upstream-ca")).httpRoute(route("secure"));
            IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

            String refused = RawHttp.exchange(proxy.httpPort(), upgrade);
            assertTrue(refused.startsWith("HTTP/1.1 502 "), refused);
            assertEquals(List.of(), echo.heads(), "no upgrade reached an endpoint of another CA");

            routes.configMap("upstream-ca", Map.of("ca.crt", TestCertificates.resource("upstream-ca.crt")));
            try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), proxy.httpPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
                String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                assertEquals("HTTP/1.1 101 Switching Protocols", statusLine);
            }
            assertEquals(1, echo.heads().size(), "the upgrade reached the endpoint over TLS");
        } finally {
            tls.stop();
        }
    }

    @Test
    void theGatewaysBackendClientCertificateIsPresentedToAnEndpointThatAsksForOne() throws Exception {
        SslContextFactory.Server tls = TestCertificates.serverTls("upstream");
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                new java.io.ByteArrayInputStream(TestCertificates.resource("upstream-ca.crt").getBytes(StandardCharsets.US_ASCII))));
        tls.setTrustStore(trust);
        tls.setNeedClientAuth(true);
        startEndpoint(tls);
        io.jingress.core.model.TlsSecret clientSecret = new io.jingress.core.model.TlsSecret("infra", "gateway-client",
                TestCertificates.resource("upstream-client.crt"), TestCertificates.resource("upstream-client.key"));
        TestRoutes routes = TestRoutes.create().service("default", "secure", endpoint.port())
                .configMap("upstream-ca", Map.of("ca.crt", TestCertificates.resource("upstream-ca.crt")))
                .backendTlsPolicy(policy("web.default.svc", List.of(), "upstream-ca")).httpRoute(route("secure"))
                .gateway(TestRoutes.OPEN_GATEWAY);
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        ContentResponse without = get(proxy);
        assertEquals(502, without.getStatus(), "the endpoint asks for a client certificate the Gateway does not name");
        assertEquals(0, requests.get());

        TestRoutes withCertificate = TestRoutes.create().service("default", "secure", endpoint.port())
                .configMap("upstream-ca", Map.of("ca.crt", TestCertificates.resource("upstream-ca.crt")))
                .replaceSecret(clientSecret)
                .backendTlsPolicy(policy("web.default.svc", List.of(), "upstream-ca")).httpRoute(route("secure"))
                .gateway(TestRoutes.OPEN_GATEWAY.withBackendClientCertificate(
                        new io.jingress.core.model.Gateway.SecretRef(null, "gateway-client")));
        IngressServer presenting = proxies.start(IngressServer.builder(withCertificate.router()));
        ContentResponse with = get(presenting);
        assertEquals(200, with.getStatus(), with.getContentAsString());
        assertEquals(List.of("CN=jingress-client"), clientSubjects);
    }
}
