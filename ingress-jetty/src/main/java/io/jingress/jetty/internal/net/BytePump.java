package io.jingress.jetty.internal.net;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Copies the bytes one end point reads to another, one pooled buffer in flight at a time, so that a
 * slow reader on the far side slows the writer on this one instead of filling memory; end of input
 * shuts the far side's output (a half-close travels through). The loop of a tunnel's side (the
 * WebSocket upgrades' and ssl-passthrough's), modelled on Jetty's {@code ConnectHandler}.
 *
 * <pre>{@code
 * pump = new BytePump(getEndPoint(), bufferPool, getInputBufferSize(), ends);   // in the connection
 * pump.iterate();                                                               // on open, and on fillable
 * }</pre>
 */
public final class BytePump extends IteratingCallback {
    /** What the connection owning the pump gives it. */
    public interface Ends {
        /** Where the bytes go: the other side's end point. */
        EndPoint peer();

        /** Calls {@code callback} when this side has bytes to read (the connection's {@code fillInterested}). */
        void awaitBytes(Callback callback);

        /** {@code bytes} were read from this side and are being written to the peer. */
        default void relayed(int bytes) {
        }

        /** Reading or writing failed: close both sides. */
        void failed(Throwable failure);
    }

    private final EndPoint source;
    private final ByteBufferPool bufferPool;
    private final int bufferSize;
    private final Ends ends;
    private RetainableByteBuffer buffer;

    public BytePump(EndPoint source, ByteBufferPool bufferPool, int bufferSize, Ends ends) {
        this.source = source;
        this.bufferPool = bufferPool;
        this.bufferSize = bufferSize;
        this.ends = ends;
    }

    @Override
    protected Action process() {
        buffer = bufferPool.acquire(bufferSize, false);
        ByteBuffer bytes = buffer.getByteBuffer();
        int filled;
        try {
            filled = source.fill(bytes);
        } catch (IOException e) {
            release();
            ends.failed(e);
            return Action.SUCCEEDED;
        }
        if (filled > 0) {
            ends.relayed(filled);
            ends.peer().write(this, bytes);
            return Action.SCHEDULED;
        }
        release();
        if (filled == 0) {
            ends.awaitBytes(this);
            return Action.SCHEDULED;
        }
        ends.peer().shutdownOutput();
        return Action.SUCCEEDED;
    }

    @Override
    protected void onSuccess() {
        release();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        release();
        ends.failed(cause);
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
