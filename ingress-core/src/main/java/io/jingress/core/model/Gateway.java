package io.jingress.core.model;

import java.util.List;
import java.util.Objects;

/**
 * What the router needs of a {@code gateway.networking.k8s.io/v1} Gateway: its class and its
 * listeners. Immutable.
 *
 * <pre>{@code
 * Gateway gateway = new Gateway("infra", "web", "jingress", List.of(
 *     Gateway.Listener.http("http", null, 80),
 *     Gateway.Listener.https("shop", "shop.example.com", 443, List.of(new Gateway.SecretRef(null, "shop-tls")))));
 * }</pre>
 *
 * @param namespace the namespace
 * @param name the name
 * @param gatewayClassName {@code spec.gatewayClassName}
 * @param listeners {@code spec.listeners}
 * @param backendClientCertificate {@code spec.tls.backend.clientCertificateRef}: the TLS Secret whose
 *     certificate is presented to the endpoints its routes speak to over TLS (BackendTLSPolicy); null: none
 */
public record Gateway(String namespace, String name, String gatewayClassName, List<Listener> listeners,
        SecretRef backendClientCertificate) {
    /** {@code protocol: HTTP}. */
    public static final String HTTP = "HTTP";
    /** {@code protocol: HTTPS}. */
    public static final String HTTPS = "HTTPS";
    /** {@code allowedRoutes.namespaces.from: Same}, the default: Routes of the Gateway's own namespace. */
    public static final String FROM_SAME = "Same";
    /** {@code allowedRoutes.namespaces.from: All}: Routes of any namespace. */
    public static final String FROM_ALL = "All";

    public Gateway {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(gatewayClassName, "gatewayClassName");
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
    }

    /** A Gateway without a backend client certificate. */
    public Gateway(String namespace, String name, String gatewayClassName, List<Listener> listeners) {
        this(namespace, name, gatewayClassName, listeners, null);
    }

    /** This Gateway presenting the certificate of {@code secret} to the endpoints its routes speak to over TLS. */
    public Gateway withBackendClientCertificate(SecretRef secret) {
        return new Gateway(namespace, name, gatewayClassName, listeners, secret);
    }

    /** {@code namespace/name}, the way logs and reports name it. */
    public String key() {
        return namespace + "/" + name;
    }

    /**
     * One listener.
     *
     * @param name {@code name}, unique in the Gateway; what a parentRef's {@code sectionName} names
     * @param hostname {@code hostname}: exact, or a wildcard {@code *.example.com}; {@code null} for any host
     * @param port {@code port}
     * @param protocol {@code protocol}, as written; Jingress serves {@link #HTTP} and {@link #HTTPS}
     * @param certificateRefs {@code tls.certificateRefs}: the TLS Secrets of an HTTPS listener
     * @param allowedRoutesFrom {@code allowedRoutes.namespaces.from}, as written; {@code null} means {@link #FROM_SAME}
     * @param allowedKinds {@code allowedRoutes.kinds}: the route kinds it takes, as {@code group/kind}
     *     ({@code gateway.networking.k8s.io/GRPCRoute}); empty (the default) means every kind its protocol serves
     */
    public record Listener(String name, String hostname, int port, String protocol, List<SecretRef> certificateRefs,
            String allowedRoutesFrom, List<String> allowedKinds) {

        public Listener {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(protocol, "protocol");
            hostname = hostname == null || hostname.isEmpty() ? null : hostname;
            certificateRefs = certificateRefs == null ? List.of() : List.copyOf(certificateRefs);
            allowedRoutesFrom = allowedRoutesFrom == null ? FROM_SAME : allowedRoutesFrom;
            allowedKinds = allowedKinds == null ? List.of() : List.copyOf(allowedKinds);
        }

        /** A listener taking every route kind its protocol serves. */
        public Listener(String name, String hostname, int port, String protocol, List<SecretRef> certificateRefs,
                String allowedRoutesFrom) {
            this(name, hostname, port, protocol, certificateRefs, allowedRoutesFrom, List.of());
        }

        /** A plain-HTTP listener taking Routes of the Gateway's namespace. */
        public static Listener http(String name, String hostname, int port) {
            return new Listener(name, hostname, port, HTTP, List.of(), FROM_SAME);
        }

        /** An HTTPS listener (TLS terminated with {@code certificateRefs}) taking Routes of the Gateway's namespace. */
        public static Listener https(String name, String hostname, int port, List<SecretRef> certificateRefs) {
            return new Listener(name, hostname, port, HTTPS, certificateRefs, FROM_SAME);
        }

        /** This listener taking Routes from {@code from} ({@link #FROM_SAME} or {@link #FROM_ALL}). */
        public Listener allowedRoutesFrom(String from) {
            return new Listener(name, hostname, port, protocol, certificateRefs, from, allowedKinds);
        }

        /** This listener taking routes of {@code kinds} only, each {@code group/kind} ({@code allowedRoutes.kinds}). */
        public Listener allowedKinds(String... kinds) {
            return new Listener(name, hostname, port, protocol, certificateRefs, allowedRoutesFrom, List.of(kinds));
        }
    }

    /**
     * A {@code tls.certificateRefs} entry: a Secret (group "", kind Secret).
     *
     * @param namespace the Secret's namespace; {@code null} for the Gateway's (another namespace needs a ReferenceGrant)
     * @param name the Secret's name
     */
    public record SecretRef(String namespace, String name) {
        public SecretRef {
            Objects.requireNonNull(name, "name");
        }
    }
}
