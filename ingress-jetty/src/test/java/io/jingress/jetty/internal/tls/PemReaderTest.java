package io.jingress.jetty.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class PemReaderTest {

    @Test
    void pkcs1RsaKeyIsReadAndMatchesItsCertificate() throws Exception {
        PrivateKey key = PemReader.privateKey(Fixtures.text("pkcs1.key"));
        assertEquals("RSA", key.getAlgorithm());
        ServedCertificate.checkKeyMatches(key, Fixtures.leaf("pkcs1"));
    }

    @Test
    void pkcs8RsaKeyIsReadAndMatchesItsCertificate() throws Exception {
        PrivateKey key = PemReader.privateKey(Fixtures.text("pkcs8.key"));
        assertEquals("RSA", key.getAlgorithm());
        ServedCertificate.checkKeyMatches(key, Fixtures.leaf("pkcs8"));
    }

    @Test
    void sec1EcKeyAfterEcParametersIsReadOnItsCurve() throws Exception {
        PrivateKey key = PemReader.privateKey(Fixtures.text("ec.key"));
        assertEquals("EC", key.getAlgorithm());
        assertEquals(256, ((ECPrivateKey) key).getParams().getCurve().getField().getFieldSize());
        ServedCertificate.checkKeyMatches(key, Fixtures.leaf("ec"));
    }

    @Test
    void pkcs8EcKeyIsReadOnItsCurve() throws Exception {
        PrivateKey key = PemReader.privateKey(Fixtures.text("ec-pkcs8.key"));
        assertEquals(384, ((ECPrivateKey) key).getParams().getCurve().getField().getFieldSize());
        ServedCertificate.checkKeyMatches(key, Fixtures.leaf("ec-pkcs8"));
    }

    @Test
    void chainKeepsLeafFirstThenIssuer() throws Exception {
        List<X509Certificate> chain = PemReader.certificateChain(Fixtures.text("wildcard.crt"));
        assertEquals(2, chain.size());
        assertEquals("CN=*.wild.example.test", chain.get(0).getSubjectX500Principal().getName());
        assertEquals(chain.get(1).getSubjectX500Principal(), chain.get(0).getIssuerX500Principal());
    }

    @Test
    void encryptedPkcs8KeyIsRefusedWithAHint() {
        BadSecretException e = assertThrows(BadSecretException.class,
                () -> PemReader.privateKey(Fixtures.text("encrypted-pkcs8.key")));
        assertEquals("tls.key", e.field());
        assertTrue(e.getMessage().startsWith("encrypted private keys are not supported"), e.getMessage());
    }

    @Test
    void legacyEncryptedPkcs1KeyIsRefusedWithAHint() {
        BadSecretException e = assertThrows(BadSecretException.class,
                () -> PemReader.privateKey(Fixtures.text("encrypted-pkcs1.key")));
        assertTrue(e.getMessage().startsWith("encrypted private keys are not supported"), e.getMessage());
    }

    @Test
    void certificateInPlaceOfKeyIsNotAPrivateKey() {
        BadSecretException e = assertThrows(BadSecretException.class,
                () -> PemReader.privateKey(Fixtures.text("pkcs1.crt")));
        assertEquals("tls.key", e.field());
        assertEquals("not a PKCS#1, PKCS#8 or EC private key", e.getMessage());
    }

    @Test
    void textWithoutPemBlocksIsNotPem() {
        BadSecretException e = assertThrows(BadSecretException.class,
                () -> PemReader.certificateChain("hello"));
        assertEquals("tls.crt", e.field());
        assertEquals("not PEM (no -----BEGIN ...----- block)", e.getMessage());
    }

    @Test
    void corruptCertificateIsNamedByPosition() {
        String pem = Fixtures.text("pkcs1.crt") + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        BadSecretException e = assertThrows(BadSecretException.class, () -> PemReader.certificateChain(pem));
        assertEquals("certificate 2 is not a valid X.509 certificate", e.getMessage());
    }

    @Test
    void missingFieldsAreReportedAsMissing() {
        assertEquals("missing", assertThrows(BadSecretException.class, () -> PemReader.certificateChain(null)).getMessage());
        assertEquals("missing", assertThrows(BadSecretException.class, () -> PemReader.privateKey(" ")).getMessage());
    }

    @Test
    void keyOfAnotherCertificateDoesNotMatch() throws Exception {
        PrivateKey rsa = PemReader.privateKey(Fixtures.text("pkcs8.key"));
        BadSecretException e = assertThrows(BadSecretException.class,
                () -> ServedCertificate.checkKeyMatches(rsa, Fixtures.leaf("pkcs1")));
        assertEquals("does not match the public key of the first certificate in tls.crt", e.getMessage());

        PrivateKey ec = PemReader.privateKey(Fixtures.text("ec.key"));
        BadSecretException other = assertThrows(BadSecretException.class,
                () -> ServedCertificate.checkKeyMatches(ec, Fixtures.leaf("ec-pkcs8")));
        assertEquals("does not match the public key of the first certificate in tls.crt", other.getMessage());
        assertThrows(BadSecretException.class, () -> ServedCertificate.checkKeyMatches(ec, Fixtures.leaf("pkcs1")));
    }
}
