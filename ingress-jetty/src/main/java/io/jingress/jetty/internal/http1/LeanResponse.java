package io.jingress.jetty.internal.http1;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ListIterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * The response to a {@link LeanRequest}, and the handler's callback for it. The first write
 * commits: the head is encoded by {@link ResponseHead} and goes out with the first content in one
 * gathering write. Framing follows Jetty's generator: no body for HEAD, 1xx, 204 and 304; the
 * handler's {@code Content-Length} when it set one (more content than that is refused, less
 * closes the connection); otherwise the length of a single last write, chunked for an HTTP/1.1
 * stream of unknown length, and for HTTP/1.0 the end of the connection.
 *
 * <p>The connection stays open when the request asked for it, the handler did not say
 * {@code Connection: close}, the body was framed and the connector is not shutting down.
 */
final class LeanResponse implements Response, Callback {
    private static final HttpField CLOSE = new PreEncodedHttpField(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    private static final HttpField KEEP_ALIVE = new PreEncodedHttpField(HttpHeader.CONNECTION, HttpHeaderValue.KEEP_ALIVE.asString());
    private static final HttpField CHUNKED = new PreEncodedHttpField(HttpHeader.TRANSFER_ENCODING, HttpHeaderValue.CHUNKED.asString());
    private static final HttpField SERVER = new PreEncodedHttpField(HttpHeader.SERVER, HttpConfiguration.SERVER_VERSION);
    private static final HttpField POWERED_BY = new PreEncodedHttpField(HttpHeader.X_POWERED_BY, HttpConfiguration.SERVER_VERSION);
    private static final byte[] ERROR_BODY = "500 Internal Server Error\n".getBytes(StandardCharsets.UTF_8);
    /** nginx's status for a request whose client closed its connection before the answer. */
    private static final int CLIENT_CLOSED_REQUEST = 499;

    private final LeanConnection connection;
    private final LeanRequest request;
    private final HttpFields.Mutable headers = HttpFields.build(16);
    private final AtomicBoolean completed = new AtomicBoolean();
    private int status = HttpStatus.OK_200;
    private Supplier<HttpFields> trailers;

    private boolean committed;
    private boolean lastWritten;
    private volatile boolean done;
    private boolean succeeded;
    private boolean persistent;
    private boolean noBody;
    private boolean chunked;
    private boolean chunkOpen;
    private long contentLength = -1;
    private long written;

    LeanResponse(LeanConnection connection, LeanRequest request) {
        this.connection = connection;
        this.request = request;
    }

    /** Whether the exchange is over and the connection may go on (see {@link LeanConnection#responseComplete}). */
    boolean isDone() {
        return done;
    }

    @Override
    public Request getRequest() {
        return request;
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public void setStatus(int code) {
        if (!committed) {
            status = code;
        }
    }

    @Override
    public HttpFields.Mutable getHeaders() {
        return headers;
    }

    @Override
    public Supplier<HttpFields> getTrailersSupplier() {
        return trailers;
    }

    @Override
    public void setTrailersSupplier(Supplier<HttpFields> trailers) {
        // Trailers need a chunked body; the lean connection does not send them (nor does the
        // proxy set any: the requests it forwards itself get their responses' trailers dropped).
        this.trailers = trailers;
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    @Override
    public boolean hasLastWrite() {
        return lastWritten;
    }

    @Override
    public boolean isCompletedSuccessfully() {
        return succeeded;
    }

    @Override
    public void reset() {
        if (committed) {
            throw new IllegalStateException("response already committed");
        }
        status = HttpStatus.OK_200;
        headers.clear();
        trailers = null;
    }

    @Override
    public CompletableFuture<Void> writeInterim(int code, HttpFields interimHeaders) {
        // Interim responses answer Expect: 100-continue and the like, which the lean connection
        // never takes; a 103 hint is optional and is left out.
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
        if (lastWritten) {
            callback.failed(new IllegalStateException("the last write of this response was done"));
            return;
        }
        ByteBuffer body = content == null ? BufferUtil.EMPTY_BUFFER : content;
        ByteBuffer head = committed ? null : commit(last, body.remaining());
        if (noBody) {
            body = BufferUtil.EMPTY_BUFFER;
        }
        int length = body.remaining();
        IOException tooLong = null;
        if (contentLength >= 0 && written + length > contentLength) {
            tooLong = new IOException("response content longer than its Content-Length " + contentLength);
            body = body.slice();
            body.limit((int) (contentLength - written));
            length = body.remaining();
            persistent = false;
            last = true;
        }
        written += length;
        lastWritten = last;
        if (last && contentLength >= 0 && written < contentLength && !noBody) {
            persistent = false;  // fewer bytes than announced: the client must not wait for more on this connection
        }
        ByteBuffer[] buffers;
        if (chunked) {
            ByteBuffer sizeLine = length > 0 ? connection.responseHead().chunk(length, chunkOpen) : null;
            boolean afterChunk = chunkOpen || length > 0;
            chunkOpen = length > 0 || chunkOpen;
            ByteBuffer end = last ? ResponseHead.lastChunk(afterChunk) : null;
            if (last) {
                chunkOpen = false;
            }
            buffers = gather(head, sizeLine, length > 0 ? body : null, end);
        } else {
            buffers = gather(head, null, length > 0 ? body : null, null);
        }
        Callback then = tooLong == null ? callback : failAfter(callback, tooLong);
        if (buffers.length == 0) {
            then.succeeded();
            return;
        }
        connection.getEndPoint().write(new WriteDone(then), buffers);
    }

    private static ByteBuffer[] gather(ByteBuffer a, ByteBuffer b, ByteBuffer c, ByteBuffer d) {
        int n = (a == null ? 0 : 1) + (b == null ? 0 : 1) + (c == null ? 0 : 1) + (d == null ? 0 : 1);
        ByteBuffer[] buffers = new ByteBuffer[n];
        int i = 0;
        if (a != null) {
            buffers[i++] = a;
        }
        if (b != null) {
            buffers[i++] = b;
        }
        if (c != null) {
            buffers[i++] = c;
        }
        if (d != null) {
            buffers[i] = d;
        }
        return buffers;
    }

    private static Callback failAfter(Callback callback, IOException failure) {
        return Callback.from(() -> callback.failed(failure), callback::failed);
    }

    /** Decides the framing and persistence, and encodes the head. */
    private ByteBuffer commit(boolean last, int firstLength) {
        committed = true;
        HttpConfiguration configuration = connection.getHttpConfiguration();
        HttpVersion version = request.version();
        persistent = request.persistent() && !connection.shuttingDown();
        noBody = request.isHead() || HttpStatus.isInformational(status) || status == HttpStatus.NO_CONTENT_204
                || status == HttpStatus.NOT_MODIFIED_304;
        // one pass over what the handler set: the connection decides framing and persistence
        long announced = -1;
        boolean hasDate = false;
        boolean hasServer = false;
        for (ListIterator<HttpField> fields = headers.listIterator(); fields.hasNext(); ) {
            HttpField field = fields.next();
            HttpHeader header = field.getHeader();
            if (header == null) {
                continue;
            }
            switch (header) {
                case CONNECTION -> {
                    if (field.contains(HttpHeaderValue.CLOSE.asString())) {
                        persistent = false;
                    }
                    fields.remove();
                }
                case TRANSFER_ENCODING -> fields.remove();
                case CONTENT_LENGTH -> announced = field.getLongValue();
                case DATE -> hasDate = true;
                case SERVER -> hasServer = true;
                default -> {
                }
            }
        }
        HttpField framing = null;
        if (noBody) {
            contentLength = -1;
            if (announced < 0 && last && request.isHead() && !HttpStatus.isInformational(status)
                    && status != HttpStatus.NO_CONTENT_204 && status != HttpStatus.NOT_MODIFIED_304) {
                // as Jetty does for a response written whole at once (the proxy, which may not know
                // the length a GET would get, commits a HEAD answer first instead: HeadResponse)
                framing = new HttpField(HttpHeader.CONTENT_LENGTH, Integer.toString(firstLength));
            }
        } else if (announced >= 0) {
            contentLength = announced;
        } else if (last) {
            contentLength = firstLength;
            framing = new HttpField(HttpHeader.CONTENT_LENGTH, Integer.toString(firstLength));
        } else if (version == HttpVersion.HTTP_1_1) {
            chunked = true;
            framing = CHUNKED;
        } else {
            persistent = false;  // an HTTP/1.0 body of unknown length ends with the connection
        }
        // what Jetty's generator adds, when the configuration asks for it and the handler did not set it
        HttpField date = configuration.getSendDateHeader() && !hasDate ? connection.server().getDateField() : null;
        HttpField server = configuration.getSendServerVersion() && !hasServer ? SERVER : null;
        HttpField poweredBy = configuration.getSendXPoweredBy() ? POWERED_BY : null;
        HttpField persistence = null;
        if (!persistent && (version == HttpVersion.HTTP_1_1 || request.persistent())) {
            persistence = CLOSE;
        } else if (persistent && version == HttpVersion.HTTP_1_0) {
            persistence = KEEP_ALIVE;
        }
        return connection.responseHead().encode(status, headers, server, poweredBy, date, framing, persistence);
    }

    // Callback: the handler's, for the whole exchange.

    @Override
    public void succeeded() {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        if (!lastWritten) {
            write(true, BufferUtil.EMPTY_BUFFER, Callback.from(this::finish, this::abort));
            return;
        }
        finish();
    }

    @Override
    public void failed(Throwable failure) {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        if (committed) {
            abort(failure);
            return;
        }
        if (request.connectionFailed()) {
            // The client went away before it was answered: nginx's "client closed request".
            status = CLIENT_CLOSED_REQUEST;
            abort(failure);
            return;
        }
        // The handler failed before it answered: a plain 500, and the connection closes.
        headers.clear();
        status = HttpStatus.INTERNAL_SERVER_ERROR_500;
        headers.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        headers.put(CLOSE);
        write(true, ByteBuffer.wrap(ERROR_BODY), Callback.from(this::finish, this::abort));
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    private void finish() {
        succeeded = true;
        RequestLog log = connection.server().getRequestLog();
        if (log != null) {
            // a log line may block on its output: never on a selector thread
            connection.server().getThreadPool().execute(() -> {
                log.log(request, this);
                complete();
            });
            return;
        }
        complete();
    }

    private void complete() {
        boolean open = persistent;
        done = true;
        connection.responseComplete(open);
    }

    /** The body bytes written, for the request log. */
    long contentBytesWritten() {
        return written;
    }

    private void abort(Throwable failure) {
        done = true;
        RequestLog log = connection.server().getRequestLog();
        if (log != null) {
            connection.server().getThreadPool().execute(() -> log.log(request, this));
        }
        connection.abort(failure);
    }

    /** Completion of one write to the client. */
    private final class WriteDone implements Callback {
        private final Callback callback;

        WriteDone(Callback callback) {
            this.callback = callback;
        }

        @Override
        public void succeeded() {
            callback.succeeded();
        }

        @Override
        public void failed(Throwable x) {
            persistent = false;
            callback.failed(x);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
