package io.jingress.core.model;

/**
 * An Ingress backend: a Service and port, or a {@code resource} reference (recognised, reported as
 * unsupported). The API server requires exactly one of them; validation reports anything else.
 *
 * @param serviceName the Service's name in the Ingress's namespace, or {@code null}
 * @param servicePort the port by number or name, or {@code null} when not given
 * @param resource a description of a resource backend ({@code apiGroup/kind/name}), or {@code null}
 */
public record IngressBackend(String serviceName, PortRef servicePort, String resource) {

    /** A Service backend with a numbered port. */
    public static IngressBackend service(String name, int port) {
        return new IngressBackend(name, PortRef.number(port), null);
    }

    /** A Service backend with a named port. */
    public static IngressBackend service(String name, String portName) {
        return new IngressBackend(name, PortRef.name(portName), null);
    }

    public boolean isService() {
        return serviceName != null;
    }

    @Override
    public String toString() {
        return serviceName != null ? serviceName + ":" + servicePort : "resource " + resource;
    }
}
