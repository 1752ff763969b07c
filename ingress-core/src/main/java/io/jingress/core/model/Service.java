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
 */
public record Service(String namespace, String name, String type, List<Port> ports, String externalName) {

    public Service {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        type = type == null ? "ClusterIP" : type;
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** A ClusterIP Service with the given ports. */
    public static Service of(String namespace, String name, Port... ports) {
        return new Service(namespace, name, "ClusterIP", List.of(ports), null);
    }

    public String key() {
        return namespace + "/" + name;
    }

    public boolean isExternalName() {
        return "ExternalName".equals(type);
    }

    /**
     * One Service port.
     *
     * @param name the port's name, or {@code null} (allowed when the Service has one port)
     * @param port the Service port
     * @param targetPort the Pod port by number or name; {@code null} means the same number as {@code port}
     * @param protocol TCP, UDP or SCTP ({@code null} means TCP)
     */
    public record Port(String name, int port, PortRef targetPort, String protocol) {

        public Port {
            protocol = protocol == null ? "TCP" : protocol;
        }

        public static Port of(String name, int port, int targetPort) {
            return new Port(name, port, PortRef.number(targetPort), "TCP");
        }

        public static Port of(String name, int port, String targetPortName) {
            return new Port(name, port, PortRef.name(targetPortName), "TCP");
        }

        /** The target port, defaulting to {@link #port()} as the API server does. */
        public PortRef effectiveTargetPort() {
            return targetPort != null ? targetPort : PortRef.number(port);
        }
    }
}
