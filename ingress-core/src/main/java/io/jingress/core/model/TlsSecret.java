package io.jingress.core.model;

import java.util.Objects;

/**
 * A {@code kubernetes.io/tls} Secret: a PEM certificate chain and its private key (PKCS#1, PKCS#8 or
 * EC). The core only carries it; the proxy parses it.
 *
 * @param namespace the namespace
 * @param name the name
 * @param certificateChainPem {@code tls.crt}, decoded, or {@code null} when missing
 * @param privateKeyPem {@code tls.key}, decoded, or {@code null} when missing
 */
public record TlsSecret(String namespace, String name, String certificateChainPem, String privateKeyPem) {

    public TlsSecret {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    public String key() {
        return namespace + "/" + name;
    }

    @Override
    public String toString() {
        // never print key material
        return "TlsSecret[" + key() + "]";
    }
}
