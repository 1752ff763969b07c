package io.jingress.jetty.internal.proxy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The first factory of the HTTPS listener: a connection that starts with a TLS record goes on to
 * TLS; one that does not (plain HTTP sent to the HTTPS port, as when a Service maps port 80 to the
 * HTTPS port) is answered {@code 400} in plain text saying so, as nginx does, rather than with a
 * TLS alert no HTTP client can show.
 */
public final class TlsOnly extends DetectorConnectionFactory {
    private static final byte[] ANSWER = Refusal.plainAnswer(400, "Bad Request",
            "400 Bad Request: plain HTTP was sent to the HTTPS port\n");

    private final long helloDeadlineMillis;

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
        // the whole ClientHello is read before the TLS engine is made (TimedSslConnectionFactory.detect)
        setInputBufferSize(io.jingress.jetty.internal.tls.TimedSslConnectionFactory.HELLO_BUFFER);
        this.helloDeadlineMillis = helloDeadline == null ? 0 : Math.max(1, helloDeadline.toMillis());
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        Connection detecting = super.newConnection(connector, endPoint);
        if (helloDeadlineMillis > 0) {
            Scheduler.Task late = connector.getScheduler().schedule(() -> {
                if (endPoint.getConnection() == detecting) {  // not yet handed on to TLS (or refused)
                    endPoint.close(new TimeoutException("TLS ClientHello not complete within the request head timeout"));
                }
            }, helloDeadlineMillis, TimeUnit.MILLISECONDS);
            // the detector is closed as it hands the connection on (EndPoint.upgrade), or with it
            detecting.addEventListener(new Connection.Listener() {
                @Override
                public void onClosed(Connection connection) {
                    late.cancel();
                }
            });
        }
        return detecting;
    }

    @Override
    protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
        endPoint.upgrade(new Refusal(endPoint, connector, ANSWER));
    }
}
