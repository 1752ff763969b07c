package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How an Ingress's endpoints are spoken to over TLS ({@code proxy-ssl-secret}, {@code proxy-ssl-verify},
 * {@code proxy-ssl-verify-depth}, {@code proxy-ssl-name}, {@code proxy-ssl-server-name},
 * {@code proxy-ssl-protocols}, {@code proxy-ssl-ciphers}; see {@link RoutePolicy#proxySsl()}), or a Service's endpoints by the
 * Gateway API's routes (a BackendTLSPolicy, {@link #policy()}; see {@link Backend#tls()}): the CA that verifies the
 * endpoint's certificate and the name it must carry, the client certificate presented, SNI, the
 * TLS versions. Immutable; equal when every setting and every PEM is equal, so that the proxy can
 * keep one TLS client side per distinct setting across table rebuilds. Its {@code toString} and
 * {@link #describe()} never print key material.
 *
 * <pre>{@code
 * ProxySsl ssl = route.policy().proxySsl();
 * if (ssl != null && ssl.refusal() != null) { ... answer 502: ssl.refusal() says why ... }
 * }</pre>
 */
public final class ProxySsl {
    /** The TLS versions offered when {@code proxy-ssl-protocols} is not set. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    private final String secret;
    private final String caPem;
    private final String clientCertificatePem;
    private final String clientKeyPem;
    private final boolean verify;
    private final int verifyDepth;
    private final String name;
    private final boolean serverName;
    private final List<String> protocols;
    private final String refusal;
    private final String policy;
    private final String caSource;
    private final boolean systemTrust;
    private final List<String> subjectAltNames;
    private final List<String> cipherSuites;
    private final int hash;

    ProxySsl(String secret, String caPem, String clientCertificatePem, String clientKeyPem, boolean verify,
            int verifyDepth, String name, boolean serverName, List<String> protocols, String refusal) {
        this(secret, caPem, clientCertificatePem, clientKeyPem, verify, verifyDepth, name, serverName, protocols, refusal,
                null, null, false, List.of(), List.of());
    }

    private ProxySsl(String secret, String caPem, String clientCertificatePem, String clientKeyPem, boolean verify,
            int verifyDepth, String name, boolean serverName, List<String> protocols, String refusal, String policy,
            String caSource, boolean systemTrust, List<String> subjectAltNames, List<String> cipherSuites) {
        this.secret = secret;
        this.caPem = caPem;
        this.clientCertificatePem = clientCertificatePem;
        this.clientKeyPem = clientKeyPem;
        this.verify = verify;
        this.verifyDepth = verifyDepth;
        this.name = name;
        this.serverName = serverName;
        this.protocols = List.copyOf(protocols);
        this.refusal = refusal;
        this.policy = policy;
        this.caSource = caSource;
        this.systemTrust = systemTrust;
        this.subjectAltNames = List.copyOf(subjectAltNames);
        this.cipherSuites = List.copyOf(cipherSuites);
        this.hash = Objects.hash(secret, caPem, clientCertificatePem, clientKeyPem, verify, verifyDepth, name, serverName,
                this.protocols, refusal, policy, caSource, systemTrust, this.subjectAltNames, this.cipherSuites);
    }

    /**
     * The TLS of a BackendTLSPolicy ({@code policy}: {@code namespace/name}): the endpoint's
     * certificate verified, chained to {@code caPem} (whose ConfigMaps {@code caSource} names) or to
     * the JDK's trusted CAs ({@code systemTrust}), at any depth; carrying {@code hostname}, or when
     * {@code subjectAltNames} ({@code DNS:name}, {@code URI:uri}) are given one of those; {@code hostname}
     * sent as SNI.
     */
    static ProxySsl ofBackendTlsPolicy(String policy, String caPem, String caSource, boolean systemTrust, String hostname,
            List<String> subjectAltNames, String refusal) {
        return new ProxySsl(null, caPem, null, null, true, Integer.MAX_VALUE, hostname, true, DEFAULT_PROTOCOLS, refusal,
                Objects.requireNonNull(policy, "policy"), caSource, systemTrust, subjectAltNames, List.of());
    }

    /** The Secret of {@code proxy-ssl-secret}, {@code namespace/name}; null when not set. */
    public String secret() {
        return secret;
    }

    /**
     * The PEM certificates of the Secret's {@code ca.crt}, which the endpoint's certificate must chain
     * to when {@link #verify()}; null when there is none (or it was not read).
     */
    public String caPem() {
        return caPem;
    }

    /** The Secret's {@code tls.crt}: the client certificate (chain) presented to the endpoint; null: none. */
    public String clientCertificatePem() {
        return clientCertificatePem;
    }

    /** The Secret's {@code tls.key}, the client certificate's private key; null when there is no client certificate. */
    public String clientKeyPem() {
        return clientKeyPem;
    }

    /** Whether the endpoint's certificate is verified: its chain to {@link #caPem()} and its name ({@code proxy-ssl-verify: "on"}). */
    public boolean verify() {
        return verify;
    }

    /**
     * The longest chain verified, as OpenSSL counts it ({@code proxy-ssl-verify-depth}, 1 by default):
     * 1 is the endpoint's certificate signed by a CA of {@link #caPem()}, 2 allows one intermediate, and so on.
     */
    public int verifyDepth() {
        return verifyDepth;
    }

    /**
     * The name the endpoint's certificate must carry, and the SNI sent ({@code proxy-ssl-name}); null
     * when not set, and the proxy uses the Service's cluster name {@code service.namespace.svc}.
     */
    public String name() {
        return name;
    }

    /** Whether the name is sent as SNI ({@code proxy-ssl-server-name: "on"}). */
    public boolean serverName() {
        return serverName;
    }

    /** The TLS versions offered, as Java names them ({@code TLSv1.2}, {@code TLSv1.3}). */
    public List<String> protocols() {
        return protocols;
    }

    /**
     * Why no request may go to the endpoints over TLS (answered 502, nothing sent), such as
     * {@code proxy-ssl-verify} on without a usable CA; null when they may.
     */
    public String refusal() {
        return refusal;
    }

    /**
     * This BackendTLSPolicy's TLS presenting the certificate of {@code secret} (a Gateway's
     * {@code spec.tls.backend.clientCertificateRef}) when an endpoint asks for one.
     */
    ProxySsl withClientCertificate(io.jingress.core.model.TlsSecret secret) {
        return new ProxySsl(secret.key(), caPem, secret.certificateChainPem(), secret.privateKeyPem(), verify, verifyDepth, name,
                serverName, protocols, refusal, policy, caSource, systemTrust, subjectAltNames, cipherSuites);
    }

    /** This TLS offering only {@code suites} (standard names) for TLS 1.2 ({@code proxy-ssl-ciphers}). */
    ProxySsl withCipherSuites(List<String> suites) {
        return new ProxySsl(secret, caPem, clientCertificatePem, clientKeyPem, verify, verifyDepth, name, serverName, protocols,
                refusal, policy, caSource, systemTrust, subjectAltNames, suites);
    }

    /**
     * The TLS 1.2 cipher suites offered, by their standard names, in order of preference
     * ({@code proxy-ssl-ciphers}); empty: Java's defaults. TLS 1.3's own are offered either way.
     */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** The BackendTLSPolicy it comes from, {@code namespace/name}; null for an Ingress's {@code proxy-ssl-*}. */
    public String policy() {
        return policy;
    }

    /**
     * Whether the endpoint's certificate chains to the JDK's trusted CAs rather than to {@link #caPem()}
     * (a BackendTLSPolicy's {@code wellKnownCACertificates: System}).
     */
    public boolean systemTrust() {
        return systemTrust;
    }

    /**
     * The names of which the endpoint's certificate must carry one, {@code DNS:name} (a {@code *.}
     * wildcard in the certificate matches one label) or {@code URI:uri} (exactly), instead of
     * {@link #name()} (a BackendTLSPolicy's {@code subjectAltNames}); empty: {@link #name()} is checked.
     */
    public List<String> subjectAltNames() {
        return subjectAltNames;
    }

    /** Where its settings come from, for messages: {@code Secret ns/name} or {@code BackendTLSPolicy ns/name}. */
    public String origin() {
        return policy != null ? "BackendTLSPolicy " + policy : "Secret " + secret;
    }

    /**
     * The Secret whose {@code ca.crt}, {@code tls.crt} and {@code tls.key} the Ingress's
     * {@code proxy-ssl-secret} names, {@code namespace/name}; null when it names none it may use (a
     * source delivers that Secret, of type {@code Opaque} or {@code kubernetes.io/tls}, as an
     * {@link io.jingress.core.model.OpaqueSecret}).
     */
    public static String secretNamedBy(io.jingress.core.model.Ingress ingress) {
        return ProxySslAnnotations.secretKey(ingress.annotations(), ingress.namespace());
    }

    /** The name checked and sent for a request to the Service {@code namespace/service}. */
    public String nameFor(String namespace, String service) {
        return name != null ? name : service + "." + namespace + ".svc";
    }

    /** One phrase for {@code /routes} and explain; never key material. */
    public String describe() {
        if (policy != null) {
            if (refusal != null) {
                return "answered 502 over TLS to the endpoints (BackendTLSPolicy " + policy + "): " + refusal;
            }
            return "TLS to endpoints (BackendTLSPolicy " + policy + "): certificates verified against "
                    + (systemTrust ? "the JDK's trusted CAs" : "the ca.crt of " + caSource) + ", "
                    + (subjectAltNames.isEmpty() ? "name " + name : "one of " + String.join(", ", subjectAltNames))
                    + ", SNI " + name
                    + (clientCertificatePem != null ? ", client certificate of Secret " + secret + " presented" : "");
        }
        if (refusal != null) {
            return "answered 502 over TLS to the endpoints: " + refusal;
        }
        List<String> parts = new ArrayList<>();
        if (verify) {
            parts.add("endpoint certificates verified against " + secret + " ca.crt (depth " + verifyDepth + ", name "
                    + (name == null ? "service.namespace.svc" : name) + ")");
        } else {
            parts.add("endpoint certificates not verified");
        }
        if (serverName) {
            parts.add("SNI " + (name == null ? "service.namespace.svc" : name));
        }
        if (clientCertificatePem != null) {
            parts.add("client certificate of " + secret + " presented");
        }
        if (!protocols.equals(DEFAULT_PROTOCOLS)) {
            parts.add(String.join(" ", protocols));
        }
        if (!cipherSuites.isEmpty()) {
            parts.add("TLS 1.2 suites " + String.join(" ", cipherSuites));
        }
        return "TLS to endpoints (proxy-ssl-*): " + String.join(", ", parts);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        return other instanceof ProxySsl o && hash == o.hash && verify == o.verify && verifyDepth == o.verifyDepth
                && serverName == o.serverName && Objects.equals(secret, o.secret) && Objects.equals(name, o.name)
                && Objects.equals(refusal, o.refusal) && protocols.equals(o.protocols) && Objects.equals(caPem, o.caPem)
                && Objects.equals(policy, o.policy) && Objects.equals(caSource, o.caSource) && systemTrust == o.systemTrust
                && subjectAltNames.equals(o.subjectAltNames) && cipherSuites.equals(o.cipherSuites)
                && Objects.equals(clientCertificatePem, o.clientCertificatePem) && Objects.equals(clientKeyPem, o.clientKeyPem);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "ProxySsl[" + describe() + "]";
    }
}
