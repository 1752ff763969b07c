package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Client certificate authentication of an Ingress's hosts ({@code auth-tls-secret},
 * {@code auth-tls-verify-client}, {@code auth-tls-verify-depth}, {@code auth-tls-error-page},
 * {@code auth-tls-pass-certificate-to-upstream}, {@code auth-tls-match-cn}; see
 * {@link RoutePolicy#authTls()}), as ingress-nginx applies it: per host, the oldest Ingress of a
 * host that asks for it deciding for every route of that host. Immutable; its {@code toString} and
 * {@link #describe()} never print the CA certificates.
 *
 * <pre>{@code
 * AuthTls auth = route.policy().authTls();
 * if (auth != null && auth.refusal() != null) { ... answer 503: auth.refusal() says why ... }
 * }</pre>
 */
public final class AuthTls {
    /** {@code auth-tls-verify-client}: when a client certificate is asked for, and what a missing or unverified one does. */
    public enum VerifyClient {
        /** Asked for and required: a request without a verified certificate is answered 400 ({@code on}, the default). */
        ON("on"),
        /** Not asked for; requests carry {@code ssl-client-verify: NONE} ({@code off}). */
        OFF("off"),
        /** Asked for: a request without one goes on ({@code NONE}), one that fails verification is answered 400 ({@code optional}). */
        OPTIONAL("optional"),
        /** Asked for, never required nor refused: the verdict goes upstream in {@code ssl-client-verify} ({@code optional_no_ca}). */
        OPTIONAL_NO_CA("optional_no_ca");

        private final String value;

        VerifyClient(String value) {
            this.value = value;
        }

        /** The annotation's value. */
        public String value() {
            return value;
        }
    }

    private final String secret;
    private final String caPem;
    private final String crlPem;
    private final VerifyClient verifyClient;
    private final int verifyDepth;
    private final String errorPage;
    private final boolean passCertificate;
    private final Pattern matchCn;
    private final String refusal;

    AuthTls(String secret, String caPem, String crlPem, VerifyClient verifyClient, int verifyDepth, String errorPage,
            boolean passCertificate, Pattern matchCn, String refusal) {
        this.secret = secret;
        this.caPem = caPem;
        this.crlPem = crlPem;
        this.verifyClient = Objects.requireNonNull(verifyClient, "verifyClient");
        this.verifyDepth = verifyDepth;
        this.errorPage = errorPage;
        this.passCertificate = passCertificate;
        this.matchCn = matchCn;
        this.refusal = refusal;
    }

    /** The Secret of {@code auth-tls-secret}, {@code namespace/name}; null when it could not be used. */
    public String secret() {
        return secret;
    }

    /** The PEM certificates of the Secret's {@code ca.crt}: a client certificate must chain to one of them; null when {@link #refusal()}. */
    public String caPem() {
        return caPem;
    }

    /**
     * The PEM revocation lists of the Secret's {@code ca.crl}, null when it has none: then a client
     * certificate they list is refused, and, as nginx checks CRLs (OpenSSL's {@code CRL_CHECK_ALL}),
     * every certificate of the chain needs a current list of its issuer among them.
     */
    public String crlPem() {
        return crlPem;
    }

    /** {@code auth-tls-verify-client}. */
    public VerifyClient verifyClient() {
        return verifyClient;
    }

    /**
     * The longest chain accepted, as OpenSSL counts it ({@code auth-tls-verify-depth}, 1 by default):
     * 1 is a client certificate signed by a CA of {@link #caPem()}, 2 allows one intermediate, and so on.
     */
    public int verifyDepth() {
        return verifyDepth;
    }

    /** Where a request without a verified certificate is redirected (302) in place of the 400 ({@code auth-tls-error-page}); null: none. */
    public String errorPage() {
        return errorPage;
    }

    /** Whether the client's certificate goes upstream, URL-encoded PEM, in {@code ssl-client-cert} ({@code auth-tls-pass-certificate-to-upstream}). */
    public boolean passCertificate() {
        return passCertificate;
    }

    /** The pattern the client certificate's subject DN (RFC 2253) must contain a match of, or 403 ({@code auth-tls-match-cn}); null: any. */
    public Pattern matchCn() {
        return matchCn;
    }

    /**
     * Why the Ingress's requests are answered 503 instead, such as a Secret that is missing or has no
     * usable {@code ca.crt}: a client certificate that cannot be checked never opens access; null when
     * the setting is usable.
     */
    public String refusal() {
        return refusal;
    }

    /** Whether a client certificate is asked for in the TLS handshake: a usable setting whose verify-client is not off. */
    public boolean asksForCertificate() {
        return refusal == null && verifyClient != VerifyClient.OFF;
    }

    /**
     * The Secret whose {@code ca.crt} the Ingress's {@code auth-tls-secret} names, {@code namespace/name};
     * null when it names none it may use (a source delivers it, of type {@code Opaque} or
     * {@code kubernetes.io/tls}, as an {@link io.jingress.core.model.OpaqueSecret}).
     */
    public static String secretNamedBy(io.jingress.core.model.Ingress ingress) {
        return AuthTlsAnnotations.secretKey(ingress.annotations(), ingress.namespace());
    }

    /** One phrase for {@code /routes} and explain; never the certificates. */
    public String describe() {
        if (refusal != null) {
            return "answered 503 (auth-tls): " + refusal;
        }
        List<String> parts = new ArrayList<>();
        parts.add("verify-client " + verifyClient.value());
        parts.add("CA " + secret + (crlPem == null ? " ca.crt" : " ca.crt and ca.crl"));
        parts.add("depth " + verifyDepth);
        if (matchCn != null) {
            parts.add("subject matching " + matchCn.pattern());
        }
        if (errorPage != null) {
            parts.add("failures redirected to " + errorPage);
        }
        if (passCertificate) {
            parts.add("certificate passed upstream");
        }
        return "client certificates (auth-tls, per host): " + String.join(", ", parts);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthTls o && verifyClient == o.verifyClient && verifyDepth == o.verifyDepth
                && passCertificate == o.passCertificate && Objects.equals(secret, o.secret)
                && Objects.equals(caPem, o.caPem) && Objects.equals(crlPem, o.crlPem) && Objects.equals(errorPage, o.errorPage)
                && Objects.equals(matchCn == null ? null : matchCn.pattern(), o.matchCn == null ? null : o.matchCn.pattern())
                && Objects.equals(refusal, o.refusal);
    }

    @Override
    public int hashCode() {
        return Objects.hash(secret, caPem, crlPem, verifyClient, verifyDepth, errorPage, passCertificate, refusal);
    }

    @Override
    public String toString() {
        return "AuthTls[" + describe() + "]";
    }
}
