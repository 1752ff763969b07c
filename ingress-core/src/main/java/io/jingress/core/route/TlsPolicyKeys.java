package io.jingress.core.route;

import io.jingress.core.model.Problem;

import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.net.ssl.SSLContext;

/**
 * The controller ConfigMap's {@code ssl-protocols} and {@code ssl-ciphers}, as nginx's
 * {@code ssl_protocols} and {@code ssl_ciphers} read them, into what the JDK's TLS takes; the cipher
 * lists of {@code proxy-ssl-ciphers} alike ({@link #tls12Suites}).
 *
 * <p>{@code ssl-protocols}: names separated by blanks, {@code "TLSv1.2 TLSv1.3"} (ingress-nginx's
 * default). {@code TLSv1.2} and {@code TLSv1.3} are served; {@code SSLv2}, {@code SSLv3},
 * {@code TLSv1} and {@code TLSv1.1} are broken and the JDK refuses them, so each is a WARNING and
 * left out, as is a name that is none of these.
 *
 * <p>{@code ssl-ciphers}: OpenSSL's names separated by {@code :} (or blanks, or commas), e.g.
 * {@code ECDHE-RSA-AES128-GCM-SHA256}, turned into the standard (IANA, the JDK's) names,
 * {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}, which are taken too. As with nginx they choose the
 * suites of TLS 1.2: TLS 1.3's own three stay the server's (a TLS 1.3 name here is a WARNING). OpenSSL's
 * keywords and operators ({@code HIGH}, {@code !aNULL}, {@code +SHA}, {@code @STRENGTH}) are not read
 * (a WARNING says so: name each suite), nor a suite the JDK does not know.
 */
final class TlsPolicyKeys {
    static final String PROTOCOLS = "ssl-protocols";
    static final String CIPHERS = "ssl-ciphers";
    private static final String KIND = "ConfigMap";
    private static final Set<String> SERVED = Set.of("TLSv1.2", "TLSv1.3");
    private static final Set<String> BROKEN = Set.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1");
    private static final Set<String> TLS13_SUITES = Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256");

    private TlsPolicyKeys() {
    }

    /** The protocols {@code value} names that are served, in order; null (the server's) when not set or none is. */
    static List<String> protocols(String key, String value, List<Problem> problems) {
        if (value == null) {
            return null;
        }
        Set<String> protocols = new LinkedHashSet<>();
        for (String name : value.trim().split("\\s+")) {
            if (name.isEmpty()) {
                continue;
            }
            if (SERVED.contains(name)) {
                protocols.add(name);
            } else if (BROKEN.contains(name)) {
                problems.add(Problem.warning(KIND, key, field(PROTOCOLS), name + " is not served: it is broken, and the"
                        + " JDK refuses it; left out"));
            } else {
                problems.add(Problem.warning(KIND, key, field(PROTOCOLS), "\"" + name + "\" is no TLS protocol (TLSv1.2,"
                        + " TLSv1.3); left out"));
            }
        }
        if (protocols.isEmpty()) {
            problems.add(Problem.warning(KIND, key, field(PROTOCOLS), "\"" + value + "\" names no protocol that is"
                    + " served: TLSv1.2 and TLSv1.3 are, as by default"));
            return null;
        }
        return List.copyOf(protocols);
    }

    /**
     * The TLS 1.2 cipher suites {@code value} names (the JDK's names), in order; null (the server's)
     * when not set or none is usable.
     */
    static List<String> cipherSuites(String key, String value, List<Problem> problems) {
        if (value == null) {
            return null;
        }
        List<String> sentences = new ArrayList<>();
        List<String> suites = tls12Suites(value, sentences);
        for (String sentence : sentences) {
            problems.add(Problem.warning(KIND, key, field(CIPHERS), sentence));
        }
        if (suites == null) {
            problems.add(Problem.warning(KIND, key, field(CIPHERS), "names no TLS 1.2 suite that can be served: the"
                    + " server's own apply (ECDHE with AES-GCM or ChaCha20-Poly1305)"));
        }
        return suites;
    }

