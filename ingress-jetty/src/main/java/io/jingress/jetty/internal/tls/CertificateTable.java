package io.jingress.jetty.internal.tls;

import java.util.Locale;
import java.util.Map;

/**
 * One immutable generation of the served certificates: host name (exact, or {@code *.} wildcard)
 * to certificate, plus the default certificate. The key manager reads it on every handshake.
 *
 * @param byHost lower-case host names and {@code *.domain} wildcards
 * @param byAlias every certificate by its alias, the default one included
 * @param defaultCertificate served when no host entry applies
 */
record CertificateTable(Map<String, ServedCertificate> byHost, Map<String, ServedCertificate> byAlias,
        ServedCertificate defaultCertificate) {

    /**
     * The certificate for a TLS ClientHello's server name: the exact host, else the wildcard of its
     * parent domain ({@code *.foo.com} for {@code bar.foo.com}: one label, as Ingress wildcards
     * mean), else the default. {@code sniHost} may be null (no SNI).
     */
    ServedCertificate select(String sniHost) {
        if (sniHost == null || sniHost.isEmpty()) {
            return defaultCertificate;
        }
        String host = normalize(sniHost);
        ServedCertificate exact = byHost.get(host);
        if (exact != null) {
            return exact;
        }
        int dot = host.indexOf('.');
        if (dot > 0 && dot < host.length() - 1) {
            ServedCertificate wildcard = byHost.get("*" + host.substring(dot));
            if (wildcard != null) {
                return wildcard;
            }
        }
        return defaultCertificate;
    }

    static String normalize(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
