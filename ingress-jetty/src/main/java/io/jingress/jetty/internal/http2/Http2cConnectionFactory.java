package io.jingress.jetty.internal.http2;

import io.jingress.jetty.internal.proxy.ProxyConnector;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.server.internal.HTTP2ServerConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;

/**
 * HTTP/2 in cleartext on the plain-HTTP port, with prior knowledge only (RFC 9113 section 3.3): a
 * client that opens with the HTTP/2 preface ({@code PRI * HTTP/2.0}, as gRPC clients in plaintext
 * and {@code curl --http2-prior-knowledge} do) gets an HTTP/2 connection, with the fixes of
 * {@link Http2ConnectionFactory}. The connection's HTTP/1 reader hands it here when it reads the
 * preface (Jetty's HTTP/1 connection looks for an upgrading factory of protocol {@code h2c}). On a
 * {@link ProxyConnector} with an HTTP/2 head deadline, the request heads are timed as HTTP/1's are.
 *
 * <p>An HTTP/1.1 request with {@code Upgrade: h2c} is not upgraded (RFC 9113 removed that way,
 * and through a front proxy that forwards the header it would let a client past that proxy's
 * checks onto a connection of its own, "h2c smuggling"): it is served as the HTTP/1.1 request it is.
 */
public final class Http2cConnectionFactory extends Http2ConnectionFactory implements ConnectionFactory.Upgrading {
    /** {@code PRI * HTTP/2.0\r\n\r\n}: the preface's part the HTTP/1 connection reads before it hands over. */
    private static final int PREFACE_READ = 18;

    public Http2cConnectionFactory(HttpConfiguration configuration) {
        super(configuration, "h2c");
    }

    /** Never chosen by ALPN: cleartext only. */
    @Override
    public boolean isAcceptable(String protocol, String tlsProtocol, String tlsCipher) {
        return false;
    }

    @Override
    public Connection upgradeConnection(Connector connector, EndPoint endPoint, MetaData.Request request,
            HttpFields.Mutable responseFields) {
        if (!HttpMethod.PRI.is(request.getMethod())) {
            return null;  // Upgrade: h2c: served as HTTP/1.1
        }
        // its request heads get the deadline an HTTP/1 head has (the rest of the preface too)
        ProxyConnector.TimedEndPoint timed = ProxyConnector.TimedEndPoint.of(endPoint);
        if (timed != null) {
            timed.timeHttp2Heads(PREFACE_READ);
        }
        HTTP2ServerConnection connection = (HTTP2ServerConnection) newConnection(connector, endPoint);
        return connection.upgrade(request, responseFields) ? connection : null;
    }
}
