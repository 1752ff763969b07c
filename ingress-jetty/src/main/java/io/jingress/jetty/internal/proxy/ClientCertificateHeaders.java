package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.AuthTls;

/**
 * What a request of a host with client certificate authentication tells its endpoint, in
 * ingress-nginx's headers: {@code ssl-client-verify} ({@code SUCCESS}, {@code FAILED:reason} or
 * {@code NONE}), {@code ssl-client-subject-dn} and {@code ssl-client-issuer-dn} (RFC 2253, as nginx's
 * {@code $ssl_client_s_dn}), and with {@code auth-tls-pass-certificate-to-upstream}
 * {@code ssl-client-cert} (the URL-encoded PEM). A client's own headers of these names are dropped
 * on every route ({@link #isOurs}): only the proxy vouches for them. Immutable; kept with the TLS
 * session it was made for.
 */
final class ClientCertificateHeaders {
    static final String VERIFY = "ssl-client-verify";
    static final String SUBJECT_DN = "ssl-client-subject-dn";
    static final String ISSUER_DN = "ssl-client-issuer-dn";
    static final String CERTIFICATE = "ssl-client-cert";
    /** The name of the value kept in the {@code SSLSession}. */
    static final String SESSION_KEY = "io.jingress.client-certificate";
    private static final String PREFIX = "ssl-client-";
    /** No certificate. */
    static final ClientCertificateHeaders NONE = new ClientCertificateHeaders(null, "NONE", null, null, null);

    private final String caPem;
    private final String verify;
    private final String subject;
    private final String issuer;
    private final String escapedCertificate;
    private ClientCertificateHeaders withoutCertificate;

    ClientCertificateHeaders(String caPem, String verify, String subject, String issuer, String escapedCertificate) {
        this.caPem = caPem;
        this.verify = verify;
        this.subject = subject;
        this.issuer = issuer;
        this.escapedCertificate = escapedCertificate;
    }

    boolean sameCas(AuthTls auth) {
        return caPem != null && caPem.equals(auth.caPem());
    }

    boolean success() {
        return verify.equals("SUCCESS");
    }

    String subject() {
        return subject;
    }

    /** The same without {@code ssl-client-cert}. */
    ClientCertificateHeaders withoutCertificate() {
        if (escapedCertificate == null) {
            return this;
        }
        ClientCertificateHeaders without = withoutCertificate;
        if (without == null) {
            without = new ClientCertificateHeaders(caPem, verify, subject, issuer, null);
            withoutCertificate = without;  // a benign race: equal values
        }
        return without;
    }

    /** Writes the headers, leaving out the empty ones as nginx's {@code proxy_set_header} does. */
    void addTo(ProxyHeaders.HeaderSink sink) {
        sink.header(VERIFY, verify);
        if (subject != null && !subject.isEmpty()) {
            sink.header(SUBJECT_DN, subject);
        }
        if (issuer != null && !issuer.isEmpty()) {
            sink.header(ISSUER_DN, issuer);
        }
        if (escapedCertificate != null) {
            sink.header(CERTIFICATE, escapedCertificate);
        }
    }

    /** Whether a client's header is one of these names ({@code ssl-client-*}): it is never passed on. */
    static boolean isOurs(String name) {
        return name.length() > PREFIX.length() && (name.charAt(0) == 's' || name.charAt(0) == 'S')
                && name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }
}
