package io.jingress.jetty.internal.proxy;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.jingress.core.lb.Endpoint;
import io.jingress.jetty.internal.net.BackendAddresses;
import io.jingress.jetty.internal.net.ConnectTimeouts;

import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * The {@link UpstreamConnection}s of every endpoint: idle keep-alive connections are kept per
 * endpoint (the most recently used first, so the rest expire), and new ones are connected without
 * blocking on a {@link ClientConnector} of its own. Like nginx's {@code keepalive} directive it
 * bounds the idle connections kept per endpoint, not the connections in use.
 */
final class UpstreamPool extends ContainerLifeCycle {
    /**
     * An exchange's read buffer, taken from the pool for the exchange only: 32 KB takes a 16 KB
     * answer in one read, where 16 KB needed two reads and two writes to the client (17% less
     * CPU per 16 KB answer; nginx's proxy_buffers are 8 x 4 KB).
     */
    private static final int BUFFER_SIZE = 32 * 1024;

    private final ClientConnector connector;
    private final ConcurrentMap<String, Idle> idle = new ConcurrentHashMap<>();
    private final LongAdder buffersHeld = new LongAdder();
    private final int maxIdlePerEndpoint;
    private final long readTimeoutMillis;
    private final long keepAliveMillis;
    private final long connectTimeoutMillis;

    UpstreamPool(ProxySettings settings) {
        this.maxIdlePerEndpoint = settings.maxConnectionsPerEndpoint();
        this.readTimeoutMillis = settings.readTimeoutMillis();
        this.keepAliveMillis = settings.upstreamKeepAliveMillis();
        this.connectTimeoutMillis = settings.connectTimeoutMillis();
        connector = new ConnectTimeouts.Connector();
        connector.setSelectors(1);
        connector.setConnectTimeout(Duration.ofMillis(settings.connectTimeoutMillis()));
        connector.setIdleTimeout(Duration.ofMillis(readTimeoutMillis));
        addBean(connector, true);
    }

    /** Shares the server's threads (for connects and the rare blocking task); call before starting. */
    void executor(Executor executor) {
        connector.setExecutor(executor);
    }

    /** The idle connections of one endpoint. */
    static final class Idle {
        final InetSocketAddress address;
        final ConcurrentLinkedDeque<UpstreamConnection> connections = new ConcurrentLinkedDeque<>();
        final AtomicInteger size = new AtomicInteger();

        Idle(InetSocketAddress address) {
            this.address = address;
        }
    }

    /** The server's read timeout, in milliseconds: a route's own replaces it ({@link UpstreamTimeouts}). */
    long readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /** The server's connect timeout, in milliseconds. */
    long connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    /**
     * An idle connection to {@code endpoint}, now active with {@code readTimeoutMillis} as its idle
     * timeout, or null when there is none. One on which the upstream sent bytes nobody asked for, or
     * which it closed, is closed instead and the next one tried.
     */
    UpstreamConnection take(Endpoint endpoint, long readTimeoutMillis) {
        Idle home = idle.get(endpoint.id());
        if (home == null) {
            return null;
        }
        UpstreamConnection connection;
        while ((connection = home.connections.pollFirst()) != null) {
            home.size.decrementAndGet();
            if (connection.activate()) {
                if (connection.hasUnreadBytesOrEnded()) {
                    connection.closeUnused();
                    continue;
                }
                EndPoint endPoint = connection.getEndPoint();
                if (endPoint.getIdleTimeout() != readTimeoutMillis) {
                    endPoint.setIdleTimeout(readTimeoutMillis);
                }
                return connection;
            }
        }
        return null;
    }

