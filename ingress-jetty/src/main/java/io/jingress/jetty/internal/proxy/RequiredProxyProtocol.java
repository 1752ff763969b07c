package io.jingress.jetty.internal.proxy;

import java.nio.ByteBuffer;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ProxyConnectionFactory;

/**
 * The PROXY protocol (v1 or v2) in front of a listener, required: the client address of every
 * connection comes from the load balancer's header. Jetty's {@link ProxyConnectionFactory} serves
 * a connection without that header as a direct one; here it is closed, as nginx does with
 * {@code proxy_protocol} on: a listener that trusts the header must not also take connections
 * from anyone who reaches it another way, with an address of their choosing.
 */
public final class RequiredProxyProtocol extends ProxyConnectionFactory {
    /** Hands a connection, once its header is read, to the factory of protocol {@code next}. */
    public RequiredProxyProtocol(String next) {
        super(next);
    }

    @Override
    protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
        // no PROXY header: not through the load balancer
        endPoint.close();
    }
}
