package io.jingress.jetty.internal.tls;

import io.jingress.core.model.TlsSecret;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;

/** The PEM files under src/test/resources/tls, made with openssl 3 on the build machine. */
final class Fixtures {
    private Fixtures() {
    }

    static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/tls/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource tls/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Secret from {@code <name>.crt} and {@code <name>.key}. */
    static TlsSecret secret(String namespace, String name, String fixture) {
        return new TlsSecret(namespace, name, text(fixture + ".crt"), text(fixture + ".key"));
    }

    static TlsSecret secret(String namespace, String name, SelfSignedCertificate certificate) {
        return new TlsSecret(namespace, name, certificate.certificatePem(), certificate.privateKeyPem());
    }

    /** The leaf certificate of {@code <name>.crt}. */
    static X509Certificate leaf(String fixture) throws BadSecretException {
        return PemReader.certificateChain(text(fixture + ".crt")).get(0);
    }
}
