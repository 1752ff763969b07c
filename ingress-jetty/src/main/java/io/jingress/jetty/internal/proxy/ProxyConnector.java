package io.jingress.jetty.internal.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

import io.jingress.jetty.internal.net.ConnectTimeouts;
import io.jingress.jetty.internal.tls.Http2Heads;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A {@link ServerConnector} whose selector also carries the proxy's connections to endpoints, as
 * an nginx worker does: a client's request and its upstream exchange are then served by one
 * selector thread, with no wakeup of another thread each time either side waits for input.
 * {@link UpstreamPool} connects through it when the request came in on one.
 *
 * <p>Upstream connections are not the connector's: they are left out of its connection tracking
 * (so a graceful stop does not wait for idle keep-alive connections) and get none of its
 * connection listeners (so client connection metrics stay client connections).
 */
public final class ProxyConnector extends ServerConnector {
    private final ConnectionLimit limit;
    private volatile long proxyHeaderDeadlineNanos;  // 0: none
    private volatile long http2HeadDeadlineNanos;    // 0: none
    private volatile boolean shuttingDown;

    /** @param limit counts this connector's client sockets; its first factory is {@link ConnectionLimit#wrap wrapped} by it */
    public ProxyConnector(Server server, Executor executor, ConnectionLimit limit, ConnectionFactory... factories) {
        super(server, executor, null, null, -1, -1, factories);
        this.limit = limit;
    }

