package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.internal.tls.TestCertificates;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client certificate authentication ({@code auth-tls-*}) through {@link IngressServer} over real TLS:
 * certificates asked for only on connections naming a host that wants them, verified per request,
 * and the verdict sent upstream in ingress-nginx's headers.
 */
class ClientCertificateEndToEndTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final TestCertificates.Issued CA = TestCertificates.ca("Test Client CA");
    private static final TestCertificates.Issued ALICE = TestCertificates.client(CA, "alice");
    private static final TestCertificates.Issued OTHER_CA = TestCertificates.ca("Other CA");
    private static final TestCertificates.Issued MALLORY = TestCertificates.client(OTHER_CA, "mallory");

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private Backends.Echo echo;
    private HttpClient http2;

    @AfterEach
    void stopClient() throws Exception {
        if (http2 != null) {
            http2.stop();
        }
    }

    /** A proxy with host secure.test asking client certificates as {@code annotations} add to auth-tls-secret, and open.test without. */
    private IngressServer proxy(Map<String, String> annotations) {
        return proxy(annotations, Map.of("ca.crt", CA.pem()));
    }

    /** As {@link #proxy(Map)}, with the Secret's data. */
    private IngressServer proxy(Map<String, String> annotations, Map<String, String> secretData) {
        echo = backends.start("app");
        Map<String, String> all = new HashMap<>(annotations);
        all.putIfAbsent(NGINX + "auth-tls-secret", "default/client-ca");
        TestRoutes routes = TestRoutes.create()
                .opaqueSecret("client-ca", secretData)
                .route("secure.test", "/", "app", all, echo.port())
                .route("open.test", "/", "app", echo.port());
        return proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    /** A client key manager presenting {@code certificate} (or none), recording whether it was asked and for which CAs. */
    private static final class RecordingKeyManager extends X509ExtendedKeyManager {
        private final TestCertificates.Issued certificate;
        private final X509Certificate[] chain;
        volatile boolean asked;
        final AtomicReference<Principal[]> issuers = new AtomicReference<>();

        RecordingKeyManager(TestCertificates.Issued certificate, TestCertificates.Issued... intermediates) {
            this.certificate = certificate;
            this.chain = new X509Certificate[1 + intermediates.length];
            chain[0] = certificate == null ? null : certificate.certificate();
            for (int i = 0; i < intermediates.length; i++) {
                chain[i + 1] = intermediates[i].certificate();
            }
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return choose(keyType, issuers);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return choose(keyType, issuers);
        }

        private String choose(String[] keyType, Principal[] issuers) {
            asked = true;
            this.issuers.set(issuers);
            return certificate != null && Arrays.asList(keyType).contains("EC") ? "client" : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return certificate == null ? null : new String[] {"client"};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return certificate == null ? null : chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return certificate == null ? null : certificate.privateKey();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    private static SSLContext clientContext(KeyManager keyManager) throws Exception {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {keyManager}, new TrustManager[] {trustAll}, new SecureRandom());
        return context;
    }

    /** An HTTP/1.1 GET over TLS saying {@code sni} with {@code Host: host}; the whole answer. */
    private static String get(IngressServer proxy, String sni, String host, RecordingKeyManager keys, String... headers)
            throws Exception {
        try (SSLSocket socket = (SSLSocket) clientContext(keys).getSocketFactory().createSocket("127.0.0.1", proxy.httpsPort())) {
            SSLParameters parameters = socket.getSSLParameters();
            if (sni != null) {
                parameters.setServerNames(List.of(new SNIHostName(sni)));
            }
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET /hello HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    @Test
    void aCertificateOfTheHostsCaIsLetThroughAndTheEndpointSeesTheVerdict() throws Exception {
        IngressServer proxy = proxy(Map.of());
        RecordingKeyManager keys = new RecordingKeyManager(ALICE);

        String answer = get(proxy, "secure.test", "secure.test", keys);

        assertEquals(200, status(answer), answer);
        assertTrue(keys.asked);
        assertEquals(List.of(CA.certificate().getSubjectX500Principal()), Arrays.asList(keys.issuers.get()),
                "the host's CA is named as the issuer asked for");
        assertEquals("SUCCESS", echo.lastRequest().header("ssl-client-verify"));
        assertEquals("CN=alice,O=Jingress", echo.lastRequest().header("ssl-client-subject-dn"));
        assertEquals("CN=Test Client CA,O=Jingress", echo.lastRequest().header("ssl-client-issuer-dn"));
        assertNull(echo.lastRequest().header("ssl-client-cert"), "not passed without pass-certificate-to-upstream");
    }

    @Test
    void aCertificateOfAnotherCaIsAnswered400AndNothingGoesUpstream() throws Exception {
        IngressServer proxy = proxy(Map.of());

        String answer = get(proxy, "secure.test", "secure.test", new RecordingKeyManager(MALLORY));

        assertEquals(400, status(answer), answer);
        assertTrue(answer.contains("the SSL certificate error"), answer);
        assertEquals(0, echo.requests());
    }

    @Test
    void noCertificateIsAnswered400WhenRequired() throws Exception {
        IngressServer proxy = proxy(Map.of());
        RecordingKeyManager keys = new RecordingKeyManager(null);

        String answer = get(proxy, "secure.test", "secure.test", keys);

        assertTrue(keys.asked);
        assertEquals(400, status(answer), answer);
        assertTrue(answer.contains("no required SSL certificate was sent"), answer);
        assertEquals(0, echo.requests());
    }

    @Test
    void noCertificateGoesOnAsNoneWhenOptional() throws Exception {
        IngressServer proxy = proxy(Map.of(NGINX + "auth-tls-verify-client", "optional"));

        String answer = get(proxy, "secure.test", "secure.test", new RecordingKeyManager(null));

        assertEquals(200, status(answer), answer);
        assertEquals("NONE", echo.lastRequest().header("ssl-client-verify"));
        assertNull(echo.lastRequest().header("ssl-client-subject-dn"));
    }

    @Test
    void optionalNoCaPassesAFailedVerdictUpstream() throws Exception {
        IngressServer proxy = proxy(Map.of(NGINX + "auth-tls-verify-client", "optional_no_ca"));

        String answer = get(proxy, "secure.test", "secure.test", new RecordingKeyManager(MALLORY));

        assertEquals(200, status(answer), answer);
        assertEquals("FAILED:unable to get local issuer certificate", echo.lastRequest().header("ssl-client-verify"));
        assertEquals("CN=mallory,O=Jingress", echo.lastRequest().header("ssl-client-subject-dn"));
    }

    @Test
    void anExpiredCertificateIsAnswered400() throws Exception {
        IngressServer proxy = proxy(Map.of(NGINX + "auth-tls-verify-client", "optional_no_ca"));
        TestCertificates.Issued expired = TestCertificates.client(CA, "old", ZonedDateTime.now().minusDays(40), 10);

        get(proxy, "secure.test", "secure.test", new RecordingKeyManager(expired));

        assertEquals("FAILED:certificate has expired", echo.lastRequest().header("ssl-client-verify"));
    }

    @Test
    void aSubjectNotMatchingMatchCnIsAnswered403() throws Exception {
        IngressServer proxy = proxy(Map.of(NGINX + "auth-tls-match-cn", "CN=bob"));

        String refused = get(proxy, "secure.test", "secure.test", new RecordingKeyManager(ALICE));

        assertEquals(403, status(refused), refused);
        assertEquals(0, echo.requests());
    }

    @Test
    void aSubjectMatchingMatchCnIsLetThrough() throws Exception {
        IngressServer proxy = proxy(Map.of(NGINX + "auth-tls-match-cn", "CN=(alice|bob)"));

        assertEquals(200, status(get(proxy, "secure.test", "secure.test", new RecordingKeyManager(ALICE))));
    }

    @Test
    void aFailureIsRedirectedToTheErrorPage() throws Exception {
        IngressServer proxy = proxy(Map.of(NGINX + "auth-tls-error-page", "https://login.example.com/no-cert"));

        String answer = get(proxy, "secure.test", "secure.test", new RecordingKeyManager(null));

        assertEquals(302, status(answer), answer);
        assertTrue(answer.contains("\r\nLocation: https://login.example.com/no-cert\r\n"), answer);
    }

    @Test
    void theCertificateIsPassedUpstreamUrlEncodedWhenAsked() throws Exception {
        IngressServer proxy = proxy(Map.of("jingress.io/auth-tls-pass-certificate-to-upstream", "true"));

        get(proxy, "secure.test", "secure.test", new RecordingKeyManager(ALICE));

        String escaped = echo.lastRequest().header("ssl-client-cert");
        assertTrue(escaped.startsWith("-----BEGIN%20CERTIFICATE-----%0A"), escaped);
        X509Certificate passed = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(URLDecoder.decode(escaped, StandardCharsets.US_ASCII).getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ALICE.certificate(), passed);
    }

    @Test
    void aHostWithoutAuthTlsNeverAsksForACertificateOnTheSameListener() throws Exception {
        IngressServer proxy = proxy(Map.of());
        RecordingKeyManager keys = new RecordingKeyManager(ALICE);

        String answer = get(proxy, "open.test", "open.test", keys);
        String withoutSni = get(proxy, null, "open.test", keys);

        assertEquals(200, status(answer), answer);
        assertEquals(200, status(withoutSni), withoutSni);
        assertFalse(keys.asked, "no CertificateRequest on a connection naming a host without auth-tls");
    }

    @Test
    void aRequestForTheHostOnAConnectionNamingAnotherIsAnswered421() throws Exception {
        IngressServer proxy = proxy(Map.of());

        String answer = get(proxy, "open.test", "secure.test", new RecordingKeyManager(ALICE));
        String withoutSni = get(proxy, null, "secure.test", new RecordingKeyManager(ALICE));

        assertEquals(421, status(answer), answer);
        assertEquals(421, status(withoutSni), withoutSni);
        assertEquals(0, echo.requests());
    }

    @Test
    void aClientsOwnVerdictHeadersAreDroppedOnEveryRoute() throws Exception {
        IngressServer proxy = proxy(Map.of(NGINX + "auth-tls-verify-client", "optional"));

        get(proxy, "open.test", "open.test", new RecordingKeyManager(null), "ssl-client-verify: SUCCESS",
                "SSL-Client-Subject-DN: CN=admin", "ssl-client-cert: forged");
        assertNull(echo.lastRequest().header("ssl-client-verify"));
        assertNull(echo.lastRequest().header("ssl-client-subject-dn"));
        assertNull(echo.lastRequest().header("ssl-client-cert"));

        get(proxy, "secure.test", "secure.test", new RecordingKeyManager(null), "ssl-client-verify: SUCCESS",
                "ssl-client-subject-dn: CN=admin");
        assertEquals(List.of("NONE"), echo.lastRequest().headers().getValuesList("ssl-client-verify"));
        assertNull(echo.lastRequest().header("ssl-client-subject-dn"));
    }

    @Test
    void http2CarriesTheVerdictAndAReusedConnectionForAnotherHostIsAnswered421() throws Exception {
        IngressServer proxy = proxy(Map.of());
        RecordingKeyManager keys = new RecordingKeyManager(ALICE);

        ContentResponse ok = http2(keys, "secure.test").GET("https://secure.test:" + proxy.httpsPort() + "/");
        assertEquals(200, ok.getStatus(), ok.getContentAsString());
        assertEquals(HttpVersion.HTTP_2, ok.getVersion());
        assertEquals("SUCCESS", echo.lastRequest().header("ssl-client-verify"));
        http2.stop();

        // every connection names open.test, as a browser reusing an open.test connection would
        ContentResponse misdirected = http2(new RecordingKeyManager(ALICE), "open.test")
                .GET("https://secure.test:" + proxy.httpsPort() + "/");
        assertEquals(421, misdirected.getStatus(), misdirected.getContentAsString());
    }

    @Test
    void everyRouteOfTheHostIsCheckedWhicheverIngressItIsOf() throws Exception {
        echo = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .opaqueSecret("client-ca", Map.of("ca.crt", CA.pem()))
                .route("secure.test", "/", "app", Map.of(NGINX + "auth-tls-secret", "client-ca"), echo.port())
                .route("secure.test", "/hello", "app", echo.port());  // a younger Ingress without auth-tls
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        assertEquals(400, status(get(proxy, "secure.test", "secure.test", new RecordingKeyManager(null))));
        assertEquals(200, status(get(proxy, "secure.test", "secure.test", new RecordingKeyManager(ALICE))));
        assertEquals("/hello", echo.lastRequest().pathQuery());
        assertEquals("SUCCESS", echo.lastRequest().header("ssl-client-verify"));
    }

    @Test
    void aChainThroughAnIntermediateNeedsTheDepthForIt() throws Exception {
        TestCertificates.Issued intermediate = TestCertificates.intermediate(CA, "Intermediate CA");
        TestCertificates.Issued bob = TestCertificates.client(intermediate, "bob");
        IngressServer shallow = proxy(Map.of(NGINX + "auth-tls-verify-client", "optional_no_ca"));

        get(shallow, "secure.test", "secure.test", new RecordingKeyManager(bob, intermediate));
        assertEquals("FAILED:certificate chain too long", echo.lastRequest().header("ssl-client-verify"));

        IngressServer deep = proxy(Map.of(NGINX + "auth-tls-verify-depth", "2"));
        String answer = get(deep, "secure.test", "secure.test", new RecordingKeyManager(bob, intermediate));
        assertEquals(200, status(answer), answer);
        assertEquals("CN=Intermediate CA,O=Jingress", echo.lastRequest().header("ssl-client-issuer-dn"));
    }

    @Test
    void aCertificateTheCaCrlListsIsRefusedAndTheOthersPass() throws Exception {
        TestCertificates.Issued carol = TestCertificates.client(CA, "carol");
        String crl = TestCertificates.crl(CA, ZonedDateTime.now().plusDays(7), carol.certificate());
        IngressServer proxy = proxy(Map.of(), Map.of("ca.crt", CA.pem(), "ca.crl", crl));

        String revoked = get(proxy, "secure.test", "secure.test", new RecordingKeyManager(carol));
        assertEquals(400, status(revoked), revoked);
        assertEquals(0, echo.requests());

        String fine = get(proxy, "secure.test", "secure.test", new RecordingKeyManager(ALICE));
        assertEquals(200, status(fine), fine);
        assertEquals("SUCCESS", echo.lastRequest().header("ssl-client-verify"));
    }

    @Test
    void theRevocationVerdictIsOpenSslsWords() throws Exception {
        TestCertificates.Issued carol = TestCertificates.client(CA, "carol");
        Map<String, String> optional = Map.of(NGINX + "auth-tls-verify-client", "optional_no_ca",
                NGINX + "auth-tls-verify-depth", "2");
        IngressServer listing = proxy(optional, Map.of("ca.crt", CA.pem(),
                "ca.crl", TestCertificates.crl(CA, ZonedDateTime.now().plusDays(7), carol.certificate())));
        get(listing, "secure.test", "secure.test", new RecordingKeyManager(carol));
        assertEquals("FAILED:certificate revoked", echo.lastRequest().header("ssl-client-verify"));

        // a list past its next update is no list, as for OpenSSL (the JDK allows 15 minutes of clock
        // skew); nor is there one for an intermediate's certificates in a list of the root's alone
        IngressServer stale = proxy(optional, Map.of("ca.crt", CA.pem(),
                "ca.crl", TestCertificates.crl(CA, ZonedDateTime.now().minusDays(1))));
        get(stale, "secure.test", "secure.test", new RecordingKeyManager(ALICE));
        assertEquals("FAILED:unable to get certificate CRL", echo.lastRequest().header("ssl-client-verify"));

        TestCertificates.Issued intermediate = TestCertificates.intermediate(CA, "Intermediate CA");
        TestCertificates.Issued bob = TestCertificates.client(intermediate, "bob");
        IngressServer caOnly = proxy(optional, Map.of("ca.crt", CA.pem(),
                "ca.crl", TestCertificates.crl(CA, ZonedDateTime.now().plusDays(7))));
        get(caOnly, "secure.test", "secure.test", new RecordingKeyManager(bob, intermediate));
        assertEquals("FAILED:unable to get certificate CRL", echo.lastRequest().header("ssl-client-verify"));

        IngressServer both = proxy(optional, Map.of("ca.crt", CA.pem(), "ca.crl",
                TestCertificates.crl(CA, ZonedDateTime.now().plusDays(7))
                        + TestCertificates.crl(intermediate, ZonedDateTime.now().plusDays(7))));
        get(both, "secure.test", "secure.test", new RecordingKeyManager(bob, intermediate));
        assertEquals("SUCCESS", echo.lastRequest().header("ssl-client-verify"));
    }

    @Test
    void aMissingSecretAnswers503AndIsWarnedUntilItComesThenAsksWithoutARestart() throws Exception {
        echo = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("secure.test", "/", "app", Map.of(NGINX + "auth-tls-secret", "client-ca"), echo.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        String refused = get(proxy, "secure.test", "secure.test", new RecordingKeyManager(ALICE));
        assertEquals(503, status(refused), refused);
        assertTrue(routes.router().current().problems().stream().anyMatch(p -> p.object().equals("default/ingress-1")
                && p.field().equals("metadata.annotations")
                && p.message().startsWith(NGINX + "auth-tls-secret: \"client-ca\": there is no Secret default/client-ca")),
                routes.router().current().problems().toString());
        assertEquals(0, echo.requests());

        routes.opaqueSecret("client-ca", Map.of("ca.crt", CA.pem()));
        RecordingKeyManager keys = new RecordingKeyManager(ALICE);
        assertEquals(200, status(get(proxy, "secure.test", "secure.test", keys)));
        assertTrue(keys.asked);
    }

    @Test
    void aHostWhoseOnlySettingCannotBeUsedAnswers503OnEveryRoute() throws Exception {
        echo = backends.start("app");
        TestRoutes routes = TestRoutes.create()
                .route("secure.test", "/", "app", Map.of(NGINX + "auth-tls-secret", "client-ca"), echo.port())
                .route("secure.test", "/hello", "app", echo.port());  // a younger Ingress without auth-tls
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        String answer = get(proxy, "secure.test", "secure.test", new RecordingKeyManager(ALICE));

        assertEquals(503, status(answer), answer);
        assertEquals(0, echo.requests());
    }

    @Test
    void aConnectionThatAsksServesTheHostsOwnCertificateAndTheListenersTlsVersions() throws Exception {
        echo = backends.start("app");
        io.jingress.core.model.TlsSecret secret = io.jingress.jetty.testing.TestCertificates.pkcs8Secret();
        TestRoutes routes = TestRoutes.create()
                .opaqueSecret("client-ca", Map.of("ca.crt", CA.pem()))
                .tlsRoute("pkcs8.example.test", "/", "app", secret, Map.of(NGINX + "auth-tls-secret", "client-ca"), echo.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
        RecordingKeyManager keys = new RecordingKeyManager(ALICE);

        try (SSLSocket socket = (SSLSocket) clientContext(keys).getSocketFactory().createSocket("127.0.0.1", proxy.httpsPort())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName("pkcs8.example.test")));
            parameters.setProtocols(new String[] {"TLSv1.2", "TLSv1.1"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.startHandshake();

            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            X509Certificate expected = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(secret.certificateChainPem().getBytes(StandardCharsets.US_ASCII)));
            assertEquals(expected, served);
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
            assertTrue(socket.getSession().getCipherSuite().startsWith("TLS_ECDHE_"), socket.getSession().getCipherSuite());
            assertTrue(keys.asked);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: pkcs8.example.test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(200, status(answer), answer);
            assertEquals("SUCCESS", echo.lastRequest().header("ssl-client-verify"));
        }
    }

    @Test
    void plainHttpToAHostRequiringACertificateIsAnswered400() throws Exception {
        IngressServer proxy = proxy(Map.of());

        String answer = io.jingress.jetty.testing.RawHttp.exchange(proxy.httpPort(),
                "GET / HTTP/1.1\r\nHost: secure.test\r\nConnection: close\r\n\r\n");

        assertEquals(400, status(answer), answer);
        assertEquals(0, echo.requests());
    }

    private HttpClient http2(RecordingKeyManager keys, String sni) throws Exception {
        SslContextFactory.Client tls = new SslContextFactory.Client(true);
        tls.setSslContext(clientContext(keys));
        // the client finds every name at 127.0.0.1, and would then send no SNI of its own
        tls.setSNIProvider((engine, host) -> List.of(new SNIHostName(sni)));
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        http2 = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
        http2.setSocketAddressResolver((host, port, context, promise) ->
                promise.succeeded(List.of(new InetSocketAddress("127.0.0.1", port))));
        http2.setFollowRedirects(false);
        http2.setHttpCookieStore(new HttpCookieStore.Empty());
        http2.start();
        return http2;
    }
}
