package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Service an Ingress's {@code default-backend} annotation names, resolved when the table is
 * compiled: a Service of the Ingress's namespace, at its first port (as ingress-nginx takes it).
 * A request of the Ingress's routes whose own backend has no ready endpoint (where the proxy would
 * answer 503) goes to it instead, with ingress-nginx's {@code X-Code: 503}, {@code X-Format},
 * {@code X-Namespace}, {@code X-Ingress-Name}, {@code X-Service-Name} and {@code X-Service-Port}
 * headers. Immutable; its {@link #backend()} is one of {@link RouteTable#backends()}, so its
 * endpoints follow the cluster's as every route backend's do.
 */
public final class FallbackBackend {
    private final String annotation;
    private final Backend backend;

    FallbackBackend(String annotation, Backend backend) {
        this.annotation = Objects.requireNonNull(annotation, "annotation");
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** The annotation as written on the Ingress, e.g. {@code nginx.ingress.kubernetes.io/default-backend}. */
    public String annotation() {
        return annotation;
    }

    /** The Service's backend: {@code namespace/service:port}, its endpoints and balancer. */
    public Backend backend() {
        return backend;
    }

    /** {@code namespace/service}. */
    public String service() {
        return backend.namespace() + "/" + backend.serviceName();
    }

    /** The phrases of {@link RoutePolicy#describe()}. */
    List<String> phrases() {
        List<String> phrases = new ArrayList<>(1);
        phrases.add("no ready endpoint: goes to default-backend " + backend.key()
                + (backend.isReady() ? "" : " (" + backend.reason() + ")"));
        return phrases;
    }

    @Override
    public String toString() {
        return "FallbackBackend[" + backend.key() + "]";
    }
}
