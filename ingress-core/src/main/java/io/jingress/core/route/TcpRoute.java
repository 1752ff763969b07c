package io.jingress.core.route;

import java.util.Objects;

/**
 * A served TCP service: the ConfigMap entry and its {@link Backend}, resolved as an Ingress
 * backend is (Service port, targetPort, EndpointSlices, readiness), balanced round robin across
 * connections. A backend without ready endpoints still has its port listened on; its connections
 * are closed at once.
 */
public final class TcpRoute {
    private final TcpService service;
    private final Backend backend;

    TcpRoute(TcpService service, Backend backend) {
        this.service = Objects.requireNonNull(service, "service");
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** The ConfigMap entry. */
    public TcpService service() {
        return service;
    }

    /** The port the proxy listens on. */
    public int port() {
        return service.port();
    }

    /** The Service port's endpoints and their balancer. */
    public Backend backend() {
        return backend;
    }

    @Override
    public String toString() {
        return "TcpRoute[" + service.port() + " -> " + backend + "]";
    }
}
