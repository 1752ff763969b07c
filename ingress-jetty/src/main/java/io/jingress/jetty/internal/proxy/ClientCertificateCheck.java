package io.jingress.jetty.internal.proxy;

import io.jingress.core.internal.route.RegexBudget;
import io.jingress.core.route.AuthTls;
import io.jingress.jetty.internal.tls.ClientCertificateHosts;
import io.jingress.jetty.internal.tls.TimedSslConnectionFactory;

import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Response;

/**
 * Client certificate authentication ({@code auth-tls-*}) of a request, by the setting of its host
 * ({@link ClientCertificateHosts}), as nginx's {@code ssl_verify_client} answers: no certificate when
 * one is required, or one that fails verification, is answered 400 (or redirected to
 * {@code auth-tls-error-page}); a subject that does not match {@code auth-tls-match-cn}, 403; a
 * request for such a host on a connection that did not ask for its certificates (its SNI named
 * another host, or none), 421 Misdirected Request, so that an HTTP/2 client reusing a connection
 * opens one for the host. A request that goes on carries the verdict in the headers ingress-nginx
 * sends ({@link ClientCertificateHeaders}).
 *
 * <p>The chain is verified against the host's CAs when a request first needs it on a TLS session
 * ({@link ClientCertificateVerdict}), and the verdict kept with the session for its other requests.
 */
final class ClientCertificateCheck {
    static final PlainResponses.Body NO_CERTIFICATE = new PlainResponses.Body(HttpStatus.BAD_REQUEST_400,
            "400 Bad Request: no required SSL certificate was sent\n");
    static final PlainResponses.Body CERTIFICATE_ERROR = new PlainResponses.Body(HttpStatus.BAD_REQUEST_400,
            "400 Bad Request: the SSL certificate error\n");
    static final PlainResponses.Body UNAUTHORIZED = new PlainResponses.Body(HttpStatus.FORBIDDEN_403,
            "403 Forbidden: client certificate unauthorized\n");
    static final PlainResponses.Body MISDIRECTED = new PlainResponses.Body(HttpStatus.MISDIRECTED_REQUEST_421,
            "421 Misdirected Request: this host asks for a client certificate; open a connection naming it (SNI)\n");
    static final PlainResponses.Body CANNOT_AUTHENTICATE = new PlainResponses.Body(HttpStatus.SERVICE_UNAVAILABLE_503,
            "503 Service Unavailable: this route's client certificate authentication cannot be done as its Ingress asks\n");
    private static final PlainResponses.Body FOUND = new PlainResponses.Body(HttpStatus.FOUND_302, "302 Found\n");

    private ClientCertificateCheck() {
    }

    /**
     * Whether the request was answered here; else it goes on, with {@link Exchange#clientCertificate}
     * set when its host has client certificate authentication. Costs two field reads when no host of
     * the table ({@code hosts}) has it and the route's Ingress asks nothing.
     *
     * @param host the host the request was routed by
     */
    static boolean answered(Exchange exchange, ClientCertificateHosts hosts, String host, Response proxyToClientResponse) {
        AuthTls own = exchange.route.policy().authTls();
        if (own != null && own.refusal() != null) {
            PlainResponses.write(proxyToClientResponse, exchange, CANNOT_AUTHENTICATE);
            return true;
        }
        if (hosts.isEmpty()) {
            return false;
        }
        AuthTls auth = hosts.forHost(host);
        if (auth == null) {
            return false;
        }
        if (auth.refusal() != null) {  // no Ingress of the host has a setting that can be used
            PlainResponses.write(proxyToClientResponse, exchange, CANNOT_AUTHENTICATE);
            return true;
        }
        ClientCertificateHeaders verdict = ClientCertificateHeaders.NONE;
        if (auth.verifyClient() != AuthTls.VerifyClient.OFF && exchange.getConnectionMetaData().isSecure()) {
            EndPoint endPoint = exchange.getConnectionMetaData().getConnection().getEndPoint();
            AuthTls asked = TimedSslConnectionFactory.clientCertificatesAsked(endPoint);
            if (asked == null || !asked.caPem().equals(auth.caPem())) {
                PlainResponses.write(proxyToClientResponse, exchange, MISDIRECTED);
                return true;
            }
            verdict = verdict(TimedSslConnectionFactory.session(endPoint), auth);
        }
        // plain HTTP (or TLS ended by a proxy in front): no certificate could be asked for, as none sent
        AuthTls.VerifyClient mode = auth.verifyClient();
        if (verdict == ClientCertificateHeaders.NONE ? mode == AuthTls.VerifyClient.ON
                : !verdict.success() && mode != AuthTls.VerifyClient.OPTIONAL_NO_CA) {
            if (auth.errorPage() != null) {
                proxyToClientResponse.getHeaders().put(HttpHeader.LOCATION, auth.errorPage());
                PlainResponses.write(proxyToClientResponse, exchange, FOUND);
            } else {
                PlainResponses.write(proxyToClientResponse, exchange,
                        verdict == ClientCertificateHeaders.NONE ? NO_CERTIFICATE : CERTIFICATE_ERROR);
            }
            return true;
        }
        if (auth.matchCn() != null && !subjectMatches(auth, verdict.subject())) {
            PlainResponses.write(proxyToClientResponse, exchange, UNAUTHORIZED);
            return true;
        }
        exchange.clientCertificate = auth.passCertificate() ? verdict : verdict.withoutCertificate();
        return false;
    }

    private static boolean subjectMatches(AuthTls auth, String subject) {
        try {
            // nginx: if ($ssl_client_s_dn !~ MATCH_CN) { return 403; }, an empty DN without a certificate
            return RegexBudget.find(auth.matchCn(), subject == null ? "" : subject);
        } catch (RegexBudget.Exceeded | StackOverflowError tooCostly) {
            return false;  // never let a certificate through on a match that could not be made
        }
    }

    /** The verdict on the session's client certificate for {@code auth}'s CAs, kept with the session. */
    private static ClientCertificateHeaders verdict(SSLSession session, AuthTls auth) {
        if (session == null) {
            return ClientCertificateHeaders.NONE;
        }
        Object kept = session.getValue(ClientCertificateHeaders.SESSION_KEY);
        if (kept instanceof ClientCertificateHeaders headers && headers.sameCas(auth)) {
            return headers;
        }
        Certificate[] peer;
        try {
            peer = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException none) {
            return ClientCertificateHeaders.NONE;  // asked, none sent: nothing to keep
        }
        X509Certificate[] chain = new X509Certificate[peer.length];
        for (int i = 0; i < peer.length; i++) {
            chain[i] = (X509Certificate) peer[i];
        }
        String failure = ClientCertificateVerdict.failure(chain, auth);
        X509Certificate leaf = chain[0];
        ClientCertificateHeaders headers = new ClientCertificateHeaders(auth.caPem(),
                failure == null ? "SUCCESS" : "FAILED:" + failure,
                leaf.getSubjectX500Principal().getName(), leaf.getIssuerX500Principal().getName(), escapedPem(leaf));
        session.putValue(ClientCertificateHeaders.SESSION_KEY, headers);
        return headers;
    }

    /** nginx's {@code $ssl_client_escaped_cert}: the PEM of the certificate, URL-encoded. */
    static String escapedPem(X509Certificate certificate) {
        String base64;
        try {
            base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            return null;
        }
        String pem = "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
        StringBuilder escaped = new StringBuilder(pem.length() * 5 / 4);
        for (byte b : pem.getBytes(StandardCharsets.US_ASCII)) {
            char c = (char) b;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                escaped.append(c);
            } else {
                escaped.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return escaped.toString();
    }
}
