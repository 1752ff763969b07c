package io.jingress.core.route;

import io.jingress.core.model.OpaqueSecret;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code proxy-ssl-*} annotations into a {@link ProxySsl}, with the Secret of
 * {@code proxy-ssl-secret} from the cluster state, as ingress-nginx does, except where a setting it
 * would drop silently is a security setting: {@code proxy-ssl-verify: "on"} that cannot verify (no
 * Secret, one of another namespace, no {@code ca.crt}, an unreadable one) answers the requests that
 * go over TLS with 502 instead of sending them unverified, and so does a {@code proxy-ssl-secret}
 * that cannot be used (ingress-nginx denies the location, 503). They have no effect unless the
 * endpoints are spoken to over TLS ({@code backend-protocol: HTTPS}, {@code AUTO_HTTP} or
 * {@code GRPCS}). ingress-nginx does not apply them to gRPC ({@code grpc_pass} reads
 * {@code grpc_ssl_*}, not {@code proxy_ssl_*}): an Ingress that asks {@code GRPCS} with
 * {@code proxy-ssl-verify: "on"} gets it verified here, not sent unverified.
 */
final class ProxySslAnnotations {
    static final String SECRET = "proxy-ssl-secret";
    static final String VERIFY = "proxy-ssl-verify";
    static final String DEPTH = "proxy-ssl-verify-depth";
    static final String NAME = "proxy-ssl-name";
    static final String SERVER_NAME = "proxy-ssl-server-name";
    static final String PROTOCOLS = "proxy-ssl-protocols";
    static final String CIPHERS = "proxy-ssl-ciphers";
    /** The names read, without prefix. */
    static final List<String> NAMES = List.of(SECRET, VERIFY, DEPTH, NAME, SERVER_NAME, PROTOCOLS, CIPHERS);
    static final String CA_KEY = "ca.crt";
    static final String CERT_KEY = "tls.crt";
    static final String KEY_KEY = "tls.key";

