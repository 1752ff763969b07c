package io.jingress.jetty.internal.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.ZonedDateTime;

/**
 * Certificate authorities and the certificates they issue, for tests of client certificates: EC
 * P-256 keys, hand-written DER ({@link Der}), no keytool.
 */
public final class TestCertificates {
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String ORGANIZATION = "2.5.4.10";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String EXT_KEY_USAGE = "2.5.29.37";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private TestCertificates() {
    }

    /** A key pair and its certificate. */
    public record Issued(KeyPair keyPair, X509Certificate certificate, byte[] name) {
        public PrivateKey privateKey() {
            return keyPair.getPrivate();
        }

        /** The certificate as PEM, as a Secret's {@code ca.crt} holds it. */
        public String pem() {
            try {
                return SelfSignedCertificate.pem("CERTIFICATE", certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A self-signed CA named {@code O=Jingress, CN=commonName}. */
    public static Issued ca(String commonName) {
        KeyPair keys = SelfSignedCertificate.ecKeyPair();
        byte[] name = name(commonName);
        return new Issued(keys, sign(name, name, keys, keys.getPrivate(), true, ZonedDateTime.now(), 30), name);
    }

    /** A client certificate for {@code commonName} issued by {@code issuer}, valid from a day before {@code from} for {@code days} days. */
    public static Issued client(Issued issuer, String commonName, ZonedDateTime from, int days) {
        KeyPair keys = SelfSignedCertificate.ecKeyPair();
        byte[] name = name(commonName);
        return new Issued(keys, sign(name, issuer.name(), keys, issuer.privateKey(), false, from, days), name);
    }

    /** A client certificate for {@code commonName}, valid now, issued by {@code issuer}. */
    public static Issued client(Issued issuer, String commonName) {
        return client(issuer, commonName, ZonedDateTime.now(), 30);
    }

    /** An intermediate CA issued by {@code issuer}. */
    public static Issued intermediate(Issued issuer, String commonName) {
        KeyPair keys = SelfSignedCertificate.ecKeyPair();
        byte[] name = name(commonName);
        return new Issued(keys, sign(name, issuer.name(), keys, issuer.privateKey(), true, ZonedDateTime.now(), 30), name);
    }

    /**
     * A PEM X.509 v2 CRL of {@code issuer}, issued two days ago, next updated at {@code nextUpdate},
     * listing {@code revoked}.
     */
    public static String crl(Issued issuer, ZonedDateTime nextUpdate, X509Certificate... revoked) {
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        ZonedDateTime now = ZonedDateTime.now();
        byte[][] entries = new byte[revoked.length][];
        for (int i = 0; i < revoked.length; i++) {
            entries[i] = Der.sequence(Der.integer(revoked[i].getSerialNumber()), Der.time(now.minusMinutes(1)));
        }
        byte[] tbs = revoked.length == 0
                ? Der.sequence(Der.integer(1), algorithm, issuer.name(), Der.time(now.minusDays(2)), Der.time(nextUpdate))
                : Der.sequence(Der.integer(1), algorithm, issuer.name(), Der.time(now.minusDays(2)), Der.time(nextUpdate),
                        Der.sequence(entries));
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(issuer.privateKey());
            signer.update(tbs);
            byte[] der = Der.sequence(tbs, algorithm, Der.bitString(signer.sign(), 0));
            return "-----BEGIN X509 CRL-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                    + "\n-----END X509 CRL-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] name(String commonName) {
        return Der.sequence(
                Der.set(Der.sequence(Der.oid(ORGANIZATION), Der.utf8String("Jingress"))),
                Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
    }

    private static X509Certificate sign(byte[] subject, byte[] issuer, KeyPair subjectKeys, PrivateKey issuerKey,
            boolean ca, ZonedDateTime from, int days) {
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        byte[] extensions = ca
                ? Der.concat(extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.tlv(0x01, new byte[] {(byte) 0xff}))),
                        extension(KEY_USAGE, true, Der.bitString(new byte[] {(byte) 0x06}, 1)))  // keyCertSign, cRLSign
                : Der.concat(extension(BASIC_CONSTRAINTS, true, Der.sequence()),
                        extension(KEY_USAGE, true, Der.bitString(new byte[] {(byte) 0x80}, 7)),
                        extension(EXT_KEY_USAGE, false, Der.sequence(Der.oid(CLIENT_AUTH))));
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(2)),
                Der.integer(new BigInteger(127, new SecureRandom()).setBit(126)),
                algorithm,
                issuer,
                Der.sequence(Der.time(from.minusDays(1)), Der.time(from.plusDays(days))),
                subject,
                subjectKeys.getPublic().getEncoded(),
                Der.explicit(3, Der.tlv(Der.SEQUENCE, extensions)));
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(issuerKey);
            signer.update(tbs);
            byte[] der = Der.sequence(tbs, algorithm, Der.bitString(signer.sign(), 0));
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.tlv(0x01, new byte[] {(byte) 0xff}), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }
}
