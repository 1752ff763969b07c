package io.jingress.core.route;

import io.jingress.core.model.OpaqueSecret;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code auth-tls-*} annotations into an {@link AuthTls}, with the Secret of
 * {@code auth-tls-secret} from the cluster state, as ingress-nginx does; where ingress-nginx would
 * silently drop the authentication (no Secret, one of another namespace, no or an unreadable
 * {@code ca.crt}, an unreadable {@code ca.crl}, a {@code match-cn} that is no regular expression), the Ingress's requests are
 * answered 503 instead, so that a mistake never serves a host unauthenticated. Without
 * {@code auth-tls-secret} the other annotations have no effect, as in ingress-nginx.
 */
final class AuthTlsAnnotations {
    static final String SECRET = "auth-tls-secret";
    static final String VERIFY_CLIENT = "auth-tls-verify-client";
    static final String DEPTH = "auth-tls-verify-depth";
    static final String ERROR_PAGE = "auth-tls-error-page";
    static final String PASS_CERTIFICATE = "auth-tls-pass-certificate-to-upstream";
    static final String MATCH_CN = "auth-tls-match-cn";
    /** The names read, without prefix. */
    static final List<String> NAMES = List.of(SECRET, VERIFY_CLIENT, DEPTH, ERROR_PAGE, PASS_CERTIFICATE, MATCH_CN);
    static final String CA_KEY = "ca.crt";
    static final String CRL_KEY = "ca.crl";

    // an absolute http(s) URL or a path, of URI characters only (it goes out in a Location field)
    private static final Pattern ERROR_PAGE_URL = Pattern.compile(
            "(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)?/[A-Za-z0-9._~!$&'()*+,;=:@/?%-]*");
    private static final String REFUSED = "the Ingress's requests are answered 503 until it is fixed, rather than"
            + " served without client certificates";

    private AuthTlsAnnotations() {
    }

    static void read(Map<String, String> annotations, BasicAuthAnnotations.Context context, RoutePolicy.Builder builder,
            List<String> problems) {
        RouteAnnotations.Named secretNamed = RouteAnnotations.value(annotations, SECRET);
        RouteAnnotations.Named verifyNamed = RouteAnnotations.value(annotations, VERIFY_CLIENT);
        RouteAnnotations.Named depthNamed = RouteAnnotations.value(annotations, DEPTH);
        RouteAnnotations.Named errorPageNamed = RouteAnnotations.value(annotations, ERROR_PAGE);
        RouteAnnotations.Named passNamed = RouteAnnotations.value(annotations, PASS_CERTIFICATE);
        RouteAnnotations.Named matchNamed = RouteAnnotations.value(annotations, MATCH_CN);
        if (secretNamed == null) {
            for (RouteAnnotations.Named named : new RouteAnnotations.Named[] {verifyNamed, depthNamed, errorPageNamed,
                    passNamed, matchNamed}) {
                if (named != null) {
                    problems.add(named.quoted() + " has no effect without " + RouteAnnotations.NGINX_PREFIX + SECRET
                            + " (no client certificate is asked for)");
                }
            }
            return;
        }
        AuthTls.VerifyClient verify = AuthTls.VerifyClient.ON;
        if (verifyNamed != null) {
            verify = verifyClient(verifyNamed.value());
            if (verify == null) {
                problems.add(verifyNamed.quoted() + " is none of on, off, optional, optional_no_ca: on is used, as"
                        + " ingress-nginx does");
                verify = AuthTls.VerifyClient.ON;
            }
        }
        int depth = 1;
        if (depthNamed != null) {
            depth = depth(depthNamed, problems);
        }
        String errorPage = null;
        if (errorPageNamed != null && !errorPageNamed.value().isEmpty()) {
            if (ERROR_PAGE_URL.matcher(errorPageNamed.value()).matches()) {
                errorPage = errorPageNamed.value();
            } else {
                problems.add(errorPageNamed.quoted() + " is no URL (http://host/path, https://host/path or /path):"
                        + " requests without a verified certificate are answered 400");
            }
        }
        boolean pass = false;
        if (passNamed != null) {
            Boolean on = RouteAnnotations.parseBool(passNamed.value());
            if (on == null) {
                problems.add(passNamed.quoted() + " is neither true nor false: the certificate is not passed upstream");
            } else {
                pass = on;
            }
        }
        Pattern matchCn = null;
        if (matchNamed != null && !matchNamed.value().isEmpty()) {
            try {
                matchCn = Pattern.compile(matchNamed.value());
            } catch (PatternSyntaxException e) {
                problems.add(matchNamed.quoted() + " is no regular expression (" + e.getDescription() + "); " + REFUSED);
                builder.authTls(refusing(verify, MATCH_CN + " \"" + matchNamed.value() + "\" is no regular expression"));
                return;
            }
        }
        String secretKey = SecretReference.key(secretNamed, context.namespace(), problems, REFUSED);
        if (secretKey == null) {
            builder.authTls(refusing(verify, SECRET + " \"" + secretNamed.value() + "\" cannot be used"));
            return;
        }
        OpaqueSecret found = context.secrets().apply(secretKey);
        String why = null;
        if (found == null) {
            why = "there is no Secret " + secretKey;
        } else if (found.data().get(CA_KEY) == null) {
            why = "the Secret " + secretKey + " has no \"" + CA_KEY + "\"";
        } else {
            String unreadable = unreadableCertificates(found.data().get(CA_KEY));
            if (unreadable != null) {
                why = "the Secret " + secretKey + " key \"" + CA_KEY + "\" is no PEM CA certificate (" + unreadable + ")";
            } else if (found.data().get(CRL_KEY) != null && (unreadable = unreadableCrls(found.data().get(CRL_KEY))) != null) {
                // a revocation list that cannot be read must not let revoked certificates in
                why = "the Secret " + secretKey + " key \"" + CRL_KEY + "\" is no PEM revocation list (" + unreadable + ")";
            }
        }
        if (why != null) {
            problems.add(secretNamed.quoted() + ": " + why + "; " + REFUSED);
            builder.authTls(refusing(verify, why));
            return;
        }
        builder.authTls(new AuthTls(secretKey, found.data().get(CA_KEY), found.data().get(CRL_KEY), verify, depth, errorPage, pass, matchCn, null));
    }