    // a DNS name (a wildcard is no name an endpoint is reached by) or an IPv4/IPv6 literal
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?i)[a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?)*|[0-9a-f:.]*:[0-9a-f:.]*");

    private ProxySslAnnotations() {
    }

    static void read(Map<String, String> annotations, BackendProtocol protocol, BasicAuthAnnotations.Context context,
            RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named secretNamed = RouteAnnotations.value(annotations, SECRET);
        RouteAnnotations.Named verifyNamed = RouteAnnotations.value(annotations, VERIFY);
        RouteAnnotations.Named depthNamed = RouteAnnotations.value(annotations, DEPTH);
        RouteAnnotations.Named nameNamed = RouteAnnotations.value(annotations, NAME);
        RouteAnnotations.Named serverNameNamed = RouteAnnotations.value(annotations, SERVER_NAME);
        RouteAnnotations.Named protocolsNamed = RouteAnnotations.value(annotations, PROTOCOLS);
        RouteAnnotations.Named ciphersNamed = RouteAnnotations.value(annotations, CIPHERS);
        boolean verifyOff = verifyNamed == null || verifyNamed.value().equals("off");
        if (verifyOff && secretNamed == null && depthNamed == null && nameNamed == null && serverNameNamed == null
                && protocolsNamed == null && ciphersNamed == null) {
            return;
        }
        if (protocol != BackendProtocol.HTTPS && protocol != BackendProtocol.AUTO_HTTP && protocol != BackendProtocol.GRPCS) {
            RouteAnnotations.Named first = !verifyOff ? verifyNamed : firstSet(secretNamed, verifyNamed, depthNamed,
                    nameNamed, serverNameNamed, protocolsNamed, ciphersNamed);
            boolean odd = first == verifyNamed && !first.value().equals("on") && !first.value().equals("off");
            problems.add(first.quoted() + (odd ? " is neither on nor off, and has" : " has")
                    + " no effect without backend-protocol HTTPS"
                    + (protocol == BackendProtocol.GRPC ? ": the endpoints are spoken to in cleartext HTTP/2 (gRPC)"
                            : protocol.spoken() ? ": the endpoints are spoken to in plain HTTP"
                            : ": the Ingress's routes answer 502 for backend-protocol " + protocol));
            return;
        }
        String over = protocol != BackendProtocol.AUTO_HTTP ? "the Ingress's requests are answered 502"
                : "the Ingress's requests from clients over TLS (which backend-protocol AUTO_HTTP sends to endpoints"
                        + " over TLS) are answered 502, those over plain HTTP are proxied";

        boolean verify = false;
        boolean odd = false;
        if (verifyNamed != null) {
            String value = verifyNamed.value();
            if (value.equals("on")) {
                verify = true;
            } else if (!value.equals("off")) {
                verify = true;
                odd = true;
            }
        }
        int depth = 1;
        if (depthNamed != null) {
            depth = depth(depthNamed, problems);
        }
        String name = null;
        if (nameNamed != null) {
            if (HOST_NAME.matcher(nameNamed.value()).matches() && nameNamed.value().length() <= 253) {
                name = nameNamed.value().toLowerCase(java.util.Locale.ROOT);
            } else {
                problems.add(nameNamed.quoted() + " is no host name" + (verify
                        ? ": no certificate can be verified for it, so " + over : "; the Service's name is used"));
                if (verify) {
                    builder.proxySsl(refusing(NAME + " \"" + nameNamed.value() + "\" is no host name"));
                    return;
                }
            }
        }
        boolean serverName = false;
        if (serverNameNamed != null) {
            if (serverNameNamed.value().equals("on")) {
                serverName = true;
            } else if (!serverNameNamed.value().equals("off")) {
                problems.add(serverNameNamed.quoted() + " is neither on nor off: no SNI is sent, as with off");
            }
        }
        List<String> protocols = protocolsNamed == null ? ProxySsl.DEFAULT_PROTOCOLS : protocols(protocolsNamed, problems);
        List<String> suites = null;
        if (ciphersNamed != null && !ciphersNamed.value().trim().equals("DEFAULT")) {
            List<String> sentences = new ArrayList<>();
            suites = TlsPolicyKeys.tls12Suites(ciphersNamed.value(), sentences);
            for (String sentence : sentences) {
                problems.add(ciphersNamed.quoted() + ": " + sentence);
            }
            if (suites == null) {
                problems.add(ciphersNamed.quoted() + " names no TLS 1.2 cipher suite Jingress can offer: Java's defaults"
                        + " are offered");
            }
        }

        String secretKey = null;
        String caPem = null;
        String certPem = null;
        String keyPem = null;
        boolean caReported = false;
        if (secretNamed != null) {
            secretKey = SecretReference.key(secretNamed, context.namespace(), problems, over);
            if (secretKey == null) {
                builder.proxySsl(refusing(SECRET + " \"" + secretNamed.value() + "\" cannot be used"));
                return;
            }
            OpaqueSecret found = context.secrets().apply(secretKey);
            if (found == null) {
                problems.add(secretNamed.quoted() + ": there is no Secret " + secretKey + "; " + over + " until there is");
                builder.proxySsl(refusing("the Secret " + secretKey + " of " + SECRET + " is not found"));
                return;
            }
            String ca = found.data().get(CA_KEY);
            certPem = found.data().get(CERT_KEY);
            keyPem = found.data().get(KEY_KEY);
            if (ca == null && certPem == null) {
                problems.add(secretNamed.quoted() + ": the Secret " + secretKey + " has neither \"" + CA_KEY + "\" nor \""
                        + CERT_KEY + "\"; " + over);
                builder.proxySsl(refusing("the Secret " + secretKey + " of " + SECRET + " has neither ca.crt nor tls.crt"));
                return;
            }
            if ((certPem == null) != (keyPem == null)) {
                problems.add(secretNamed.quoted() + ": the Secret " + secretKey + " has \"" + (certPem == null ? KEY_KEY : CERT_KEY)
                        + "\" without \"" + (certPem == null ? CERT_KEY : KEY_KEY) + "\", so no client certificate can be"
                        + " presented; " + over);
                builder.proxySsl(refusing("the Secret " + secretKey + " of " + SECRET + " has only one of tls.crt and tls.key"));
                return;
            }
            if (ca != null) {
                String unreadable = unreadableCertificates(ca);
                if (unreadable == null) {
                    caPem = ca;
                } else {
                    caReported = true;
                    problems.add(secretNamed.quoted() + ": the Secret " + secretKey + " key \"" + CA_KEY + "\" is no PEM"
                            + " certificate (" + unreadable + ")" + (verify ? "; " + over + ", nothing is sent unverified"
                                    : "; it is not used (proxy-ssl-verify is off)"));
                }
            }
        }
        String refusal = null;
        if (verify && caPem == null) {
            String why = secretKey == null ? "no " + SECRET + " names the CA"
                    : "the Secret " + secretKey + " has no usable " + CA_KEY;
            if (!caReported) {
                problems.add(verifyNamed.quoted() + (odd ? " is neither on nor off, is read as on (the safe side)," : "")
                        + " asks that endpoint certificates be verified, and " + why + ": "
                        + over + ", and nothing is sent to the endpoints unverified");
            }
            refusal = VERIFY + " is on and " + why;
        }
        if (odd && refusal == null) {
            problems.add(verifyNamed.quoted() + " is neither on nor off: it is read as on, the safe side");
        }
        ProxySsl ssl = new ProxySsl(secretKey, caPem, certPem, keyPem, verify, depth, name, serverName, protocols, refusal);
        builder.proxySsl(suites == null ? ssl : ssl.withCipherSuites(suites));
    }

    private static ProxySsl refusing(String why) {
        return new ProxySsl(null, null, null, null, true, 1, null, false, ProxySsl.DEFAULT_PROTOCOLS, why);
    }

    private static RouteAnnotations.Named firstSet(RouteAnnotations.Named... all) {
        for (RouteAnnotations.Named named : all) {
            if (named != null) {
                return named;
            }
        }
        throw new IllegalStateException("none set");
    }

    private static int depth(RouteAnnotations.Named named, List<String> problems) {
        try {
            int depth = Integer.parseInt(named.value());
            if (depth >= 0 && depth <= 100) {
                return Math.max(depth, 1);  // 0 is the default, as in ingress-nginx
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(named.quoted() + " is no depth (a whole number, 1 to 100); 1 is used");
        return 1;
    }

    private static List<String> protocols(RouteAnnotations.Named named, List<String> problems) {
        Set<String> offered = new LinkedHashSet<>();
        List<String> refused = new ArrayList<>();
        for (String word : named.value().split("\\s+")) {
            if (word.equals("TLSv1.2") || word.equals("TLSv1.3")) {
                offered.add(word);
            } else if (!word.isEmpty()) {
                refused.add(word);
            }
        }
        if (!refused.isEmpty() || offered.isEmpty()) {
            problems.add(named.quoted() + ": only TLSv1.2 and TLSv1.3 are offered, as ingress-nginx allows; "
                    + (offered.isEmpty() ? String.join(" ", ProxySsl.DEFAULT_PROTOCOLS) + " are offered instead"
                            : String.join(" ", refused) + " left out"));
        }
        if (offered.isEmpty()) {
            return ProxySsl.DEFAULT_PROTOCOLS;
        }
        List<String> sorted = new ArrayList<>(offered);
        sorted.sort(null);
        return sorted;
    }

    /** The Secret an Ingress's {@code proxy-ssl-secret} names, {@code namespace/name}, when it may be used; else null. */
    static String secretKey(Map<String, String> annotations, String namespace) {
        RouteAnnotations.Named secret = RouteAnnotations.value(annotations, SECRET);
        return secret == null ? null : SecretReference.key(secret, namespace, new ArrayList<>(), "");
    }

    /** Null when {@code pem} holds at least one certificate and nothing unreadable; else what is wrong. */
    private static String unreadableCertificates(String pem) {
        try {
            var certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            return certificates.isEmpty() ? "no certificate in it" : null;
        } catch (CertificateException | RuntimeException e) {
            return "unreadable";
        }
    }

    /** The phrase of {@link RoutePolicy#describe()}. */
    static String describe(ProxySsl ssl, BackendProtocol protocol) {
        String phrase = ssl.describe();
        return protocol == BackendProtocol.AUTO_HTTP && ssl.refusal() != null
                ? phrase.replace("answered 502 over TLS to the endpoints", "answered 502 for a client over TLS") : phrase;
    }
}
