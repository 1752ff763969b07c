package io.jingress.jetty.internal.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;

import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.io.ssl.SslClientConnectionFactory;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A connection to an endpoint, for Jetty's client, on which a failed write waits until the read
 * side has ended before it is reported: the endpoint's answer, if it sent one, is read first.
 *
 * <p>An endpoint may answer an upload before it has read it (a 413, a 401) and close the
 * connection. The request body still being written then fails (the close of a socket with unread
 * bytes resets the connection), while the answer waits in the socket's receive buffer, where Linux
 * keeps it readable after the reset. Jetty's client fails the whole exchange on a failed write,
 * unless the answer was read to its end before: so whether the client got the endpoint's answer or
 * a 502 depended on which of the two the selector got to first. nginx gives the client the
 * upstream's answer when it was received whole, even when sending the body failed.
 *
 * <p>Here a write that fails is held pending, once, and the failure reported when a read finds
 * the end of the stream (or the reset), after everything before it: by then the answer, if whole,
 * has completed the response, and the failure ends the request only. The connection's read
 * interest, which Jetty's client keeps while a request is under way, wakes it: a reset makes the
 * socket readable. The connection's close and its idle timeout fail a held write too.
 */
final class AnswerFirstEndPoint extends SocketChannelEndPoint {
    /** The failure of the write held until the read side ends, or null. */
    private volatile IOException held;

    AnswerFirstEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
        super(channel, selector, key, scheduler);
    }

    @Override
    public boolean flush(ByteBuffer... buffers) throws IOException {
        if (held != null) {
            return false;  // waits for the read side; no write interest is asked for (onIncompleteFlush)
        }
        try {
            return super.flush(buffers);
        } catch (IOException x) {
            if (isOutputShutdown()) {
                throw x;  // our own shutdown
            }
            held = x;
            if (isInputShutdown()) {
                // the read side ended just now, and may have looked for a held failure before this one
                held = null;
                throw x;
            }
            return false;
        }
    }

    @Override
    protected void onIncompleteFlush() {
        if (held == null) {
            super.onIncompleteFlush();
        }
    }

    @Override
    public int fill(ByteBuffer buffer) throws IOException {
        int filled = getConnection() instanceof CheckedReuseConnection checked
                ? checked.read(buffer, super::fill, true)
                : super.fill(buffer);
        if (filled < 0) {
            IOException failure = held;
            if (failure != null) {
                // everything the endpoint sent has been read: the request's write fails now
                getWriteFlusher().onFail(failure);
            }
        }
        return filled;
    }

    /**
     * The connector of Jetty's client, whose TCP connections are {@link AnswerFirstEndPoint}s, and
     * whose TLS endpoints read through their {@link CheckedReuseConnection}, as plain ones do.
     */
    static final class Connector extends UpstreamTimeouts.Connector {
        @Override
        protected EndPoint newEndPoint(SelectableChannel selectable, ManagedSelector selector, SelectionKey selectionKey) {
            if (selectable instanceof SocketChannel channel) {
                return new AnswerFirstEndPoint(channel, selector, selectionKey, getScheduler());
            }
            return super.newEndPoint(selectable, selector, selectionKey);
        }

        @Override
        public ClientConnectionFactory newSslClientConnectionFactory(SslContextFactory.Client tls, ClientConnectionFactory factory) {
            SslContextFactory.Client sides = tls != null ? tls : getSslContextFactory();
            return new SslClientConnectionFactory(sides, getByteBufferPool(), getExecutor(), factory) {
                @Override
                protected SslConnection newSslConnection(EndPoint endPoint, SSLEngine engine) {
                    // as Jetty's makes it, but reading through the HTTP connection it carries
                    return new CheckedSslConnection(this, endPoint, engine);
                }
            };
        }
    }

    /**
     * A TLS connection whose reads, of what it decrypts for the HTTP connection and of the network,
     * go through that connection when it is a {@link CheckedReuseConnection}.
     */
    private static final class CheckedSslConnection extends SslConnection {
        CheckedSslConnection(SslClientConnectionFactory factory, EndPoint endPoint, SSLEngine engine) {
            super(factory.getByteBufferPool(), factory.getExecutor(), factory.getSslContextFactory(), endPoint, engine,
                    factory.isDirectBuffersForEncryption(), factory.isDirectBuffersForDecryption());
        }

        @Override
        protected SslEndPoint newSslEndPoint() {
            return new SslEndPoint() {
                @Override
                public int fill(ByteBuffer buffer) throws IOException {
                    // its own reads that take no bytes (a handshake's) need no check
                    return buffer.capacity() > 0 && getConnection() instanceof CheckedReuseConnection checked
                            ? checked.read(buffer, super::fill, true)
                            : super.fill(buffer);
                }
            };
        }

        @Override
        protected int networkFill(ByteBuffer input) throws IOException {
            return getSslEndPoint().getConnection() instanceof CheckedReuseConnection checked
                    ? checked.read(input, super::networkFill, false)
                    : super.networkFill(input);
        }
    }
}
