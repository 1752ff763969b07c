package io.jingress.jetty.internal.tunnel;

import io.jingress.jetty.internal.net.BytePump;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * One side of a {@link BackendTunnel}: copies the bytes read from its own end point to its
 * peer's with a {@link BytePump}, as the tunnel of the WebSocket upgrades does, counting them. A
 * connection whose both directions are done is closed by Jetty, and a failure, or either side
 * closing, closes the other.
 *
 * <p>The client side is made when the client's first bytes have been read (ssl-passthrough's
 * ClientHello, what followed a PROXY protocol header) or at once: it holds those bytes
 * ({@link #onUpgradeTo}) and, once open, has the tunnel connect; it reads nothing more until the
 * upstream side is open and has been sent them.
 */
final class TunnelSide extends AbstractConnection implements Connection.UpgradeTo {
    private static final int BUFFER_SIZE = 16 * 1024;

    private final BackendTunnel tunnel;
    private final boolean client;
    private final BytePump pump;
    private volatile TunnelSide peer;
    private ByteBuffer hello;  // on the client side: the ClientHello, until the upstream side takes it

    TunnelSide(BackendTunnel tunnel, EndPoint endPoint, Executor executor, ByteBufferPool bufferPool, boolean client) {
        super(endPoint, executor);
        this.tunnel = tunnel;
        this.client = client;
        setInputBufferSize(BUFFER_SIZE);
        this.pump = new BytePump(endPoint, bufferPool, BUFFER_SIZE, new BytePump.Ends() {
            @Override
            public EndPoint peer() {
                return peer.getEndPoint();
            }

            @Override
            public void awaitBytes(Callback callback) {
                fillInterested(callback);
            }

            @Override
            public void relayed(int bytes) {
                tunnel.relayed(client, bytes);
            }

            @Override
            public void failed(Throwable failure) {
                disconnect(failure);
            }
        });
    }

    @Override
    public void onUpgradeTo(ByteBuffer prefilled) {
        if (BufferUtil.hasContent(prefilled)) {
            ByteBuffer copy = ByteBuffer.allocate(prefilled.remaining());
            copy.put(prefilled).flip();
            hello = copy;
            tunnel.relayed(true, copy.remaining());  // received from the client, relayed or not
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        if (client) {
            tunnel.connect();
        } else {
            TunnelSide clientSide = tunnel.clientTunnelSide();
            ByteBuffer first = clientSide.hello;
            clientSide.hello = null;
            tunnel.connected(this, first);
        }
    }

    void pair(TunnelSide other) {
        this.peer = other;
    }

    void startRelaying() {
        fillInterested();
    }

    @Override
    public void onFillable() {
        pump.iterate();
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        if (client) {
            tunnel.clientClosed(cause);
        } else {
            TunnelSide other = peer;
            if (other != null) {
                other.getEndPoint().close(cause);
            }
        }
    }

    private void disconnect(Throwable failure) {
        getEndPoint().close(failure);
        TunnelSide other = peer;
        if (other != null) {
            other.getEndPoint().close(failure);
        }
    }

    @Override
    public String toConnectionString() {
        return "TunnelSide@" + Integer.toHexString(hashCode()) + "[" + (client ? "client" : "upstream") + "]";
    }
}
