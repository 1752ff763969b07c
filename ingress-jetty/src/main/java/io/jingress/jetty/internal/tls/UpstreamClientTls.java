package io.jingress.jetty.internal.tls;

import io.jingress.core.route.ProxySsl;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CRL;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The TLS client side of one {@link ProxySsl} and one name (its {@code proxy-ssl-name}, or the
 * Service's): the endpoint's certificate verified against the Secret's {@code ca.crt} (PKIX, at most
 * {@code verifyDepth} certificates sent before a CA of it, no revocation check, as nginx) and its name checked as
 * HTTPS does (subjectAltName), the name sent as SNI only when asked, the Secret's {@code tls.crt}/
 * {@code tls.key} presented when the endpoint asks for a client certificate, the TLS versions asked.
 * Without {@code proxy-ssl-verify} nothing is verified, as without any {@code proxy-ssl-*}.
 *
 * <p>A BackendTLSPolicy's ({@link ProxySsl#policy()}): verified against its ConfigMaps' {@code ca.crt}
 * or the JDK's trusted CAs ({@link ProxySsl#systemTrust()}), at any depth, carrying its hostname or,
 * when it lists {@code subjectAltNames}, one of those ({@link SubjectAltNames}); the hostname is
 * always sent as SNI.
 */
public final class UpstreamClientTls {
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private UpstreamClientTls() {
    }

