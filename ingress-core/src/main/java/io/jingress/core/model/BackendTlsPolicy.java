package io.jingress.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the router needs of a {@code gateway.networking.k8s.io/v1} BackendTLSPolicy: the Services
 * (or Service ports) whose endpoints HTTPRoutes and GRPCRoutes speak to over TLS, the CA
 * certificates and the names their certificates are checked against. Immutable; values are carried
 * as written and checked by the route compiler, which reports bad ones as a {@link Problem} naming
 * {@code BackendTLSPolicy namespace/name} and the field.
 *
 * <pre>{@code
 * BackendTlsPolicy policy = new BackendTlsPolicy("shop", "cart-tls", Instant.EPOCH,
 *     List.of(BackendTlsPolicy.TargetRef.service("cart", null)),
 *     List.of(BackendTlsPolicy.LocalRef.configMap("cart-ca")), null,
 *     "cart.shop.example", List.of(), Map.of());
 * }</pre>
 *
 * @param namespace the namespace, which is also its targets' and its ConfigMaps'
 * @param name the name
 * @param creationTimestamp when it was created: of two policies for the same target, the older
 *     applies; {@code null} is taken as {@link Instant#EPOCH}
 * @param targetRefs {@code spec.targetRefs}
 * @param caCertificateRefs {@code spec.validation.caCertificateRefs}: ConfigMaps whose {@code ca.crt}
 *     the endpoints' certificates must chain to
 * @param wellKnownCACertificates {@code spec.validation.wellKnownCACertificates} ({@code System}: the
 *     JDK's trusted CAs), or {@code null}
 * @param hostname {@code spec.validation.hostname}: the SNI sent, and the name checked unless
 *     {@code subjectAltNames} are given
 * @param subjectAltNames {@code spec.validation.subjectAltNames}
 * @param options {@code spec.options}
 */
public record BackendTlsPolicy(String namespace, String name, Instant creationTimestamp, List<TargetRef> targetRefs,
        List<LocalRef> caCertificateRefs, String wellKnownCACertificates, String hostname,
        List<SubjectAltName> subjectAltNames, Map<String, String> options) {
    /** The kind, as problems and logs name it. */
    public static final String KIND = "BackendTLSPolicy";

    public BackendTlsPolicy {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        creationTimestamp = creationTimestamp == null ? Instant.EPOCH : creationTimestamp;
        targetRefs = targetRefs == null ? List.of() : List.copyOf(targetRefs);
        caCertificateRefs = caCertificateRefs == null ? List.of() : List.copyOf(caCertificateRefs);
        wellKnownCACertificates = wellKnownCACertificates == null || wellKnownCACertificates.isEmpty() ? null
                : wellKnownCACertificates;
        hostname = hostname == null ? "" : hostname;
        subjectAltNames = subjectAltNames == null ? List.of() : List.copyOf(subjectAltNames);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** {@code namespace/name}, the way logs and reports name it. */
    public String key() {
        return namespace + "/" + name;
    }

    /**
     * A {@code spec.targetRefs} entry: an object of the policy's namespace, and optionally one of its
     * sections (for a Service: a port, by name).
     *
     * @param group the API group, {@code ""} for the core group
     * @param kind the kind; Jingress serves {@code Service}
     * @param name the name
     * @param sectionName a Service port's name, or {@code null} for every port
     */
    public record TargetRef(String group, String kind, String name, String sectionName) {
        public TargetRef {
            group = group == null ? "" : group;
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            sectionName = sectionName == null || sectionName.isEmpty() ? null : sectionName;
        }

        /** The Service {@code name} of the policy's namespace; its port {@code sectionName}, or all ports (null). */
        public static TargetRef service(String name, String sectionName) {
            return new TargetRef("", "Service", name, sectionName);
        }
    }

    /**
     * A reference to an object of the policy's namespace.
     *
     * @param group the API group, {@code ""} for the core group
     * @param kind the kind; Jingress reads {@code ConfigMap}
     * @param name the name
     */
    public record LocalRef(String group, String kind, String name) {
        public LocalRef {
            group = group == null ? "" : group;
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
        }

        /** The ConfigMap {@code name} of the policy's namespace. */
        public static LocalRef configMap(String name) {
            return new LocalRef("", "ConfigMap", name);
        }
    }

    /**
     * A {@code spec.validation.subjectAltNames} entry: the endpoint's certificate must carry one of them.
     *
     * @param type {@code Hostname} or {@code URI}
     * @param hostname a DNS name (possibly {@code *.} a wildcard) when {@code Hostname}
     * @param uri a URI (such as a SPIFFE ID) when {@code URI}
     */
    public record SubjectAltName(String type, String hostname, String uri) {
        public SubjectAltName {
            Objects.requireNonNull(type, "type");
            hostname = hostname == null || hostname.isEmpty() ? null : hostname;
            uri = uri == null || uri.isEmpty() ? null : uri;
        }

        /** A {@code Hostname} entry. */
        public static SubjectAltName hostname(String hostname) {
            return new SubjectAltName("Hostname", hostname, null);
        }

        /** A {@code URI} entry. */
        public static SubjectAltName uri(String uri) {
            return new SubjectAltName("URI", null, uri);
        }
    }
}
