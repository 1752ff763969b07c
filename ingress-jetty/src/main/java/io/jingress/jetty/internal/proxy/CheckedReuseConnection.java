package io.jingress.jetty.internal.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpExchange;
import org.eclipse.jetty.client.transport.SendFailure;
import org.eclipse.jetty.client.transport.internal.HttpChannelOverHTTP;
import org.eclipse.jetty.client.transport.internal.HttpConnectionOverHTTP;
import org.eclipse.jetty.client.transport.internal.HttpReceiverOverHTTP;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.BufferUtil;

/**
 * A connection of Jetty's client to an endpoint that carries another request only when the
 * endpoint sent nothing after its last answer: bytes nobody asked for (a second answer, a body on
 * an answer to HEAD or a 204, more body than its Content-Length said) are never read as the answer
 * to the next request, which may be another client's. As the proxy's own connections do
 * ({@code UpstreamConnection}), and nginx.
 *
 * <p>Jetty's client (12.1) drops bytes that came in the same read as an answer and pools the
 * connection; it reads once more after each answer, after it has put the connection back in the
 * pool, so that read may meet a request taking the connection; and it closes a pooled connection
 * on bytes only once they make a whole answer or a bad one (a part of one stays in its parser, and
 * the next answer is parsed after it). Here every read of the connection goes through
 * {@link #read}, which knows whether an answer is awaited:
 * <ul>
 *   <li>once an answer is complete, bytes read before the next request takes the connection are
 *       unasked: dropped, never parsed, and the connection is closed (at once when idle; when its
 *       exchange ends, when the answer came before the request was sent whole);</li>
 *   <li>a request taking a pooled connection first waits for reads under way to end, then reads it
 *       itself, for one byte (no one else reads meanwhile): bytes, or the end of the stream (the
 *       endpoint closed it while it was idle), close it, and the request goes out on another
 *       connection without failing. Nothing there, the usual case, costs one read that finds
 *       nothing, as the proxy's own pool pays (over TLS, that of the TLS endpoint and one of its socket).</li>
 * </ul>
 * Bytes that arrive after that read cannot be told from the request's answer, here or in nginx.
 * Reads reach {@link #read} from the connection's endpoint ({@link AnswerFirstEndPoint} in plain
 * TCP) or, over TLS, from both the TLS endpoint (what is parsed) and its network reads (where a
 * record with nothing for the parser, a session ticket, also counts as unasked: the connection is
 * then not reused). No lock is held: the TLS endpoint takes its own, and calls back into these.
 */
final class CheckedReuseConnection extends HttpConnectionOverHTTP {
    /** A request is under way and its answer is not complete: what is read is that answer. */
    private static final int AWAITING = 0;
    /** Pooled, or about to be: what is read now was not asked for. */
    private static final int IDLE = 1;
    /** A request is taking it: only its check reads. */
    private static final int TAKING = 2;
    /** The endpoint sent bytes nobody asked for: the connection carries no other request. */
    private static final int UNASKED = 3;
    /** How long a request taking a connection waits for a read under way to end (they do not block). */
    private static final long READ_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final AtomicInteger state = new AtomicInteger(AWAITING);  // a connection is opened for a request
    /** Reads under way. */
    private final AtomicInteger reading = new AtomicInteger();
    /** The thread checking the connection for a request taking it, while it does. */
    private volatile Thread checker;
    /** A request went out on it before: the next one checks it first. */
    private volatile boolean used;
    /** One byte, to look for unread bytes in a pooled connection before a request goes out on it. */
    private final ByteBuffer probe = ByteBuffer.allocate(1);

    CheckedReuseConnection(EndPoint endPoint, Map<String, Object> context) {
        super(endPoint, context);
    }

    /** A read of an endpoint, in Jetty's way: bytes appended to {@code buffer}, -1 at the end of the stream. */
    @FunctionalInterface
    interface Read {
        int fill(ByteBuffer buffer) throws IOException;
    }