    /**
     * With a required PROXY protocol header ({@link RequiredProxyProtocol}): the header must have
     * arrived whole within {@code deadline} of the connection's start, else the connection is
     * closed, as a request head is (nginx reads the header under its {@code client_header_timeout}).
     * The idle timeout alone would not end a header sent a byte at a time.
     */
    public void setProxyHeaderDeadline(Duration deadline) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("requestHeadTimeout: must be positive, got " + deadline);
        }
        proxyHeaderDeadlineNanos = deadline.toNanos();
    }

    /**
     * HTTP/2 in cleartext on this connector (h2c): its preface and each request head (a
     * {@code HEADERS} frame and its {@code CONTINUATION}s) must arrive whole within
     * {@code deadline} of their first byte, else the connection is closed, as an HTTP/1 head's
     * (see {@link TimedEndPoint#timeHttp2Heads}). Over TLS the TLS connection keeps it.
     */
    public void setHttp2HeadDeadline(Duration deadline) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("requestHeadTimeout: must be positive, got " + deadline);
        }
        http2HeadDeadlineNanos = deadline.toNanos();
    }

    /**
     * A graceful stop begins: from now on {@link #isShutdown()} is true. Jetty closes the listening
     * socket first and marks the connector shut only after that, so an answer written in between
     * went out without {@code Connection: close} on a connection that the stop then closed (or
     * waited for the client to close).
     */
    @Override
    protected void doStart() throws Exception {
        shuttingDown = false;
        super.doStart();
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        shuttingDown = true;
        return super.shutdown();
    }

    /** True from the moment a graceful stop begins (see {@link #shutdown()}): the connections close after their answer. */
    @Override
    public boolean isShutdown() {
        return shuttingDown || super.isShutdown();
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        return new Manager(executor, scheduler, selectors);
    }

    /** Connects to {@code address} without blocking; {@code connect} hears how it went, on the selector thread. */
    void connect(InetSocketAddress address, UpstreamPool.Connect connect, long connectTimeoutMillis) {
        SelectorManager manager = getSelectorManager();
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (channel.connect(address)) {
                manager.accept(channel, connect);
            } else {
                long previous = ConnectTimeouts.enter(connectTimeoutMillis);  // read by Manager.getConnectTimeout
                try {
                    manager.connect(channel, connect);
                } finally {
                    ConnectTimeouts.exit(previous);
                }
            }
        } catch (IOException | RuntimeException x) {
            closeQuietly(channel);
            connect.failed(x);
        }
    }

    private static void closeQuietly(SelectableChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do with a channel that failed to connect
            }
        }
    }

    /**
     * Whether an endpoint of this connector's selector is an upstream connection, not an accepted
     * one: known by its connection, which the selector sets before it reports the endpoint opened
     * and keeps after it closed (a closed channel no longer has a local address to tell by).
     */
    private static boolean isUpstream(EndPoint endPoint) {
        return endPoint.getConnection() instanceof UpstreamConnection;
    }

    /**
     * An accepted connection's socket, with the deadlines the protocols above it cannot keep: a
     * required PROXY protocol header's, and, once it carries HTTP/2 in cleartext
     * ({@link #timeHttp2Heads}), each HTTP/2 request head's. Without the latter, a client sending a
     * header block a {@code CONTINUATION} frame at a time keeps its connection for as long as it
     * goes on, each frame restarting the idle timeout (as over TLS, where the TLS connection keeps it).
     *
     * <p>The PROXY header is read once the connection on this end point works on another: the
     * {@code ProxyEndPoint} that carries the header's addresses, around this one.
     */
    public static final class TimedEndPoint extends SocketChannelEndPoint {
        private final long opened = System.nanoTime();
        private final long proxyDeadlineNanos;   // 0: no PROXY header
        private final long http2DeadlineNanos;   // 0: HTTP/2 heads not timed
        private boolean headerRead;  // read and written by the thread that fills, one at a time
        private Http2Heads heads;    // null until the connection is HTTP/2; the thread that fills only

        TimedEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                long proxyDeadlineNanos, long http2DeadlineNanos) {
            super(channel, selector, key, scheduler);
            this.proxyDeadlineNanos = proxyDeadlineNanos;
            this.http2DeadlineNanos = http2DeadlineNanos;
            this.headerRead = proxyDeadlineNanos == 0;
        }

        /** The socket under {@code endPoint} (and the end points wrapping it), if it is one of these; else null. */
        public static TimedEndPoint of(EndPoint endPoint) {
            EndPoint at = endPoint;
            while (!(at instanceof TimedEndPoint) && at instanceof EndPoint.Wrapper wrapper && wrapper.unwrap() != at) {
                at = wrapper.unwrap();
            }
            return at instanceof TimedEndPoint timed ? timed : null;
        }

        /**
         * Times the HTTP/2 request heads from now on, the connection being HTTP/2 in cleartext whose
         * preface's first {@code prefaceRead} bytes were read already (by the HTTP/1 connection that
         * hands it over; the preface counts as a head until it is whole). To be called on the thread
         * that fills, before the HTTP/2 connection reads; nothing when heads are not to be timed.
         */
        public void timeHttp2Heads(int prefaceRead) {
            if (http2DeadlineNanos != 0) {
                heads = new Http2Heads(prefaceRead, System.nanoTime());
            }
        }

        /** Bytes read from the socket before the HTTP/2 connection took it (the HTTP/1 connection's, handed over). */
        public void readAhead(ByteBuffer bytes) {
            Http2Heads h2 = heads;
            if (h2 != null && bytes != null) {
                h2.read(bytes, bytes.position(), bytes.limit(), System.nanoTime());
            }
        }

        @Override
        public int fill(ByteBuffer buffer) throws IOException {
            int filled = super.fill(buffer);
            if (!headerRead) {
                Connection connection = getConnection();
                if (connection != null && connection.getEndPoint() != this) {
                    headerRead = true;
                } else if (System.nanoTime() - opened > proxyDeadlineNanos) {
                    close(new TimeoutException("PROXY protocol header not complete within the request head timeout"));
                    return -1;
                }
            }
            Http2Heads h2 = heads;
            if (h2 != null && h2.filledPastDeadline(buffer, filled, http2DeadlineNanos)) {
                close(new TimeoutException(Http2Heads.TOO_LATE));
                return -1;
            }
            return filled;
        }
    }

    private final class Manager extends ServerConnectorManager {
        Manager(Executor executor, Scheduler scheduler, int selectors) {
            super(executor, scheduler, selectors);
        }

        /** Only upstream connects ask: each its own timeout (see {@link ConnectTimeouts}). */
        @Override
        public long getConnectTimeout() {
            return ConnectTimeouts.inForce(super.getConnectTimeout());
        }

        @Override
        protected SocketChannelEndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key)
                throws IOException {
            long proxyDeadline = proxyHeaderDeadlineNanos;
            long http2Deadline = http2HeadDeadlineNanos;
            if (proxyDeadline == 0 && http2Deadline == 0 || key.attachment() instanceof UpstreamPool.Connect) {
                return super.newEndPoint(channel, selector, key);
            }
            SocketChannelEndPoint endPoint = new TimedEndPoint((SocketChannel) channel, selector, key, getScheduler(),
                    proxyDeadline, http2Deadline);
            endPoint.setIdleTimeout(getIdleTimeout());
            return endPoint;
        }

        @Override
        public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment) throws IOException {
            if (attachment instanceof UpstreamPool.Connect connect) {
                return connect.newConnection(endPoint);
            }
            return super.newConnection(channel, endPoint, attachment);
        }

        @Override
        public void connectionOpened(Connection connection, Object context) {
            super.connectionOpened(connection, context);
            if (context instanceof UpstreamPool.Connect connect) {
                connect.succeeded((UpstreamConnection) connection);
            }
        }

        @Override
        protected void connectionFailed(SelectableChannel channel, Throwable failure, Object attachment) {
            if (attachment instanceof UpstreamPool.Connect connect) {
                closeQuietly(channel);
                connect.failed(failure);
                return;
            }
            super.connectionFailed(channel, failure, attachment);
        }

        @Override
        protected void endPointOpened(EndPoint endPoint) {
            if (!isUpstream(endPoint)) {
                limit.opened();
                super.endPointOpened(endPoint);
            }
        }

        @Override
        protected void endPointClosed(EndPoint endPoint) {
            if (!isUpstream(endPoint)) {
                limit.closed();
                super.endPointClosed(endPoint);
            }
        }
    }
}
