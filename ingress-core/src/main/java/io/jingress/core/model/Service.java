package io.jingress.core.model;

import java.util.List;
import java.util.Objects;

/**
 * What the router needs of a v1 Service.
 *
 * @param namespace the namespace
 * @param name the name
 * @param type {@code spec.type}: ClusterIP, NodePort, LoadBalancer or ExternalName
 * @param ports {@code spec.ports}
 * @param externalName {@code spec.externalName} for an ExternalName Service, else {@code null}
 * @param clusterIP {@code spec.clusterIP}: an address, {@code "None"} for a headless Service, or
 *     {@code null} when not set (an ExternalName Service has none); used by {@code service-upstream}
 */
public record Service(String namespace, String name, String type, List<Port> ports, String externalName, String clusterIP) {

    /** A Service whose {@code spec.clusterIP} is not known. */
    public Service(String namespace, String name, String type, List<Port> ports, String externalName) {
        this(namespace, name, type, ports, externalName, null);
    }

    public Service {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        type = type == null ? "ClusterIP" : type;
        ports = ports == null ? List.of() : List.copyOf(ports);
        clusterIP = clusterIP == null || clusterIP.isBlank() ? null : clusterIP.trim();
    }

    /** A ClusterIP Service with the given ports. */
    public static Service of(String namespace, String name, Port... ports) {
        Objects.requireNonNull(ports, "ports");
        for (int i = 0; i < ports.length; i++) {
            Objects.requireNonNull(ports[i], "ports[" + i + "]");
        }
        return new Service(namespace, name, "ClusterIP", List.of(ports), null);
    }

    public String key() {
        return namespace + "/" + name;
    }

    /** This Service with {@code spec.clusterIP} set to {@code clusterIP}. */
    public Service withClusterIP(String clusterIP) {
        return new Service(namespace, name, type, ports, externalName, clusterIP);
    }

    public boolean isExternalName() {
        return "ExternalName".equals(type);
    }

    /**
     * One Service port.
     *
     * <p>Numbers are carried as written: a {@code port} or numeric {@code targetPort} outside 1 to
     * 65535 is reported by the route compiler, naming the Service and field, and that port is not served.
     *
     * @param name the port's name, or {@code null} (allowed when the Service has one port)
     * @param port the Service port
     * @param targetPort the Pod port by number or name; {@code null} means the same number as {@code port}
     * @param protocol TCP, UDP or SCTP ({@code null} means TCP)
     * @param appProtocol the port's {@code appProtocol} ({@code kubernetes.io/h2c}: HTTP/2 in
     *     cleartext, which an HTTPRoute's requests to it then speak), or {@code null}
     */
    public record Port(String name, int port, PortRef targetPort, String protocol, String appProtocol) {
        /** The {@code appProtocol} of a port that speaks HTTP/2 in cleartext with prior knowledge. */
        public static final String H2C = "kubernetes.io/h2c";

        public Port {
            protocol = protocol == null ? "TCP" : protocol;
        }

        /** A port without {@code appProtocol}. */
        public Port(String name, int port, PortRef targetPort, String protocol) {
            this(name, port, targetPort, protocol, null);
        }

        /** A TCP port; a {@code targetPort} of 0 means the same as {@code port}, as the API server defaults it. */
        public static Port of(String name, int port, int targetPort) {
            return new Port(name, port, targetPort == 0 ? null : PortRef.number(targetPort), "TCP");
        }

        public static Port of(String name, int port, String targetPortName) {
            return new Port(name, port, PortRef.name(Objects.requireNonNull(targetPortName, "targetPortName")), "TCP");
        }

        /** The target port, defaulting to {@link #port()} as the API server does; {@code null} when both are unset (port 0). */
        public PortRef effectiveTargetPort() {
            return targetPort != null ? targetPort : port == 0 ? null : PortRef.number(port);
        }
    }
}
