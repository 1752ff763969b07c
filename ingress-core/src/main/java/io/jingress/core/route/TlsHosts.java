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
import java.util.function.Function;

/**
 * The hosts the served Ingresses list for TLS and the certificate each is served with, as
 * {@link RouteCompiler} collects them: a listed host counts only for an Ingress that serves it (a
 * host of its rules, or its own server-alias or www. name), the oldest such Ingress's Secret wins a host, a missing Secret
 * leaves its hosts the default certificate, and an entry without hosts covers the Ingress's rule
 * hosts its certificate names. Each of these is reported to the problems given.
 */
final class TlsHosts {
    private static final String KIND = "Ingress";

    private final List<Problem> problems;
    private final Set<String> tlsHosts = new HashSet<>();
    private final Map<String, TlsSecret> certificates = new LinkedHashMap<>();
    private final Map<String, List<String>> certificateNames = new HashMap<>();  // Secret to its names, or null
    // Ingress key to the alias and www. names its spec.tls lists, until HostAliases gives them to it
    private final Map<String, Map<String, Listed>> pending = new LinkedHashMap<>();

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

    /**
     * Reads the {@code spec.tls} of {@code served} (oldest first) against the Secrets of the state.
     * A listed host counts only for the Ingress that serves it: one of its rule hosts, or one of
     * its {@code server-alias} or {@code from-to-www-redirect} names, which wait for {@link #claim}.
     */
    void collect(List<TlsSecret> secretList, List<Ingress> served, Function<Ingress, RoutePolicy> policyOf) {
        Map<String, TlsSecret> secrets = new HashMap<>();
        for (TlsSecret secret : secretList) {
            secrets.put(secret.key(), secret);
        }
        for (Ingress ingress : served) {
            Set<String> ruleHosts = ruleHostsOf(ingress);
            Set<String> ownNames = ingress.tls().isEmpty() ? Set.of() : ownNamesOf(ruleHosts, policyOf.apply(ingress));
            for (int t = 0; t < ingress.tls().size(); t++) {
                IngressTls tls = ingress.tls().get(t);
                List<String> hosts = new ArrayList<>();     // the listed hosts that count, as written
                List<String> targets = new ArrayList<>();   // the rule hosts they give the Secret
                List<Integer> indexes = new ArrayList<>();  // and the index in hosts of each
                Map<String, Integer> named = new LinkedHashMap<>();  // alias and www. names, to their index
                for (int h = 0; h < tls.hosts().size(); h++) {
                    String host = tls.hosts().get(h).toLowerCase(Locale.ROOT);
                    List<String> below = ruleHosts.contains(host) ? List.of(host) : ruleHostsUnder(host, ruleHosts);
                    if (!below.isEmpty()) {
                        hosts.add(host);
                        for (String target : below) {
                            targets.add(target);
                            indexes.add(h);
                        }
                    } else if (ownNames.contains(host)) {
                        hosts.add(host);
                        named.putIfAbsent(host, h);
                    } else {
                        reportNotServed(ingress, t, h, host, ruleHosts.isEmpty());
                    }
                }
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
                }
                for (Map.Entry<String, Integer> name : named.entrySet()) {
                    pending.computeIfAbsent(ingress.key(), k -> new LinkedHashMap<>())
                            .putIfAbsent(name.getKey(), new Listed(ingress, t, name.getValue(), secret));
                }
                for (int i = 0; i < targets.size(); i++) {
                    String host = targets.get(i);
                    tlsHosts.add(host);
                    if (secret == null) {
                        continue;
                    }
                    TlsSecret previous = certificates.putIfAbsent(host, secret);
                    if (previous != null && !previous.equals(secret)) {
                        problems.add(Problem.warning(KIND, ingress.key(), "spec.tls[" + t + "]",
                                "host " + host + " already has the certificate of secret " + previous.key()
                                        + " from an older Ingress; " + secret.key() + " is not used for it"));
                    } else if (previous == null) {
                        reportUncovered(ingress, "spec.tls[" + t + "].hosts[" + indexes.get(i) + "]", secret, host);
                    }
                }
            }
            coverUnlistedHosts(ingress, secrets);
        }
    }

    /**
     * Called by {@link HostAliases} for each alias or redirected name it gives {@code ingress}: when
     * that Ingress's {@code spec.tls} lists the name, it is a TLS host with that entry's Secret.
     */
    void claim(String ingress, String name) {
        Map<String, Listed> names = pending.get(ingress);
        Listed listed = names == null ? null : names.remove(name);
        if (listed == null) {
            return;
        }
        tlsHosts.add(name);
        if (listed.secret() != null && certificates.putIfAbsent(name, listed.secret()) == null) {
            reportUncovered(listed.ingress(), "spec.tls[" + listed.entry() + "].hosts[" + listed.index() + "]",
                    listed.secret(), name);
        }
    }

    /** Reports the alias and www. names that spec.tls lists and that {@link HostAliases} did not give their Ingress. */
    void reportUnclaimed() {
        for (Map<String, Listed> names : pending.values()) {
            for (Map.Entry<String, Listed> entry : names.entrySet()) {
                Listed listed = entry.getValue();
                reportNotServed(listed.ingress(), listed.entry(), listed.index(), entry.getKey(), false);
            }
        }
        pending.clear();
    }

    // As ingress-nginx (createServers takes a certificate from an Ingress only for the hosts of its
    // rules): a host listed by an Ingress that does not serve it would take over the certificate and
    // the HTTPS redirect of a host another Ingress, of any namespace, serves.
    private void reportNotServed(Ingress ingress, int entry, int index, String host, boolean noRuleHosts) {
        problems.add(Problem.warning(KIND, ingress.key(), "spec.tls[" + entry + "].hosts[" + index + "]", "host " + host
                + " is ignored: Ingress " + ingress.key() + " does not serve it ("
                + (noRuleHosts ? "its rules have no host" : "no rule of it has this host, nor is it a server-alias or"
                        + " from-to-www-redirect name the Ingress serves")
                + "), so this entry gives it no certificate and no HTTPS redirect, as in ingress-nginx"));
    }

    private static Set<String> ruleHostsOf(Ingress ingress) {
        Set<String> hosts = new LinkedHashSet<>();
        for (IngressRule rule : ingress.rules()) {
            String host = RouteCompiler.hostOf(rule);
            if (host != null) {
                hosts.add(host);
            }
        }
        return hosts;
    }

    // A wildcard tls host that is no rule host of its Ingress counts for the Ingress's exact rule
    // hosts one label below it, and for no other host: the table gets those hosts, not the
    // wildcard, whose certificate would otherwise go to any host under it another Ingress serves.
    private static List<String> ruleHostsUnder(String host, Set<String> ruleHosts) {
        if (!host.startsWith("*.")) {
            return List.of();
        }
        List<String> below = new ArrayList<>(0);
        for (String ruleHost : ruleHosts) {
            int dot = ruleHost.indexOf('.');
            if (!ruleHost.startsWith("*.") && dot > 0 && ruleHost.regionMatches(dot, host, 1, host.length() - 1)
                    && ruleHost.length() - dot == host.length() - 1) {
                below.add(ruleHost);
            }
        }
        return below;
    }

    // the names the Ingress asks to serve besides its rule hosts; HostAliases decides which it gets
    private static Set<String> ownNamesOf(Set<String> ruleHosts, RoutePolicy policy) {
        if (ruleHosts.isEmpty()) {
            return Set.of();  // neither annotation has an effect then (HostAliases)
        }
        Set<String> names = new HashSet<>();
        for (String alias : policy.serverAliases()) {
            names.add(alias.toLowerCase(Locale.ROOT));
        }
        if (policy.fromToWwwRedirect()) {
            for (String host : ruleHosts) {
                if (!host.startsWith("*.")) {
                    names.add(host.startsWith("www.") ? host.substring(4) : "www." + host);
                }
            }
        }
        return names;
    }

    private record Listed(Ingress ingress, int entry, int index, TlsSecret secret) {
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
