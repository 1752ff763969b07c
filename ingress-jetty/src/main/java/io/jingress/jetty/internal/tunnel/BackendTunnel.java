package io.jingress.jetty.internal.tunnel;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.LoadBalancer;
import io.jingress.core.lb.PickContext;
import io.jingress.core.route.Backend;
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
import java.util.function.Consumer;

import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * One tunnelled client connection (a passed-through TLS one, or one of a TCP service's port): its
 * client side waits, holding the bytes read already (ssl-passthrough's ClientHello, what came with
 * a PROXY protocol header), while an endpoint of the backend is connected to (picked by the
 * backend's balancer; on a failed connect another one, up to {@link #MOST_TRIES}); the preamble (a
 * PROXY protocol header, when asked) and those bytes are written to it, then bytes are relayed
 * both ways ({@link TunnelSide}). When no endpoint can be connected to, the client connection is
 * closed: there is nothing to answer with that the client could read as the backend's. It ends
 * when its client side closes, which a closing upstream side brings about too; then {@code onEnd}
 * hears of it, once, to count and log it.
 *
 * <p>A connect to an endpoint counts as a request to it ({@link Endpoint#onStart}, {@code onEnd}
 * with whether it connected), so that a refusing endpoint is ejected as on the request path; the
 * tunnel's life after that is not the endpoint's latency.
 */
public final class BackendTunnel implements PickContext {
    static final int MOST_TRIES = 3;

    private final TunnelDialer dialer;
    private final Backend backend;
    private final String name;
    private final Consumer<BackendTunnel> onEnd;
    private final EndPoint clientEndPoint;
    private final ByteBuffer preamble;
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

    /**
     * @param dialer what the upstream side is connected with
     * @param backend whose endpoints are connected to
     * @param name what the tunnel is, in words, for the failure that closes it ({@code "tcp port 2222"})
     * @param clientEndPoint the client's connection
     * @param listener the listener that accepted it
     * @param preamble what to write to the upstream side first (a PROXY protocol header); null: nothing
     * @param onEnd hears, once, that the tunnel ended
     */
    public BackendTunnel(TunnelDialer dialer, Backend backend, String name, EndPoint clientEndPoint, Connector listener,
            ByteBuffer preamble, Consumer<BackendTunnel> onEnd) {
        this.dialer = dialer;
        this.backend = backend;
        this.name = name;
        this.onEnd = onEnd;
        this.clientEndPoint = clientEndPoint;
        this.preamble = preamble;
        SocketAddress remote = clientEndPoint.getRemoteSocketAddress();
        this.clientAddress = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "";
        this.clientSide = new TunnelSide(this, clientEndPoint, listener.getExecutor(), listener.getByteBufferPool(), true);
    }

    /** The client side, the connection to give the client's end point. */
    public Connection clientSide() {
        return clientSide;
    }

    TunnelSide clientTunnelSide() {
        return clientSide;
    }

    /** Connects to an endpoint not tried yet; none left: closes the client connection. */
    void connect() {
        Endpoint endpoint = tried.size() < MOST_TRIES ? pickUntried() : null;
        if (endpoint == null) {
            if (tried.isEmpty()) {
                status = 503;
            }
            clientEndPoint.close(new IOException(name + ": no endpoint of " + backend.key() + " could be connected to"));
            return;
        }
        tried.add(endpoint);
        InetSocketAddress address;
        try {
            address = BackendAddresses.resolve(endpoint.address(), endpoint.port(), dialer.localBackendNames());
        } catch (UnknownHostException | RuntimeException e) {
            endpoint.onEnd(endpoint.onStart(), false);
            connect();
            return;
        }
        long start = endpoint.onStart();
        ClientConnector connector = dialer.connector();
        Map<String, Object> context = new HashMap<>();
        context.put(Transport.CONTEXT_KEY, Transport.TCP_IP);
        context.put(ConnectTimeouts.CONTEXT_KEY, connector.getConnectTimeout().toMillis());
        context.put(ClientConnectionFactory.CONTEXT_KEY, (ClientConnectionFactory) (endPoint, ignored) -> {
            endpoint.onEnd(start, true);
            upstreamAddress = endpoint.id();
            endPoint.setIdleTimeout(dialer.idleTimeoutMillis());
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
                    connector.getExecutor().execute(BackendTunnel.this::connect);
                }
            }
        });
        connector.connect(address, context);
    }

    private Endpoint pickUntried() {
        LoadBalancer balancer = backend.balancer();
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

    /** The upstream side is open: sends it the preamble and the client's first bytes, then relays both ways. */
    void connected(TunnelSide upstream, ByteBuffer hello) {
        if (!clientEndPoint.isOpen()) {
            upstream.getEndPoint().close();  // the client left while we connected
            return;
        }
        status = 200;
        clientSide.pair(upstream);
        upstream.pair(clientSide);
        hello = withPreamble(hello);
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

    private ByteBuffer withPreamble(ByteBuffer hello) {
        if (preamble == null) {
            return hello;
        }
        ByteBuffer first = ByteBuffer.allocate(preamble.remaining() + (hello == null ? 0 : hello.remaining()));
        first.put(preamble.duplicate());
        if (hello != null) {
            first.put(hello);
        }
        return first.flip();
    }

    /** The client side closed: closes the upstream side, counts and logs the tunnel, once. */
    void clientClosed(Throwable cause) {
        TunnelSide upstream = upstreamSide;
        if (upstream != null) {
            upstream.getEndPoint().close(cause);
        }
        if (ended.compareAndSet(false, true)) {
            endNanos = System.nanoTime();
            onEnd.accept(this);
        }
    }

    /** Bytes read from one side, about to be written to the other. */
    void relayed(boolean fromClient, int bytes) {
        (fromClient ? bytesFromClient : bytesToClient).addAndGet(bytes);
    }

    /** The backend whose endpoints the tunnel connects to. */
    public Backend backend() {
        return backend;
    }

    /** 200 an endpoint was connected to (whatever ended the tunnel), 502 none could be, 503 there was none. */
    public int status() {
        return status;
    }

    public long bytesToClient() {
        return bytesToClient.get();
    }

    public long bytesFromClient() {
        return bytesFromClient.get();
    }

    public long nanos() {
        return endNanos - startNanos;
    }

    public long startEpochMillis() {
        return startEpochMillis;
    }

    /** The endpoint connected to ({@code address:port}), null when none was. */
    public String upstreamAddress() {
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
