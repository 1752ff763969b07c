package io.jingress.jetty.internal.tls;

import io.jingress.core.route.AuthTls;
import io.jingress.core.route.RouteTable;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Makes the {@link SSLEngine} of a connection whose ClientHello named a host with client
 * certificate authentication: one that asks for a certificate ({@code want}, never {@code need}:
 * the verdict and the answer are per request, as nginx gives them) and names that host's CAs as
 * the issuers it accepts, so that a client picks the right certificate. At the TLS level any chain
 * is accepted (the client still proves it holds the key); each request checks it against its
 * host's CAs ({@code ClientCertificateCheck}). The engine has the same certificates (by SNI),
 * protocols and cipher suites as the listener's other engines: one SSL context per set of CAs,
 * with the same key manager.
 */
public final class ClientAuthEngines {
    private static final int MOST_CONTEXTS = 256;

    private final KeyManager keyManager;
    private final Supplier<RouteTable> table;
    private final Map<String, SSLContext> contextsByCaPem = new ConcurrentHashMap<>();
    private final ClientCertificateHosts.Cache hosts = new ClientCertificateHosts.Cache();

    ClientAuthEngines(KeyManager keyManager, Supplier<RouteTable> table) {
        this.keyManager = keyManager;
        this.table = table;
    }

    /** The setting that asks for a certificate on a connection for {@code sni}; null when none does. */
    AuthTls askingFor(String sni) {
        AuthTls auth = hosts.of(table.get()).forHost(sni);
        return auth != null && auth.asksForCertificate() ? auth : null;
    }

    /** An engine as {@code made}, asking for a certificate issued by {@code auth}'s CAs. */
    SSLEngine asking(AuthTls auth, SSLEngine made) {
        SSLContext context = contextsByCaPem.get(auth.caPem());
        if (context == null) {
            if (contextsByCaPem.size() >= MOST_CONTEXTS) {
                contextsByCaPem.clear();  // CAs rotated many times: start over, the live ones come back
            }
            context = contextsByCaPem.computeIfAbsent(auth.caPem(), this::newContext);
        }
        SSLEngine engine = context.createSSLEngine(made.getPeerHost(), made.getPeerPort());
        SSLParameters parameters = made.getSSLParameters();
        parameters.setNeedClientAuth(false);
        parameters.setWantClientAuth(true);
        engine.setSSLParameters(parameters);
        engine.setUseClientMode(false);
        return engine;
    }

    private SSLContext newContext(String caPem) {
        X509Certificate[] cas = certificates(caPem);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, new TrustManager[] {new AnyClientChain(cas)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no usable TLS implementation", e);
        }
    }

    /** The certificates of a PEM (read before, when the policy was made). */
    public static X509Certificate[] certificates(String pem) {
        try {
            List<X509Certificate> list = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                list.add((X509Certificate) certificate);
            }
            return list.toArray(new X509Certificate[0]);
        } catch (CertificateException e) {
            throw new IllegalStateException("CA certificates read before cannot be read again", e);
        }
    }

    /** Accepts any client chain at the TLS level, naming {@code cas} as the issuers asked for. */
    private static final class AnyClientChain extends X509ExtendedTrustManager {
        private final X509Certificate[] cas;

        AnyClientChain(X509Certificate[] cas) {
            this.cas = cas;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a server's chain is not checked here");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a server's chain is not checked here");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server's chain is not checked here");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return cas.clone();
        }
    }
}
