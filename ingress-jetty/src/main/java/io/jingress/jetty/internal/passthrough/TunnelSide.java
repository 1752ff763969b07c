package io.jingress.jetty.internal.passthrough;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * One side of a {@link PassthroughTunnel}: copies the bytes read from its own end point to its peer's, one
 * buffer in flight at a time, so that a slow reader on one side slows the writer on the other
 * instead of filling memory. End of input shuts the peer's output (a half-close travels through);
 * a connection whose both directions are done is closed by Jetty, and a failure, or either side
 * closing, closes the other. As the tunnel of the WebSocket upgrades, with byte counts.
 *
 * <p>The client side is made when the ClientHello has been read: it holds those bytes
 * ({@link #onUpgradeTo}) and, once open, has the tunnel connect; it reads nothing more until the
 * upstream side is open and has been sent them.
 */
final class TunnelSide extends AbstractConnection implements Connection.UpgradeTo {
    private static final int BUFFER_SIZE = 16 * 1024;

    private final PassthroughTunnel tunnel;
    private final ByteBufferPool bufferPool;
    private final boolean client;
    private final Pump pump = new Pump();
    private volatile TunnelSide peer;
    private ByteBuffer hello;  // on the client side: the ClientHello, until the upstream side takes it

    TunnelSide(PassthroughTunnel tunnel, EndPoint endPoint, Executor executor, ByteBufferPool bufferPool, boolean client) {
        super(endPoint, executor);
        this.tunnel = tunnel;
        this.bufferPool = bufferPool;
        this.client = client;
        setInputBufferSize(BUFFER_SIZE);
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
            TunnelSide clientSide = tunnel.clientSide();
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

    private final class Pump extends IteratingCallback {
        private RetainableByteBuffer buffer;

        @Override
        protected Action process() {
            buffer = bufferPool.acquire(getInputBufferSize(), false);
            ByteBuffer bytes = buffer.getByteBuffer();
            int filled;
            try {
                filled = getEndPoint().fill(bytes);
            } catch (IOException e) {
                release();
                disconnect(e);
                return Action.SUCCEEDED;
            }
            if (filled > 0) {
                tunnel.relayed(client, filled);
                peer.getEndPoint().write(this, bytes);
                return Action.SCHEDULED;
            }
            release();
            if (filled == 0) {
                fillInterested(this);
                return Action.SCHEDULED;
            }
            peer.getEndPoint().shutdownOutput();
            return Action.SUCCEEDED;
        }

        @Override
        protected void onSuccess() {
            release();
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            release();
            disconnect(cause);
        }

        private void release() {
            RetainableByteBuffer held = buffer;
            buffer = null;
            if (held != null) {
                held.release();
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
