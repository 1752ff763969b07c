package io.jingress.jetty.internal.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager that picks the certificate by the ClientHello's SNI name from the current
 * {@link CertificateTable}, read from an {@link AtomicReference} on every handshake: a new table
 * applies to the next handshake, with no reload of the SSL context and no effect on open
 * connections. It never refuses a name; unknown names and no SNI get the default certificate.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    private final AtomicReference<CertificateTable> current;
    private final Supplier<CertificateTable> previous;

    /**
     * @param current the table to select from
     * @param previous the table before the last swap: an alias chosen just before a swap must still
     *     resolve to its key and chain a moment later in the same handshake
     */
    SniKeyManager(AtomicReference<CertificateTable> current, Supplier<CertificateTable> previous) {
        this.current = current;
        this.previous = previous;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
        return choose(keyType, session);
    }

    private String choose(String keyType, SSLSession handshake) {
        ServedCertificate certificate = current.get().select(sniHost(handshake));
        // The TLS stack asks once per key type it could use; answering only for the selected
        // certificate's own type makes it ask again with that type rather than fall back.
        return certificate.keyType().equals(keyType) ? certificate.alias() : null;
    }

    static String sniHost(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession extended) {
            List<SNIServerName> names = extended.getRequestedServerNames();
            for (SNIServerName name : names) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                    return name instanceof SNIHostName host
                            ? host.getAsciiName()
                            : new SNIHostName(name.getEncoded()).getAsciiName();
                }
            }
        }
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current.get().byAlias().values().stream()
                .filter(certificate -> certificate.keyType().equals(keyType))
                .map(ServedCertificate::alias)
                .toArray(String[]::new);
    }

    private ServedCertificate byAlias(String alias) {
        if (alias == null) {
            return null;
        }
        ServedCertificate certificate = current.get().byAlias().get(alias);
        if (certificate == null) {
            CertificateTable before = previous.get();
            certificate = before == null ? null : before.byAlias().get(alias);
        }
        return certificate;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        ServedCertificate certificate = byAlias(alias);
        return certificate == null ? null : certificate.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        ServedCertificate certificate = byAlias(alias);
        return certificate == null ? null : certificate.privateKey();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
