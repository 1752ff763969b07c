package io.jingress.jetty.internal.tls;

import static io.jingress.jetty.internal.tls.BadSecretException.KEY_FIELD;

import io.jingress.core.model.TlsSecret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;

/**
 * A certificate chain and its private key, ready to serve under a key-manager alias. Immutable; the
 * PEM it came from is kept to tell an unchanged Secret from a changed one without parsing it again.
 */
record ServedCertificate(String alias, String source, PrivateKey privateKey, X509Certificate[] chain,
        String certificatePem, String privateKeyPem) {

    /** The JCA key algorithm, as the JDK's TLS stack passes it to a key manager: "RSA" or "EC". */
    String keyType() {
        return privateKey.getAlgorithm();
    }

    boolean sameSource(TlsSecret secret) {
        return source.equals(secret.key())
                && certificatePem.equals(secret.certificateChainPem())
                && privateKeyPem.equals(secret.privateKeyPem());
    }

    @Override
    public String toString() {
        // never print key material
        return "ServedCertificate[" + alias + " " + chain[0].getSubjectX500Principal().getName() + "]";
    }

    static ServedCertificate load(TlsSecret secret, String alias) throws BadSecretException {
        List<X509Certificate> chain = PemReader.certificateChain(secret.certificateChainPem());
        PrivateKey key = PemReader.privateKey(secret.privateKeyPem());
        checkKeyMatches(key, chain.get(0));
        return new ServedCertificate(alias, secret.key(), key, chain.toArray(new X509Certificate[0]),
                secret.certificateChainPem(), secret.privateKeyPem());
    }

    static ServedCertificate of(String alias, SelfSignedCertificate certificate) {
        return new ServedCertificate(alias, alias, certificate.keyPair().getPrivate(),
                new X509Certificate[] {certificate.certificate()}, "", "");
    }

    /** The key must be the one of the first (leaf) certificate, or every handshake would fail. */
    static void checkKeyMatches(PrivateKey key, X509Certificate leaf) throws BadSecretException {
        PublicKey publicKey = leaf.getPublicKey();
        if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
            throw new BadSecretException(KEY_FIELD, "the " + key.getAlgorithm()
                    + " key does not match the certificate's " + publicKey.getAlgorithm() + " public key");
        }
        boolean matches;
        if (key instanceof RSAPrivateKey rsaKey && publicKey instanceof RSAPublicKey rsaPublic) {
            matches = rsaKey.getModulus().equals(rsaPublic.getModulus())
                    && (!(key instanceof RSAPrivateCrtKey crt)
                            || crt.getPublicExponent().equals(rsaPublic.getPublicExponent()));
        } else {
            matches = signatureVerifies(key, publicKey);
        }
        if (!matches) {
            throw new BadSecretException(KEY_FIELD, "does not match the public key of the first certificate in tls.crt");
        }
    }

    private static boolean signatureVerifies(PrivateKey key, PublicKey publicKey) {
        byte[] probe = "jingress key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // e.g. a key on another curve than the certificate's
            return false;
        }
    }
}
