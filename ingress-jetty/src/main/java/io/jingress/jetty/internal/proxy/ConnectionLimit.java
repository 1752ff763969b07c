package io.jingress.jetty.internal.proxy;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * Bounds the client connections of every connector it is {@linkplain #wrap applied to}. Past the
 * bound a new connection is answered at once and closed, instead of waiting unseen in the accept
 * queue: a plain-HTTP client reads {@code 503} with {@code Connection: close}; a TLS client, to
 * which nothing readable can be said before a handshake, sees the connection closed.
 */
public final class ConnectionLimit {
    private static final byte[] REFUSAL = Refusal.plainAnswer(503, "Service Unavailable",
            "503 Service Unavailable: too many connections, retry later\n");

    private final int max;
    // Client sockets, counted by the connectors' selectors as they open and close: a socket keeps
    // its place however many connections replace one another on it (a PROXY header read, then TLS).
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder refused = new LongAdder();

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

    /** A client socket of a connector it wraps was opened ({@link ProxyConnector} tells). */
    void opened() {
        open.incrementAndGet();
    }

    /** A client socket of a connector it wraps was closed. */
    void closed() {
        open.decrementAndGet();
    }

    /** Connections refused since start, for being past the limit. */
    public long refused() {
        return refused.sum();
    }

    public int max() {
        return max;
    }

    /**
     * Wraps the first connection factory of a {@link ProxyConnector} given this limit (the factory
     * that receives the raw socket).
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
            // called before the selector counts this socket as opened
            if (open.get() < max) {
                return delegate.newConnection(connector, endPoint);
            }
            // past the limit; a TLS client can be told nothing readable before a handshake
            refused.increment();
            return new Refusal(endPoint, connector, plainHttp ? REFUSAL : null);
        }
    }
}
