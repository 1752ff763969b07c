package io.jingress.jetty.internal.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

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
    private static final String BODY = "400 Bad Request: plain HTTP was sent to the HTTPS port\n";
    private static final byte[] ANSWER = ("HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + BODY.length() + "\r\n"
            + "Connection: close\r\n"
            + "\r\n"
            + BODY).getBytes(StandardCharsets.US_ASCII);

    public TlsOnly(SslConnectionFactory tls) {
        super(tls);
    }

    @Override
    protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
        endPoint.upgrade(new Refusal(endPoint, connector, ANSWER));
    }
}
