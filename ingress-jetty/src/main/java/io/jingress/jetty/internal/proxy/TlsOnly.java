package io.jingress.jetty.internal.proxy;

import java.nio.ByteBuffer;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;

/**
 * The first factory of the HTTPS listener: a connection that starts with a TLS record goes on to
 * TLS; one that does not (plain HTTP sent to the HTTPS port, as when a Service maps port 80 to the
 * HTTPS port) is answered {@code 400} in plain text saying so, as nginx does, rather than with a
 * TLS alert no HTTP client can show.
 */
public final class TlsOnly extends DetectorConnectionFactory {
    private static final byte[] ANSWER = Refusal.plainAnswer(400, "Bad Request",
            "400 Bad Request: plain HTTP was sent to the HTTPS port\n");

    public TlsOnly(SslConnectionFactory tls) {
        super(tls);
        // the whole ClientHello is read before the TLS engine is made (TimedSslConnectionFactory.detect)
        setInputBufferSize(io.jingress.jetty.internal.tls.TimedSslConnectionFactory.HELLO_BUFFER);
    }

    @Override
    protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
        endPoint.upgrade(new Refusal(endPoint, connector, ANSWER));
    }
}
