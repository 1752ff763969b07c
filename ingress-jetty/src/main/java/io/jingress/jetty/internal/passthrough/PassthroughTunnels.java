package io.jingress.jetty.internal.passthrough;

import io.jingress.core.route.Route;
import io.jingress.core.route.RouteTable;
import io.jingress.jetty.internal.admin.AccessLog;
import io.jingress.jetty.internal.admin.ProxyMetrics;
import io.jingress.jetty.internal.net.ConnectTimeouts;
import io.jingress.jetty.internal.proxy.TlsOnly;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * The HTTPS listener's {@code ssl-passthrough}: a connection whose ClientHello names a host of the
 * live table's {@link RouteTable#sslPassthroughHosts()} is relayed, undecrypted, to an endpoint of
 * that host's backend, picked by the backend's balancer ({@link PassthroughTunnel}); nothing of the request
 * path runs for it. Any other connection (no SNI, another name) is left to TLS, at the cost of a
 * map lookup. A Jetty bean: it owns the {@link ClientConnector} the tunnels connect with.
 *
 * <pre>{@code
 * PassthroughTunnels tunnels = new PassthroughTunnels(router::current, executor, Duration.ofSeconds(5),
 *         Duration.ofSeconds(60), false, metrics, accessLog);
 * server.addBean(tunnels);
 * tlsOnly.setPassthrough(tunnels);
 * }</pre>
 */
public final class PassthroughTunnels extends ContainerLifeCycle implements TlsOnly.Passthrough {
    private final Supplier<RouteTable> table;
    private final ConnectTimeouts.Connector connector;
    private final long idleTimeoutMillis;
    private final boolean localBackendNames;
    private final ProxyMetrics metrics;
    private final AccessLog accessLog;

    /**
     * @param table the live table
     * @param executor the threads the tunnels run on (the server's)
     * @param connectTimeout how long a connect to an endpoint may take
     * @param idleTimeout how long a tunnel may carry no byte either way (the listener's idle timeout)
     * @param localBackendNames whether a backend's DNS name may resolve to a local address
     * @param metrics where tunnels are counted
     * @param accessLog where each tunnel is logged as it ends; null: nowhere
     */
    public PassthroughTunnels(Supplier<RouteTable> table, Executor executor, Duration connectTimeout, Duration idleTimeout,
            boolean localBackendNames, ProxyMetrics metrics, AccessLog accessLog) {
        this.table = Objects.requireNonNull(table, "table");
        this.idleTimeoutMillis = idleTimeout.toMillis();
        this.localBackendNames = localBackendNames;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.accessLog = accessLog;
        this.connector = new ConnectTimeouts.Connector();
        connector.setExecutor(executor);
        connector.setSelectors(1);
        connector.setConnectTimeout(connectTimeout);
        connector.setIdleTimeout(idleTimeout);
        connector.setConnectBlocking(false);  // never holds the thread that read the ClientHello
        addBean(connector, true);
    }

    @Override
    public Connection connectionFor(String sni, Connector listener, EndPoint clientEndPoint) {
        Map<String, Route> hosts = table.get().sslPassthroughHosts();
        if (hosts.isEmpty()) {
            return null;
        }
        Route route = hosts.get(sni);
        if (route == null || !isStarted()) {
            return null;
        }
        return new PassthroughTunnel(this, route, sni, clientEndPoint, listener).clientSide();
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

    /** Counts and logs a tunnel that ended. */
    void ended(PassthroughTunnel tunnel) {
        metrics.onTunnel(tunnel.status(), tunnel.bytesToClient(), tunnel.bytesFromClient());
        if (accessLog != null) {
            String client = tunnel.clientAddress();
            accessLog.logTunnel(tunnel.route(), client.isEmpty() ? null : client, tunnel.startEpochMillis(), tunnel.sni(),
                    tunnel.status(), tunnel.bytesToClient(), tunnel.bytesFromClient(), tunnel.nanos(), tunnel.upstreamAddress());
        }
    }
}
