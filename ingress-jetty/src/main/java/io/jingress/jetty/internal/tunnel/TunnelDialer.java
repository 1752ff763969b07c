package io.jingress.jetty.internal.tunnel;

import io.jingress.jetty.internal.net.ConnectTimeouts;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * What the {@link BackendTunnel}s of one kind connect to their endpoints with: a {@link ClientConnector}
 * that never blocks the thread asking, the idle timeout of their upstream side, and whether a
 * backend's DNS name may resolve to a local address. A Jetty bean: add it to the server.
 */
public final class TunnelDialer extends ContainerLifeCycle {
    private final ConnectTimeouts.Connector connector;
    private final long idleTimeoutMillis;
    private final boolean localBackendNames;

    /**
     * @param executor the threads the tunnels run on (the server's)
     * @param connectTimeout how long a connect to an endpoint may take
     * @param idleTimeout how long a tunnel may carry no byte either way
     * @param localBackendNames whether a backend's DNS name may resolve to a local address
     */
    public TunnelDialer(Executor executor, Duration connectTimeout, Duration idleTimeout, boolean localBackendNames) {
        this.idleTimeoutMillis = idleTimeout.toMillis();
        this.localBackendNames = localBackendNames;
        this.connector = new ConnectTimeouts.Connector();
        connector.setExecutor(executor);
        connector.setSelectors(1);
        connector.setConnectTimeout(connectTimeout);
        connector.setIdleTimeout(idleTimeout);
        connector.setConnectBlocking(false);  // never holds the thread that accepted or read the client's first bytes
        addBean(connector, true);
    }

    ClientConnector connector() {
        return connector;
    }

    long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    boolean localBackendNames() {
        return localBackendNames;
    }
}
