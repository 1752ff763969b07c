package io.jingress.jetty.internal.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * Bounds the client connections of every connector it is {@linkplain #wrap applied to}. Past the
 * bound a new connection is answered at once and closed, instead of waiting unseen in the accept
 * queue: a plain-HTTP client reads {@code 503} with {@code Connection: close}; a TLS client, to
 * which nothing readable can be said before a handshake, sees the connection closed.
 */
public final class ConnectionLimit {
    private static final String REFUSAL_BODY = "503 Service Unavailable: too many connections, retry later\n";
    private static final byte[] REFUSAL = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + REFUSAL_BODY.length() + "\r\n"
            + "Connection: close\r\n"
            + "\r\n"
            + REFUSAL_BODY).getBytes(StandardCharsets.US_ASCII);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Connection.Listener closeCounter = new Connection.Listener() {
        @Override
        public void onClosed(Connection connection) {
            open.decrementAndGet();
        }
    };

    public ConnectionLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxConnections: must be at least 1, got " + max);
        }
        this.max = max;
    }

    /** Open client connections now. */
    public int open() {
        return open.get();
    }

    public int max() {
        return max;
    }

    /**
     * Wraps the first connection factory of a connector (the one that receives the raw socket).
     *
     * @param plainHttp whether that factory speaks plain HTTP/1.x, so a refusal can be written
     */
    public ConnectionFactory wrap(ConnectionFactory first, boolean plainHttp) {
        return new Limited(Objects.requireNonNull(first, "first"), plainHttp);
    }

    private final class Limited extends ContainerLifeCycle implements ConnectionFactory, ConnectionFactory.Configuring {
        private final ConnectionFactory delegate;
        private final boolean plainHttp;

        Limited(ConnectionFactory delegate, boolean plainHttp) {
            this.delegate = delegate;
            this.plainHttp = plainHttp;
            addBean(delegate);
        }

        @Override
        public String getProtocol() {
            return delegate.getProtocol();
        }

        @Override
        public List<String> getProtocols() {
            return delegate.getProtocols();
        }

        @Override
        public void configure(Connector connector) {
            if (delegate instanceof ConnectionFactory.Configuring configuring) {
                configuring.configure(connector);
            }
        }

        @Override
        public Connection newConnection(Connector connector, EndPoint endPoint) {
            Connection connection = open.incrementAndGet() > max
                    ? new Refusal(endPoint, connector, plainHttp)
                    : delegate.newConnection(connector, endPoint);
            connection.addEventListener(closeCounter);
            return connection;
        }
    }

    /** Says 503 (when it can), stops writing, and drains what the client sent until it closes. */
    private static final class Refusal extends AbstractConnection {
        private final boolean plainHttp;

        Refusal(EndPoint endPoint, Connector connector, boolean plainHttp) {
            super(endPoint, connector.getExecutor());
            this.plainHttp = plainHttp;
        }

        @Override
        public void onOpen() {
            super.onOpen();
            EndPoint endPoint = getEndPoint();
            if (!plainHttp) {
                endPoint.close();
                return;
            }
            endPoint.setIdleTimeout(5_000);
            endPoint.write(Callback.from(() -> {
                // Closing with unread request bytes would reset the connection and could destroy
                // the 503 before the client reads it: half-close and drain instead.
                endPoint.shutdownOutput();
                fillInterested();
            }, failure -> endPoint.close()), ByteBuffer.wrap(REFUSAL));
        }

        @Override
        public void onFillable() {
            ByteBuffer scratch = BufferUtil.allocate(1024);
            try {
                while (true) {
                    BufferUtil.clear(scratch);
                    int read = getEndPoint().fill(scratch);
                    if (read < 0) {
                        getEndPoint().close();
                        return;
                    }
                    if (read == 0) {
                        fillInterested();
                        return;
                    }
                }
            } catch (Exception x) {
                getEndPoint().close(x);
            }
        }
    }
}
