package io.jingress.jetty.internal.passthrough;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.LoadBalancer;
import io.jingress.core.lb.PickContext;
import io.jingress.core.route.Route;
import io.jingress.jetty.internal.net.BackendAddresses;
import io.jingress.jetty.internal.net.ConnectTimeouts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * One passed-through TLS connection: its client side waits, holding the ClientHello, while an
 * endpoint of the route's backend is connected to (picked by the backend's balancer; on a failed
 * connect another one, up to {@link #MOST_TRIES}); the ClientHello is written to it, then bytes are
 * relayed both ways ({@link TunnelSide}). When no endpoint can be connected to, the client
 * connection is closed: TLS has nothing to answer with that the client could read as the host's.
 * It ends when its client side closes, which a closing upstream side brings about too; then it is
 * counted and logged, once.
 *
 * <p>A connect to an endpoint counts as a request to it ({@link Endpoint#onStart}, {@code onEnd}
 * with whether it connected), so that a refusing endpoint is ejected as on the request path; the
 * tunnel's life after that is not the endpoint's latency.
 */
final class PassthroughTunnel implements PickContext {
    static final int MOST_TRIES = 3;

    private final PassthroughTunnels tunnels;
    private final Route route;
    private final String sni;
    private final EndPoint clientEndPoint;
    private final String clientAddress;  // read now: a closed end point may no longer know it
    private final TunnelSide clientSide;
    private final long startNanos = System.nanoTime();
    private final long startEpochMillis = System.currentTimeMillis();
    private final List<Endpoint> tried = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesToClient = new AtomicLong();
    private final AtomicLong bytesFromClient = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile TunnelSide upstreamSide;
    private volatile String upstreamAddress;
    private volatile int status = 502;
    private volatile long endNanos;

    PassthroughTunnel(PassthroughTunnels tunnels, Route route, String sni, EndPoint clientEndPoint, Connector listener) {
        this.tunnels = tunnels;
        this.route = route;
        this.sni = sni;
        this.clientEndPoint = clientEndPoint;
        SocketAddress remote = clientEndPoint.getRemoteSocketAddress();
        this.clientAddress = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "";
        this.clientSide = new TunnelSide(this, clientEndPoint, listener.getExecutor(), listener.getByteBufferPool(), true);
    }

    TunnelSide clientSide() {
        return clientSide;
    }

    /** Connects to an endpoint not tried yet; none left: closes the client connection. */
    void connect() {
        Endpoint endpoint = tried.size() < MOST_TRIES ? pickUntried() : null;
        if (endpoint == null) {
            if (tried.isEmpty()) {
                status = 503;
            }
            clientEndPoint.close(new IOException("ssl-passthrough " + sni + ": no endpoint of " + route.backend().key()
                    + " could be connected to"));
            return;
        }
        tried.add(endpoint);
        InetSocketAddress address;
        try {
            address = BackendAddresses.resolve(endpoint.address(), endpoint.port(), tunnels.localBackendNames());
        } catch (UnknownHostException | RuntimeException e) {
            endpoint.onEnd(endpoint.onStart(), false);
            connect();
            return;
        }
        long start = endpoint.onStart();
        ClientConnector connector = tunnels.connector();
        Map<String, Object> context = new HashMap<>();
        context.put(Transport.CONTEXT_KEY, Transport.TCP_IP);
        context.put(ConnectTimeouts.CONTEXT_KEY, connector.getConnectTimeout().toMillis());
        context.put(ClientConnectionFactory.CONTEXT_KEY, (ClientConnectionFactory) (endPoint, ignored) -> {
            endpoint.onEnd(start, true);
            upstreamAddress = endpoint.id();
            endPoint.setIdleTimeout(tunnels.idleTimeoutMillis());
            TunnelSide side = new TunnelSide(this, endPoint, connector.getExecutor(), connector.getByteBufferPool(), false);
            upstreamSide = side;
            return side;
        });
        context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<Connection>() {
            @Override
            public void failed(Throwable failure) {
                endpoint.onEnd(start, false);
                if (clientEndPoint.isOpen()) {
                    // not on the selector that failed the connect: the next endpoint's name may need a DNS lookup
                    connector.getExecutor().execute(PassthroughTunnel.this::connect);
                }
            }
        });
        connector.connect(address, context);
    }

    private Endpoint pickUntried() {
        LoadBalancer balancer = route.backend().balancer();
        // a balancer honours PickContext.excluded; the loop guards against one that does not
        for (int i = balancer.endpoints().size(); i > 0; i--) {
            Endpoint candidate = balancer.pick(this);
            if (candidate == null) {
                return null;
            }
            if (!tried.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The upstream side is open: sends it the ClientHello, then relays both ways. */
    void connected(TunnelSide upstream, ByteBuffer hello) {
        if (!clientEndPoint.isOpen()) {
            upstream.getEndPoint().close();  // the client left while we connected
            return;
        }
        status = 200;
        clientSide.pair(upstream);
        upstream.pair(clientSide);
        if (hello == null || !hello.hasRemaining()) {
            clientSide.startRelaying();
            upstream.startRelaying();
            return;
        }
        upstream.getEndPoint().write(Callback.from(() -> {
            clientSide.startRelaying();
            upstream.startRelaying();
        }, failure -> {
            upstream.getEndPoint().close(failure);
            clientEndPoint.close(failure);
        }), hello);
    }

    /** The client side closed: closes the upstream side, counts and logs the tunnel, once. */
    void clientClosed(Throwable cause) {
        TunnelSide upstream = upstreamSide;
        if (upstream != null) {
            upstream.getEndPoint().close(cause);
        }
        if (ended.compareAndSet(false, true)) {
            endNanos = System.nanoTime();
            tunnels.ended(this);
        }
    }

    /** Bytes read from one side, about to be written to the other. */
    void relayed(boolean fromClient, int bytes) {
        (fromClient ? bytesFromClient : bytesToClient).addAndGet(bytes);
    }

    Route route() {
        return route;
    }

    String sni() {
        return sni;
    }

    int status() {
        return status;
    }

    long bytesToClient() {
        return bytesToClient.get();
    }

    long bytesFromClient() {
        return bytesFromClient.get();
    }

    long nanos() {
        return endNanos - startNanos;
    }

    long startEpochMillis() {
        return startEpochMillis;
    }

    String upstreamAddress() {
        return status == 200 ? upstreamAddress : null;
    }

    // PickContext: a tunnel has only the client's address (upstream-hash-by $remote_addr), the one a
    // PROXY protocol header named when the listener takes one

    /** The client's address, {@code ""} when it is not an IP one. */
    @Override
    public String clientAddress() {
        return clientAddress;
    }

    @Override
    public String header(String name) {
        return null;
    }

    @Override
    public String cookie(String name) {
        return null;
    }

    @Override
    public String uri() {
        return "/";
    }

    @Override
    public boolean excluded(Endpoint endpoint) {
        return tried.contains(endpoint);
    }
}