    private static AuthTls refusing(AuthTls.VerifyClient verify, String why) {
        return new AuthTls(null, null, null, verify, 1, null, false, null, why);
    }

    static AuthTls.VerifyClient verifyClient(String value) {
        for (AuthTls.VerifyClient verify : AuthTls.VerifyClient.values()) {
            if (verify.value().equals(value)) {
                return verify;
            }
        }
        return null;
    }

    private static int depth(RouteAnnotations.Named named, List<String> problems) {
        try {
            int depth = Integer.parseInt(named.value());
            if (depth >= 1 && depth <= 100) {
                return depth;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(named.quoted() + " is no depth (a whole number, 1 to 100); 1 is used, as ingress-nginx does");
        return 1;
    }

    /** The Secret an Ingress's {@code auth-tls-secret} names, {@code namespace/name}, when it may be used; else null. */
    static String secretKey(Map<String, String> annotations, String namespace) {
        RouteAnnotations.Named secret = RouteAnnotations.value(annotations, SECRET);
        return secret == null ? null : SecretReference.key(secret, namespace, new ArrayList<>(), "");
    }

    /** Null when {@code pem} holds at least one X.509 CRL and nothing unreadable; else what is wrong. */
    private static String unreadableCrls(String pem) {
        try {
            var crls = CertificateFactory.getInstance("X.509")
                    .generateCRLs(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            return crls.isEmpty() ? "no CRL in it" : null;
        } catch (CRLException | CertificateException | RuntimeException e) {
            return "unreadable";
        }
    }

    /** Null when {@code pem} holds at least one CA certificate and nothing unreadable; else what is wrong. */
    private static String unreadableCertificates(String pem) {
        try {
            var certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certificates.isEmpty()) {
                return "no certificate in it";
            }
            for (var certificate : certificates) {
                if (certificate instanceof X509Certificate x509 && x509.getBasicConstraints() < 0
                        && !x509.getSubjectX500Principal().equals(x509.getIssuerX500Principal())) {
                    return "a certificate in it is no CA: " + x509.getSubjectX500Principal().getName();
                }
            }
            return null;
        } catch (CertificateException | RuntimeException e) {
            return "unreadable";
        }
    }
}
