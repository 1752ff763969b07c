package io.jingress.jetty.internal.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.client.transport.HttpExchange;
import org.eclipse.jetty.client.transport.SendFailure;
import org.eclipse.jetty.client.transport.internal.HttpChannelOverHTTP;
import org.eclipse.jetty.client.transport.internal.HttpConnectionOverHTTP;
import org.eclipse.jetty.client.transport.internal.HttpReceiverOverHTTP;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;

/**
 * A connection of Jetty's client to an endpoint that carries another request only when the
 * endpoint sent nothing since its last answer: bytes nobody asked for (a second answer, a body on
 * an answer to HEAD or a 204, more body than its Content-Length said) are never read as the answer
 * to the next request, which may be another client's. As the proxy's own connections do
 * ({@code UpstreamConnection}), and nginx.
 *
 * <p>Jetty's client closes a connection on bytes it reads while no request is under way, but only
 * once they make a whole answer, or a bad one: a part of one (the start of a status line) stays in
 * its parser, the connection is pooled, and the next answer is parsed after it. It puts the
 * connection back in the pool before the read that follows each answer (a queued request takes it
 * at once, on that thread), it drops bytes that came in the same read as the answer, keeping the
 * connection, and it reads what comes while the connection is pooled only when its selector gets
 * there, which a request taking the connection may beat. Here:
 * <ul>
 *   <li>bytes that came with an answer, or that Jetty's read after it finds, close the connection;</li>
 *   <li>a pooled connection that becomes readable is read once, for one byte, by this class, not
 *       parsed by Jetty's: bytes or the end of the stream close it;</li>
 *   <li>a request taking a pooled connection reads it once, for one byte, first: bytes, or the end
 *       of the stream (the endpoint closed it while it was idle), close it, and the request goes
 *       out on another connection; nothing there, the usual case, costs a {@code read} that finds
 *       nothing. A read the selector starts meanwhile is put off until the request went out;
 *       Jetty's read after the previous answer may still be under way, and what it finds before
 *       the request goes out closes the connection (that request fails).</li>
 * </ul>
 * Releasing the connection only after Jetty's read that follows an answer would close one more
 * gap, but kept the connection from the next request for a moment: a request sent from the
 * answer's own callback (an {@code auth-url} call's) then opened a second connection.
 */
final class CheckedReuseConnection extends HttpConnectionOverHTTP {
    /** Carrying an exchange, or not yet used. */
    private static final int ACTIVE = 0;
    /** In the pool. */
    private static final int POOLED = 1;
    /** Taken from the pool: being checked, its request being sent. */
    private static final int TAKING = 2;
    /** As TAKING, and the selector found the connection readable meanwhile: its read was put off. */
    private static final int TAKING_READABLE = 3;
    /** Closed: bytes nobody asked for, or the end of the stream, came while it was pooled. */
    private static final int RETIRED = 4;
    /** In the pool, and read once because the selector found it readable (see {@link #checkPooled}). */
    private static final int CHECKING = 5;

    private final AtomicInteger phase = new AtomicInteger(ACTIVE);
    /** Bytes came after an answer: the connection carries no other request. */
    private volatile boolean unasked;
    /** One byte, to look for unread bytes in a pooled connection: used by its taker, or by {@link #checkPooled}. */
    private final ByteBuffer probe = ByteBuffer.allocate(1);

    CheckedReuseConnection(EndPoint endPoint, Map<String, Object> context) {
        super(endPoint, context);
    }

    @Override
    protected HttpChannelOverHTTP newHttpChannel() {
        // called from the super constructor: no field of this class is set yet
        return new HttpChannelOverHTTP(this) {
            @Override
            protected HttpReceiverOverHTTP newHttpReceiver() {
                return new Receiver(this);
            }
        };
    }

