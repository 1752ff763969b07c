package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;

import io.jingress.jetty.testing.TestCertificates;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An {@code https://} {@code auth-url}: a real TLS auth service on loopback, reached by a name
 * ({@code localhost}), that records the SNI it was sent. The proxy trusts the test CA
 * {@code auth-ca.crt} as an operator would make it trust a private CA: through the JVM's trust
 * store ({@code javax.net.ssl.trustStore}), set for each test and put back after it.
 */
class ExternalAuthTlsTest {
    private static final String P = "nginx.ingress.kubernetes.io/";
    private static final String UNREACHABLE = "500 Internal Server Error: the authentication service could not be reached\n";
    private static final List<String> TRUST_PROPERTIES = List.of("javax.net.ssl.trustStore",
            "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType");

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private final List<String> sniSeen = new CopyOnWriteArrayList<>();
    private final AtomicInteger authRequests = new AtomicInteger();
    private final Map<String, String> savedProperties = new java.util.HashMap<>();
    private Path trustStore;
    private TlsTestServer authService;

    @BeforeEach
    void trustTheTestAuthCa() throws Exception {
        for (String name : TRUST_PROPERTIES) {
            savedProperties.put(name, System.getProperty(name));
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("auth-ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(resource("auth-ca.crt").getBytes(StandardCharsets.US_ASCII))));
        trustStore = Files.createTempFile("auth-trust", ".p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, "changeit".toCharArray());
        }
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    @AfterEach
    void putTheTrustStoreBack() throws Exception {
        if (authService != null) {
            authService.close();
        }
        for (String name : TRUST_PROPERTIES) {
            String saved = savedProperties.get(name);
            if (saved == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, saved);
            }
        }
        Files.deleteIfExists(trustStore);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ExternalAuthTlsTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** The auth service over TLS with {@code certificate}: 200 to a cookie {@code session=ok}, else 403; notes the SNI. */
    private TlsTestServer startAuthService(String certificate) throws Exception {
        authService = new TlsTestServer(TestCertificates.serverTls(certificate), new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                authRequests.incrementAndGet();
                if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData data
                        && data.sslSession() instanceof ExtendedSSLSession session) {
                    for (SNIServerName name : session.getRequestedServerNames()) {
                        sniSeen.add(((SNIHostName) name).getAsciiName());
                    }
                }
                String cookie = request.getHeaders().get("Cookie");
                response.setStatus(cookie != null && cookie.contains("session=ok") ? 200 : 403);
                Content.Sink.write(response, true, "auth says " + response.getStatus(), callback);
                return true;
            }
        });
        return authService;
    }

    private IngressServer proxy(String authUrl, int port) {
        return proxy(Map.of(P + "auth-url", authUrl), port);
    }

    private IngressServer proxy(Map<String, String> annotations, int port) {
        return proxies.start(IngressServer.builder(TestRoutes.create()
                .route("app.test", "/", "app", annotations, port).router()).localBackendNames(true));
    }

    private ContentResponse get(IngressServer proxy, String cookie) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/app")
                .headers(h -> h.put("Host", "app.test").put("Cookie", cookie)).timeout(20, TimeUnit.SECONDS).send();
    }

    @Test
    void anHttpsAuthServiceIsSentItsHostAsSniAndItsVerifiedAnswerDecides() throws Exception {
        Backends.Echo backend = backends.start("app");
        startAuthService("auth-localhost");
        IngressServer proxy = proxy("https://localhost:" + authService.port() + "/oauth2/auth", backend.port());

        ContentResponse allowed = get(proxy, "session=ok");
        ContentResponse refused = get(proxy, "session=stale");

        assertEquals(200, allowed.getStatus(), allowed.getContentAsString());
        assertEquals(403, refused.getStatus(), refused.getContentAsString());
        assertEquals(1, backend.requests());
        assertEquals("localhost", sniSeen.get(0), "the auth URL's host, as ingress-nginx's proxy_ssl_server_name on");
        assertEquals(List.of("localhost"), sniSeen.stream().distinct().toList());
    }

    @Test
    void anAuthServiceWhoseCertificateNamesAnotherHostIsNeverAskedAndNothingIsServed() throws Exception {
        Backends.Echo backend = backends.start("app");
        startAuthService("auth-other");
        IngressServer proxy = proxy("https://localhost:" + authService.port() + "/oauth2/auth", backend.port());

        ContentResponse response = get(proxy, "session=ok");

        assertEquals(500, response.getStatus());
        assertEquals(UNREACHABLE, response.getContentAsString());
        assertEquals(0, authRequests.get(), "the handshake failed: nothing was asked of whoever answered");
        assertEquals(0, backend.requests());
    }

    @Test
    void anAuthServiceWhoseCertificateNoTrustedCaSignedIsNeverAskedAndNothingIsServed() throws Exception {
        Backends.Echo backend = backends.start("app");
        startAuthService("auth-selfsigned");
        IngressServer proxy = proxy("https://localhost:" + authService.port() + "/oauth2/auth", backend.port());

        ContentResponse response = get(proxy, "session=ok");

        assertEquals(500, response.getStatus());
        assertEquals(UNREACHABLE, response.getContentAsString());
        assertEquals(0, authRequests.get());
        assertEquals(0, backend.requests());
    }

    @Test
    void withAKeepaliveSettingTheConnectionsOfItsOwnPoolAreVerifiedAndNamedToo() throws Exception {
        Backends.Echo backend = backends.start("app");
        startAuthService("auth-localhost");
        String url = "https://localhost:" + authService.port() + "/oauth2/auth";
        IngressServer proxy = proxy(Map.of(P + "auth-url", url, P + "auth-keepalive", "0"), backend.port());

        ContentResponse response = get(proxy, "session=ok");

        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals(List.of("localhost"), sniSeen);
    }

    @Test
    void withAKeepaliveSettingACertificateForAnotherHostIsStillRefused() throws Exception {
        Backends.Echo backend = backends.start("app");
        startAuthService("auth-other");
        String url = "https://localhost:" + authService.port() + "/oauth2/auth";
        IngressServer proxy = proxy(Map.of(P + "auth-url", url, P + "auth-keepalive-requests", "10"), backend.port());

        ContentResponse response = get(proxy, "session=ok");

        assertEquals(500, response.getStatus());
        assertEquals(UNREACHABLE, response.getContentAsString());
        assertEquals(0, authRequests.get());
        assertEquals(0, backend.requests());
    }
}
