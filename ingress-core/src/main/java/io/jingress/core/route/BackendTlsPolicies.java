package io.jingress.core.route;

import io.jingress.core.model.BackendTlsPolicy;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The BackendTLSPolicies of a compilation, read: which one applies to each Service port a Gateway
 * API route sends to, as the {@link ProxySsl} its requests go with ({@link Backend#tls()}), and each
 * policy's verdict for its {@code status}.
 *
 * <p>Of the policies that target the same Service and {@code sectionName}, the oldest applies (then
 * the first by name), as the spec asks; the others are {@code Conflicted}. A policy naming the port
 * ({@code sectionName}) applies before one naming the whole Service. A policy that is not valid
 * (a bad {@code hostname}, a {@code wellKnownCACertificates} other than {@code System}, neither or
 * both of the CA fields), or one of whose {@code caCertificateRefs} cannot be used (no such
 * ConfigMap, no {@code ca.crt}, no certificate in it, not a ConfigMap), still applies, as a refusal:
 * its Service's requests are answered 502 and nothing is sent in cleartext to endpoints that were
 * meant to be spoken to over TLS (the spec: "connections using an invalid CACertificateRef MUST
 * fail"). Each such finding is a WARNING naming the policy and the field.
 */
final class BackendTlsPolicies {
    private static final String KIND = BackendTlsPolicy.KIND;
    private static final Comparator<BackendTlsPolicy> PRECEDENCE = Comparator
            .comparing(BackendTlsPolicy::creationTimestamp).thenComparing(BackendTlsPolicy::name);

    /** A policy applied to one backend: its key and its setting. */
    record Applied(String policy, ProxySsl ssl) {
    }

    private final List<Problem> problems;
    private final BiFunction<String, String, Service> services;
    // "namespace/service" and "namespace/service#port": the policy that applies, read
    private final Map<String, Applied> byTarget = new HashMap<>();
    private final Map<String, Read> read = new LinkedHashMap<>();
    private final Map<String, Set<String>> ancestors = new HashMap<>();

    /** One policy read: its setting (null when it applies to nothing) and its conditions. */
    private static final class Read {
        final BackendTlsPolicy policy;
        ProxySsl ssl;
        GatewayStatus.Condition accepted;
        GatewayStatus.Condition resolvedRefs;

        Read(BackendTlsPolicy policy) {
            this.policy = policy;
        }
    }

    BackendTlsPolicies(ClusterState state, List<Problem> problems, BiFunction<String, String, Service> services) {
        this.problems = problems;
        this.services = services;
        Map<String, ConfigMap> configMaps = new HashMap<>();
        for (ConfigMap configMap : state.configMaps()) {
            configMaps.put(configMap.key(), configMap);
        }
        List<BackendTlsPolicy> sorted = new ArrayList<>(state.backendTlsPolicies());
        sorted.sort(PRECEDENCE);
        for (BackendTlsPolicy policy : sorted) {
            Read one = read(policy, configMaps);
            read.put(policy.key(), one);
            List<String> lostTo = new ArrayList<>();
            for (int t = 0; t < policy.targetRefs().size(); t++) {
                BackendTlsPolicy.TargetRef ref = policy.targetRefs().get(t);
                String field = "spec.targetRefs[" + t + "]";
                if (!ref.group().isEmpty() || !ref.kind().equals("Service")) {
                    problems.add(Problem.warning(KIND, policy.key(), field, (ref.group().isEmpty() ? "" : ref.group() + "/")
                            + ref.kind() + " is not a target Jingress serves (Services are); this target is ignored"));
                    continue;
                }
                String target = policy.namespace() + "/" + ref.name() + (ref.sectionName() == null ? "" : "#" + ref.sectionName());
                Applied before = byTarget.get(target);
                if (before != null) {
                    lostTo.add(before.policy());
                    continue;
                }
                byTarget.put(target, new Applied(policy.key(), one.ssl));
                Service service = services.apply(policy.namespace(), ref.name());
                if (service != null && ref.sectionName() != null
                        && service.ports().stream().noneMatch(p -> ref.sectionName().equals(p.name()))) {
                    problems.add(Problem.warning(KIND, policy.key(), field + ".sectionName", "Service " + policy.namespace()
                            + "/" + ref.name() + " has no port named " + ref.sectionName() + "; the policy applies to none"));
                }
            }
            if (!lostTo.isEmpty()) {
                String message = "BackendTLSPolicy " + String.join(", ", new LinkedHashSet<>(lostTo))
                        + " is older (or first by name) and targets the same Service" + (lostTo.size() == policy.targetRefs().size()
                        ? "; this one applies to nothing" : "; this one applies to its other targets");
                problems.add(Problem.warning(KIND, policy.key(), "spec.targetRefs", message));
                if (lostTo.size() == policy.targetRefs().size() && one.accepted.status()) {
                    one.accepted = GatewayStatus.Condition.isFalse(GatewayStatus.ACCEPTED, "Conflicted", message);
                }
            }
        }
    }

    /**
     * The policy that applies to the Service {@code namespace/name}'s port {@code port} (one naming
     * the port first, then one naming the Service), or null when none does.
     */
    Applied forPort(String namespace, String name, int port) {
        Service service = services.apply(namespace, name);
        if (service != null) {
            for (Service.Port servicePort : service.ports()) {
                if (servicePort.port() == port && servicePort.name() != null && !servicePort.name().isEmpty()) {
                    Applied applied = byTarget.get(namespace + "/" + name + "#" + servicePort.name());
                    if (applied != null) {
                        return applied;
                    }
                }
            }
        }
        return byTarget.get(namespace + "/" + name);
    }

    /** Records that a route attached to the Gateway {@code gateway} ({@code namespace/name}) sends through {@code policy}. */
    void usedBy(String policy, String gateway) {
        ancestors.computeIfAbsent(policy, k -> new LinkedHashSet<>()).add(gateway);
    }

    /** A verdict per policy that a route attached to a Gateway of ours sends through, after the routes are read. */
    List<GatewayStatus.PolicyVerdict> verdicts() {
        List<GatewayStatus.PolicyVerdict> verdicts = new ArrayList<>();
        for (Read one : read.values()) {
            Set<String> gateways = ancestors.get(one.policy.key());
            if (gateways == null) {
                continue;
            }
            verdicts.add(new GatewayStatus.PolicyVerdict(KIND, one.policy.namespace(), one.policy.name(),
                    List.copyOf(gateways), List.of(one.accepted, one.resolvedRefs)));
        }
        return verdicts;
    }

    private Read read(BackendTlsPolicy policy, Map<String, ConfigMap> configMaps) {
        Read one = new Read(policy);
        List<String> invalid = new ArrayList<>();
        String hostname = policy.hostname();
        if (hostname.isEmpty()) {
            invalid.add("spec.validation.hostname: is required (the SNI sent and the name the certificates must carry)");
        } else if (hostname.startsWith("*.") || !GatewayHostnames.valid(hostname)) {
            invalid.add("spec.validation.hostname: \"" + hostname + "\" is not a DNS name without wildcard");
        }
        boolean refs = !policy.caCertificateRefs().isEmpty();
        String wellKnown = policy.wellKnownCACertificates();
        if (refs && wellKnown != null) {
            invalid.add("spec.validation: must not contain both caCertificateRefs and wellKnownCACertificates");
        } else if (!refs && wellKnown == null) {
            invalid.add("spec.validation: must specify either caCertificateRefs or wellKnownCACertificates");
        } else if (wellKnown != null && !wellKnown.equals("System")) {
            invalid.add("spec.validation.wellKnownCACertificates: \"" + wellKnown + "\" is not System");
        }
        List<String> subjectAltNames = new ArrayList<>();
        for (int i = 0; i < policy.subjectAltNames().size(); i++) {
            BackendTlsPolicy.SubjectAltName name = policy.subjectAltNames().get(i);
            String field = "spec.validation.subjectAltNames[" + i + "]";
            if (name.type().equals("Hostname") && name.hostname() != null && name.uri() == null) {
                if (!GatewayHostnames.valid(name.hostname())) {
                    invalid.add(field + ".hostname: \"" + name.hostname() + "\" is not a DNS name");
                }
                subjectAltNames.add("DNS:" + name.hostname().toLowerCase(java.util.Locale.ROOT));
            } else if (name.type().equals("URI") && name.uri() != null && name.hostname() == null) {
                if (!name.uri().matches("[A-Za-z][A-Za-z0-9+.-]*:\\S+")) {
                    invalid.add(field + ".uri: \"" + name.uri() + "\" is not an absolute URI");
                }
                subjectAltNames.add("URI:" + name.uri());
            } else {
                invalid.add(field + ": type " + name.type() + " needs " + (name.type().equals("URI") ? "uri" : "hostname")
                        + " and nothing else (types: Hostname, URI)");
            }
        }
        for (String key : policy.options().keySet()) {
            problems.add(Problem.warning(KIND, policy.key(), "spec.options." + key, "not read by Jingress; the policy"
                    + " applies without it"));
        }
        // the CA certificates
        StringBuilder pem = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        String unresolvedReason = null;
        for (int i = 0; i < policy.caCertificateRefs().size(); i++) {
            BackendTlsPolicy.LocalRef ref = policy.caCertificateRefs().get(i);
            String field = "spec.validation.caCertificateRefs[" + i + "]";
            if (!ref.group().isEmpty() || !ref.kind().equals("ConfigMap")) {
                unresolved.add(field + ": " + (ref.group().isEmpty() ? "" : ref.group() + "/") + ref.kind()
                        + " is not a kind Jingress reads CA certificates from (ConfigMaps are)");
                unresolvedReason = unresolvedReason == null ? "InvalidKind" : unresolvedReason;
                continue;
            }
            String key = policy.namespace() + "/" + ref.name();
            ConfigMap configMap = configMaps.get(key);
            String why = configMap == null ? "ConfigMap " + key + " does not exist"
                    : configMap.data().get("ca.crt") == null ? "ConfigMap " + key + " has no key ca.crt"
                    : certificateProblem(configMap.data().get("ca.crt"));
            if (why != null) {
                unresolved.add(field + ": " + why + (configMap != null && configMap.data().get("ca.crt") != null
                        ? " (ConfigMap " + key + " ca.crt)" : ""));
                unresolvedReason = unresolvedReason == null ? "InvalidCACertificateRef" : unresolvedReason;
                continue;
            }
            pem.append(configMap.data().get("ca.crt")).append('\n');
            names.add(ref.name());
        }
        String refusal = null;
        if (!invalid.isEmpty()) {
            String message = String.join("; ", invalid);
            one.accepted = GatewayStatus.Condition.isFalse(GatewayStatus.ACCEPTED, "Invalid", message);
            refusal = "BackendTLSPolicy " + policy.key() + " is not valid (" + message + ")";
            for (String why : invalid) {
                int colon = why.indexOf(": ");
                problems.add(Problem.warning(KIND, policy.key(), why.substring(0, colon), why.substring(colon + 2)
                        + "; requests to its Services are answered 502"));
            }
        } else if (!unresolved.isEmpty() && names.isEmpty()) {
            one.accepted = GatewayStatus.Condition.isFalse(GatewayStatus.ACCEPTED, "NoValidCACertificate",
                    "no caCertificateRef can be used: " + String.join("; ", unresolved));
        } else {
            one.accepted = GatewayStatus.Condition.isTrue(GatewayStatus.ACCEPTED, "Accepted", "applies to the requests"
                    + " of HTTPRoutes and GRPCRoutes to the Services it targets");
        }
        if (unresolved.isEmpty()) {
            one.resolvedRefs = GatewayStatus.Condition.isTrue(GatewayStatus.RESOLVED_REFS, "ResolvedRefs",
                    refs ? "every caCertificateRef resolved" : "the JDK's trusted CAs are used");
        } else {
            one.resolvedRefs = GatewayStatus.Condition.isFalse(GatewayStatus.RESOLVED_REFS, unresolvedReason,
                    String.join("; ", unresolved));
            refusal = refusal != null ? refusal : "the CA certificates of BackendTLSPolicy " + policy.key()
                    + " cannot be used (" + String.join("; ", unresolved) + ")";
            for (String why : unresolved) {
                int colon = why.indexOf(": ");
                problems.add(Problem.warning(KIND, policy.key(), why.substring(0, colon), why.substring(colon + 2)
                        + "; requests to its Services are answered 502"));
            }
        }
        String caSource = names.isEmpty() ? null : "ConfigMap" + (names.size() > 1 ? "s " : " ") + String.join(", ", names);
        one.ssl = ProxySsl.ofBackendTlsPolicy(policy.key(), pem.length() == 0 ? null : pem.toString(), caSource,
                refs ? false : "System".equals(wellKnown), hostname.toLowerCase(java.util.Locale.ROOT), subjectAltNames,
                refusal);
        return one;
    }

    /** Why a {@code ca.crt} holds no usable certificate, or null when it holds at least one. */
    private static String certificateProblem(String pem) {
        try {
            int count = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).size();
            return count == 0 ? "no PEM certificate in it" : null;
        } catch (CertificateException e) {
            return "not PEM certificates: " + e.getMessage();
        }
    }
}
