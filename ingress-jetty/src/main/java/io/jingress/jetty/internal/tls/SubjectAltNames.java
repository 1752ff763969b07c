package io.jingress.jetty.internal.tls;

import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The check of a BackendTLSPolicy's {@code subjectAltNames}: the endpoint's certificate must carry
 * one of them. {@code DNS:name} matches a DNS subjectAltName equal to it (case aside), or one a
 * {@code *.} wildcard of one label away (either side's); {@code URI:uri} a URI subjectAltName equal
 * to it.
 */
final class SubjectAltNames {
    private static final int DNS = 2;
    private static final int URI = 6;

    private SubjectAltNames() {
    }

    /** Throws, saying what the certificate carries, when it carries none of {@code wanted}. */
    static void check(X509Certificate certificate, List<String> wanted) throws CertificateException {
        List<String> carried = carried(certificate);
        for (String name : wanted) {
            for (String has : carried) {
                if (matches(name, has)) {
                    return;
                }
            }
        }
        throw new CertificateException("the endpoint's certificate carries none of the subjectAltNames "
                + String.join(", ", wanted) + " (it carries " + (carried.isEmpty() ? "none" : String.join(", ", carried)) + ")");
    }

    private static List<String> carried(X509Certificate certificate) throws CertificateParsingException {
        List<String> carried = new ArrayList<>();
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        if (names != null) {
            for (List<?> name : names) {
                int type = (Integer) name.get(0);
                if (type == DNS) {
                    carried.add("DNS:" + ((String) name.get(1)).toLowerCase(Locale.ROOT));
                } else if (type == URI) {
                    carried.add("URI:" + name.get(1));
                }
            }
        }
        return carried;
    }

    static boolean matches(String wanted, String carried) {
        if (wanted.startsWith("URI:") || carried.startsWith("URI:")) {
            return wanted.equals(carried);
        }
        String a = wanted.substring(4).toLowerCase(Locale.ROOT);
        String b = carried.substring(4);
        return a.equals(b) || wildcardCovers(b, a) || wildcardCovers(a, b);
    }

    // "*.example.com" covers "a.example.com", not "example.com" nor "a.b.example.com"
    private static boolean wildcardCovers(String pattern, String name) {
        if (!pattern.startsWith("*.") || name.startsWith("*.")) {
            return false;
        }
        int dot = name.indexOf('.');
        return dot > 0 && name.substring(dot + 1).equals(pattern.substring(2));
    }
}
