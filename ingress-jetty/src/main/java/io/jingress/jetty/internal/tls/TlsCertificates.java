package io.jingress.jetty.internal.tls;

import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates of the HTTPS listener: those of the Ingresses' TLS Secrets, chosen by SNI, and a
 * default certificate for every other name and for clients without SNI: the route table's
 * {@code defaultCertificate()} Secret when it has one, else a generated self-signed one.
 *
 * <p>{@link #update} swaps in a new set at any time: the next TLS handshake sees it, open
 * connections keep theirs, and nothing is restarted or reloaded. A Secret that cannot be served is
 * reported by name and field and changes nothing else; a host whose Secret breaks keeps the
 * certificate it had, if it had one.
 *
 * <pre>{@code
 * TlsCertificates certificates = TlsCertificates.create();
 * ServerConnector https = new ServerConnector(server, certificates.sslContextFactory(), ...);
 * List<Problem> problems = certificates.update(routeTable.certificates());
 * }</pre>
 *
 * <p>Selection: the exact SNI host, else the wildcard {@code *.} of its parent domain, else the
 * default certificate; a name is never refused at the TLS level, so requests whose Host differs from
 * their SNI reach the router (the connector's {@code SecureRequestCustomizer} must have
 * {@code setSniHostCheck(false)}).
 *
 * <p>Protocols and cipher suites are ingress-nginx's defaults ({@code ssl-protocols},
 * {@code ssl-ciphers}): TLS 1.3 and TLS 1.2 only, whatever the JDK's {@code java.security} allows (an
 * application that embeds us may re-enable TLS 1.0 for a client of its own); TLS 1.3's three suites;
 * for TLS 1.2 only forward-secret AEAD suites, ECDHE with AES-GCM or ChaCha20-Poly1305, in
 * ingress-nginx's order, the server's choice first. Left out: CBC suites (padding-oracle attacks such
 * as Lucky Thirteen), RSA key exchange (no forward secrecy), and DHE, which ingress-nginx lists but
 * nginx does not use without {@code ssl_dhparam}, unset by default (and a DHE handshake costs the
 * server several times an ECDHE one). HTTP/2 over ALPN accepts every one of them (RFC 9113 appendix A).
 * The controller ConfigMap's {@code ssl-protocols} and {@code ssl-ciphers} replace them for new
 * connections ({@link #tlsPolicy}).
 *
 * <p>TLS session resumption (within the session timeout) continues a session with the certificate it
 * was established with, as with any TLS server that rotates certificates without new session keys.
 */
public final class TlsCertificates {
    private static final Logger LOG = LoggerFactory.getLogger(TlsCertificates.class);
    private static final String DEFAULT_ALIAS = "jingress-default";
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final int TLS13_SUITES = 3;  // the first of CIPHER_SUITES
    /** TLS 1.3's suites in OpenSSL's order, then ingress-nginx's {@code ssl-ciphers} but DHE, by their JSSE names. */
    static final String[] CIPHER_SUITES = {
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    };

    private final AtomicReference<CertificateTable> current;
    private volatile CertificateTable previous;
    private final AtomicLong aliasSequence = new AtomicLong();
    private final SslContextFactory.Server sslContextFactory;
    private final ServedCertificate selfSigned;
    private final Clock clock;
    private final SniKeyManager keyManager;
    private volatile TlsPolicy policy;  // null: PROTOCOLS and CIPHER_SUITES

    /** The protocols and suites of new connections when they are not the server's own. */
    private record TlsPolicy(String[] protocols, String[] cipherSuites) {
    }

    private TlsCertificates(SelfSignedCertificate defaultCertificate, Clock clock) {
        this.clock = clock;
        this.selfSigned = ServedCertificate.of(DEFAULT_ALIAS, defaultCertificate);
        this.current = new AtomicReference<>(new CertificateTable(
                Map.of(), Map.of(DEFAULT_ALIAS, selfSigned), selfSigned));
        SniKeyManager keyManager = new SniKeyManager(current, () -> previous);
        this.keyManager = keyManager;
        SSLContext sslContext;
        try {
            sslContext = SSLContext.getInstance("TLS");
            sslContext.init(new KeyManager[] {keyManager}, null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no usable TLS implementation", e);
        }
        SslContextFactory.Server factory = new SslContextFactory.Server() {
            // the controller ConfigMap's ssl-protocols and ssl-ciphers, applied to each new connection's engine
            @Override
            public SSLParameters customize(SSLParameters parameters) {
                SSLParameters customized = super.customize(parameters);
                TlsPolicy policy = TlsCertificates.this.policy;
                if (policy != null) {
                    customized.setProtocols(policy.protocols());
                    customized.setCipherSuites(policy.cipherSuites());
                }
                return customized;
            }
        };
        factory.setSslContext(sslContext);
        // The key manager chooses and never refuses; Jetty must not insist on an SNI match either.
        factory.setSniRequired(false);
        factory.setIncludeProtocols(PROTOCOLS);
        factory.setIncludeCipherSuites(CIPHER_SUITES);
        factory.setUseCipherSuitesOrder(true);
        this.sslContextFactory = factory;
    }

    /** Generates the default certificate (RSA 2048) and serves only it until the first {@link #update}. */
    public static TlsCertificates create() {
        return create(Clock.systemUTC());
    }

    /** As {@link #create()}, telling the expired certificates by {@code clock}. */
    static TlsCertificates create(Clock clock) {
        return new TlsCertificates(SelfSignedCertificate.createDefault(), clock);
    }

    /**
     * The factory for the HTTPS connector (put it in a {@code SslConnectionFactory}, ahead of ALPN
     * with {@code h2} and {@code http/1.1}). The same instance serves every later update.
     */
    public SslContextFactory.Server sslContextFactory() {
        return sslContextFactory;
    }

    /**
     * The TLS protocols and TLS 1.2 cipher suites of the connections made from now on (the controller
     * ConfigMap's {@code ssl-protocols} and {@code ssl-ciphers}, as {@code ServerSettings} carries them):
     * {@code protocols} null for the server's own ({@code TLSv1.3}, {@code TLSv1.2}); {@code tls12Suites}
     * (standard names, in order of preference) null for the server's own, else they follow TLS 1.3's
     * three, which are always offered. Open connections keep theirs; nothing is restarted.
     */
    public synchronized void tlsPolicy(List<String> protocols, List<String> tls12Suites) {
        TlsPolicy next = null;
        if (protocols != null || tls12Suites != null) {
            List<String> suites = new ArrayList<>(List.of(CIPHER_SUITES).subList(0, TLS13_SUITES));
            suites.addAll(tls12Suites != null ? tls12Suites : List.of(CIPHER_SUITES).subList(TLS13_SUITES, CIPHER_SUITES.length));
            next = new TlsPolicy(protocols != null ? protocols.toArray(new String[0]) : PROTOCOLS.clone(),
                    suites.toArray(new String[0]));
        }
        TlsPolicy before = policy;
        if (before == null ? next == null : next != null && Arrays.equals(before.protocols(), next.protocols())
                && Arrays.equals(before.cipherSuites(), next.cipherSuites())) {
            return;
        }
        policy = next;
        LOG.info("TLS of new connections: protocols {}, TLS 1.2 cipher suites {}{}",
                String.join(" ", next == null ? PROTOCOLS : next.protocols()),
                next == null || tls12Suites == null ? "the server's own" : String.join(" ", tls12Suites),
                next == null ? "" : " (controller ConfigMap: ssl-protocols, ssl-ciphers)");
    }

    /**
     * Makes the engines of connections that ask for client certificates ({@code auth-tls-*}) for the
     * hosts of {@code table}'s current route table, serving these same certificates.
     */
    public ClientAuthEngines clientAuthEngines(java.util.function.Supplier<io.jingress.core.route.RouteTable> table) {
        return new ClientAuthEngines(keyManager, table);
    }

    /**
     * The certificate served to names without a certificate of their own and to clients without SNI:
     * the default certificate's Secret of the last {@link #update}, else the self-signed one.
     */
    public X509Certificate defaultCertificate() {
        return current.get().defaultCertificate().chain()[0];
    }

    /**
     * Serves exactly these certificates from the next handshake on: host (exact, or {@code *.domain})
     * to its TLS Secret, as {@code RouteTable.certificates()} gives them. Hosts not in the map fall
     * back to the default certificate.
     *
     * @return a warning per Secret that cannot be served, e.g. {@code Secret default/tls: tls.key:
     *     not a PKCS#1, PKCS#8 or EC private key}; empty when all are fine
     */
    public List<Problem> update(Map<String, TlsSecret> certificatesByHost) {
        return update(certificatesByHost, null);
    }

    /**
     * As {@link #update(Map)}, serving {@code defaultSecret} (as {@code RouteTable.defaultCertificate()}
     * gives it; null: the self-signed certificate) to names without a certificate of their own and to
     * clients without SNI. A default Secret that cannot be served is reported as any other, and the
     * default certificate served before stays.
     */
    public synchronized List<Problem> update(Map<String, TlsSecret> certificatesByHost, TlsSecret defaultSecret) {
        Objects.requireNonNull(certificatesByHost, "certificatesByHost");
        CertificateTable before = current.get();

        Pass pass = new Pass(before);
        Map<String, ServedCertificate> byHost = new LinkedHashMap<>();
        for (Map.Entry<String, TlsSecret> entry : new TreeMap<>(certificatesByHost).entrySet()) {
            String host = CertificateTable.normalize(Objects.requireNonNull(entry.getKey(), "host"));
            TlsSecret secret = Objects.requireNonNull(entry.getValue(), "secret for " + host);
            // a host whose Secret is now broken keeps the certificate it had from that same Secret
            ServedCertificate certificate = pass.serve(secret, before.byHost().get(host));
            if (certificate != null) {
                byHost.put(host, certificate);
            }
        }
        ServedCertificate fallback = selfSigned;
        if (defaultSecret != null) {
            ServedCertificate certificate = pass.serve(defaultSecret, before.defaultCertificate());
            if (certificate != null) {
                fallback = certificate;
            }
        }
        Map<String, Problem> problems = pass.problems;
        Set<String> keptPrevious = pass.keptPrevious;
        for (String secretKey : keptPrevious) {
            problems.computeIfPresent(secretKey, (key, problem) -> Problem.warning(problem.kind(), problem.object(),
                    problem.field(), problem.message() + " (still serving its previous certificate)"));
        }

        Map<String, ServedCertificate> byAlias = new HashMap<>();
        byAlias.put(DEFAULT_ALIAS, selfSigned);
        byAlias.put(fallback.alias(), fallback);
        for (ServedCertificate certificate : byHost.values()) {
            byAlias.put(certificate.alias(), certificate);
        }
        previous = before;
        current.set(new CertificateTable(Map.copyOf(byHost), Map.copyOf(byAlias), fallback));
        if (!byHost.keySet().equals(before.byHost().keySet()) || !byAlias.keySet().equals(before.byAlias().keySet())) {
            LOG.info("Serving TLS certificates for {} host(s) from {} Secret(s)", byHost.size(),
                    byAlias.size() - (fallback == selfSigned ? 1 : 2));
        }
        if (fallback != before.defaultCertificate()) {
            LOG.info("Default TLS certificate: {}", fallback == selfSigned ? "self-signed"
                    : "Secret " + fallback.source() + ", " + fallback.chain()[0].getSubjectX500Principal().getName());
        }
        return List.copyOf(problems.values());
    }

    /** One {@link #update}'s certificates: each Secret parsed once, however many hosts share it. */
    private final class Pass {
        /** What was served before, by Secret: an unchanged Secret's is reused as it is. */
        private final Map<String, ServedCertificate> servedBySecret = new HashMap<>();
        private final Map<String, ServedCertificate> loaded = new HashMap<>();
        private final Map<String, Problem> problems = new TreeMap<>();
        /** Secrets that cannot be served now, whose certificate served before stays. */
        private final Set<String> keptPrevious = new HashSet<>();

        Pass(CertificateTable before) {
            for (ServedCertificate served : before.byHost().values()) {
                servedBySecret.put(served.source(), served);
            }
            servedBySecret.putIfAbsent(before.defaultCertificate().source(), before.defaultCertificate());
        }

        /**
         * The certificate {@code secret} gives; when it cannot be served, {@code had} if that came
         * from the same Secret, else null. An expired one is served, as nginx serves it (a client
         * that checks refuses it), with a warning.
         */
        ServedCertificate serve(TlsSecret secret, ServedCertificate had) {
            ServedCertificate certificate = loaded.get(secret.key());
            if (certificate == null && !problems.containsKey(secret.key())) {
                certificate = load(secret, servedBySecret.get(secret.key()));
                if (certificate != null) {
                    loaded.put(secret.key(), certificate);
                }
            }
            if (certificate == null && had != null && had.source().equals(secret.key())) {
                certificate = had;
                keptPrevious.add(secret.key());
            }
            if (certificate != null) {
                Date expiry = certificate.chain()[0].getNotAfter();
                if (expiry.toInstant().isBefore(clock.instant())) {
                    problems.putIfAbsent(secret.key(), Problem.warning("Secret", secret.key(), "tls.crt",
                            "the certificate expired on " + expiry.toInstant() + "; it is served, and clients refuse it"));
                }
            }
            return certificate;
        }

        private ServedCertificate load(TlsSecret secret, ServedCertificate served) {
            if (served != null && served.sameSource(secret)) {
                return served;
            }
            try {
                ServedCertificate certificate = ServedCertificate.load(secret,
                        secret.key() + "#" + aliasSequence.incrementAndGet());
                LOG.info("Loaded TLS certificate of Secret {}: {}", secret.key(),
                        certificate.chain()[0].getSubjectX500Principal().getName());
                return certificate;
            } catch (BadSecretException e) {
                problems.put(secret.key(), Problem.warning("Secret", secret.key(), e.field(), e.getMessage()));
                return null;
            }
        }
    }

    /** The names served with a certificate of their own, for display. */
    public List<String> hosts() {
        return new ArrayList<>(new TreeMap<>(current.get().byHost()).keySet());
    }
}
