package io.jingress.jetty.internal.http1;

import java.util.List;
import java.util.Objects;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Makes the HTTP/1 connections of a connector (plain, or behind TLS): a {@link LeanConnection},
 * which serves plain HTTP/1.x requests (without a body, or with a short one that arrives with the
 * head) itself and hands the connection to Jetty's HTTP/1 connection (made by {@code http}, the
 * factory this one stands in for) at the first request it does not take.
 *
 * <p>Every connection is Jetty's from the start when the HTTP configuration has request
 * customizers, which work on Jetty's own requests, except for one: over TLS, a
 * {@link SecureRequestCustomizer} that neither checks nor requires SNI and sends no
 * {@code Strict-Transport-Security}. What it does then, a secure request of scheme {@code https},
 * the lean connection does itself (its TLS session details, which only servlets read, are not
 * offered).
 */
public final class LeanConnectionFactory extends AbstractConnectionFactory implements HttpConfiguration.ConnectionFactory {
    private final HttpConnectionFactory http;

    public LeanConnectionFactory(HttpConnectionFactory http) {
        super(Objects.requireNonNull(http, "http").getProtocol());
        this.http = http;
        addBean(http);
        setInputBufferSize(http.getInputBufferSize());
    }

    @Override
    public HttpConfiguration getHttpConfiguration() {
        return http.getHttpConfiguration();
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        if (!leanServes(http.getHttpConfiguration(), endPoint instanceof SslConnection.SslEndPoint)) {
            return http.newConnection(connector, endPoint);
        }
        return configure(new LeanConnection(this, connector, endPoint), connector, endPoint);
    }

    // whether the lean connection does all the customizers would do
    static boolean leanServes(HttpConfiguration configuration, boolean tls) {
        List<HttpConfiguration.Customizer> customizers = configuration.getCustomizers();
        if (customizers.isEmpty()) {
            return true;
        }
        return tls && customizers.size() == 1 && customizers.get(0) instanceof SecureRequestCustomizer secure
                && secure.getClass() == SecureRequestCustomizer.class && !secure.isSniHostCheck()
                && !secure.isSniRequired() && secure.getStsMaxAge() < 0;
    }

    /**
     * Jetty's HTTP/1 connection for an endpoint a lean connection hands over, configured as
     * {@code http} would configure it, but without the connector's listeners: the connection they
     * heard open is still the same one to them, and the lean connection moves them across. Its
     * input buffer holds at least {@code pending} bytes: Jetty copies the bytes handed over into
     * it and would silently drop what does not fit.
     */
    HttpConnection jettyConnection(Connector connector, EndPoint endPoint, int pending) {
        HttpConnection connection = new HttpConnection(http.getHttpConfiguration(), connector, endPoint);
        connection.setUseInputDirectByteBuffers(http.isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(http.isUseOutputDirectByteBuffers());
        connection.setTransferEncodingChunkMaxLength(http.getTransferEncodingChunkMaxLength());
        connection.setInputBufferSize(Math.max(http.getInputBufferSize(), pending));
        return connection;
    }
}
