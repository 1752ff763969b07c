package io.jingress.jetty.internal.tcp;

import io.jingress.core.model.Problem;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.TcpRoute;
import io.jingress.core.route.TcpServices;
import io.jingress.jetty.internal.admin.AccessLog;
import io.jingress.jetty.internal.admin.TcpMetrics;
import io.jingress.jetty.internal.proxy.RequiredProxyProtocol;
import io.jingress.jetty.internal.tunnel.BackendTunnel;
import io.jingress.jetty.internal.tunnel.TunnelDialer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of the TCP services, kept in step with the live table's
 * {@link RouteTable#tcpServices()} (a {@code Router} listener): a port new to the table is listened
 * on (on the HTTP listener's address), one gone stops accepting at once and its open connections
 * may go on until the drain timeout, and an entry whose Service or endpoints changed keeps its
 * listener, its new connections going to the new endpoints. The other ports' connections are never
 * touched. A port that cannot be listened on (in use on the machine) is a WARNING among
 * {@link #problems()}, tried again every {@link #RETRY_MILLIS} ms and at each table; the other
 * ports serve.
 *
 * <pre>{@code
 * TcpListeners tcp = new TcpListeners(server, null, executor, connectTimeout, idleTimeout, stopTimeout, false,
 *         metrics.tcp(), accessLog);
 * server.start();
 * router.addListener(tcp);
 * tcp.accept(router.current());
 * }</pre>
 */
public final class TcpListeners implements Consumer<RouteTable> {
    private static final Logger LOG = LoggerFactory.getLogger(TcpListeners.class);
    /** How often a port that could not be listened on is tried again (its holder may let it go). */
    static final long RETRY_MILLIS = 5_000;

    private final Server server;
    private final String host;
    private final long idleTimeoutMillis;
    private final long drainMillis;
    private final TunnelDialer dialer;
    private final TcpMetrics metrics;
    private final AccessLog accessLog;
    private final Map<Integer, TcpPort> open = new HashMap<>();
    private final Map<Integer, Problem> failed = new LinkedHashMap<>();
    private volatile List<Problem> problems = List.of();
    private String missingConfigMap;  // the ConfigMap last said not to exist, so that it is said once
    private RouteTable last;  // the table followed, for the retries of failed ports
    private Scheduler.Task retry;

    /**
     * @param server the server whose connectors the listeners are, and whose threads they use
     * @param host the address to listen on (the HTTP listener's); null: all
     * @param executor the threads the tunnels run on
     * @param connectTimeout how long a connect to an endpoint may take
     * @param idleTimeout how long a connection may carry no byte either way
     * @param drainTimeout how long the open connections of a port gone (or of a stopping server) may go on
     * @param localBackendNames whether a backend's DNS name may resolve to a local address
     * @param metrics where connections are counted
     * @param accessLog where each connection is logged as it ends; null: nowhere
     */
    public TcpListeners(Server server, String host, Executor executor, Duration connectTimeout, Duration idleTimeout,
            Duration drainTimeout, boolean localBackendNames, TcpMetrics metrics, AccessLog accessLog) {
        this.server = Objects.requireNonNull(server, "server");
        this.host = host;
        this.idleTimeoutMillis = idleTimeout.toMillis();
        this.drainMillis = drainTimeout.toMillis();
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.accessLog = accessLog;
        this.dialer = new TunnelDialer(executor, connectTimeout, idleTimeout, localBackendNames);
        server.addBean(dialer);
    }

    /** Follows {@code table}'s TCP services; does nothing while the server is not started. */
    @Override
    public synchronized void accept(RouteTable table) {
        if (!server.isStarted()) {
            return;
        }
        last = table;
        TcpServices tcp = table.tcpServices();
        reportMissing(tcp);
        Map<Integer, TcpRoute> wanted = new LinkedHashMap<>();
        for (TcpRoute route : tcp.routes()) {
            wanted.put(route.port(), route);
        }
        for (TcpPort port : List.copyOf(open.values())) {
            TcpRoute route = wanted.get(port.port());
            if (route == null || route.service().decodeProxyProtocol() != port.decodesProxyProtocol()) {
                close(port);
            }
        }
        failed.keySet().retainAll(wanted.keySet());
        for (TcpRoute route : wanted.values()) {
            TcpPort port = open.get(route.port());
            if (port != null) {
                if (!port.route().service().equals(route.service())) {
                    LOG.info("TCP port {}: now to {}", route.port(), route.service().serviceKey());
                }
                port.route(route);  // new connections go to the new endpoints; open ones stay
            } else {
                open(tcp.configMap(), route);
            }
        }
        problems = List.copyOf(failed.values());
        if (!failed.isEmpty() && retry == null) {
            retry = server.getScheduler().schedule(this::retryFailed, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void retryFailed() {
        retry = null;
        if (last != null && !failed.isEmpty()) {
            accept(last);
        }
    }

    private void reportMissing(TcpServices tcp) {
        String missing = tcp.configMap() != null && !tcp.configMapFound() ? tcp.configMap() : null;
        if (missing != null && !missing.equals(missingConfigMap)) {
            LOG.info("ConfigMap {} (--tcp-services-configmap) does not exist: no TCP port is listened on until it is"
                    + " created", missing);
        }
        missingConfigMap = missing;
    }

    private void open(String configMap, TcpRoute route) {
        int number = route.port();
        TcpPort port = new TcpPort(this, route);
        ConnectionFactory[] factories = route.service().decodeProxyProtocol()
                ? new ConnectionFactory[] {new RequiredProxyProtocol(port.getProtocol()), port}
                : new ConnectionFactory[] {port};
        // an acceptor thread, not the selector: a listening socket registered with a selector is only
        // released at its next select, so a port taken away (or a stopping server) would go on
        // completing handshakes that nobody accepts
        ServerConnector connector = new ServerConnector(server, 1, 1, factories);
        connector.setName("tcp-" + number);
        connector.setHost(host);
        connector.setPort(number);
        connector.setIdleTimeout(idleTimeoutMillis);
        // open tunnels keep their idle timeout while the server stops or the port drains
        connector.setShutdownIdleTimeout(idleTimeoutMillis);
        port.connector(connector);
        server.addConnector(connector);
        try {
            connector.start();
        } catch (Exception e) {
            server.removeConnector(connector);
            LifeCycle.stop(connector);
            Problem problem = Problem.warning("ConfigMap", configMap, "data[\"" + number + "\"]", "port " + number
                    + " cannot be listened on (" + e.getMessage() + "): this entry is not served");
            if (!problem.equals(failed.put(number, problem))) {
                LOG.warn("{}", problem);
            }
            return;
        }
        if (failed.remove(number) != null) {
            LOG.info("cleared: TCP port {} is listened on now", number);
        }
        open.put(number, port);
        LOG.info("TCP port {}: listening{}, to {}{}", number, route.service().decodeProxyProtocol()
                ? " (PROXY protocol from clients)" : "", route.service().serviceKey(),
                route.service().sendProxyProtocol() ? " (PROXY protocol sent)" : "");
    }

    // stops accepting at once (the port is free again); open connections go on until the drain timeout
    private void close(TcpPort port) {
        open.remove(port.port());
        ServerConnector connector = port.connector();
        LOG.info("TCP port {}: no longer listened on", port.port());
        connector.shutdown().orTimeout(drainMillis, TimeUnit.MILLISECONDS).whenComplete((done, timeout) -> {
            LifeCycle.stop(connector);
            server.removeConnector(connector);
        });
    }

    /**
     * Forgets the listeners once the server has stopped (which drained and closed them), so that a
     * restart opens the live table's ports afresh.
     */
    public synchronized void stopped() {
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
        last = null;
        for (TcpPort port : open.values()) {
            LifeCycle.stop(port.connector());
            server.removeConnector(port.connector());
        }
        open.clear();
        failed.clear();
        problems = List.of();
        missingConfigMap = null;
    }

    /** The ports that cannot be listened on, one WARNING each. */
    public List<Problem> problems() {
        return problems;
    }

    /** The ports listened on now. */
    public synchronized List<Integer> ports() {
        return new ArrayList<>(open.keySet()).stream().sorted().toList();
    }

    TunnelDialer dialer() {
        return dialer;
    }

    /** Counts and logs a connection that ended. */
    void ended(int port, TcpRoute route, BackendTunnel tunnel) {
        metrics.onConnection(port, tunnel.status(), tunnel.bytesToClient(), tunnel.bytesFromClient());
        if (accessLog != null) {
            String client = tunnel.clientAddress();
            accessLog.logTcp(client.isEmpty() ? null : client, tunnel.startEpochMillis(), port, route.backend().key(),
                    tunnel.status(), tunnel.bytesToClient(), tunnel.bytesFromClient(), tunnel.nanos(),
                    tunnel.upstreamAddress());
        }
    }
}
