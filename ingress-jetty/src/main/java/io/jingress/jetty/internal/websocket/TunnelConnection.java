package io.jingress.jetty.internal.websocket;

import io.jingress.jetty.internal.net.BytePump;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of an upgraded connection: copies every byte read from its own {@link EndPoint} to its
 * peer's with a {@link BytePump} (non-blocking, one buffer in flight at a time, so a slow reader
 * slows the writer instead of filling memory). End of input half-closes the peer; any failure
 * closes both sides. Modelled on the tunnel of Jetty's {@code ConnectHandler}.
 *
 * <p>A side starts copying only when {@link #start()} is called: the client side starts both once
 * Jetty has written the 101 response and handed it the client's endpoint, so no upstream byte can
 * overtake the 101 on the wire.
 */
final class TunnelConnection extends AbstractConnection.NonBlocking implements Connection.UpgradeTo {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelConnection.class);

    private final String direction;
    private final BytePump pump;
    private TunnelConnection peer;
    /** Bytes already read from this side that the peer must get first (see {@link #onUpgradeTo}), or null. */
    private ByteBuffer initial;
    private boolean startsPeer;
    private long idleTimeoutOnOpen = -1;

    /** @param direction for logs: "client->upstream" or "upstream->client" */
    TunnelConnection(EndPoint endPoint, Executor executor, ByteBufferPool bufferPool, int bufferSize,
            String direction) {
        super(endPoint, executor);
        this.direction = direction;
        setInputBufferSize(bufferSize);
        this.pump = new BytePump(endPoint, bufferPool, bufferSize, new BytePump.Ends() {
            @Override
            public EndPoint peer() {
                return peer.getEndPoint();
            }

            @Override
            public void awaitBytes(Callback callback) {
                fillInterested(callback);
            }

            @Override
            public void failed(Throwable failure) {
                disconnect(failure);
            }
        });
    }

    /** Links the two sides; {@code clientSide.onOpen()} will then start both. */
    static void pair(TunnelConnection clientSide, TunnelConnection upstreamSide, long idleTimeoutMillis) {
        clientSide.peer = upstreamSide;
        upstreamSide.peer = clientSide;
        clientSide.startsPeer = true;
        clientSide.idleTimeoutOnOpen = idleTimeoutMillis;
    }

    @Override
    public void onUpgradeTo(ByteBuffer buffer) {
        // Bytes that followed the request (or response) head on the wire, already read by Jetty.
        if (BufferUtil.hasContent(buffer)) {
            ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
            copy.put(buffer).flip();
            initial = copy;
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        if (startsPeer) {
            if (idleTimeoutOnOpen > 0) {
                // From here on the connection is a tunnel: it idles out on the tunnel's timeout, as
                // nginx's proxy_read_timeout governs an upgraded connection, not the HTTP one.
                getEndPoint().setIdleTimeout(idleTimeoutOnOpen);
            }
            peer.start();
            start();
        }
    }

    /** Sends the bytes read ahead, if any, then copies until end of input or failure. */
    void start() {
        ByteBuffer first = initial;
        initial = null;
        if (first == null) {
            fillInterested();
            return;
        }
        peer.getEndPoint().write(Callback.from(this::fillInterested, this::disconnect), first);
    }

    @Override
    public void onFillable() {
        pump.iterate();
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        TunnelConnection other = peer;
        if (other != null) {
            other.getEndPoint().close(cause);
        }
    }

    private void disconnect(Throwable failure) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Tunnel {} closed: {}", direction, failure.toString());
        }
        getEndPoint().close(failure);
        if (peer != null) {
            peer.getEndPoint().close(failure);
        }
    }

    @Override
    public String toConnectionString() {
        return "TunnelConnection@" + Integer.toHexString(hashCode()) + "[" + direction + "]";
    }
}
