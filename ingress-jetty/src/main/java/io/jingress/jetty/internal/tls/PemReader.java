package io.jingress.jetty.internal.tls;

import static io.jingress.jetty.internal.tls.BadSecretException.CERT_FIELD;
import static io.jingress.jetty.internal.tls.BadSecretException.KEY_FIELD;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM of a {@code kubernetes.io/tls} Secret with the JDK alone: a certificate chain, and a
 * private key as PKCS#1 ({@code RSA PRIVATE KEY}), PKCS#8 ({@code PRIVATE KEY}, RSA or EC) or SEC1
 * ({@code EC PRIVATE KEY}). PKCS#1 and SEC1 keys are wrapped into PKCS#8 by hand, which is the only
 * encoding the JDK's {@link KeyFactory} reads.
 */
final class PemReader {
    static final String RSA_OID = "1.2.840.113549.1.1.1";
    static final String EC_OID = "1.2.840.10045.2.1";

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String KEY_KINDS = "not a PKCS#1, PKCS#8 or EC private key";

    private PemReader() {
    }

    /** The certificates of {@code pem} in their order (leaf first, as Kubernetes expects). */
    static List<X509Certificate> certificateChain(String pem) throws BadSecretException {
        if (pem == null || pem.isBlank()) {
            throw new BadSecretException(CERT_FIELD, "missing");
        }
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Block block : blocks(pem, CERT_FIELD)) {
            if (!block.label().equals("CERTIFICATE")) {
                continue;
            }
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException | RuntimeException e) {
                throw new BadSecretException(CERT_FIELD,
                        "certificate " + (chain.size() + 1) + " is not a valid X.509 certificate", e);
            }
        }
        if (chain.isEmpty()) {
            throw new BadSecretException(CERT_FIELD, "no PEM CERTIFICATE block");
        }
        return List.copyOf(chain);
    }

    /** The first private key of {@code pem}. */
    static PrivateKey privateKey(String pem) throws BadSecretException {
        if (pem == null || pem.isBlank()) {
            throw new BadSecretException(KEY_FIELD, "missing");
        }
        for (Block block : blocks(pem, KEY_FIELD)) {
            switch (block.label()) {
                case "ENCRYPTED PRIVATE KEY":
                    throw encrypted();
                case "RSA PRIVATE KEY":
                    refuseLegacyEncryption(block);
                    return pkcs8(wrapPkcs1(block.der()));
                case "EC PRIVATE KEY":
                    refuseLegacyEncryption(block);
                    return pkcs8(wrapSec1(block.der()));
                case "PRIVATE KEY":
                    return pkcs8(block.der());
                default:
                    // e.g. "EC PARAMETERS" ahead of the key, as openssl ecparam -genkey writes it
            }
        }
        throw new BadSecretException(KEY_FIELD, KEY_KINDS);
    }

    private static BadSecretException encrypted() {
        return new BadSecretException(KEY_FIELD,
                "encrypted private keys are not supported; store it decrypted (openssl pkey -in key.pem -out plain.pem)");
    }

    private static void refuseLegacyEncryption(Block block) throws BadSecretException {
        if (block.headers().contains("ENCRYPTED")) {
            throw encrypted();
        }
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey (RFC 5208, RFC 8017 A.1.2). */
    static byte[] wrapPkcs1(byte[] pkcs1) {
        return Der.sequence(
                Der.integer(0),
                Der.sequence(Der.oid(RSA_OID), Der.nullValue()),
                Der.octetString(pkcs1));
    }

    /**
     * PKCS#8 PrivateKeyInfo around a SEC1 ECPrivateKey (RFC 5915): the curve moves from the key's
     * optional [0] parameters into the AlgorithmIdentifier, where PKCS#8 wants it.
     */
    static byte[] wrapSec1(byte[] sec1) throws BadSecretException {
        String curveOid = null;
        try {
            Der.Element key = Der.read(sec1);
            if (key.tag() != Der.SEQUENCE) {
                throw new BadSecretException(KEY_FIELD, "EC PRIVATE KEY is not a DER SEQUENCE");
            }
            for (Der.Element child : key.children()) {
                if (child.tag() == 0xa0) {
                    Der.Element parameters = Der.read(child.content());
                    if (parameters.tag() == Der.OID) {
                        curveOid = Der.decodeOid(parameters.content());
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new BadSecretException(KEY_FIELD, "EC PRIVATE KEY is not valid DER: " + e.getMessage(), e);
        }
        if (curveOid == null) {
            throw new BadSecretException(KEY_FIELD, "EC PRIVATE KEY does not name its curve");
        }
        return Der.sequence(
                Der.integer(0),
                Der.sequence(Der.oid(EC_OID), Der.oid(curveOid)),
                Der.octetString(sec1));
    }

    private static PrivateKey pkcs8(byte[] der) throws BadSecretException {
        String algorithmOid;
        try {
            List<Der.Element> info = Der.read(der).children();
            algorithmOid = Der.decodeOid(info.get(1).children().get(0).content());
        } catch (RuntimeException e) {
            throw new BadSecretException(KEY_FIELD, KEY_KINDS, e);
        }
        String algorithm;
        if (algorithmOid.equals(RSA_OID)) {
            algorithm = "RSA";
        } else if (algorithmOid.equals(EC_OID)) {
            algorithm = "EC";
        } else {
            throw new BadSecretException(KEY_FIELD, "unsupported key algorithm " + algorithmOid + "; use RSA or EC");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new BadSecretException(KEY_FIELD, "invalid " + algorithm + " private key", e);
        }
    }

    private record Block(String label, String headers, byte[] der) {
    }

    private static List<Block> blocks(String pem, String field) throws BadSecretException {
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(pem);
        while (matcher.find()) {
            String body = matcher.group(2);
            // RFC 1421 headers (Proc-Type, DEK-Info) end at the first blank line
            String headers = "";
            int colon = body.indexOf(':');
            if (colon >= 0) {
                int blank = body.indexOf("\n\n");
                if (blank < 0) {
                    blank = body.indexOf("\r\n\r\n");
                }
                if (blank > colon) {
                    headers = body.substring(0, blank);
                    body = body.substring(blank);
                } else {
                    headers = body;
                    body = "";
                }
            }
            try {
                blocks.add(new Block(matcher.group(1), headers, Base64.getMimeDecoder().decode(body)));
            } catch (IllegalArgumentException e) {
                throw new BadSecretException(field, matcher.group(1) + " block is not valid base64", e);
            }
        }
        if (blocks.isEmpty()) {
            throw new BadSecretException(field, "not PEM (no -----BEGIN ...----- block)");
        }
        return blocks;
    }
}
