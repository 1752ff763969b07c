package io.jingress.jetty.internal.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.jingress.jetty.internal.tls.TimedSslConnectionFactory;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.BufferUtil;

/**
 * The first factory of the HTTPS listener: a connection that starts with a TLS record goes on to
 * TLS; one that does not (plain HTTP sent to the HTTPS port, as when a Service maps port 80 to the
 * HTTPS port) is answered {@code 400} in plain text saying so, as nginx does, rather than with a
 * TLS alert no HTTP client can show. With client certificates configured
 * ({@code TimedSslConnectionFactory.setClientAuthEngines}) the whole ClientHello is read here first,
 * so that the TLS engine is made for its SNI name; from its first byte it must come within the head
 * deadline. A connection whose SNI names a host that {@link #setPassthrough} takes goes to it
 * instead, the ClientHello with it ({@code ssl-passthrough}).
 */
public final class TlsOnly extends DetectorConnectionFactory {
    private static final byte[] ANSWER = Refusal.plainAnswer(400, "Bad Request",
            "400 Bad Request: plain HTTP was sent to the HTTPS port\n");

    private final SslConnectionFactory tls;
    private final long helloDeadlineNanos;
    private volatile Passthrough passthrough;

    /**
     * Takes the connections whose TLS is not to end here ({@code ssl-passthrough}), by the SNI name
     * of their ClientHello, before the TLS factory is given them.
     */
    public interface Passthrough {
        /**
         * The connection that carries a connection whose ClientHello named {@code sni} (lower case,
         * never empty) on, undecrypted, or null when TLS ends here as usual. The ClientHello's bytes
         * are given to the connection returned as the bytes read before it ({@code onUpgradeTo}).
         */
        Connection connectionFor(String sni, Connector connector, EndPoint endPoint);
    }

    public TlsOnly(SslConnectionFactory tls) {
        this(tls, null);
    }

    /**
     * As {@link #TlsOnly(SslConnectionFactory)}, closing a connection whose first bytes (the whole
     * ClientHello, which {@code TimedSslConnectionFactory} waits for to read its SNI) have not come
     * within {@code helloDeadline}: a client trickling them in a byte at a time is cut off as a
     * trickled handshake is; null: no deadline.
     */
    public TlsOnly(SslConnectionFactory tls, Duration helloDeadline) {
        super(tls);
        this.tls = tls;
        // the whole ClientHello is read before the TLS engine is made (TimedSslConnectionFactory.detect)
        setInputBufferSize(TimedSslConnectionFactory.HELLO_BUFFER);
        this.helloDeadlineNanos = helloDeadline == null ? 0 : Math.max(1, helloDeadline.toNanos());
    }

    /**
     * Hands the connections whose ClientHello names a host {@code passthrough} takes to it, rather
     * than to TLS; the TLS factory must read the SNI ({@code TimedSslConnectionFactory} with client
     * certificate engines set). Null: none.
     */
    public void setPassthrough(Passthrough passthrough) {
        this.passthrough = passthrough;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        return configure(new HelloConnection(endPoint, connector), connector, endPoint);
    }

    @Override
    protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
        endPoint.upgrade(new Refusal(endPoint, connector, ANSWER));
    }

    /**
     * Reads the connection's first bytes until the TLS factory recognises them (with client
     * certificates configured, that is the whole ClientHello, whose SNI it reads) and hands them on
     * to it, or answers plain HTTP with the 400. As Jetty's detector does, plus the head deadline:
     * from the first byte, checked as bytes arrive, so that a ClientHello trickled a byte at a time
     * is cut off as a trickled handshake is (a client that sends nothing meets the idle timeout).
     */
    private final class HelloConnection extends AbstractConnection implements Connection.UpgradeFrom, Connection.UpgradeTo {
        private final Connector connector;
        private final RetainableByteBuffer buffer;
        private long firstByte;
        private boolean released;

        HelloConnection(EndPoint endPoint, Connector connector) {
            super(endPoint, connector.getExecutor());
            this.connector = connector;
            this.buffer = connector.getByteBufferPool().acquire(getInputBufferSize(), true);
        }

        @Override
        public void onUpgradeTo(ByteBuffer prefilled) {
            BufferUtil.append(buffer.getByteBuffer(), prefilled);
        }

        @Override
        public ByteBuffer onUpgradeFrom() {
            ByteBuffer held = buffer.getByteBuffer();
            if (!held.hasRemaining()) {
                return null;
            }
            ByteBuffer unconsumed = ByteBuffer.allocateDirect(held.remaining());
            unconsumed.put(held);
            unconsumed.flip();
            return unconsumed;
        }

        @Override
        public void onOpen() {
            super.onOpen();
            try {
                if (!handedOn()) {
                    fillInterested();
                }
            } catch (Throwable x) {
                release();
                getEndPoint().close(x);
            }
        }

        @Override
        public void onFillable() {
            try {
                ByteBuffer bytes = buffer.getByteBuffer();
                while (BufferUtil.space(bytes) > 0) {
                    int filled = getEndPoint().fill(bytes);
                    if (filled < 0) {
                        release();
                        getEndPoint().shutdownOutput();
                        return;
                    }
                    if (filled == 0) {
                        fillInterested();
                        return;
                    }
                    if (handedOn()) {
                        return;
                    }
                    if (helloDeadlineNanos > 0 && System.nanoTime() - firstByte > helloDeadlineNanos) {
                        release();
                        getEndPoint().close(new TimeoutException("TLS ClientHello not complete within the request head timeout"));
                        return;
                    }
                }
                release();
                getEndPoint().close(new IOException("ClientHello longer than " + buffer.capacity() + " bytes"));
            } catch (Throwable x) {
                release();
                getEndPoint().close(x);
            }
        }

        /** Whether the bytes so far were handed on (to TLS, or to the plain-HTTP answer). */
        private boolean handedOn() {
            ByteBuffer bytes = buffer.getByteBuffer();
            if (!bytes.hasRemaining()) {
                return false;
            }
            if (firstByte == 0) {
                firstByte = System.nanoTime();
            }
            ConnectionFactory.Detecting.Detection detection = tls.detect(bytes);
            if (detection == ConnectionFactory.Detecting.Detection.NEED_MORE_BYTES) {
                return false;
            }
            if (detection == ConnectionFactory.Detecting.Detection.RECOGNIZED) {
                Connection passed = passedThrough();
                if (passed != null) {
                    // the ClientHello goes to it as the bytes read before (onUpgradeFrom)
                    getEndPoint().upgrade(passed);
                    release();
                    return true;
                }
                // the TLS factory reads the SNI its detect found on this thread (TimedSslConnectionFactory)
                getEndPoint().upgrade(tls.newConnection(connector, getEndPoint()));
            } else {
                nextProtocol(connector, getEndPoint(), bytes);
            }
            release();
            return true;
        }

        // the connection of an ssl-passthrough host, or null: TLS ends here (a field read, and a map lookup with a host)
        private Connection passedThrough() {
            Passthrough hosts = passthrough;
            if (hosts == null) {
                return null;
            }
            String sni = TimedSslConnectionFactory.peekedSni();
            if (sni == null || sni.isEmpty()) {
                return null;
            }
            Connection passed = hosts.connectionFor(sni, connector, getEndPoint());
            if (passed != null) {
                TimedSslConnectionFactory.forgetPeekedSni();
            }
            return passed;
        }

        private void release() {
            if (!released) {
                released = true;
                buffer.release();
            }
        }

        @Override
        public void onClose(Throwable cause) {
            super.onClose(cause);
            release();
        }
    }
}
