package io.jingress.jetty.internal.passthrough;

import io.jingress.core.route.Route;
import io.jingress.core.route.RouteTable;
import io.jingress.jetty.internal.admin.AccessLog;
import io.jingress.jetty.internal.admin.ProxyMetrics;
import io.jingress.jetty.internal.proxy.TlsOnly;
import io.jingress.jetty.internal.tunnel.BackendTunnel;
import io.jingress.jetty.internal.tunnel.TunnelDialer;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * The HTTPS listener's {@code ssl-passthrough}: a connection whose ClientHello names a host of the
 * live table's {@link RouteTable#sslPassthroughHosts()} is relayed, undecrypted, to an endpoint of
 * that host's backend, picked by the backend's balancer ({@link BackendTunnel}); nothing of the request
 * path runs for it. Any other connection (no SNI, another name) is left to TLS, at the cost of a
 * map lookup. A Jetty bean: it owns the {@link TunnelDialer} the tunnels connect with.
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
    private final TunnelDialer dialer;
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
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.accessLog = accessLog;
        this.dialer = new TunnelDialer(executor, connectTimeout, idleTimeout, localBackendNames);
        addBean(dialer, true);
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
        return new BackendTunnel(dialer, route.backend(), "ssl-passthrough " + sni, clientEndPoint, listener, null,
                tunnel -> ended(tunnel, route, sni)).clientSide();
    }

    /** Counts and logs a tunnel that ended. */
    private void ended(BackendTunnel tunnel, Route route, String sni) {
        metrics.onTunnel(tunnel.status(), tunnel.bytesToClient(), tunnel.bytesFromClient());
        if (accessLog != null) {
            String client = tunnel.clientAddress();
            accessLog.logTunnel(route, client.isEmpty() ? null : client, tunnel.startEpochMillis(), sni,
                    tunnel.status(), tunnel.bytesToClient(), tunnel.bytesFromClient(), tunnel.nanos(), tunnel.upstreamAddress());
        }
    }
}