    @Override
    public SendFailure send(HttpExchange exchange) {
        int now = phase.get();
        if (now == ACTIVE) {
            return super.send(exchange);  // a new connection
        }
        if (now != POOLED || !phase.compareAndSet(POOLED, TAKING)) {
            return retry();  // being checked, or retired, as Jetty's pool handed it out
        }
        if (unasked || isClosed() || hasUnreadBytesOrEnded()) {
            phase.set(RETIRED);
            close();
            return retry();
        }
        SendFailure failure = super.send(exchange);
        if (failure != null) {
            phase.set(RETIRED);
            close();  // never associated with the request: not worth keeping
            return failure;
        }
        if (phase.getAndSet(ACTIVE) == TAKING_READABLE) {
            // the read the selector started was put off: what came is read now, as the answer
            // (it came after the check above: as late as the request, and so not told from it)
            fillInterested();
        }
        return failure;
    }

    /** Not the request's failure: it goes out on another connection (and Jetty pools this one again, if open). */
    private static SendFailure retry() {
        return new SendFailure(new Unasked(), true);
    }

    /**
     * Whether the endpoint sent something that is not read yet, or closed the connection. A read
     * of one byte: it consumes what it finds, and the connection is closed then.
     */
    private boolean hasUnreadBytesOrEnded() {
        BufferUtil.clear(probe);
        try {
            return getEndPoint().fill(probe) != 0;
        } catch (IOException x) {
            return true;
        }
    }

    @Override
    public void onFillable() {
        while (true) {
            int now = phase.get();
            if (now == POOLED) {
                if (phase.compareAndSet(POOLED, CHECKING)) {
                    checkPooled();
                    return;
                }
            } else if (now == TAKING) {
                if (phase.compareAndSet(TAKING, TAKING_READABLE)) {
                    return;  // read once the request went out (send)
                }
            } else {
                super.onFillable();
                return;
            }
        }
    }

    /**
     * The pooled connection became readable: bytes nobody asked for, or the end of the stream,
     * close it; a wake-up that finds nothing (over TLS, a record with no data for the request,
     * such as a session ticket) keeps it.
     */
    private void checkPooled() {
        if (hasUnreadBytesOrEnded()) {
            phase.set(RETIRED);
            close();
            return;
        }
        phase.set(POOLED);
        fillInterested();
    }

    @Override
    public void release() {
        if (unasked) {
            close();
            return;
        }
        phase.set(POOLED);
        super.release();
    }

    /**
     * Jetty's receiver read bytes: unasked when no request is under way. It reads once more after
     * each answer, after it released the connection, so those bytes may meet a request taking it;
     * read before that request went out, they close the connection (its request, if sent, fails).
     */
    @Override
    protected void addBytesIn(long bytesIn) {
        super.addBytesIn(bytesIn);
        int now = phase.get();
        if (now == POOLED || now == TAKING || now == TAKING_READABLE
                || (now == ACTIVE && getHttpChannel().getHttpExchange() == null)) {
            unasked = true;
            close();
        }
    }

    private final class Receiver extends HttpReceiverOverHTTP {
        Receiver(HttpChannelOverHTTP channel) {
            super(channel);
        }

        @Override
        public boolean messageComplete() {
            HttpExchange exchange = getHttpExchange();
            boolean handled = super.messageComplete();
            if (handled && exchange != null) {
                int status = exchange.getResponse().getStatus();
                // an interim answer's next bytes are the final one's; after a 101 or a CONNECT's
                // 2xx they are the tunnel's
                if (!HttpStatus.isInterim(status) && status != HttpStatus.SWITCHING_PROTOCOLS_101
                        && !HttpMethod.CONNECT.is(exchange.getRequest().getMethod())) {
                    ByteBuffer rest = getResponseBuffer();
                    if (rest != null && rest.hasRemaining()) {
                        unasked = true;  // Jetty drops them, and would pool the connection
                    }
                }
            }
            return handled;
        }
    }

    /** Why a request did not go out on a pooled connection; never shown, as the request goes out on another. */
    private static final class Unasked extends IOException {
        Unasked() {
            super("the endpoint sent bytes nobody asked for, or closed the connection, while it was pooled");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
