package io.jingress.jetty.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfSignedCertificateTest {

    @Test
    void defaultCertificateIsASelfSignedRsaServerCertificate() throws Exception {
        X509Certificate certificate = SelfSignedCertificate.createDefault().certificate();
        assertEquals("CN=Jingress Default Certificate,O=Jingress", certificate.getSubjectX500Principal().getName());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        certificate.verify(certificate.getPublicKey());
        assertEquals("RSA", certificate.getPublicKey().getAlgorithm());
        assertEquals(3, certificate.getVersion());
        assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), certificate.getExtendedKeyUsage());
        certificate.checkValidity();
        assertTrue(certificate.getKeyUsage()[0] && certificate.getKeyUsage()[2], "digitalSignature, keyEncipherment");
    }

    @Test
    void ecCertificateCarriesItsDnsNamesAndValidity() throws Exception {
        ZonedDateTime now = ZonedDateTime.of(2026, 11, 27, 12, 0, 0, 0, ZoneOffset.UTC);
        SelfSignedCertificate made = SelfSignedCertificate.create("shop.example.test",
                List.of("shop.example.test", "*.shop.example.test"), SelfSignedCertificate.ecKeyPair(), now, 30);
        X509Certificate certificate = made.certificate();
        certificate.verify(certificate.getPublicKey());
        assertEquals("EC", certificate.getPublicKey().getAlgorithm());
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        assertEquals(List.of(List.of(2, "shop.example.test"), List.of(2, "*.shop.example.test")), List.copyOf(names));
        assertEquals(Date.from(now.minusDays(1).toInstant()), certificate.getNotBefore());
        assertEquals(Date.from(now.plusDays(30).toInstant()), certificate.getNotAfter());
        assertFalse(certificate.getKeyUsage()[2], "no keyEncipherment for EC");
    }

    @Test
    void validityPast2049IsWrittenAsGeneralizedTime() throws Exception {
        ZonedDateTime now = ZonedDateTime.of(2045, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        X509Certificate certificate = SelfSignedCertificate.create("far.example.test", List.of(),
                SelfSignedCertificate.ecKeyPair(), now, 3650).certificate();
        assertEquals(Date.from(now.plusDays(3650).toInstant()), certificate.getNotAfter());
    }

    @Test
    void pemOutputReadsBackThroughThePemReader() throws Exception {
        SelfSignedCertificate made = SelfSignedCertificate.create("pem.example.test", List.of("pem.example.test"),
                SelfSignedCertificate.ecKeyPair(), ZonedDateTime.now(), 1);
        X509Certificate read = PemReader.certificateChain(made.certificatePem()).get(0);
        assertEquals(made.certificate(), read);
        ServedCertificate.checkKeyMatches(PemReader.privateKey(made.privateKeyPem()), read);
    }

    @Test
    void oidsRoundTripThroughDer() {
        for (String oid : List.of("1.2.840.113549.1.1.1", "1.2.840.10045.3.1.7", "2.5.29.17", "1.3.132.0.34")) {
            Der.Element element = Der.read(Der.oid(oid));
            assertEquals(Der.OID, element.tag());
            assertEquals(oid, Der.decodeOid(element.content()));
        }
    }
}
