package io.jingress.jetty.internal.proxy;

import java.util.Map;

import io.jingress.core.route.RoutePolicy;
import io.jingress.jetty.internal.net.ConnectTimeouts;

import org.eclipse.jetty.client.Destination;

/**
 * The connect and read timeouts of one request: its Ingress's ({@code proxy-connect-timeout},
 * {@code proxy-read-timeout}, see {@link RoutePolicy}) where it set them, else the server's. A
 * route whose policy is {@link RoutePolicy#NONE} costs one comparison. Where they apply:
 * <ul>
 *   <li>the own HTTP/1 connections ({@link UpstreamForwarder}): the connect of a new connection,
 *       and its idle timeout while the exchange is under way ({@link UpstreamPool});</li>
 *   <li>Jetty's client ({@code ProxyHandler} path): the request's idle timeout, and for a
 *       connect timeout of its own a destination {@link ConnectTag tagged} with it, whose connects
 *       {@link Connector} times;</li>
 *   <li>the upgrade tunnel: its connect, the wait for the handshake's answer and the tunnel's idle
 *       timeout.</li>
 * </ul>
 */
final class UpstreamTimeouts {
    private UpstreamTimeouts() {
    }

    /** The connect timeout of a request of {@code policy}'s routes, in milliseconds. */
    static long connectMillis(RoutePolicy policy, long serverMillis) {
        if (policy.isNone()) {
            return serverMillis;
        }
        long own = policy.connectTimeoutMillis();
        return own > 0 ? own : serverMillis;
    }

    /** The read timeout of a request of {@code policy}'s routes, in milliseconds. */
    static long readMillis(RoutePolicy policy, long serverMillis) {
        if (policy.isNone()) {
            return serverMillis;
        }
        long own = policy.readTimeoutMillis();
        return own > 0 ? own : serverMillis;
    }

    /**
     * The tag of a Jetty client request whose route has a connect timeout of its own: Jetty keeps a
     * destination (and a connection pool) per origin and tag, so its connects are told apart from
     * those of other routes to the same endpoint, and {@link Connector} reads it from there.
     */
    record ConnectTag(long millis) {
    }

    /** The connector of Jetty's client: a connect for a {@link ConnectTag tagged} destination takes its timeout. */
    static class Connector extends ConnectTimeouts.Connector {
        @Override
        protected long timeoutOf(Map<String, Object> context) {
            if (!(context.get(Destination.CONTEXT_KEY) instanceof Destination destination)) {
                return 0;
            }
            Object tag = destination.getOrigin().getTag();
            return tag instanceof ConnectTag connect ? connect.millis()
                    : tag instanceof UpstreamTlsContexts.Tag tls ? tls.connectMillis()
                    : tag instanceof ExternalAuthConnections.Tag auth ? auth.connectMillis()
                    : tag instanceof GrpcUpstream.Tag grpc ? grpc.connectMillis() : 0;
        }
    }
}
