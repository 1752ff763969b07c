package io.jingress.jetty.internal.tls;

import io.jingress.core.route.AuthTls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's TLS connections, with the request head deadline (nginx's {@code client_header_timeout})
 * kept where the protocols above cannot keep it: the TLS handshake must be done within it from
 * the connection's start, and on an HTTP/2 connection ({@link #timeHttp2Heads}) the preface and
 * every request head (a {@code HEADERS} frame and its {@code CONTINUATION}s) within it from their
 * first byte. Past it the connection is closed. HTTP/1 heads over TLS are timed by their own
 * connection.
 *
 * <p>Without it a client sending a handshake or an HTTP/2 header block a byte or a frame at a
 * time kept its connection open for as long as it went on, since each arrival restarts the idle
 * timeout ("slowloris"). The deadline is checked whenever bytes arrive; a client that stops
 * sending is closed by the idle timeout.
 */
public final class TimedSslConnectionFactory extends SslConnectionFactory {
    /**
     * The SNI name {@link #detect} read from the ClientHello, for the {@link #newSslConnection} that
     * Jetty's detector calls next on the same thread (its {@code newConnection} is not given the bytes).
     * A value left by a detection not followed by a connection can only make a later connection ask
     * for a certificate it need not ask for; every request is checked against its own host anyway.
     */
    private static final ThreadLocal<String> PEEKED_SNI = new ThreadLocal<>();

    /** The bytes a detector in front must be able to hold: a ClientHello up to this long is read whole. */
    public static final int HELLO_BUFFER = ClientHelloSni.LIMIT;

    private final long deadlineNanos;
    private volatile ClientAuthEngines clientAuth;

    public TimedSslConnectionFactory(SslContextFactory.Server sslContextFactory, String nextProtocol, Duration deadline) {
        super(sslContextFactory, nextProtocol);
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("requestHeadTimeout: must be positive, got " + deadline);
        }
        this.deadlineNanos = deadline.toNanos();
    }

    /**
     * Times the HTTP/2 request heads on {@code endPoint} from now on, if it is the decrypted side
     * of a connection of this factory; to be called as the HTTP/2 connection is made, before it
     * reads.
     */
    public static void timeHttp2Heads(EndPoint endPoint) {
        if (endPoint instanceof TimedSslConnection.TimedEndPoint timed) {
            timed.timeHttp2Heads();
        }
    }

    /**
     * Asks for client certificates on the connections whose ClientHello names a host with
     * {@code auth-tls-*}, and only on those ({@link ClientAuthEngines}); the ClientHello is read
     * ahead of the engine by {@link #detect}, so this factory must sit behind a detector
     * ({@code TlsOnly}). Null: never asks.
     */
    public void setClientAuthEngines(ClientAuthEngines engines) {
        this.clientAuth = engines;
    }

    /** Recognises TLS, then waits for the whole ClientHello (up to {@link ClientHelloSni#LIMIT}) to read its SNI. */
    @Override
    public Detection detect(ByteBuffer buffer) {
        Detection detection = super.detect(buffer);
        if (detection != Detection.RECOGNIZED || clientAuth == null) {
            return detection;
        }
        String sni = ClientHelloSni.read(buffer);
        if (sni == ClientHelloSni.INCOMPLETE) {
            PEEKED_SNI.remove();
            return Detection.NEED_MORE_BYTES;
        }
        PEEKED_SNI.set(sni);
        return Detection.RECOGNIZED;
    }

    /**
     * The SNI name (lower case, {@code ""} for none) the last {@link #detect} on this thread read
     * from a whole ClientHello, for a detector that decides before {@link #newConnection} whether TLS
     * ends here at all ({@code ssl-passthrough}); null when it read none. If it does not hand the
     * connection to this factory it calls {@link #forgetPeekedSni}.
     */
    public static String peekedSni() {
        return PEEKED_SNI.get();
    }

    /** Forgets what {@link #peekedSni} returns: the connection went elsewhere than to this factory. */
    public static void forgetPeekedSni() {
        PEEKED_SNI.remove();
    }

    /**
     * The setting whose certificates the TLS connection under {@code endPoint} (a decrypted end point
     * of this factory's connections) asked for, or null when it asked for none.
     */
    public static AuthTls clientCertificatesAsked(EndPoint endPoint) {
        return endPoint instanceof SslConnection.SslEndPoint ssl && ssl.getSslConnection() instanceof TimedSslConnection timed
                ? timed.asked : null;
    }

    /** The TLS session of the connection under {@code endPoint} (a decrypted end point), or null when it is none. */
    public static SSLSession session(EndPoint endPoint) {
        return endPoint instanceof SslConnection.SslEndPoint ssl ? ssl.getSslConnection().getSSLEngine().getSession() : null;
    }

    @Override
    protected SslConnection newSslConnection(Connector connector, EndPoint endPoint, SSLEngine engine) {
        String sni = PEEKED_SNI.get();
        PEEKED_SNI.remove();
        AuthTls asked = null;
        ClientAuthEngines engines = clientAuth;
        if (engines != null && sni != null && !sni.isEmpty()) {
            asked = engines.askingFor(sni);
            if (asked != null) {
                engine = engines.asking(asked, engine);
            }
        }
        TimedSslConnection connection = new TimedSslConnection(connector, getSslContextFactory(), endPoint, engine,
                isDirectBuffersForEncryption(), isDirectBuffersForDecryption(), deadlineNanos);
        connection.asked = asked;
        return connection;
    }

    private static final class TimedSslConnection extends SslConnection implements SslHandshakeListener {
        private final long deadlineNanos;
        private final long opened = System.nanoTime();
        /** The client certificate setting this connection asked for, or null; set before it opens. */
        private volatile AuthTls asked;
        private volatile boolean handshaken;

        TimedSslConnection(Connector connector, SslContextFactory sslContextFactory, EndPoint endPoint, SSLEngine engine,
                boolean directEncryption, boolean directDecryption, long deadlineNanos) {
            super(connector.getByteBufferPool(), connector.getExecutor(), sslContextFactory, endPoint, engine,
                    directEncryption, directDecryption);
            this.deadlineNanos = deadlineNanos;
            addHandshakeListener(this);
        }

        @Override
        protected SslEndPoint newSslEndPoint() {
            // called by the constructor: the end point reads this connection's fields only later
            return new TimedEndPoint();
        }

        @Override
        public void handshakeSucceeded(Event event) {
            handshaken = true;
        }

        final class TimedEndPoint extends SslEndPoint {
            private Http2Heads heads;  // null until the connection is HTTP/2

            void timeHttp2Heads() {
                heads = new Http2Heads();
            }

            @Override
            public int fill(ByteBuffer buffer) throws IOException {
                Http2Heads h2 = heads;
                if (h2 == null && handshaken) {
                    return super.fill(buffer);
                }
                int filled = super.fill(buffer);
                String late = null;
                if (!handshaken) {
                    late = System.nanoTime() - opened > deadlineNanos
                            ? "TLS handshake not complete within the request head timeout" : null;
                } else if (h2 != null && h2.filledPastDeadline(buffer, filled, deadlineNanos)) {
                    late = Http2Heads.TOO_LATE;  // (h2 null: the handshake ended in this fill)
                }
                if (late != null) {
                    close(new TimeoutException(late));
                    return -1;
                }
                return filled;
            }
        }
    }
}
