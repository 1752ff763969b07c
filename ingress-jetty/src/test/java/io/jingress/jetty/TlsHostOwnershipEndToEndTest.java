package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLSocket;

import io.jingress.core.model.TlsSecret;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Another namespace's Ingress that lists, in its {@code spec.tls}, a host it has no rule for
 * takes neither that host's HTTPS redirect nor the certificate served for it.
 */
class TlsHostOwnershipEndToEndTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private static String resource(String name) throws IOException {
        try (InputStream in = TlsHostOwnershipEndToEndTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static X509Certificate certificate(TlsSecret secret) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(secret.certificateChainPem().getBytes(StandardCharsets.US_ASCII)));
    }

    private static X509Certificate servedFor(int port, String sni) throws Exception {
        try (SSLSocket socket = TlsTestServer.connect(port, sni, List.of("http/1.1"))) {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static String get(String host) {
        return "GET /hello HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void anAttackersTlsListingOfTheVictimsHostNeitherRedirectsItNorServesTheAttackersCertificate() throws Exception {
        Backends.Echo victim = backends.start("victim");
        Backends.Echo evil = backends.start("evil");
        // a certificate valid for the victim's host (*.wild.example.test), in the attacker's namespace
        TlsSecret mine = new TlsSecret("attacker", "mine", resource("wildcard.crt"), resource("wildcard.key"));
        TestRoutes routes = TestRoutes.create()
                .routeListingTlsHosts("attacker", "evil.example.test", "/", "evil", mine,
                        List.of("plain.wild.example.test"), evil.port())
                .route("plain.wild.example.test", "/", "victim", victim.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));

        X509Certificate served = servedFor(proxy.httpsPort(), "plain.wild.example.test");
        String plain = RawHttp.exchange(proxy.httpPort(), get("plain.wild.example.test"));

        assertNotEquals(certificate(mine), served, "the attacker's certificate is not served for the victim's host");
        assertEquals(200, RawHttp.status(plain), plain);
        assertEquals(1, victim.requests());
        assertEquals(0, evil.requests());
    }
}