    /**
     * Connects to {@code endpoint} without blocking, on {@code via}'s selector when the request came
     * in on a {@link ProxyConnector}, else on this pool's own connector; the promise completes on
     * the selector thread. The connect is given up after {@code connectTimeoutMillis}; the
     * connection's idle timeout is {@code readTimeoutMillis} while its first exchange is under way.
     */
    void connect(Endpoint endpoint, Object via, long connectTimeoutMillis, long readTimeoutMillis,
            Promise<UpstreamConnection> promise) {
        Idle home = idle.get(endpoint.id());
        if (home == null) {
            if (!BackendAddresses.isIpLiteral(endpoint.address())) {
                // a name lookup would block the selector thread this runs on; a number in another
                // form than four decimals ("127.1", "2130706433") is an address of the resolver's choosing
                promise.failed(new UnknownHostException("not an IP address: " + endpoint.address()));
                return;
            }
            InetSocketAddress address;
            try {
                address = new InetSocketAddress(endpoint.address(), endpoint.port());
            } catch (RuntimeException x) {
                promise.failed(x);
                return;
            }
            Idle fresh = new Idle(address);
            home = idle.putIfAbsent(endpoint.id(), fresh);
            if (home == null) {
                home = fresh;
            }
        }
        Connect connect = new Connect(home, readTimeoutMillis, promise);
        if (via instanceof ProxyConnector proxyConnector && proxyConnector.isRunning()) {
            proxyConnector.connect(home.address, connect, connectTimeoutMillis);
            return;
        }
        Map<String, Object> context = new HashMap<>(8);
        context.put(Transport.CONTEXT_KEY, Transport.TCP_IP);
        context.put(ConnectTimeouts.CONTEXT_KEY, connectTimeoutMillis);
        context.put(ClientConnectionFactory.CONTEXT_KEY, (ClientConnectionFactory) (endPoint, ignored) -> connect.newConnection(endPoint));
        context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<Connection>() {
            @Override
            public void succeeded(Connection connection) {
                connect.succeeded((UpstreamConnection) connection);
            }

            @Override
            public void failed(Throwable failure) {
                connect.failed(failure);
            }
        });
        connector.connect(home.address, context);
    }

    /** One connect in progress: makes the connection once the socket is connected, and tells the requester. */
    final class Connect {
        private final Idle home;
        private final long readTimeoutMillis;
        private final Promise<UpstreamConnection> promise;

        Connect(Idle home, long readTimeoutMillis, Promise<UpstreamConnection> promise) {
            this.home = home;
            this.readTimeoutMillis = readTimeoutMillis;
            this.promise = promise;
        }

        UpstreamConnection newConnection(EndPoint endPoint) {
            endPoint.setIdleTimeout(readTimeoutMillis);
            // the same bound as on Jetty's client path: one read buffer holds the whole head
            return new UpstreamConnection(endPoint, connector.getExecutor(), UpstreamPool.this, home,
                    RoutingProxy.MAX_UPSTREAM_HEAD_BYTES);
        }

        void succeeded(UpstreamConnection connection) {
            promise.succeeded(connection);
        }

        void failed(Throwable failure) {
            promise.failed(failure);
        }
    }

    /** Keeps a connection whose exchange ended cleanly, or closes it when enough are kept. */
    void release(UpstreamConnection connection) {
        Idle home = connection.home();
        if (home.size.incrementAndGet() > maxIdlePerEndpoint || !isRunning()) {
            home.size.decrementAndGet();
            connection.getEndPoint().close();
            return;
        }
        // the exchange's read timeout (the server's or its route's) gives way to the keep-alive time
        EndPoint endPoint = connection.getEndPoint();
        if (endPoint.getIdleTimeout() != keepAliveMillis) {
            endPoint.setIdleTimeout(keepAliveMillis);
        }
        connection.idle();
        home.connections.offerFirst(connection);
    }

    /** Idle connections kept now, over all endpoints. */
    int idleConnections() {
        int idleNow = 0;
        for (Idle home : idle.values()) {
            idleNow += home.size.get();
        }
        return idleNow;
    }

    /** An exchange's read buffer, on the heap; give it back with {@link #releaseBuffer}. */
    RetainableByteBuffer acquireBuffer() {
        buffersHeld.increment();
        return connector.getByteBufferPool().acquire(BUFFER_SIZE, false);
    }

    void releaseBuffer(RetainableByteBuffer buffer) {
        buffer.release();
        buffersHeld.decrement();
    }

    /** Read buffers held now: one per exchange in progress (an idle connection holds none). */
    long buffersHeld() {
        return buffersHeld.sum();
    }

    /** Forgets a connection that expired or closed while idle. */
    void remove(UpstreamConnection connection) {
        Idle home = connection.home();
        if (home.connections.remove(connection)) {
            home.size.decrementAndGet();
        }
    }

    @Override
    protected void doStop() throws Exception {
        for (Idle home : idle.values()) {
            UpstreamConnection connection;
            while ((connection = home.connections.pollFirst()) != null) {
                connection.getEndPoint().close();
            }
        }
        idle.clear();
        super.doStop();
    }
}
