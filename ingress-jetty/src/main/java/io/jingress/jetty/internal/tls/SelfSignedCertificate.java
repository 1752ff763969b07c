package io.jingress.jetty.internal.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Makes a self-signed X.509 v3 server certificate with hand-written DER and a JDK {@link Signature}:
 * no BouncyCastle, no {@code sun.security.x509}. Used for the default certificate served to names
 * without one of their own (ingress-nginx's "fake certificate"), and by tests.
 */
final class SelfSignedCertificate {
    static final String DEFAULT_COMMON_NAME = "Jingress Default Certificate";

    private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String ORGANIZATION = "2.5.4.10";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String EXT_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private SelfSignedCertificate(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /** The default certificate: RSA 2048, which every TLS client can use. */
    static SelfSignedCertificate createDefault() {
        return create(DEFAULT_COMMON_NAME, List.of(), rsaKeyPair(), ZonedDateTime.now(), 3650);
    }

    static KeyPair rsaKeyPair() {
        return keyPair("RSA", 2048);
    }

    static KeyPair ecKeyPair() {
        return keyPair("EC", 256);
    }

    private static KeyPair keyPair(String algorithm, int size) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(size);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key pair", e);
        }
    }

    /**
     * A certificate for {@code commonName} and the {@code dnsNames} (subjectAltName), valid from a
     * day before {@code now} for {@code days} days, signed with its own RSA or EC key.
     */
    static SelfSignedCertificate create(String commonName, List<String> dnsNames, KeyPair keyPair,
            ZonedDateTime now, int days) {
        Objects.requireNonNull(commonName, "commonName");
        Objects.requireNonNull(dnsNames, "dnsNames");
        Objects.requireNonNull(keyPair, "keyPair");
        boolean rsa = keyPair.getPrivate().getAlgorithm().equals("RSA");
        String signatureOid = rsa ? SHA256_WITH_RSA : ECDSA_WITH_SHA256;
        // RFC 4055: NULL parameters for RSA; RFC 5758: none for ECDSA
        byte[] signatureAlgorithm = rsa
                ? Der.sequence(Der.oid(signatureOid), Der.nullValue())
                : Der.sequence(Der.oid(signatureOid));
        byte[] name = Der.sequence(
                Der.set(Der.sequence(Der.oid(ORGANIZATION), Der.utf8String("Jingress"))),
                Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
        BigInteger serial = new BigInteger(127, new SecureRandom()).setBit(126);

        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(2)),
                Der.integer(serial),
                signatureAlgorithm,
                name,
                Der.sequence(Der.time(now.minusDays(1)), Der.time(now.plusDays(days))),
                name,
                keyPair.getPublic().getEncoded(),
                Der.explicit(3, extensions(rsa, dnsNames)));
        try {
            Signature signer = Signature.getInstance(rsa ? "SHA256withRSA" : "SHA256withECDSA");
            signer.initSign(keyPair.getPrivate());
            signer.update(tbs);
            byte[] der = Der.sequence(tbs, signatureAlgorithm, Der.bitString(signer.sign(), 0));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            certificate.verify(keyPair.getPublic());
            return new SelfSignedCertificate(keyPair, certificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a self-signed certificate for " + commonName, e);
        }
    }

    private static byte[] extensions(boolean rsa, List<String> dnsNames) {
        // digitalSignature, plus keyEncipherment for RSA (RFC 5280 4.2.1.3: bit 0 is the high bit)
        byte[] keyUsage = rsa ? Der.bitString(new byte[] {(byte) 0xa0}, 5) : Der.bitString(new byte[] {(byte) 0x80}, 7);
        byte[] all = Der.concat(
                extension(BASIC_CONSTRAINTS, true, Der.sequence()),
                extension(KEY_USAGE, true, keyUsage),
                extension(EXT_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH))));
        if (!dnsNames.isEmpty()) {
            byte[][] names = new byte[dnsNames.size()][];
            for (int i = 0; i < names.length; i++) {
                names[i] = Der.implicitPrimitive(2, dnsNames.get(i).getBytes(StandardCharsets.US_ASCII));
            }
            all = Der.concat(all, extension(SUBJECT_ALT_NAME, false, Der.sequence(names)));
        }
        return Der.tlv(Der.SEQUENCE, all);
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.tlv(0x01, new byte[] {(byte) 0xff}), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    KeyPair keyPair() {
        return keyPair;
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** {@code tls.crt} of this certificate. */
    String certificatePem() {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code tls.key} of this certificate, PKCS#8. */
    String privateKeyPem() {
        return pem("PRIVATE KEY", keyPair.getPrivate().getEncoded());
    }

    static String pem(String label, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
    }
}
