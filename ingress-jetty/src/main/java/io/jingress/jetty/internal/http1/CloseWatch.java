package io.jingress.jetty.internal.http1;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Notices that the client of a Jetty HTTP/1 connection closed it while a request whose body was
 * all read is being answered (the proxy waits for its upstream). Jetty's connection reads nothing
 * then, so a client that went away was seen only at the first write of the answer; nginx closes
 * the upstream connection at once ({@code proxy_ignore_client_abort off}).
 *
 * <p>From {@link #start} (the body is read) to {@link #stop} (the exchange ends, before Jetty's
 * connection goes on to the next request; a late start for the same request is ignored) the watch holds the endpoint's read interest and reads
 * when it fires: at the end of the input it closes the connection, which fails the request (its
 * failure listeners stop the upstream try); bytes that come (a pipelined request) are kept and
 * handed to Jetty's request buffer at {@link #stop}, and the watch reads no more. Only the watch
 * reads in that window, and never outside it, so the two never read at once. The connection asks
 * for read interest through {@link #fillInterested} and {@link #isFillInterested}: while the
 * watch's interest is registered, a request to read waits for it to fire. A client that only
 * half-closes cannot be told apart before a write: it is taken as gone too, as nginx takes it.
 */
final class CloseWatch implements Callback {
    /** What the watch reads at most while a request is answered: a pipelined request's head, or nothing. */
    private static final int READ_AHEAD = 4096;

    private final HttpConnection connection;
    private final Interest jetty;
    // guarded by this
    private boolean registered;  // this callback holds the endpoint's read interest
    private boolean watching;    // between start and stop: reads when the interest fires
    private Callback waiting;    // the connection asked to read while the interest was held
    private ByteBuffer early;    // read by the watch, for the connection's parser
    private Object stoppedFor;   // the request whose exchange ended: it is not watched again

    /** The connection's own way to ask the endpoint for read interest. */
    interface Interest {
        void fillInterested(Callback callback, boolean tryOnly);
    }

    CloseWatch(HttpConnection connection, Interest jetty) {
        this.connection = connection;
        this.jetty = jetty;
    }

    /** The body of {@code request} is read and its answer awaited: watch. Any thread. */
    void start(Object request) {
        synchronized (this) {
            if (watching || early != null || stoppedFor == request) {
                return;
            }
            watching = true;
            if (registered) {
                return;
            }
            registered = true;
        }
        if (!connection.getEndPoint().tryFillInterested(this)) {
            Callback asked;
            synchronized (this) {
                registered = false;
                watching = false;
                asked = waiting;
                waiting = null;
            }
            if (asked != null) {
                jetty.fillInterested(asked, false);
            }
        }
    }

    /**
     * The exchange ends, before Jetty's connection reads again: no more reads here (one under way
     * ends first), and what was read goes to the connection's request buffer.
     */
    void stop(Object request) {
        ByteBuffer bytes;
        synchronized (this) {
            stoppedFor = request;
            if (!watching && early == null) {
                return;
            }
            watching = false;
            bytes = early;
            early = null;
        }
        if (bytes != null) {
            connection.onUpgradeTo(bytes);
        }
    }

    /** The connection asks to read: now, or when the watch's interest fires. */
    void fillInterested(Callback callback, boolean tryOnly) {
        synchronized (this) {
            if (registered) {
                waiting = callback;
                return;
            }
        }
        jetty.fillInterested(callback, tryOnly);
    }

    /** Whether the connection itself asked to read while the watch holds the interest; null when it does not. */
    Boolean isFillInterested() {
        synchronized (this) {
            return registered ? waiting != null : null;
        }
    }

    /** The interest fired: readable. */
    @Override
    public void succeeded() {
        EndPoint endPoint = connection.getEndPoint();
        Callback asked;
        boolean again = false;
        boolean closed = false;
        synchronized (this) {
            asked = waiting;
            if (asked == null && watching) {
                ByteBuffer bytes = BufferUtil.allocate(READ_AHEAD);
                int filled;
                try {
                    filled = endPoint.fill(bytes);
                } catch (IOException failed) {
                    filled = -1;
                }
                if (filled == 0) {
                    again = true;
                } else if (filled > 0) {
                    early = bytes;  // kept for the parser, which reads on from there
                    watching = false;
                } else {
                    watching = false;
                    closed = true;
                }
            }
            if (!again) {
                registered = false;
                waiting = null;
            }
        }
        if (again) {
            endPoint.fillInterested(this);
        } else if (asked != null) {
            asked.succeeded();
        } else if (closed) {
            connection.close();  // runs the request's failure listeners, then closes the endpoint
        }
    }

    /** The interest failed: the connection's close, or an idle timeout (the read timeout owns that wait). */
    @Override
    public void failed(Throwable cause) {
        Callback asked;
        boolean again;
        synchronized (this) {
            asked = waiting;
            again = asked == null && watching && cause instanceof TimeoutException && connection.getEndPoint().isOpen();
            if (!again) {
                registered = false;
                waiting = null;
                watching = false;
            }
        }
        if (again) {
            connection.getEndPoint().fillInterested(this);
        } else if (asked != null) {
            asked.failed(cause);
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }
}
