package io.jingress.core.route;

import io.jingress.core.internal.route.CertificateNames;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The hosts the served Ingresses list for TLS and the certificate each is served with, as
 * {@link RouteCompiler} collects them: the oldest Ingress's Secret wins a host, a missing Secret
 * leaves its hosts the default certificate, and an entry without hosts covers the Ingress's rule
 * hosts its certificate names. Each of these is reported to the problems given.
 */
final class TlsHosts {
    private static final String KIND = "Ingress";

    private final List<Problem> problems;
    private final Set<String> tlsHosts = new HashSet<>();
    private final Map<String, TlsSecret> certificates = new LinkedHashMap<>();
    private final Map<String, List<String>> certificateNames = new HashMap<>();  // Secret to its names, or null

    TlsHosts(List<Problem> problems) {
        this.problems = problems;
    }

    /** Each TLS host (exact or {@code *.} wildcard) and the Secret of its certificate. */
    Map<String, TlsSecret> certificates() {
        return certificates;
    }

    /** Whether {@code host} (lower case) is served over TLS: listed, or under a listed wildcard. */
    boolean covers(String host) {
        if (tlsHosts.contains(host)) {
            return true;
        }
        int dot = host.indexOf('.');
        return !host.startsWith("*.") && dot > 0 && tlsHosts.contains("*" + host.substring(dot));
    }

    /** Reads the {@code spec.tls} of {@code served} (oldest first) against the Secrets of the state. */
    void collect(List<TlsSecret> secretList, List<Ingress> served) {
        Map<String, TlsSecret> secrets = new HashMap<>();
        for (TlsSecret secret : secretList) {
            secrets.put(secret.key(), secret);
        }
        for (Ingress ingress : served) {
            for (int t = 0; t < ingress.tls().size(); t++) {
                IngressTls tls = ingress.tls().get(t);
                List<String> hosts = new ArrayList<>();
                for (String host : tls.hosts()) {
                    hosts.add(host.toLowerCase(Locale.ROOT));
                }
                tlsHosts.addAll(hosts);
                if (hosts.isEmpty()) {
                    continue;
                }
                TlsSecret secret = tls.secretName() == null ? null
                        : secrets.get(ingress.namespace() + "/" + tls.secretName());
                if (secret == null) {
                    problems.add(Problem.warning(KIND, ingress.key(), "spec.tls[" + t + "].secretName",
                            (tls.secretName() == null ? "no secretName"
                                    : "no secret " + ingress.namespace() + "/" + tls.secretName()
                                            + " of type kubernetes.io/tls")
                                    + "; " + String.join(", ", hosts) + (hosts.size() == 1 ? " gets" : " get")
                                    + " the default certificate"));
                    continue;
                }
                for (int h = 0; h < hosts.size(); h++) {
                    String host = hosts.get(h);
                    TlsSecret previous = certificates.putIfAbsent(host, secret);
                    if (previous != null && !previous.equals(secret)) {
                        problems.add(Problem.warning(KIND, ingress.key(), "spec.tls[" + t + "]",
                                "host " + host + " already has the certificate of secret " + previous.key()
                                        + " from an older Ingress; " + secret.key() + " is not used for it"));
                    } else if (previous == null) {
                        reportUncovered(ingress, "spec.tls[" + t + "].hosts[" + h + "]", secret, host);
                    }
                }
            }
            coverUnlistedHosts(ingress, secrets);
        }
    }

    // A listed host its Secret's certificate is not valid for: every client that checks the name
    // refuses it, and nothing but this says why (ingress-nginx logs it and serves its default
    // certificate, which clients refuse too). An unreadable tls.crt is reported where the proxy loads it.
    private void reportUncovered(Ingress ingress, String field, TlsSecret secret, String host) {
        List<String> names = namesOf(secret);
        if (names != null && !CertificateNames.covers(names, host)) {
            problems.add(Problem.warning(KIND, ingress.key(), field, "the certificate of secret " + secret.key()
                    + " is for " + (names.isEmpty() ? "no host name" : String.join(", ", names)) + ", not " + host
                    + ": it is served for " + host + ", and clients that check the name refuse it"));
        }
    }

    private List<String> namesOf(TlsSecret secret) {
        if (!certificateNames.containsKey(secret.key())) {
            certificateNames.put(secret.key(), CertificateNames.of(secret.certificateChainPem()));
        }
        return certificateNames.get(secret.key());
    }

    // As ingress-nginx (extractTLSSecretName): a rule host that no spec.tls entry of its Ingress
    // lists is served with the first of the Ingress's TLS Secrets whose certificate covers it.
    // This is what makes an entry without hosts work: the API says its hosts default to the
    // controller's wildcard host setting.
    private void coverUnlistedHosts(Ingress ingress, Map<String, TlsSecret> secrets) {
        if (ingress.tls().isEmpty()) {
            return;
        }
        Set<String> listed = new HashSet<>();
        for (IngressTls tls : ingress.tls()) {
            for (String host : tls.hosts()) {
                listed.add(host.toLowerCase(Locale.ROOT));
            }
        }
        Set<String> unlisted = new LinkedHashSet<>();
        for (IngressRule rule : ingress.rules()) {
            String host = RouteCompiler.hostOf(rule);
            if (host != null && !listed.contains(host)) {
                unlisted.add(host);
            }
        }
        Set<String> covered = new HashSet<>();
        for (int t = 0; t < ingress.tls().size(); t++) {
            IngressTls tls = ingress.tls().get(t);
            boolean hostless = tls.hosts().isEmpty();
            if (!hostless && unlisted.isEmpty()) {
                continue;
            }
            String field = "spec.tls[" + t + "]";
            TlsSecret secret = tls.secretName() == null ? null
                    : secrets.get(ingress.namespace() + "/" + tls.secretName());
            if (secret == null) {
                if (hostless) {
                    problems.add(Problem.warning(KIND, ingress.key(), field + ".secretName", "this entry has no hosts"
                            + (tls.secretName() == null ? " and no secretName"
                                    : " and its Secret " + ingress.namespace() + "/" + tls.secretName() + " is missing")
                            + ": it serves no host"));
                }
                continue;
            }
            List<String> names = namesOf(secret);
            if (names == null) {
                // an entry with hosts and an unreadable tls.crt is reported where the proxy loads it
                if (hostless) {
                    problems.add(Problem.warning(KIND, ingress.key(), field, "this entry has no hosts and the tls.crt"
                            + " of secret " + secret.key() + " is not a PEM certificate, so no rule host can be"
                            + " matched to it: it serves no host"));
                }
                continue;
            }
            boolean coversAny = false;
            for (String host : unlisted) {
                if (!CertificateNames.covers(names, host)) {
                    continue;
                }
                coversAny = true;
                if (covered.add(host)) {
                    tlsHosts.add(host);
                    certificates.putIfAbsent(host, secret);
                }
            }
            if (hostless && !coversAny) {
                problems.add(Problem.warning(KIND, ingress.key(), field, "this entry has no hosts and the certificate"
                        + " of secret " + secret.key() + " (" + String.join(", ", names) + ") covers none of the"
                        + " Ingress's rule hosts that spec.tls does not list"
                        + (unlisted.isEmpty() ? "" : " (" + String.join(", ", unlisted) + ")") + ": it serves no host"));
            }
        }
    }
}
