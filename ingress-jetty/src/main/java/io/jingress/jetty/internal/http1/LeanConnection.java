package io.jingress.jetty.internal.http1;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Components;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Attributes;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * An HTTP/1 server connection that serves plain requests (what {@link RequestHeadParser} takes:
 * nearly every GET, and a POST, PUT or PATCH whose short body arrives with its head, read here
 * with it) with the server's handler, through
 * {@link LeanRequest} and {@link LeanResponse}, and hands itself over to Jetty's
 * {@link HttpConnection}, with the bytes not yet consumed, at the first request it does not take.
 * From then on Jetty serves the connection as it would have from the start; a client never sees
 * a difference in what is accepted or refused.
 *
 * <p>Why: for a small proxied request Jetty's general HTTP/1 machinery (its parser, channel state,
 * stream and generator) cost more CPU than the rest of the proxy together; here a request head is
 * one scan of the bytes, the response head one encoding written with the body in one gathering
 * write, and header lines repeated from the previous request on the connection are not parsed
 * again.
 *
 * <p>One request at a time: the next one is read once the response is complete (a pipelined one
 * is already in the buffer). Steps are serialised by a work-in-progress counter, so a response
 * completing on another thread while a step runs is taken over by the running step.
 */
final class LeanConnection extends AbstractConnection.NonBlocking
        implements ConnectionMetaData, Connection.UpgradeFrom, Connection.UpgradeTo, RemoteAddressText {
    private static final int IDLE = 0;      // reading the next request head
    private static final int HANDLING = 1;  // a request is being answered
    private static final int CLOSING = 2;   // output shut after a last response: draining until the client closes
    private static final int GONE = 3;      // closed or handed over to Jetty

    private static final HeadRefusal TOO_LARGE = new HeadRefusal(431, "Request Header Fields Too Large", "the request head is longer than allowed");
    private static final HeadRefusal LINE_TOO_LONG = new HeadRefusal(414, "URI Too Long", "the request line is longer than allowed");
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * The bytes a connection reads a request head into first. Most heads fit (nginx starts with 1
     * KB); a longer one, or a head with its short body, moves to a buffer of the limit. A client
     * part way through a head holds this much: 40 MB for 10,000 of them, where a buffer of the
     * limit (16 KB + 1, from the pool's 20 KB bucket) held 200 MB.
     */
    static final int FIRST_BUFFER = 4096;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final LeanConnectionFactory factory;
    private final Connector connector;
    private final Server server;
    private final HttpConfiguration configuration;
    private final ByteBufferPool bufferPool;
    private final boolean handleInline;
    private final int maxHead;
    private final int bufferSize;       // the most a buffer grows to: a whole head of the limit, or a head and its short body
    private final int firstBufferSize;  // what a connection reads a head into first
    private final RequestHeadParser parser = new RequestHeadParser();
    private final ResponseHead responseHead = new ResponseHead();
    private final boolean secure;
    private final LeanRequest.UriMemo uris;
    private final AtomicInteger wip = new AtomicInteger();
    private final List<EventListener> listeners = new ArrayList<>(4);
    private final Attributes attributes = new Attributes.Lazy();
    private final String id;

    private Components components;
    private RetainableByteBuffer buffer;
    private volatile int state = IDLE;
    private long requests;
    private LeanRequest request;
    private ByteBuffer handedOver;
    // set by a completing response before it calls process(), read by the step it runs
    private volatile boolean keepOpen;
    // whether the bytes held are the start of a request head; read by other threads for a gauge
    private boolean partialHead;
    // whether the 100 Continue for the head being read was written
    private boolean continued;
    // the client's address as text, formatted at the first request that asks
    private String remoteAddr;
    // The client's address, taken as the connection opens: once the socket is closed the channel
    // no longer tells it, and an access log line written after the client closed would say "-".
    private final SocketAddress remoteSocketAddress;
    private long headStarted;   // System.nanoTime() when the first bytes of the head being read came
    private long closingSince;  // when the lingering close began (drain), 0 before

    LeanConnection(LeanConnectionFactory factory, Connector connector, EndPoint endPoint) {
        super(endPoint, connector.getExecutor());
        this.factory = factory;
        this.connector = connector;
        this.server = connector.getServer();
        this.configuration = factory.getHttpConfiguration();
        this.bufferPool = connector.getByteBufferPool();
        this.handleInline = server.getInvocationType() == Invocable.InvocationType.NON_BLOCKING;
        this.maxHead = configuration.getRequestHeaderSize();
        // a whole head must fit, so that the limit is told apart from a long head
        this.bufferSize = Math.max(factory.getInputBufferSize(), maxHead + 1);
        this.firstBufferSize = Math.min(FIRST_BUFFER, bufferSize);
        this.id = Integer.toHexString(System.identityHashCode(this));
        this.secure = endPoint instanceof SslConnection.SslEndPoint;
        this.remoteSocketAddress = endPoint.getRemoteSocketAddress();
        this.uris = new LeanRequest.UriMemo(secure);
    }

    /** A refusal's bytes but its {@code Date} line, which goes between the status line and the rest. */
    private record HeadRefusal(byte[] statusLine, byte[] rest) {
        HeadRefusal(int status, String reason, String why) {
            this(("HTTP/1.1 " + status + " " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII),
                    rest(status + " " + reason + ": " + why + "\n"));
        }

        private static byte[] rest(String body) {
            return ("Content-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: " + body.length() + "\r\n"
                    + "Connection: close\r\n\r\n"
                    + body).getBytes(StandardCharsets.US_ASCII);
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        RetainableByteBuffer held = buffer;
        if (held != null && held.hasRemaining()) {
            process();  // bytes read before this connection took over (after a PROXY header)
        } else {
            fillInterested();
        }
    }

    /** Takes the bytes the connection before it read past its part (a PROXY protocol header). */
    @Override
    public void onUpgradeTo(ByteBuffer prefilled) {
        if (prefilled == null || !prefilled.hasRemaining()) {
            return;
        }
        ByteBuffer bytes = heldBuffer().getByteBuffer();
        if (BufferUtil.space(bytes) < prefilled.remaining()) {
            bytes = grown();
        }
        BufferUtil.append(bytes, prefilled);
        if (prefilled.hasRemaining()) {
            throw new IllegalStateException("cannot take " + prefilled.remaining() + " more bytes read ahead");
        }
    }

    @Override
    public void onFillable() {
        process();
    }

    @Override
    public void addEventListener(EventListener listener) {
        listeners.add(listener);
        super.addEventListener(listener);
    }

    @Override
    public void removeEventListener(EventListener listener) {
        listeners.remove(listener);
        super.removeEventListener(listener);
    }

    /** Whether part of a request head has arrived and the rest is awaited (see {@link RequestHeads}). */
    boolean readingRequestHead() {
        return partialHead && state == IDLE;
    }

    /** Whether the connection waits for a next request, no byte of which has come (read by other threads). */
    boolean waitsForARequest() {
        RetainableByteBuffer held = buffer;
        return state == IDLE && !partialHead && (held == null || !held.hasRemaining());
    }

    /** Called by the response once it is complete: {@code open} whether the connection carries another request. */
    void responseComplete(boolean open) {
        keepOpen = open;
        process();
    }

    /** Called by a response that failed after it was committed: the client cannot be told more. */
    void abort(Throwable cause) {
        getEndPoint().close(cause);
    }

    private void process() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            try {
                step();
            } catch (Throwable x) {
                if (state != HANDLING) {
                    state = GONE;
                }
                // a request under way hears of it (onClose)
                getEndPoint().close(x);
            }
        } while (wip.decrementAndGet() != 0);
    }

    private void step() throws IOException {
        switch (state) {
            case HANDLING -> {
                LeanRequest current = request;
                if (current == null || !current.response().isDone()) {
                    readWhileHandling();
                    return;
                }
                request = null;
                RetainableByteBuffer held = buffer;
                boolean nothingHeld = held == null || !held.hasRemaining();
                if (!keepOpen || nothingHeld && shuttingDown()) {
                    // a stop that began after the response head: no next request (see drain)
                    state = CLOSING;
                    getEndPoint().shutdownOutput();
                    drain();
                    return;
                }
                state = IDLE;
                if (nothingHeld && isFillInterested()) {
                    return;  // the usual case: waiting for the next request, as registered when this one began
                }
                readRequests();
            }
            case IDLE -> readRequests();
            case CLOSING -> drain();
            default -> {
            }
        }
    }

    /**
     * Readable while a request is answered: a pipelined request, kept for when the response is
     * complete, or the client's close. A close (or a half-close: it cannot be told apart before a
     * write) fails the request, so the proxy stops its upstream try at once and logs 499, as nginx
     * does ({@code proxy_ignore_client_abort off}). Once the buffer is full the interest is not
     * renewed: the unread bytes would report the connection readable again and again.
     */
    private void readWhileHandling() throws IOException {
        while (true) {
            ByteBuffer bytes = heldBuffer().getByteBuffer();
            if (bytes.limit() == bytes.capacity()) {
                BufferUtil.compact(bytes);
                if (bytes.limit() == bytes.capacity()) {
                    return;
                }
            }
            int filled = getEndPoint().fill(bytes);
            if (filled < 0) {
                releaseBuffer();
                // still HANDLING: onClose tells the request's failure listeners
                getEndPoint().close(new EOFException("the client closed its connection before the response was complete"));
                return;
            }
            if (filled == 0) {
                if (!bytes.hasRemaining()) {
                    releaseBuffer();
                }
                if (!isFillInterested()) {
                    fillInterested();
                }
                return;
            }
        }
    }

    /** Reads and serves requests until one is under way, more bytes are needed, or the connection went to Jetty. */
    private void readRequests() throws IOException {
        while (state == IDLE) {
            RetainableByteBuffer held = buffer;
            if (held != null && held.hasRemaining()) {
                ByteBuffer bytes = held.getByteBuffer();
                int at = bytes.arrayOffset() + bytes.position();
                int head = parser.parse(bytes.array(), at, bytes.arrayOffset() + bytes.limit(), maxHead);
                if (head == RequestHeadParser.NOT_MINE) {
                    handOver();
                    return;
                }
                if (head == RequestHeadParser.TOO_LARGE || head == RequestHeadParser.LINE_TOO_LONG) {
                    refuse(head == RequestHeadParser.TOO_LARGE ? TOO_LARGE : LINE_TOO_LONG);
                    return;
                }
                if (head > 0) {
                    int length = parser.contentLength();
                    if (head + length <= bytes.remaining()) {
                        byte[] body = null;
                        if (length > 0) {
                            // its own copy: the buffer is given back or refilled while the body may be unread
                            body = new byte[length];
                            System.arraycopy(bytes.array(), at + head, body, 0, length);
                        }
                        bytes.position(bytes.position() + head + length);
                        partialHead = false;
                        serve(body);
                        return;
                    }
                    if (head + length > bufferSize) {
                        handOver();  // a body longer than the buffer streams through Jetty's connection
                        return;
                    }
                    // the body is still on its way: read on (the head is parsed again then)
                    if (parser.expectsContinue() && !continued) {
                        if (length > factory.continueUpTo()) {
                            // it may be refused for its size, which its route tells: no 100 before that
                            handOver();
                            return;
                        }
                        if (!writeContinue()) {
                            return;
                        }
                    }
                } else if (partialHead && System.nanoTime() - headStarted > factory.requestHeadTimeoutNanos()) {
                    // a head that trickles in keeps the idle timeout from ever expiring (slowloris):
                    // as nginx's client_header_timeout, the whole head has a deadline, then the connection closes
                    state = GONE;
                    getEndPoint().close(new TimeoutException("request head not complete within the request head timeout"));
                    return;
                }
                if (!partialHead) {
                    headStarted = System.nanoTime();
                }
                partialHead = true;
            }
            ByteBuffer bytes = heldBuffer().getByteBuffer();
            if (bytes.limit() == bytes.capacity()) {
                BufferUtil.compact(bytes);
                if (bytes.limit() == bytes.capacity()) {
                    bytes = grown();
                }
            }
            if (fill(bytes) <= 0) {
                return;
            }
        }
    }

    private void serve(byte[] body) {
        state = HANDLING;
        requests++;
        if (parser.expectsContinue()) {
            // met here, whether the body came after a 100 Continue or with the head: the request
            // goes on with its body and without the expectation (nginx, which also buffers
            // bodies, does not pass it on either)
            parser.fields().remove(HttpHeader.EXPECT);
        }
        continued = false;
        if (!buffer.hasRemaining()) {
            // Ask for the next request now: the selector keeps the interest it has instead of
            // dropping it now and adding it back when the response is done (two epoll_ctl calls
            // per request), and no read is tried that would find nothing yet.
            releaseBuffer();
            if (!isFillInterested()) {
                fillInterested();
            }
        }
        LeanRequest current = new LeanRequest(this, parser, uris, requests, body);
        request = current;
        LeanResponse response = current.response();
        if (!handleInline) {
            getExecutor().execute(() -> handle(current, response));
            return;
        }
        handle(current, response);
    }

    private void handle(LeanRequest current, LeanResponse response) {
        try {
            if (!server.handle(current, response, response)) {
                Response.writeError(current, response, response, 404);
            }
        } catch (Throwable x) {
            response.failed(x);
        }
    }

    /**
     * Tells a client that waits for it to send its body (RFC 9110 section 10.1.1): 25 bytes on a
     * connection with nothing else to write, so they leave at once; if they do not, the
     * connection is closed rather than a response written behind them. Returns whether to read on.
     */
    private boolean writeContinue() throws IOException {
        continued = true;
        if (getEndPoint().flush(ByteBuffer.wrap(CONTINUE))) {
            return true;
        }
        abort(new IOException("the 100 Continue could not be written at once"));
        return false;
    }

    /**
     * Answers a head longer than the configured limit with 431 (414 when even its request line
     * is), as Jetty would, and closes: what follows cannot be told apart from the rest of it.
     */
    private void refuse(HeadRefusal refusal) {
        state = CLOSING;
        releaseBuffer();
        // with a Date, as every response the connection writes (the server's field, made once a second)
        ByteBuffer date = configuration.getSendDateHeader()
                ? ByteBuffer.wrap(("Date: " + server.getDateField().getValue() + "\r\n").getBytes(StandardCharsets.US_ASCII))
                : BufferUtil.EMPTY_BUFFER;
        byte[] hsts = factory.strictTransportSecurityLine();
        getEndPoint().write(Callback.from(() -> {
            getEndPoint().shutdownOutput();
            process();
        }, this::abort), ByteBuffer.wrap(refusal.statusLine()), date,
                hsts == null ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(hsts), ByteBuffer.wrap(refusal.rest()));
    }

    /**
     * After the last response: reads until the client closes, so unread bytes do not reset the
     * connection; for {@link #LINGER_NANOS} at most, as nginx's {@code lingering_time}, so a client
     * that keeps sending cannot hold the connection. While the server stops, only until nothing
     * more has come: a client that keeps its connection without closing it, as a pool of idle
     * connections does, would otherwise hold the stop until its deadline.
     */
    private void drain() throws IOException {
        long now = System.nanoTime();
        if (closingSince == 0) {
            closingSince = now;
        } else if (now - closingSince > LINGER_NANOS) {
            state = GONE;
            getEndPoint().close();
            return;
        }
        ByteBuffer bytes = heldBuffer().getByteBuffer();
        int filled;
        do {
            BufferUtil.clear(bytes);
        } while ((filled = fill(bytes)) > 0);
        if (filled == 0 && shuttingDown()) {
            state = GONE;
            releaseBuffer();
            getEndPoint().close();
        }
    }

    private RetainableByteBuffer heldBuffer() {
        RetainableByteBuffer held = buffer;
        if (held == null) {
            held = bufferPool.acquire(firstBufferSize, false);
            buffer = held;
        }
        return held;
    }

    /**
     * The held bytes moved to a buffer of {@link #bufferSize}, which then is the held one: for a
     * head, or a head and its body, longer than the first buffer. A buffer of that size already is
     * returned as it is; the parser has its answer before it is full.
     */
    private ByteBuffer grown() {
        RetainableByteBuffer small = buffer;
        ByteBuffer bytes = small.getByteBuffer();
        if (bytes.capacity() >= bufferSize) {
            return bytes;
        }
        RetainableByteBuffer large = bufferPool.acquire(bufferSize, false);
        ByteBuffer moved = large.getByteBuffer();
        BufferUtil.append(moved, bytes);
        buffer = large;
        small.release();
        return moved;
    }

    /**
     * Reads into {@code bytes}: what was read; at the end of the input the connection is closed
     * (-1), and when nothing is there yet the buffer goes back to the pool if empty and the next
     * read waits for the selector (0).
     */
    private int fill(ByteBuffer bytes) throws IOException {
        int filled = getEndPoint().fill(bytes);
        if (filled < 0) {
            state = GONE;
            releaseBuffer();
            getEndPoint().close();
        } else if (filled == 0) {
            if (!bytes.hasRemaining()) {
                releaseBuffer();
            }
            if (!isFillInterested()) {
                fillInterested();
            }
        }
        return filled;
    }

    /**
     * Hands the connection to Jetty's HTTP/1 connection with the bytes not consumed yet; the
     * listeners (the connection counts of /status and /metrics) move across without hearing a close and
     * an open, since to the client it is the same connection.
     */
    private void handOver() {
        state = GONE;
        ByteBuffer pending = buffer == null ? BufferUtil.EMPTY_BUFFER : buffer.getByteBuffer();
        handedOver = BufferUtil.allocate(pending.remaining());
        BufferUtil.append(handedOver, pending);
        releaseBuffer();
        HttpConnection jetty = factory.jettyConnection(connector, getEndPoint(), handedOver,
                partialHead ? headStarted : System.nanoTime());
        List<EventListener> moving = new ArrayList<>(listeners);
        for (EventListener listener : moving) {
            super.removeEventListener(listener);
        }
        getEndPoint().upgrade(jetty);
        for (EventListener listener : moving) {
            jetty.addEventListener(listener);
        }
    }

    @Override
    public ByteBuffer onUpgradeFrom() {
        ByteBuffer bytes = handedOver;
        handedOver = null;
        return bytes == null || !bytes.hasRemaining() ? null : bytes;
    }

    @Override
    public void onFillInterestedFailed(Throwable cause) {
        if (state == HANDLING && cause instanceof TimeoutException) {
            return;  // idle while the upstream answers: the proxy's read timeout owns that wait
        }
        super.onFillInterestedFailed(cause);
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        // Between requests the endpoint then fails the read interest and the connection closes;
        // during one it fails a write the client does not take. A request waiting on its upstream
        // is not failed here: the proxy's read timeout owns that wait. (Given the expiry, an
        // endpoint with neither a read nor a write pending closes itself: so would the connection
        // of that request, after 1 s once a graceful stop has shortened every idle timeout.)
        return state != HANDLING || writePending();
    }

    private boolean writePending() {
        return getEndPoint() instanceof AbstractEndPoint endPoint && endPoint.getWriteFlusher().isPending();
    }

    @Override
    public void onClose(Throwable cause) {
        LeanRequest current = request;
        if (state == HANDLING && current != null) {
            current.connectionFailed(cause == null ? new IOException("client connection closed") : cause);
        }
        if (state != GONE) {
            state = GONE;
        }
        releaseBuffer();
        super.onClose(cause);
    }

    private void releaseBuffer() {
        RetainableByteBuffer held = buffer;
        if (held != null) {
            buffer = null;
            held.release();
        }
    }

    Server server() {
        return server;
    }

    /** The server's components, as Jetty's connections give them to their requests. */
    Components components() {
        Components made = components;
        if (made == null) {
            made = new Components() {
                @Override
                public ByteBufferPool getByteBufferPool() {
                    return bufferPool;
                }

                @Override
                public Scheduler getScheduler() {
                    return connector.getScheduler();
                }

                @Override
                public ThreadPool getThreadPool() {
                    return server.getThreadPool();
                }

                @Override
                public Attributes getCache() {
                    return attributes;
                }
            };
            components = made;
        }
        return made;
    }

    ResponseHead responseHead() {
        return responseHead;
    }

    /** Whether the connector is shutting down: then every response closes its connection. */
    boolean shuttingDown() {
        return connector.isShutdown();
    }

    // ConnectionMetaData: this connection's, as Jetty's HttpConnection gives it.

    @Override
    public String getId() {
        return id;
    }

    @Override
    public HttpConfiguration getHttpConfiguration() {
        return configuration;
    }

    @Override
    public HttpVersion getHttpVersion() {
        LeanRequest current = request;
        return current == null ? HttpVersion.HTTP_1_1 : current.version();
    }

    @Override
    public String getProtocol() {
        return getHttpVersion().asString();
    }

    @Override
    public Connection getConnection() {
        return this;
    }

    @Override
    public Connector getConnector() {
        return connector;
    }

    @Override
    public boolean isPersistent() {
        LeanRequest current = request;
        return current == null || current.persistent();
    }

    /**
     * Whether the connection runs over TLS: then its requests are what Jetty's
     * {@code SecureRequestCustomizer} makes of them, secure and of scheme {@code https} (see
     * {@link LeanConnectionFactory} for the settings it takes).
     */
    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return remoteSocketAddress != null ? remoteSocketAddress : getEndPoint().getRemoteSocketAddress();
    }

    @Override
    public String remoteAddr(Request request) {
        String text = remoteAddr;
        if (text == null) {
            text = Request.getRemoteAddr(request);
            remoteAddr = text;
        }
        return text;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return getEndPoint().getLocalSocketAddress();
    }

    @Override
    public Object removeAttribute(String name) {
        return attributes.removeAttribute(name);
    }

    @Override
    public Object setAttribute(String name, Object attribute) {
        return attributes.setAttribute(name, attribute);
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.getAttribute(name);
    }

    @Override
    public java.util.Set<String> getAttributeNameSet() {
        return attributes.getAttributeNameSet();
    }
}
