package io.jingress.core.model;

import java.util.List;
import java.util.Objects;

/**
 * What the router needs of a {@code discovery.k8s.io/v1} EndpointSlice.
 *
 * @param namespace the namespace
 * @param name the name
 * @param serviceName the owning Service, from the label {@code kubernetes.io/service-name}
 * @param addressType IPv4, IPv6 or FQDN
 * @param ports the ports
 * @param endpoints the endpoints
 */
public record EndpointSlice(String namespace, String name, String serviceName, String addressType,
        List<Port> ports, List<Endpoint> endpoints) {

    /** The label that ties a slice to its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    public EndpointSlice {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        addressType = addressType == null ? "IPv4" : addressType;
        ports = ports == null ? List.of() : List.copyOf(ports);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }

    public String key() {
        return namespace + "/" + name;
    }

    /**
     * A port of the slice.
     *
     * @param name the name (matches the Service port's name; {@code null} or empty when unnamed)
     * @param port the port number, or {@code null} when not known
     * @param protocol the protocol ({@code null} means TCP)
     */
    public record Port(String name, Integer port, String protocol) {

        public Port {
            protocol = protocol == null ? "TCP" : protocol;
        }

        public static Port of(String name, int port) {
            return new Port(name, port, "TCP");
        }
    }

    /**
     * An endpoint of the slice.
     *
     * @param addresses its addresses (the router uses the first, as kube-proxy does)
     * @param ready {@code conditions.ready}, {@code null} when unknown (treated as ready)
     * @param serving {@code conditions.serving}, or {@code null}
     * @param terminating {@code conditions.terminating}, or {@code null}
     * @param zone the zone, or {@code null}
     * @param targetName the name of the {@code targetRef} (usually the Pod), or {@code null}
     */
    public record Endpoint(List<String> addresses, Boolean ready, Boolean serving, Boolean terminating,
            String zone, String targetName) {

        public Endpoint {
            addresses = addresses == null ? List.of() : List.copyOf(addresses);
        }

        public static Endpoint ready(String address) {
            return new Endpoint(List.of(Objects.requireNonNull(address, "address")), true, true, false, null, null);
        }

        /** Only endpoints whose {@code ready} condition is not false receive traffic. */
        public boolean receivesTraffic() {
            return !Boolean.FALSE.equals(ready);
        }
    }
}
