package io.jingress.jetty.internal.http1;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Notices that the client of a Jetty HTTP/1 connection closed it while a request whose body was
 * all read is being answered (the proxy waits for its upstream). Jetty's connection reads nothing
 * then, so a client that went away was seen only at the first write of the answer; nginx closes
 * the upstream connection at once ({@code proxy_ignore_client_abort off}). The watch holds the
 * endpoint's read interest meanwhile: at the end of the input it closes the connection, which
 * fails the request (its failure listeners stop the upstream try); bytes that come (a pipelined
 * request) are kept and handed to Jetty's parser when the connection asks to read again. The
 * connection asks through {@link #fillInterested}, {@link #tryFillInterested} and
 * {@link #isFillInterested}: while the watch holds the interest, its request waits and is served
 * when the watch fires. A client that only half-closes cannot be told apart before a write: it
 * is taken as gone too, as nginx takes it.
 */
final class CloseWatch implements Callback {
    /** What the watch reads at most while a request is answered: a pipelined request's head, or nothing. */
    private static final int READ_AHEAD = 4096;

    private final HttpConnection connection;
    private final Interest jetty;
    // guarded by this
    private boolean watching;
    private Callback waiting;
    private ByteBuffer early;

    /** The connection's own way to ask the endpoint for read interest. */
    interface Interest {
        void fillInterested(Callback callback, boolean tryOnly);
    }

    CloseWatch(HttpConnection connection, Interest jetty) {
        this.connection = connection;
        this.jetty = jetty;
    }

    /** Starts watching, unless the connection reads already (or will: bytes are kept for it). Any thread. */
    void start() {
        synchronized (this) {
            if (watching || early != null) {
                return;
            }
            watching = true;
        }
        if (!connection.getEndPoint().tryFillInterested(this)) {
            Callback asked;
            synchronized (this) {
                watching = false;
                asked = waiting;
                waiting = null;
            }
            if (asked != null) {
                fillInterested(asked, false);
            }
        }
    }

    /** The connection asks to read: now, or when the watch fires. */
    void fillInterested(Callback callback, boolean tryOnly) {
        ByteBuffer bytes;
        synchronized (this) {
            if (watching) {
                waiting = callback;
                return;
            }
            bytes = early;
            early = null;
        }
        if (bytes != null) {
            connection.onUpgradeTo(bytes);  // appended to its request buffer
            connection.getConnector().getExecutor().execute(callback::succeeded);
            return;
        }
        jetty.fillInterested(callback, tryOnly);
    }

    /** Whether the connection itself has asked to read (the watch's own interest is not its). */
    Boolean isFillInterested() {
        synchronized (this) {
            return watching ? waiting != null : null;
        }
    }

    /** Readable while a request is answered. */
    @Override
    public void succeeded() {
        if (handOver()) {
            return;
        }
        EndPoint endPoint = connection.getEndPoint();
        ByteBuffer bytes = BufferUtil.allocate(READ_AHEAD);
        int filled;
        try {
            filled = endPoint.fill(bytes);
        } catch (IOException closed) {
            filled = -1;
        }
        if (filled < 0) {
            if (!handOver()) {
                // runs the request's failure listeners, then closes the endpoint
                connection.close();
            }
            return;
        }
        if (filled == 0) {
            if (!handOver()) {
                endPoint.fillInterested(this);
            }
            return;
        }
        Callback asked;
        synchronized (this) {
            watching = false;
            early = bytes;
            asked = waiting;
            waiting = null;
        }
        if (asked != null) {
            fillInterested(asked, false);
        }
    }

    /** The read interest failed (an idle timeout, a close): the connection hears of it if it asked. */
    @Override
    public void failed(Throwable cause) {
        Callback asked;
        synchronized (this) {
            watching = false;
            asked = waiting;
            waiting = null;
        }
        if (asked != null) {
            asked.failed(cause);
        }
    }

    /** Stops watching and hands the event to the connection if it asked to read meanwhile. */
    private boolean handOver() {
        Callback asked;
        synchronized (this) {
            asked = waiting;
            if (asked == null) {
                return false;
            }
            watching = false;
            waiting = null;
        }
        asked.succeeded();
        return true;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }
}
