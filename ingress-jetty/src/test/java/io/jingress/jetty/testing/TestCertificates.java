package io.jingress.jetty.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The test certificates and keys of {@code src/test/resources/tls} (see its README.md). */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** The text of {@code tls/name}. */
    public static String resource(String name) throws IOException {
        try (InputStream in = TestCertificates.class.getResourceAsStream("/tls/" + name)) {
            if (in == null) {
                throw new IOException("no test resource tls/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** The TLS Secret {@code default/pkcs8-tls} of {@code pkcs8.crt} and {@code pkcs8.key}. */
    public static io.jingress.core.model.TlsSecret pkcs8Secret() throws IOException {
        return new io.jingress.core.model.TlsSecret("default", "pkcs8-tls", resource("pkcs8.crt"), resource("pkcs8.key"));
    }

    /** A server side (not started) serving {@code name.crt} (the whole chain in it) with the RSA key {@code name.key}. */
    public static SslContextFactory.Server serverTls(String name) throws Exception {
        Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(
                resource(name + ".crt").getBytes(StandardCharsets.US_ASCII))).toArray(new Certificate[0]);
        String keyPem = resource(name + ".key").replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(keyPem)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, "pw".toCharArray(), chain);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(store);
        tls.setKeyStorePassword("pw");
        return tls;
    }
}
