package io.jingress.jetty.internal.tcp;

import io.jingress.core.route.TcpRoute;
import io.jingress.jetty.internal.tunnel.BackendTunnel;

import java.nio.ByteBuffer;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The listener of one TCP service's port: each accepted connection (after its PROXY protocol
 * header, when the entry decodes one) becomes a {@link BackendTunnel} to an endpoint of the entry's
 * backend as it is now; {@link #route(TcpRoute)} changes what later connections get, and leaves
 * open ones alone.
 */
final class TcpPort extends AbstractConnectionFactory {
    private final TcpListeners listeners;
    private final int port;
    private final boolean decodeProxyProtocol;
    private volatile TcpRoute route;
    private ServerConnector connector;

    TcpPort(TcpListeners listeners, TcpRoute route) {
        super("tcp-" + route.port());
        this.listeners = listeners;
        this.port = route.port();
        this.decodeProxyProtocol = route.service().decodeProxyProtocol();
        this.route = route;
    }

    int port() {
        return port;
    }

    boolean decodesProxyProtocol() {
        return decodeProxyProtocol;
    }

    TcpRoute route() {
        return route;
    }

    void route(TcpRoute route) {
        this.route = route;
    }

    ServerConnector connector() {
        return connector;
    }

    void connector(ServerConnector connector) {
        this.connector = connector;
    }

    @Override
    public Connection newConnection(Connector listener, EndPoint endPoint) {
        TcpRoute current = route;
        ByteBuffer preamble = current.service().sendProxyProtocol() ? ProxyHeaderV1.of(endPoint) : null;
        return new BackendTunnel(listeners.dialer(), current.backend(), "tcp port " + port, endPoint, listener, preamble,
                tunnel -> listeners.ended(port, current, tunnel)).clientSide();
    }
}
