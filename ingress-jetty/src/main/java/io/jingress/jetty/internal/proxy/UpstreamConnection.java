package io.jingress.jetty.internal.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.jingress.jetty.internal.http1.ResponseHeadParser;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP/1.1 keep-alive connection to an endpoint, carrying one request at a time (without a
 * body, or with one read whole before) without a thread of its own: the request goes out in one
 * write, the response is parsed with Jetty's {@link HttpParser} as it is read and every piece is
 * written to the client as soon as it is parsed; the next read waits until the client took the
 * previous piece (flow control).
 * Every step runs on whichever thread completed the previous one (the upstream selector for
 * reads, the client's writer for writes), never blocking, so a small response goes from the
 * upstream socket to the client socket on one selector thread.
 *
 * <p>Steps are serialised by a work-in-progress counter: an I/O completion that arrives while a
 * step still runs (on the same thread or another) is taken over by the running one.
 */
final class UpstreamConnection extends AbstractConnection.NonBlocking
        implements Callback, HttpParser.ResponseHandler, Exchange.UpstreamAbort {
    private static final int ACTIVE = 0;
    private static final int IDLE = 1;
    private static final int CLOSED = 2;

    private enum Phase { NONE, WRITE_HEAD, READ, WRITE_CLIENT }

    private final UpstreamPool pool;
    private final UpstreamPool.Idle home;
    private final HttpParser parser;
    private final ResponseHeadParser leanParser = new ResponseHeadParser();
    private final AtomicInteger state = new AtomicInteger(ACTIVE);
    private final AtomicInteger wip = new AtomicInteger();
    private final HttpFields.Mutable serverToProxyHeaders = HttpFields.build();
    private final RequestHead head = new RequestHead();
    /** One byte, to look for unread bytes on a pooled connection before it is used again. */
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    /** Exchanges this connection completed: a failure on a reused connection may be a stale one. */
    private int served;

    // The exchange in progress, touched only by the step that holds the wip counter.
    private Exchange exchange;
    /**
     * The exchange's read buffer (on the heap, for the lean head parser; a socket read copies
     * through the JDK's own direct buffer), from the pool while there are bytes to read: an idle
     * connection holds none, nor does one waiting for more of its answer. Kept past a failed exchange while its last piece is still being
     * written to the client, and given back when that write completes.
     */
    private RetainableByteBuffer held;
    private ByteBuffer buffer;
    private UpstreamRelay relay;
    private Phase phase = Phase.NONE;
    private Throwable failure;
    private boolean headResponse;
    private int status;
    private boolean keepAlive;
    private boolean framed;
    /** A Transfer-Encoding with a coding other than chunked: its body could not be passed on as it is meant. */
    private String otherCoding;
    private boolean headComplete;
    private boolean responseBegun;
    private boolean messageComplete;
    private boolean bytesSeen;
    private ByteBuffer chunk;
    private ByteBuffer nextChunk;
    private boolean lastWritten;
    private boolean interimComplete;
    private Throwable parseFailure;
    /** The exchange whose client gave up (see {@link #abort}), cleared by the step that ends it. */
    private volatile Exchange aborted;
    private volatile Throwable abortCause;
    /** Set by a read event, cleared by the step that reads. */
    private volatile boolean readable;
    /** Set by the completion of a write, cleared by the step that goes on from it. */
    private volatile boolean written;
    /** Body bytes still to come of a response whose head the lean parser took; -1: none such. */
    private long leanRemaining = -1;
    /** Whether Jetty's parser has started on this exchange's response (then it parses to the end). */
    private boolean jettyParsing;
    /** Whether the response is read and dropped, not written to the client (see {@link UpstreamRelay#onResponseHead}). */
    private boolean dropping;
    /** The body bytes dropped so far. */
    private long dropped;

    UpstreamConnection(EndPoint endPoint, Executor executor, UpstreamPool pool, UpstreamPool.Idle home,
            int maxHeadBytes) {
        super(endPoint, executor);
        this.pool = pool;
        this.home = home;
        // Jetty's parser caches only request headers (Host, Accept, ...), so a response's header
        // lines are parsed each time, whatever its header cache size.
        this.parser = new HttpParser(this, maxHeadBytes);
    }

    UpstreamPool.Idle home() {
        return home;
    }

    /** Whether this connection completed exchanges before: then a failure may only mean it went stale. */
    boolean reused() {
        return served > 0;
    }

    /** Claims an idle pooled connection; false when it expired meanwhile. */
    boolean activate() {
        return state.compareAndSet(IDLE, ACTIVE);
    }

    /** Marks this connection idle, ready to be pooled. */
    void idle() {
        state.set(IDLE);
    }

    /**
     * Whether the upstream sent something on this connection since its last exchange that has not
     * been read yet: bytes nobody asked for (a second answer, a body on an answer to HEAD or a 204,
     * more body than its Content-Length said) or the end of the stream. Such a connection must not
     * carry another request: its answer would be read from those bytes, which may be an answer
     * meant for nobody or for another client. The pooled connection's read interest tells of them
     * too, but only once its selector gets to it, and the next request may take the connection
     * first; this one read of one byte (nothing there: the usual case, costing a {@code read} that
     * finds nothing) settles it. For a connection just taken from the pool, with no exchange.
     */
    boolean hasUnreadBytesOrEnded() {
        BufferUtil.clear(probe);
        try {
            return getEndPoint().fill(probe) != 0;
        } catch (IOException x) {
            return true;
        }
    }

    /** Closes a connection taken from the pool unused (see {@link #hasUnreadBytesOrEnded}). */
    void closeUnused() {
        state.set(CLOSED);
        getEndPoint().close();
    }

    /** Claims an idle connection for closing; false when an exchange took it. */
    private boolean retire() {
        return state.compareAndSet(IDLE, CLOSED);
    }

    /**
     * Sends {@code exchange}'s request on this (active) connection and relays the response.
     * {@code relay} hears about the outcome.
     */
    void send(Exchange exchange, UpstreamRelay relay) {
        this.exchange = exchange;
        this.relay = relay;
        this.headResponse = "HEAD".equals(exchange.getMethod());
        parser.setHeadResponse(headResponse);
        phase = Phase.WRITE_HEAD;
        ByteBuffer bytes;
        try {
            bytes = head.encode(exchange);
        } catch (IllegalArgumentException x) {
            failed(x);
            return;
        }
        byte[] body = exchange.body;
        if (body == null || head.withBody()) {
            getEndPoint().write(this, bytes);
        } else {
            getEndPoint().write(this, bytes, ByteBuffer.wrap(body));  // a view of its own for each try
        }
        // after the write: an abort ends the exchange, which must not be under way in here then
        exchange.upstreamBegins(this);
    }

    /**
     * The client of {@code which} gave up (or its route's timeouts ran out, {@link RouteTimeouts}):
     * if that exchange is still this connection's, it ends and the connection closes (the upstream
     * is part way through a request or an answer that nobody will read). Any thread.
     */
    @Override
    public void abort(Exchange which, Throwable cause) {
        abortCause = cause;
        aborted = which;
        resume();
    }

    @Override
    public void onFillable() {
        if (state.get() == IDLE && retire()) {
            // pooled and idle: the upstream closed it (or sent what nobody asked for)
            pool.remove(this);
            getEndPoint().close();
            return;
        }
        readable = true;
        resume();
    }

    @Override
    public void onFillInterestedFailed(Throwable cause) {
        failure = cause;
        resume();
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        if (retire()) {
            pool.remove(this);
            getEndPoint().close();
            return false;
        }
        // Active: a pending read, or a request head the upstream does not take, fails with the
        // timeout (504); a client slow to take the response is its own connection's business.
        return phase == Phase.READ || phase == Phase.WRITE_HEAD;
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        if (state.getAndSet(CLOSED) == IDLE) {
            pool.remove(this);
        }
    }

    // Callback: completion of the head write upstream or of a write to the client.

    @Override
    public void succeeded() {
        written = true;
        resume();
    }

    @Override
    public void failed(Throwable cause) {
        failure = phase == Phase.WRITE_CLIENT ? new ClientAbort(cause, true) : cause;
        resume();
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    private void resume() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            step();
        } while (wip.decrementAndGet() != 0);
    }

    /** Does what can be done now and returns once an I/O operation is pending or the exchange ended. */
    private void step() {
        Exchange abortedExchange = aborted;
        if (abortedExchange != null) {
            aborted = null;
            if (abortedExchange == exchange && failure == null) {
                // the route's timeouts end the try as the endpoint's failure (504), not the client's
                Throwable cause = abortCause;
                failure = cause instanceof RouteTimeouts.Passed ? cause : new ClientAbort(cause, false);
            }
        }
        if (exchange == null) {
            // a late completion of an exchange that already ended: its last write is done now
            failure = null;
            releaseBuffer();
            return;
        }
        Throwable cause = failure;
        if (cause != null) {
            failure = null;
            fail(cause);
            return;
        }
        try {
            switch (phase) {
                case WRITE_HEAD -> {
                    if (!written) {
                        return;  // readable before the head went out: read once it did
                    }
                    written = false;
                    phase = Phase.READ;
                    if (!readable) {
                        // Nothing to read yet: wait for the answer without trying a read first.
                        // Kept from the connection's idle time, the interest costs no epoll_ctl.
                        if (!isFillInterested()) {
                            fillInterested();
                        }
                        return;
                    }
                }
                case WRITE_CLIENT -> {
                    if (!written) {
                        return;
                    }
                    written = false;
                    if (lastWritten) {
                        complete();
                        return;
                    }
                    phase = Phase.READ;
                }
                default -> {
                }
            }
            readable = false;
            read();
        } catch (Throwable x) {
            fail(x);
        }
    }

    private void read() throws IOException {
        if (held == null) {
            // Taken here, inside a step, not in send(): a step may run while send() is under way
            // (an upstream closing the connection just as it is taken from the pool), and only
            // steps, one at a time, touch the buffer.
            held = pool.acquireBuffer();
            buffer = held.getByteBuffer();
            BufferUtil.clear(buffer);
        }
        while (true) {
            if (nextChunk != null) {
                chunk = nextChunk;
                nextChunk = null;
            } else if (buffer.hasRemaining() || parser.isAtEOF()) {
                parse();
            }
            if (chunk != null || messageComplete) {
                if (chunk != null && !messageComplete && nextChunk == null) {
                    // One more parse tells whether this piece is the last, so it goes with the end.
                    parse();
                }
                writeToClient();
                return;
            }
            if (parser.isAtEOF()) {
                throw new EOFException("upstream " + exchange.endpoint.id() + " closed the connection early");
            }
            if (buffer.hasRemaining()) {
                continue;
            }
            BufferUtil.clear(buffer);
            int filled = getEndPoint().fill(buffer);
            if (filled > 0) {
                bytesSeen = true;
            } else if (filled == 0) {
                // Empty while the upstream has nothing more yet: back to the pool, so a stream that
                // waits (server-sent events, a long poll's body) holds no buffer, as an idle
                // connection holds none. The parser keeps what it needs of a part-read head.
                releaseBuffer();
                // the interest may be in place already: kept from the idle time or the head's write
                if (!isFillInterested()) {
                    fillInterested();
                }
                return;
            } else {
                parser.atEOF();
            }
        }
    }

    private void parse() throws IOException {
        if (leanRemaining >= 0) {
            leanContent();
            return;
        }
        if (!jettyParsing && parseLeanHead()) {
            return;
        }
        jettyParsing = true;
        parser.parseNext(buffer);
        if (interimComplete) {
            interimComplete = false;
            parser.reset();
        }
        if (parseFailure != null) {
            Throwable x = parseFailure;
            parseFailure = null;
            throw x instanceof IOException io ? io : new IOException(x);
        }
        if (headComplete && !responseBegun) {
            dropForNextUpstream();
            responseBegun = true;
            dropping = relay.onResponseHead(exchange, status, serverToProxyHeaders);
        }
    }

    /**
     * Takes a plain response head with a known body length ({@link ResponseHeadParser}) without
     * Jetty's parser, which costs more than the rest of relaying a small answer; false (nothing
     * consumed) for any other, which Jetty's parser then reads from its first byte.
     */
    private boolean parseLeanHead() throws NextUpstream.StatusAnswer {
        int head = leanParser.parse(buffer, headResponse, serverToProxyHeaders);
        if (head == ResponseHeadParser.NOT_MINE) {
            return false;
        }
        buffer.position(buffer.position() + head);
        status = leanParser.status();
        keepAlive = leanParser.keepAlive();
        framed = true;
        headComplete = true;
        dropForNextUpstream();
        responseBegun = true;
        dropping = relay.onResponseHead(exchange, status, serverToProxyHeaders);
        leanRemaining = leanParser.bodyLength();
        leanContent();
        return true;
    }

    /**
     * Fails the try, before anything of its answer is relayed, when the answer's status moves the
     * request to the next endpoint (proxy-next-upstream, see {@link NextUpstream}): the connection
     * closes, with the rest of the answer unread, as nginx closes it.
     */
    private void dropForNextUpstream() throws NextUpstream.StatusAnswer {
        if (exchange.statusRetries && relay.movesOn(exchange, status)) {
            throw new NextUpstream.StatusAnswer(status);
        }
    }

    /** The next piece of a lean-parsed response's body, up to its length. */
    private void leanContent() {
        int n = (int) Math.min(buffer.remaining(), leanRemaining);
        if (n > 0) {
            ByteBuffer piece = buffer.slice();
            piece.limit(n);
            buffer.position(buffer.position() + n);
            leanRemaining -= n;
            content(piece);
        }
        if (leanRemaining == 0) {
            leanRemaining = -1;
            messageComplete = true;
        }
    }

    private void writeToClient() {
        if (messageComplete && !lastWritten && nextChunk == null) {
            // The upstream's part is over; the last write to the client may still be pending.
            relay.onUpstreamComplete(exchange);
            lastWritten = true;
        }
        ByteBuffer piece = chunk == null ? BufferUtil.EMPTY_BUFFER : chunk;
        chunk = null;
        phase = Phase.WRITE_CLIENT;
        if (dropping) {
            drop(piece);
            return;
        }
        exchange.answerResponse().write(lastWritten, piece, this);
    }

    /**
     * Drops a piece of a response kept from the client, as if it had been written: the step that
     * runs next reads on (or completes). Past {@link ErrorPages#MAX_DISCARDED} bytes the rest is not
     * read: the connection is closed instead.
     */
    private void drop(ByteBuffer piece) {
        dropped += piece.remaining();
        if (!lastWritten && dropped > ErrorPages.MAX_DISCARDED) {
            Exchange done = exchange;
            relay.onUpstreamComplete(done);  // the endpoint answered: its part is over
            served++;
            resetExchange();
            releaseBuffer();
            state.set(CLOSED);
            getEndPoint().close();
            relay.onBodyDropped(done);
            return;
        }
        succeeded();  // within this step: the counter makes the loop run the next one
    }

    private void complete() {
        Exchange done = exchange;
        boolean droppedAll = dropping;
        boolean reusable = keepAlive && (buffer == null || !buffer.hasRemaining()) && getEndPoint().isOpen();
        served++;
        resetExchange();
        releaseBuffer();
        if (reusable) {
            // Read interest while pooled: an upstream that closes the idle connection is noticed
            // at once, and the next exchange finds the interest in place.
            if (!isFillInterested()) {
                fillInterested();
            }
            pool.release(this);
        } else {
            state.set(CLOSED);
            getEndPoint().close();
        }
        if (droppedAll) {
            relay.onBodyDropped(done);
        } else {
            relay.onExchangeComplete(done);
        }
    }

    private void fail(Throwable cause) {
        Exchange failed = exchange;
        boolean began = responseBegun;
        boolean stale = !bytesSeen && reused() && !(cause instanceof ClientAbort) && !(cause instanceof TimeoutException);
        // a piece of the buffer may still be on its way to the client: then the write's completion frees it
        boolean writing = phase == Phase.WRITE_CLIENT && !written && !(cause instanceof ClientAbort abort && abort.writeFailed);
        resetExchange();
        if (!writing) {
            releaseBuffer();
        }
        state.set(CLOSED);
        getEndPoint().close(cause instanceof ClientAbort ? null : cause);
        if (cause instanceof ClientAbort clientAbort) {
            relay.onClientFailure(failed, clientAbort.getCause());
        } else {
            relay.onUpstreamFailure(failed, cause, began, stale);
        }
    }

    private void releaseBuffer() {
        RetainableByteBuffer released = held;
        held = null;
        buffer = null;
        if (released != null) {
            pool.releaseBuffer(released);
        }
    }

    private void resetExchange() {
        exchange = null;
        phase = Phase.NONE;
        serverToProxyHeaders.clear();
        parser.reset();
        status = 0;
        keepAlive = false;
        framed = false;
        otherCoding = null;
        headComplete = false;
        responseBegun = false;
        messageComplete = false;
        bytesSeen = false;
        chunk = null;
        nextChunk = null;
        lastWritten = false;
        interimComplete = false;
        parseFailure = null;
        leanRemaining = -1;
        jettyParsing = false;
        dropping = false;
        dropped = 0;
        readable = false;
        written = false;
    }

    // HttpParser.ResponseHandler: called from parser.parseNext, inside a step

    @Override
    public void startResponse(HttpVersion version, int status, String reason) {
        this.status = status;
        this.keepAlive = version == HttpVersion.HTTP_1_1;
    }

    @Override
    public void parsedHeader(HttpField field) {
        HttpHeader header = field.getHeader();
        if (header == HttpHeader.CONNECTION) {
            if (field.contains(HttpHeaderValue.CLOSE.asString())) {
                keepAlive = false;
            } else if (field.contains(HttpHeaderValue.KEEP_ALIVE.asString())) {
                keepAlive = true;
            }
        } else if (header == HttpHeader.CONTENT_LENGTH || header == HttpHeader.TRANSFER_ENCODING) {
            framed = true;
            if (header == HttpHeader.TRANSFER_ENCODING && RoutingProxy.hasCodingOtherThanChunked(field)) {
                otherCoding = field.getValue();
            }
        }
        serverToProxyHeaders.add(field);
    }

    @Override
    public boolean headerComplete() {
        if (otherCoding != null) {
            // Jetty's parser takes the chunks off and leaves the gzip (or other) coding under them,
            // and Transfer-Encoding is not passed on: the client would get coded bytes with no word
            // of their coding. nginx answers 502 too.
            parseFailure = new BadAnswer("bad response from upstream " + exchange.endpoint.id()
                    + ": Transfer-Encoding: " + otherCoding + " (a coding other than chunked)");
            return true;
        }
        if (HttpStatus.isInformational(status)) {
            // a 100 or 103 ahead of the real answer: not for this client
            serverToProxyHeaders.clear();
            return false;
        }
        if (!framed && !headResponse && status != HttpStatus.NO_CONTENT_204 && status != HttpStatus.NOT_MODIFIED_304) {
            // the body ends when the upstream closes: nothing can follow it on this connection
            keepAlive = false;
        }
        headComplete = true;
        return false;
    }

    @Override
    public boolean content(ByteBuffer item) {
        if (chunk == null) {
            chunk = item;
        } else {
            nextChunk = item;
        }
        return true;
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public boolean messageComplete() {
        if (!headComplete) {
            // the end of an interim response: parse the real one next
            interimComplete = true;
            return true;
        }
        messageComplete = true;
        return true;
    }

    @Override
    public void earlyEOF() {
        parseFailure = new EOFException("upstream " + exchange.endpoint.id() + " closed the connection early");
    }

    @Override
    public void badMessage(HttpException cause) {
        parseFailure = new BadAnswer("bad response from upstream " + exchange.endpoint.id() + ": " + cause.getReason());
    }

    /** An answer that is not HTTP/1.1 this proxy can read (not HTTP at all, a head too large, a bad length). */
    static final class BadAnswer extends IOException {
        BadAnswer(String message) {
            super(message);
        }
    }

    /** Marks a failure on the client's side: a write to the client failed, or the client gave up. */
    private static final class ClientAbort extends IOException {
        /** Whether a write to the client failed (it is over); else the client gave up (see {@link #abort}). */
        final boolean writeFailed;

        ClientAbort(Throwable cause, boolean writeFailed) {
            super(cause);
            this.writeFailed = writeFailed;
        }
    }
}