    /**
     * A started client side; throws {@link IllegalArgumentException} with a readable message when the
     * Secret's certificates or key cannot be used.
     */
    public static SslContextFactory.Client start(ProxySsl ssl, String peerName) {
        Objects.requireNonNull(ssl, "ssl");
        Objects.requireNonNull(peerName, "peerName");
        if (ssl.refusal() != null) {
            throw new IllegalArgumentException(ssl.refusal());
        }
        KeyStore identity;
        KeyStore trust;
        try {
            identity = identity(ssl);
        } catch (BadSecretException | java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("the client certificate (tls.crt, tls.key) of " + ssl.origin()
                    + " cannot be used: " + e.getMessage(), e);
        }
        try {
            trust = ssl.verify() && !ssl.systemTrust() ? trust(ssl.caPem()) : null;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("the ca.crt of " + ssl.origin() + " cannot be used: " + e.getMessage(), e);
        }
        Client client = new Client(ssl, peerName, identity, trust);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalArgumentException("TLS to the endpoints of " + ssl.origin() + " cannot be set up: "
                    + e.getMessage(), e);
        }
        return client;
    }

    private static KeyStore identity(ProxySsl ssl) throws BadSecretException, java.security.GeneralSecurityException, java.io.IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        if (ssl.clientCertificatePem() != null) {
            List<X509Certificate> chain = PemReader.certificateChain(ssl.clientCertificatePem());
            PrivateKey key = PemReader.privateKey(ssl.clientKeyPem());
            store.setKeyEntry("client", key, IN_MEMORY, chain.toArray(new Certificate[0]));
        }
        return store;
    }

    private static KeyStore trust(String caPem) throws java.security.GeneralSecurityException, java.io.IOException {
        if (caPem == null) {
            throw new java.security.cert.CertificateException("there is none");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate ca : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
            store.setCertificateEntry("ca-" + i++, ca);
        }
        if (i == 0) {
            throw new java.security.cert.CertificateException("no certificate in it");
        }
        return store;
    }

    /**
     * The PKIX checks, then OpenSSL's verify depth: the certificates the endpoint sent that are not
     * themselves CAs of {@code ca.crt} may number at most {@code depth} (1: the endpoint's own,
     * signed by such a CA; 2: one intermediate too). The JDK's PKIX trust manager does not apply
     * {@code PKIXBuilderParameters.setMaxPathLength} (seen: an intermediate passed with 0).
     */
    private static final class DepthLimited extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;
        private final Set<X509Certificate> anchors = new HashSet<>();
        private final int depth;
        private final List<String> subjectAltNames;

        DepthLimited(X509ExtendedTrustManager pkix, Set<TrustAnchor> anchors, int depth, List<String> subjectAltNames) {
            this.pkix = pkix;
            for (TrustAnchor anchor : anchors) {
                this.anchors.add(anchor.getTrustedCert());
            }
            this.depth = depth;
            this.subjectAltNames = subjectAltNames;
        }

        private void checkDepth(X509Certificate[] chain) throws CertificateException {
            if (!subjectAltNames.isEmpty()) {
                SubjectAltNames.check(chain[0], subjectAltNames);
            }
            if (depth == Integer.MAX_VALUE) {
                return;
            }
            int sent = 0;
            for (X509Certificate certificate : chain) {
                if (!anchors.contains(certificate)) {
                    sent++;
                }
            }
            if (sent > depth) {
                throw new CertificateException("the endpoint's chain is " + sent + " certificates deep before a CA of"
                        + " ca.crt, more than proxy-ssl-verify-depth " + depth);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws CertificateException {
            pkix.checkServerTrusted(chain, authType, socket);
            checkDepth(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkServerTrusted(chain, authType, engine);
            checkDepth(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
            checkDepth(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws CertificateException {
            throw new CertificateException("a client side trusts no client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a client side trusts no client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client side trusts no client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }

    private static final class Client extends SslContextFactory.Client {
        private final ProxySsl ssl;
        private final String peerName;
        private final KeyStore trust;
        private final KeyStore identity;

        Client(ProxySsl ssl, String peerName, KeyStore identity, KeyStore trust) {
            super(!ssl.verify());
            this.ssl = ssl;
            this.peerName = peerName;
            this.identity = identity;
            this.trust = trust;
            setKeyStore(identity);
            setKeyStorePassword(new String(IN_MEMORY));
            if (trust != null) {
                setTrustStore(trust);
            }
            setIncludeProtocols(ssl.protocols().toArray(new String[0]));
            if (!ssl.cipherSuites().isEmpty()) {
                // proxy-ssl-ciphers: its TLS 1.2 suites, after TLS 1.3's own, which it does not choose (as nginx's)
                List<String> suites = new ArrayList<>(List.of(TlsCertificates.CIPHER_SUITES).subList(0, TlsCertificates.TLS13_SUITES));
                suites.addAll(ssl.cipherSuites());
                setIncludeCipherSuites(suites.toArray(new String[0]));
            }
            // subjectAltNames, when given, are checked instead of the name (DepthLimited)
            setEndpointIdentificationAlgorithm(ssl.verify() && ssl.subjectAltNames().isEmpty() ? "HTTPS" : null);
            // A new list, not the one passed: Jetty applies only a list other than the engine's own, and an
            // empty one leaves SNI out (the JDK would send the peer name otherwise).
            boolean sni = ssl.serverName() && !peerName.contains(":") && !peerName.matches("[0-9.]+");
            setSNIProvider((engine, serverNames) -> {
                List<SNIServerName> names = new ArrayList<>();
                if (sni) {
                    names.add(new SNIHostName(peerName));
                }
                return names;
            });
        }

        @Override
        public SSLEngine newSSLEngine(String host, int port) {
            // the name the certificate is checked against (and SNI's), not the Pod address connected to
            return super.newSSLEngine(peerName, port);
        }

        @Override
        protected KeyManager[] getKeyManagers(KeyStore keyStore) throws Exception {
            if (ssl.clientCertificatePem() == null) {
                return null;
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(identity, IN_MEMORY);
            return factory.getKeyManagers();
        }

        @Override
        protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls) throws Exception {
            if (!ssl.verify()) {
                return TRUST_ALL_CERTS;
            }
            if (ssl.systemTrust()) {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init((KeyStore) null);  // the JDK's cacerts
                for (TrustManager manager : factory.getTrustManagers()) {
                    if (manager instanceof X509ExtendedTrustManager system) {
                        return new TrustManager[] {new DepthLimited(system, Set.of(), Integer.MAX_VALUE, ssl.subjectAltNames())};
                    }
                }
                throw new IllegalStateException("no X509ExtendedTrustManager of the JDK's trusted CAs");
            }
            Set<TrustAnchor> anchors = new HashSet<>();
            for (String alias : java.util.Collections.list(trust.aliases())) {
                anchors.add(new TrustAnchor((X509Certificate) trust.getCertificate(alias), null));
            }
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, null);
            parameters.setRevocationEnabled(false);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(new CertPathTrustManagerParameters(parameters));
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager pkix) {
                    return new TrustManager[] {new DepthLimited(pkix, anchors, ssl.verifyDepth(), ssl.subjectAltNames())};
                }
            }
            throw new IllegalStateException("no X509ExtendedTrustManager of PKIX");
        }

        @Override
        protected void checkConfiguration() {
            // Jetty warns of trusting all and checking no host name: without proxy-ssl-verify that is
            // ingress-nginx's default, documented (routing.md)
        }
    }
}
