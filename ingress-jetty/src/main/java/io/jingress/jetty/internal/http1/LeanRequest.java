package io.jingress.jetty.internal.http1;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Components;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Session;
import org.eclipse.jetty.server.TunnelSupport;
import org.eclipse.jetty.util.Attributes;
import org.eclipse.jetty.util.HostPort;

/**
 * A request read by a {@link LeanConnection}: its head as {@link RequestHeadParser} parsed it and
 * its body, if any, already read whole by the connection (so its content is readable at once). Its URI is built as
 * Jetty builds an origin-form request's: scheme {@code http}, host and port from {@code Host}.
 */
final class LeanRequest implements Request {
    private final LeanConnection connection;
    private final String method;
    private final HttpVersion version;
    private final HttpURI uri;
    private final HttpFields headers;
    private final boolean persistent;
    private final long beginNanos;
    private final long number;
    private final LeanResponse response;
    private final byte[] body;         // read by the connection with the head; null: none
    private volatile boolean bodyRead;
    private Attributes attributes;
    // the proxy adds one to every request: a list only for more; added on the handling thread, read on the selector's
    private volatile Consumer<Throwable> failureListener;
    private List<Consumer<Throwable>> failureListeners;
    private volatile boolean connectionFailed;

    LeanRequest(LeanConnection connection, RequestHeadParser head, UriMemo memo, long number, byte[] body) {
        this.connection = connection;
        this.body = body;
        this.beginNanos = System.nanoTime();
        this.method = head.method();
        this.version = head.version();
        this.headers = head.fields();
        this.persistent = head.persistent();
        this.number = number;
        this.uri = memo.uri(head.host(), head.target(), head.queryStart());
        this.response = new LeanResponse(connection, this);
    }

    LeanResponse response() {
        return response;
    }

    HttpVersion version() {
        return version;
    }

    boolean persistent() {
        return persistent;
    }

    boolean isHead() {
        return method.length() == 4 && method.charAt(0) == 'H';
    }

    /** Tells the failure listeners that the client connection failed while this request was under way. */
    void connectionFailed(Throwable cause) {
        connectionFailed = true;
        Consumer<Throwable> first = failureListener;
        if (first != null) {
            first.accept(cause);
        }
        List<Consumer<Throwable>> listeners = failureListeners;
        if (listeners != null) {
            for (Consumer<Throwable> listener : listeners) {
                listener.accept(cause);
            }
        }
    }

    /** Whether the client connection failed (closed) while this request was under way. */
    boolean connectionFailed() {
        return connectionFailed;
    }

    @Override
    public String getId() {
        return connection.getId() + "#" + number;
    }

    @Override
    public Components getComponents() {
        return connection.components();
    }

    @Override
    public ConnectionMetaData getConnectionMetaData() {
        return connection;
    }

    @Override
    public String getMethod() {
        return method;
    }

    @Override
    public HttpURI getHttpURI() {
        return uri;
    }

    @Override
    public Context getContext() {
        return connection.server().getContext();
    }

    @Override
    public HttpFields getHeaders() {
        return headers;
    }

    @Override
    public void demand(Runnable demandCallback) {
        // the body, if any, was read with the head: what is left is readable at once
        demandCallback.run();
    }

    @Override
    public HttpFields getTrailers() {
        return null;
    }

    @Override
    public long getBeginNanoTime() {
        return beginNanos;
    }

    @Override
    public long getHeadersNanoTime() {
        return beginNanos;
    }

    @Override
    public boolean isSecure() {
        return connection.isSecure();
    }

    @Override
    public Content.Chunk read() {
        if (body != null && !bodyRead) {
            bodyRead = true;
            return Content.Chunk.from(ByteBuffer.wrap(body), true);
        }
        return Content.Chunk.EOF;
    }

    /**
     * The body's length, known whole: Jetty's {@code ProxyHandler} attaches a body only to a request
     * whose length is not -1 (the default) or that is chunked, so without this the body of a
     * request that takes Jetty's client (an endpoint by DNS name, or over TLS) was left behind.
     */
    @Override
    public long getLength() {
        return body == null ? 0 : body.length;
    }

    @Override
    public boolean consumeAvailable() {
        bodyRead = true;
        return true;
    }

    /**
     * The body read with the head, whole, as a read of it would give it (it counts as read), or
     * null when there is none or it was read already. The array itself, not a copy: the request
     * owns it and nothing writes to it.
     */
    byte[] takeBody() {
        if (body == null || bodyRead) {
            return null;
        }
        bodyRead = true;
        return body;
    }

    /** The body bytes the handler read, as Jetty's {@code Request.getContentBytesRead} counts them. */
    long contentBytesRead() {
        return body != null && bodyRead ? body.length : 0;
    }

    @Override
    public void fail(Throwable failure) {
        // the body is in memory already: nothing to fail
    }

    @Override
    public void addIdleTimeoutListener(Predicate<TimeoutException> onIdleTimeout) {
        // the connection's idle timeout fails a pending write itself (see LeanConnection.onIdleExpired)
    }

    @Override
    public void addFailureListener(Consumer<Throwable> onFailure) {
        if (failureListener == null) {
            failureListener = onFailure;
            return;
        }
        if (failureListeners == null) {
            failureListeners = new ArrayList<>(2);
        }
        failureListeners.add(onFailure);
    }

    @Override
    public TunnelSupport getTunnelSupport() {
        return null;  // upgrade requests are never taken by the lean connection
    }

    @Override
    public void addHttpStreamWrapper(Function<HttpStream, HttpStream> wrapper) {
        throw new IllegalStateException("the lean HTTP/1 connection has no HttpStream to wrap");
    }

    @Override
    public Session getSession(boolean create) {
        return null;
    }

    @Override
    public Object removeAttribute(String name) {
        return attributes == null ? null : attributes.removeAttribute(name);
    }

    @Override
    public Object setAttribute(String name, Object attribute) {
        if (attributes == null) {
            attributes = new Attributes.Mapped();
        }
        return attributes.setAttribute(name, attribute);
    }

    @Override
    public Object getAttribute(String name) {
        return attributes == null ? null : attributes.getAttribute(name);
    }

    @Override
    public Set<String> getAttributeNameSet() {
        return attributes == null ? Set.of() : attributes.getAttributeNameSet();
    }

    @Override
    public String toString() {
        return method + " " + uri + " " + version;
    }

    /**
     * The URI of a connection's previous request, reused when its target and Host repeat (the
     * parser then hands back the same string and field).
     */
    static final class UriMemo {
        private final HttpScheme scheme;
        private HttpField host;
        private String target;
        private HttpURI uri;

        /** For a connection over TLS ({@code https}) or not. */
        UriMemo(boolean secure) {
            this.scheme = secure ? HttpScheme.HTTPS : HttpScheme.HTTP;
        }

        HttpURI uri(HttpField hostField, String requestTarget, int queryStart) {
            if (hostField == host && requestTarget == target) {
                return uri;
            }
            HostPort authority = new HostPort(hostField.getValue());
            HttpURI.Mutable built = HttpURI.build().scheme(scheme).host(authority.getHost());
            if (authority.hasPort()) {
                built.port(authority.getPort());
            }
            if (queryStart < 0) {
                built.path(requestTarget);
            } else {
                built.path(requestTarget.substring(0, queryStart)).query(requestTarget.substring(queryStart + 1));
            }
            host = hostField;
            target = requestTarget;
            uri = built.asImmutable();
            return uri;
        }
    }
}
