package io.jingress.core.internal.route;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The host names a TLS certificate is valid for, and whether they cover a host, as ingress-nginx
 * decides which Secret of an Ingress serves a rule host its {@code spec.tls} does not list (Go's
 * {@code x509.Certificate.VerifyHostname}): the subject alternative DNS names, or the subject's
 * common name when there are none; {@code *.foo.com} covers exactly one more label.
 *
 * <pre>{@code
 * List<String> names = CertificateNames.of(secret.certificateChainPem());
 * boolean served = names != null && CertificateNames.covers(names, "shop.example.com");
 * }</pre>
 */
public final class CertificateNames {
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";
    private static final int DNS_NAME = 2;

    private CertificateNames() {
    }

    /**
     * The names of the first certificate (the leaf) of a PEM chain, lower case; {@code null} when
     * {@code pem} holds no certificate that parses.
     */
    public static List<String> of(String pem) {
        if (pem == null) {
            return null;
        }
        int begin = pem.indexOf(BEGIN);
        int end = begin < 0 ? -1 : pem.indexOf(END, begin);
        if (end < 0) {
            return null;
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            return namesOf(leaf);
        } catch (IllegalArgumentException | CertificateException e) {
            return null;
        }
    }

    private static List<String> namesOf(X509Certificate certificate) throws CertificateParsingException {
        List<String> names = new ArrayList<>();
        Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
        if (alternatives != null) {
            for (List<?> alternative : alternatives) {
                if (alternative.size() >= 2 && Integer.valueOf(DNS_NAME).equals(alternative.get(0))
                        && alternative.get(1) instanceof String name) {
                    names.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            String commonName = commonName(certificate.getSubjectX500Principal());
            if (commonName != null) {
                names.add(commonName.toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(names);
    }

    private static String commonName(X500Principal subject) {
        try {
            // getRdns() is in the certificate's order; Go keeps the last CN, the most specific
            String commonName = null;
            for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String value) {
                    commonName = value;
                }
            }
            return commonName;
        } catch (InvalidNameException e) {
            return null;
        }
    }

    /**
     * Whether a certificate with these names (lower case) is valid for {@code host} (lower case,
     * may be a {@code *.} wildcard, which only the same wildcard name covers).
     */
    public static boolean covers(List<String> names, String host) {
        String wanted = trimDot(host);
        for (String name : names) {
            String pattern = trimDot(name);
            if (pattern.equals(wanted)) {
                return true;
            }
            if (pattern.startsWith("*.") && !wanted.contains("*")) {
                int dot = wanted.indexOf('.');
                if (dot > 0 && wanted.substring(dot).equals(pattern.substring(1))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String trimDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
