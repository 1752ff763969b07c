package io.jingress.jetty.internal.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;
import io.jingress.jetty.testing.TlsTestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real Jetty HTTPS server on loopback, real JDK TLS clients setting SNI, reading what was served. */
class TlsCertificatesTest {
    private static TlsCertificates certificates;
    private static TlsTestServer server;

    @BeforeAll
    static void start() throws Exception {
        certificates = TlsCertificates.create();
        server = new TlsTestServer(certificates.sslContextFactory());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void serveNothingButTheDefault() {
        certificates.update(Map.of());
    }

    @Test
    void anExpiredCertificateIsServedAndReportedOnce() throws Exception {
        X509Certificate leaf = Fixtures.leaf("pkcs1");
        Clock afterExpiry = Clock.fixed(leaf.getNotAfter().toInstant().plusSeconds(60), ZoneOffset.UTC);
        TlsCertificates expiring = TlsCertificates.create(afterExpiry);

        List<String> problems = texts(expiring.update(Map.of(
                "pkcs1.example.test", Fixtures.secret("shop", "pkcs1-tls", "pkcs1"),
                "other.example.test", Fixtures.secret("shop", "pkcs1-tls", "pkcs1"))));

        assertEquals(List.of("Secret shop/pkcs1-tls: tls.crt: the certificate expired on " + leaf.getNotAfter().toInstant()
                + "; it is served, and clients refuse it"), problems);
        assertEquals(List.of("other.example.test", "pkcs1.example.test"), expiring.hosts());
        assertEquals(List.of(), texts(certificates.update(Map.of(
                "pkcs1.example.test", Fixtures.secret("shop", "pkcs1-tls", "pkcs1")))), "not expired by the system clock");
    }

    @Test
    void anExpiredDefaultCertificateIsServedAndReportedAsAHostsIs() throws Exception {
        X509Certificate leaf = Fixtures.leaf("pkcs1");
        Clock afterExpiry = Clock.fixed(leaf.getNotAfter().toInstant().plusSeconds(60), ZoneOffset.UTC);
        TlsCertificates expiring = TlsCertificates.create(afterExpiry);

        List<String> problems = texts(expiring.update(Map.of(), Fixtures.secret("shop", "pkcs1-tls", "pkcs1")));

        assertEquals(List.of("Secret shop/pkcs1-tls: tls.crt: the certificate expired on " + leaf.getNotAfter().toInstant()
                + "; it is served, and clients refuse it"), problems);
        assertEquals(leaf, expiring.defaultCertificate());
    }

    @Test
    void eachSniNameGetsTheCertificateOfItsSecret() throws Exception {
        List<String> problems = texts(certificates.update(Map.of(
                "pkcs1.example.test", Fixtures.secret("shop", "pkcs1-tls", "pkcs1"),
                "pkcs8.example.test", Fixtures.secret("shop", "pkcs8-tls", "pkcs8"),
                "ec.example.test", Fixtures.secret("blog", "ec-tls", "ec"),
                "ec8.example.test", Fixtures.secret("blog", "ec8-tls", "ec-pkcs8"))));

        assertEquals(List.of(), problems);
        for (String fixture : List.of("pkcs1", "pkcs8", "ec", "ec-pkcs8")) {
            X509Certificate expected = Fixtures.leaf(fixture);
            String host = fixture.equals("ec-pkcs8") ? "ec8.example.test" : fixture + ".example.test";
            TlsTestServer.Exchange exchange = server.get(host, host);
            assertEquals(expected, exchange.certificate(), host);
            assertEquals("HTTP/1.1 200 OK", exchange.statusLine(), host);
        }
    }

    @Test
    void sniNameIsMatchedCaseInsensitively() throws Exception {
        certificates.update(Map.of("pkcs8.example.test", Fixtures.secret("shop", "pkcs8-tls", "pkcs8")));

        assertEquals(Fixtures.leaf("pkcs8"), server.certificateFor("PKCS8.Example.Test"));
    }

    @Test
    void wildcardCoversExactlyOneMoreLabel() throws Exception {
        certificates.update(Map.of("*.wild.example.test", Fixtures.secret("shop", "wild-tls", "wildcard")));

        assertEquals(Fixtures.leaf("wildcard"), server.certificateFor("a.wild.example.test"));
        assertEquals(certificates.defaultCertificate(), server.certificateFor("b.a.wild.example.test"));
        assertEquals(certificates.defaultCertificate(), server.certificateFor("wild.example.test"));
    }

    @Test
    void wildcardSecretServesItsWholeChain() throws Exception {
        certificates.update(Map.of("*.wild.example.test", Fixtures.secret("shop", "wild-tls", "wildcard")));

        try (SSLSocket socket = server.open("a.wild.example.test", List.of())) {
            assertEquals(2, socket.getSession().getPeerCertificates().length);
        }
    }

    @Test
    void exactHostBeatsWildcard() throws Exception {
        SelfSignedCertificate exact = generated("api.wild.example.test");
        certificates.update(Map.of(
                "*.wild.example.test", Fixtures.secret("shop", "wild-tls", "wildcard"),
                "api.wild.example.test", Fixtures.secret("shop", "api-tls", exact)));

        assertEquals(exact.certificate(), server.certificateFor("api.wild.example.test"));
        assertEquals(Fixtures.leaf("wildcard"), server.certificateFor("www.wild.example.test"));
    }

    @Test
    void unknownNameGetsTheDefaultCertificateAndIsServed() throws Exception {
        certificates.update(Map.of("pkcs8.example.test", Fixtures.secret("shop", "pkcs8-tls", "pkcs8")));

        TlsTestServer.Exchange exchange = server.get("unknown.example.test", "unknown.example.test");

        assertEquals(certificates.defaultCertificate(), exchange.certificate());
        assertEquals("CN=Jingress Default Certificate,O=Jingress",
                exchange.certificate().getSubjectX500Principal().getName());
        assertEquals("HTTP/1.1 200 OK", exchange.statusLine());
    }

    @Test
    void clientWithoutSniGetsTheDefaultCertificateAndIsServed() throws Exception {
        certificates.update(Map.of("pkcs8.example.test", Fixtures.secret("shop", "pkcs8-tls", "pkcs8")));

        TlsTestServer.Exchange exchange = server.get(null, "pkcs8.example.test");

        assertEquals(certificates.defaultCertificate(), exchange.certificate());
        assertEquals("HTTP/1.1 200 OK", exchange.statusLine());
    }

    @Test
    void aDefaultCertificateSecretIsServedToUnknownNamesAndClientsWithoutSni() throws Exception {
        certificates.update(Map.of("pkcs8.example.test", Fixtures.secret("shop", "pkcs8-tls", "pkcs8")),
                Fixtures.secret("ingress", "wildcard-tls", "wildcard"));

        assertEquals(Fixtures.leaf("wildcard"), server.certificateFor("unknown.example.test"));
        assertEquals(Fixtures.leaf("wildcard"), server.get(null, "pkcs8.example.test").certificate());
        assertEquals(Fixtures.leaf("wildcard"), certificates.defaultCertificate());
        assertEquals(Fixtures.leaf("pkcs8"), server.certificateFor("pkcs8.example.test"), "a host's own certificate wins");

        certificates.update(Map.of());

        assertEquals("CN=Jingress Default Certificate,O=Jingress",
                server.certificateFor("unknown.example.test").getSubjectX500Principal().getName(),
                "without a default Secret, the self-signed certificate again");
    }

    @Test
    void aDefaultCertificateSecretThatBreaksIsReportedAndTheOneServedBeforeStays() throws Exception {
        certificates.update(Map.of(), Fixtures.secret("ingress", "default-tls", "pkcs1"));
        TlsSecret broken = new TlsSecret("ingress", "default-tls", Fixtures.text("pkcs1.crt"), Fixtures.text("pkcs8.key"));

        List<String> problems = texts(certificates.update(Map.of(), broken));

        assertEquals(List.of("Secret ingress/default-tls: tls.key: does not match the public key of the first certificate"
                + " in tls.crt (still serving its previous certificate)"), problems);
        assertEquals(Fixtures.leaf("pkcs1"), server.certificateFor("unknown.example.test"));

        List<String> another = texts(certificates.update(Map.of(),
                new TlsSecret("ingress", "other-tls", Fixtures.text("pkcs1.crt"), Fixtures.text("pkcs8.key"))));

        assertEquals(List.of("Secret ingress/other-tls: tls.key: does not match the public key of the first certificate"
                + " in tls.crt"), another);
        assertEquals("CN=Jingress Default Certificate,O=Jingress",
                server.certificateFor("unknown.example.test").getSubjectX500Principal().getName(),
                "another Secret that cannot be served gives the self-signed certificate");
    }

    @Test
    void requestWhoseHostDiffersFromItsSniIsServed() throws Exception {
        certificates.update(Map.of("pkcs8.example.test", Fixtures.secret("shop", "pkcs8-tls", "pkcs8")));

        TlsTestServer.Exchange exchange = server.get("pkcs8.example.test", "other.example.test");

        assertEquals(Fixtures.leaf("pkcs8"), exchange.certificate());
        assertEquals("HTTP/1.1 200 OK", exchange.statusLine());
    }

    @Test
    void alpnNegotiatesH2AndHttp11() throws Exception {
        certificates.update(Map.of("pkcs8.example.test", Fixtures.secret("shop", "pkcs8-tls", "pkcs8")));

        try (SSLSocket h2 = server.open("pkcs8.example.test", List.of("h2", "http/1.1"))) {
            assertEquals("h2", h2.getApplicationProtocol());
        }
        try (SSLSocket http11 = server.open("pkcs8.example.test", List.of("http/1.1"))) {
            assertEquals("http/1.1", http11.getApplicationProtocol());
        }
        try (SSLSocket unknown = server.open("unknown.example.test", List.of("h2"))) {
            assertEquals("h2", unknown.getApplicationProtocol(), "default certificate with h2");
        }
    }

    @Test
    void h2IsNegotiatedOverTls12WithRsaAndEcCertificates() throws Exception {
        certificates.update(Map.of(
                "pkcs1.example.test", Fixtures.secret("shop", "pkcs1-tls", "pkcs1"),
                "ec.example.test", Fixtures.secret("blog", "ec-tls", "ec")));

        for (String host : List.of("pkcs1.example.test", "ec.example.test")) {
            try (SSLSocket socket = server.open(host, List.of("h2", "http/1.1"), "TLSv1.2")) {
                assertEquals("TLSv1.2", socket.getSession().getProtocol(), host);
                assertEquals("h2", socket.getApplicationProtocol(), host);
                assertEquals(Fixtures.leaf(host.substring(0, host.indexOf('.'))), TlsTestServer.leaf(socket), host);
            }
        }
    }

    @Test
    void tls12OffersOnlyForwardSecretAeadSuitesAndTls13AllOfItsOwn() throws Exception {
        certificates.update(Map.of(
                "pkcs1.example.test", Fixtures.secret("shop", "pkcs1-tls", "pkcs1"),
                "ec.example.test", Fixtures.secret("blog", "ec-tls", "ec")));

        for (String suite : List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")) {
            assertEquals(suite, negotiated("pkcs1.example.test", "TLSv1.2", suite));
        }
        for (String suite : List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")) {
            assertEquals(suite, negotiated("ec.example.test", "TLSv1.2", suite));
        }
        for (String suite : List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")) {
            assertEquals(suite, negotiated("pkcs1.example.test", "TLSv1.3", suite));
        }
        for (String suite : List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256")) {
            assertThrows(SSLHandshakeException.class, () -> negotiated("pkcs1.example.test", "TLSv1.2", suite), suite);
        }
        assertThrows(SSLHandshakeException.class,
                () -> negotiated("ec.example.test", "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"));
        // a client that prefers a CBC suite but offers a GCM one too is served, with the GCM one
        assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", negotiated("pkcs1.example.test", "TLSv1.2",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        // TLS 1.0 and 1.1 are off by the server's own list, not only by the JDK's java.security
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, certificates.sslContextFactory().getIncludeProtocols());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, certificates.sslContextFactory().getSelectedProtocols());
    }

    @Test
    void certificateSwappedLiveIsSeenByNewConnectionsWhileOpenOnesKeepWorking() throws Exception {
        SelfSignedCertificate first = generated("live.example.test");
        SelfSignedCertificate second = generated("live.example.test");
        certificates.update(Map.of("live.example.test", Fixtures.secret("shop", "live-tls", first)));

        try (SSLSocket open = server.open("live.example.test", List.of("http/1.1"))) {
            assertEquals(first.certificate(), TlsTestServer.leaf(open));

            certificates.update(Map.of("live.example.test", Fixtures.secret("shop", "live-tls", second)));

            assertEquals(second.certificate(), server.certificateFor("live.example.test"));
            assertEquals("HTTP/1.1 200 OK", request(open, "live.example.test"));
            assertEquals(first.certificate(), TlsTestServer.leaf(open));
        }
    }

    @Test
    void removedHostFallsBackToTheDefaultCertificate() throws Exception {
        certificates.update(Map.of("pkcs1.example.test", Fixtures.secret("shop", "pkcs1-tls", "pkcs1")));
        assertEquals(Fixtures.leaf("pkcs1"), server.certificateFor("pkcs1.example.test"));

        certificates.update(Map.of());

        assertEquals(certificates.defaultCertificate(), server.certificateFor("pkcs1.example.test"));
    }

    @Test
    void brokenSecretIsReportedByNameAndFieldWhileTheOthersServe() throws Exception {
        TlsSecret broken = new TlsSecret("default", "tls", Fixtures.text("pkcs8.crt"), Fixtures.text("pkcs8.crt"));

        List<String> problems = texts(certificates.update(Map.of(
                "broken.example.test", broken,
                "pkcs1.example.test", Fixtures.secret("shop", "pkcs1-tls", "pkcs1"))));

        assertEquals(List.of("Secret default/tls: tls.key: not a PKCS#1, PKCS#8 or EC private key"), problems);
        assertEquals(Fixtures.leaf("pkcs1"), server.certificateFor("pkcs1.example.test"));
        assertEquals(certificates.defaultCertificate(), server.certificateFor("broken.example.test"));
    }

    @Test
    void secretsWithAnEncryptedKeyOrAMismatchedKeyAreRefusedOneLineEach() {
        List<String> problems = texts(certificates.update(Map.of(
                "a.example.test", new TlsSecret("shop", "encrypted", Fixtures.text("pkcs8.crt"), Fixtures.text("encrypted-pkcs8.key")),
                "b.example.test", new TlsSecret("shop", "mismatch", Fixtures.text("pkcs1.crt"), Fixtures.text("pkcs8.key")),
                "c.example.test", new TlsSecret("shop", "empty", null, null))));

        assertEquals(List.of(
                "Secret shop/empty: tls.crt: missing",
                "Secret shop/encrypted: tls.key: encrypted private keys are not supported; store it decrypted"
                        + " (openssl pkey -in key.pem -out plain.pem)",
                "Secret shop/mismatch: tls.key: does not match the public key of the first certificate in tls.crt"),
                problems);
    }

    @Test
    void secretThatBreaksKeepsServingItsPreviousCertificate() throws Exception {
        certificates.update(Map.of("pkcs1.example.test", Fixtures.secret("shop", "pkcs1-tls", "pkcs1")));

        List<String> problems = texts(certificates.update(Map.of("pkcs1.example.test",
                new TlsSecret("shop", "pkcs1-tls", Fixtures.text("pkcs1.crt"), "garbage"))));

        assertEquals(List.of("Secret shop/pkcs1-tls: tls.key: not PEM (no -----BEGIN ...----- block)"
                + " (still serving its previous certificate)"), problems);
        assertEquals(Fixtures.leaf("pkcs1"), server.certificateFor("pkcs1.example.test"));
    }

    @Test
    void oneSecretServesEveryHostThatNamesIt() throws Exception {
        TlsSecret shared = Fixtures.secret("shop", "shared", "pkcs8");
        certificates.update(Map.of("one.example.test", shared, "two.example.test", shared));

        assertEquals(Fixtures.leaf("pkcs8"), server.certificateFor("one.example.test"));
        assertEquals(Fixtures.leaf("pkcs8"), server.certificateFor("two.example.test"));
        assertEquals(List.of("one.example.test", "two.example.test"), certificates.hosts());
    }

    @Test
    void aTlsPolicyChoosesTheProtocolsAndTls12SuitesOfNewConnectionsAndNullGivesTheServersOwnBack() throws Exception {
        certificates.update(Map.of("pkcs1.example.test", Fixtures.secret("shop", "pkcs1-tls", "pkcs1")));
        try {
            certificates.tlsPolicy(List.of("TLSv1.3"), null);
            assertEquals("TLS_AES_256_GCM_SHA384", negotiated("pkcs1.example.test", "TLSv1.3", "TLS_AES_256_GCM_SHA384"));
            assertThrows(SSLHandshakeException.class,
                    () -> negotiated("pkcs1.example.test", "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));

            certificates.tlsPolicy(null, List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"));
            assertEquals("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                    negotiated("pkcs1.example.test", "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"));
            assertThrows(SSLHandshakeException.class,
                    () -> negotiated("pkcs1.example.test", "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
            assertEquals("TLS_CHACHA20_POLY1305_SHA256",
                    negotiated("pkcs1.example.test", "TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256"), "TLS 1.3's are kept");

            certificates.tlsPolicy(null, null);
            assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    negotiated("pkcs1.example.test", "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
            assertThrows(SSLHandshakeException.class,
                    () -> negotiated("pkcs1.example.test", "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"));
        } finally {
            certificates.tlsPolicy(null, null);
        }
    }

    /** The suite a fresh TLS connection agrees on when the client offers only {@code protocol} and {@code suites}. */
    private static String negotiated(String sni, String protocol, String... suites) throws Exception {
        try (SSLSocket socket = (SSLSocket) TlsTestServer.trustAll().getSocketFactory().createSocket("127.0.0.1", server.port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(sni)));
            parameters.setProtocols(new String[] {protocol});
            parameters.setCipherSuites(suites);
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            assertEquals(protocol, socket.getSession().getProtocol());
            return socket.getSession().getCipherSuite();
        }
    }

    private static SelfSignedCertificate generated(String host) {
        return SelfSignedCertificate.create(host, List.of(host), SelfSignedCertificate.ecKeyPair(), ZonedDateTime.now(), 1);
    }

    /** One more request on an open keep-alive connection; returns its status line. */
    private static String request(SSLSocket socket, String host) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        return in.readLine();
    }

    private static List<String> texts(List<Problem> problems) {
        return problems.stream().map(Problem::toString).toList();
    }
}