    /**
     * The TLS 1.2 cipher suites an OpenSSL-style list names, as the JDK names them, each once, in
     * order; null when none is usable. What is left out is a sentence each in {@code problems}.
     */
    static List<String> tls12Suites(String value, List<String> problems) {
        Set<String> supported = supportedSuites();
        Set<String> suites = new LinkedHashSet<>();
        List<String> keywords = new ArrayList<>();
        for (String name : value.trim().split("[:,\\s]+")) {
            if (name.isEmpty()) {
                continue;
            }
            String standard = name.startsWith("TLS_") ? name : standardName(name);
            if (standard == null && name.matches("[A-Za-z0-9]+(-[A-Za-z0-9]+)+")) {
                problems.add(name + " is not an OpenSSL name of a suite Jingress knows (ECDHE, DHE or RSA with AES-GCM,"
                        + " AES-CBC or ChaCha20-Poly1305; or give its standard name, TLS_...); left out");
            } else if (standard == null) {
                keywords.add(name);
            } else if (TLS13_SUITES.contains(standard)) {
                problems.add(name + " is a TLS 1.3 suite, which the list does not choose (as with nginx): TLS 1.3 offers"
                        + " its own; left out");
            } else if (!supported.contains(standard)) {
                problems.add(name + (standard.equals(name) ? "" : " (" + standard + ")") + " is not a cipher suite the JDK"
                        + " knows; left out");
            } else {
                suites.add(standard);
            }
        }
        if (!keywords.isEmpty()) {
            problems.add("OpenSSL's keywords and operators are not read, only suite names (ECDHE-RSA-AES128-GCM-SHA256, or"
                    + " TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256): " + String.join(" ", keywords) + " left out");
        }
        return suites.isEmpty() ? null : List.copyOf(suites);
    }

    /**
     * The standard name of an OpenSSL TLS 1.2 suite name: {@code [ECDHE-|DHE-|EDH-](RSA|ECDSA|DSS)-}
     * then {@code AES128|AES256} with {@code GCM-SHA256|GCM-SHA384|SHA|SHA256|SHA384}, or
     * {@code CHACHA20-POLY1305}; without a key exchange, RSA's. Null for anything else.
     */
    static String standardName(String openSsl) {
        String[] parts = openSsl.toUpperCase(Locale.ROOT).split("-");
        int i = 0;
        String exchange;
        if (parts.length > 2 && (parts[0].equals("ECDHE") || parts[0].equals("DHE") || parts[0].equals("EDH"))) {
            String auth = parts[1];
            if (!auth.equals("RSA") && !auth.equals("ECDSA") && !auth.equals("DSS")) {
                return null;
            }
            exchange = (parts[0].equals("ECDHE") ? "ECDHE" : "DHE") + "_" + auth;
            i = 2;
        } else {
            exchange = "RSA";
        }
        String[] rest = java.util.Arrays.copyOfRange(parts, i, parts.length);
        String cipher;
        if (rest.length == 2 && rest[0].equals("CHACHA20") && rest[1].equals("POLY1305") && !exchange.equals("RSA")) {
            cipher = "CHACHA20_POLY1305_SHA256";
        } else if (rest.length == 3 && isAes(rest[0]) && rest[1].equals("GCM")
                && (rest[2].equals("SHA256") || rest[2].equals("SHA384"))) {
            cipher = "AES_" + rest[0].substring(3) + "_GCM_" + rest[2];
        } else if (rest.length == 2 && isAes(rest[0])
                && (rest[1].equals("SHA") || rest[1].equals("SHA256") || rest[1].equals("SHA384"))) {
            cipher = "AES_" + rest[0].substring(3) + "_CBC_" + rest[1];
        } else {
            return null;
        }
        return "TLS_" + exchange + "_WITH_" + cipher;
    }

    private static boolean isAes(String part) {
        return part.equals("AES128") || part.equals("AES256");
    }

    private static Set<String> supportedSuites() {
        try {
            return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no usable TLS implementation", e);
        }
    }

    private static String field(String dataKey) {
        return ControllerConfigMap.field(dataKey);
    }
}