    /**
     * Reads the connection with {@code read}: its endpoint's own read ({@code parsed}: what Jetty
     * parses; else a TLS endpoint's network read, whose bytes are records for it to decrypt).
     * Unasked bytes mark the connection; those to be parsed are dropped, and close it when idle.
     */
    int read(ByteBuffer buffer, Read read, boolean parsed) throws IOException {
        reading.incrementAndGet();
        try {
            int now = state.get();
            if (now == TAKING && Thread.currentThread() != checker) {
                return 0;  // what is there is the check's to read; Jetty asks to read again
            }
            int filled = read.fill(buffer);
            if (filled <= 0 || now == AWAITING) {
                return filled;
            }
            // read while idle (a request taking it waits for this read to end, so this state stands)
            state.set(UNASKED);
            if (!parsed) {
                return filled;  // the TLS endpoint decrypts them; they are dropped when handed on
            }
            buffer.limit(buffer.limit() - filled);  // not handed on: Jetty would parse them as an answer
            if (getHttpChannel().getHttpExchange() == null) {
                close();
                return -1;
            }
            // the answer came before the request was sent whole: the connection is closed when
            // that request ends (release); what else comes meanwhile is dropped the same way
            return 0;
        } finally {
            reading.decrementAndGet();
        }
    }

    /** The request attribute set on a request sent on a connection that carried one before. */
    private static final String REUSED = CheckedReuseConnection.class.getName() + ".reused";

    /**
     * Whether {@code request} went out on a connection that had carried another before: one its
     * endpoint may close just as the request goes out, which it then never got.
     */
    static boolean reused(Request request) {
        return request.getAttributes().get(REUSED) != null;
    }

    @Override
    public SendFailure send(HttpExchange exchange) {
        if (!used) {
            used = true;
            return super.send(exchange);  // a new connection, awaiting its first answer
        }
        boolean clean = state.compareAndSet(IDLE, TAKING) && nothingToRead();
        if (!clean || !state.compareAndSet(TAKING, AWAITING)) {
            close();
            // not the request's failure: Jetty sends it on another connection
            return new SendFailure(new Unasked(), true);
        }
        exchange.getRequest().attribute(REUSED, Boolean.TRUE);
        return super.send(exchange);
    }

    /**
     * Whether the endpoint sent nothing since the last answer, and still has the connection open:
     * once reads under way have ended, a read of one byte (which marks the connection if it finds
     * one) and, over TLS, one of the socket under the TLS endpoint.
     */
    private boolean nothingToRead() {
        long deadline = System.nanoTime() + READ_WAIT_NANOS;
        while (reading.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;  // not known: not worth the wait
            }
            Thread.onSpinWait();
        }
        checker = Thread.currentThread();
        try {
            BufferUtil.clear(probe);
            return getEndPoint().fill(probe) == 0 && !socketHoldsBytes();
        } catch (IOException x) {
            return false;
        } finally {
            checker = null;
        }
    }

    /**
     * Over TLS, whether the TCP socket holds bytes or has ended: the TLS endpoint's read finds
     * nothing while it waits for the selector, even with a record or the end in the socket. A read
     * of the socket itself, under the TLS endpoint: whatever it takes, the connection is closed.
     */
    private boolean socketHoldsBytes() throws IOException {
        if (getEndPoint() instanceof SslConnection.SslEndPoint tls) {
            BufferUtil.clear(probe);
            return tls.getSslConnection().getEndPoint().fill(probe) != 0;
        }
        return false;
    }

    @Override
    public void release() {
        if (state.get() == UNASKED) {
            close();
            return;
        }
        super.release();
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

    /** Marks the end of each final answer: what is read after it, until the next request, is unasked. */
    private final class Receiver extends HttpReceiverOverHTTP {
        Receiver(HttpChannelOverHTTP channel) {
            super(channel);
        }

        @Override
        public boolean messageComplete() {
            HttpExchange exchange = getHttpExchange();
            boolean handled = super.messageComplete();
            if (!handled || exchange == null) {
                return handled;
            }
            int status = exchange.getResponse().getStatus();
            // an interim answer's next bytes are the final one's; after a 101 or a CONNECT's 2xx
            // they are the tunnel's
            if (HttpStatus.isInterim(status) || status == HttpStatus.SWITCHING_PROTOCOLS_101
                    || HttpMethod.CONNECT.is(exchange.getRequest().getMethod())) {
                return handled;
            }
            ByteBuffer rest = getResponseBuffer();
            // bytes that came with the answer: Jetty drops them, and would pool the connection
            state.set(rest != null && rest.hasRemaining() ? UNASKED : IDLE);
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
