package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.AuthKeepalive;

import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.ConnectionPool;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.DuplexConnectionPool;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.transport.HttpDestination;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The connections to an auth service whose Ingress sets {@code auth-keepalive},
 * {@code auth-keepalive-requests} or {@code auth-keepalive-timeout} ({@link AuthKeepalive}). Jetty's
 * client pools connections per destination (origin and tag): such a call is {@link Tag tagged} with
 * its setting, so it has a pool of its own per auth host, port and setting, which
 * <ul>
 *   <li>keeps at most {@code auth-keepalive} connections idle, closing one released past that
 *       (0: each is closed after its call), as nginx's {@code keepalive};</li>
 *   <li>closes a connection after {@code auth-keepalive-requests} calls ({@code keepalive_requests});</li>
 *   <li>closes a connection idle for {@code auth-keepalive-timeout} seconds ({@code keepalive_timeout}).</li>
 * </ul>
 * What is not set is the proxy's own (as for endpoints: up to its connections per endpoint idle,
 * any number of calls, its upstream keepalive time).
 */
final class ExternalAuthConnections {
    private ExternalAuthConnections() {
    }

    /**
     * The tag of a call to an auth service with a keepalive setting: its connect timeout (0: the
     * server's, read by {@link UpstreamTimeouts.Connector}), its TLS client side (null for
     * {@code http://}) and the setting.
     */
    record Tag(long connectMillis, SslContextFactory.Client tls, AuthKeepalive keepalive) {
    }

    /** The destination of a {@link Tag tagged} origin: its TLS client side, its own pool. */
    static HttpDestination destination(HttpClient client, Origin origin, Tag tag) {
        return new HttpDestination(client, origin) {
            @Override
            public SslContextFactory.Client resolveSslContextFactory() {
                return tag.tls() != null ? tag.tls() : super.resolveSslContextFactory();
            }

            @Override
            protected ConnectionPool newConnectionPool(HttpClient httpClient) {
                return new Pool(this, httpClient.getMaxConnectionsPerDestination(), tag.keepalive());
            }
        };
    }

    private static final class Pool extends DuplexConnectionPool {
        private final AuthKeepalive keepalive;

        Pool(Destination destination, int maxConnections, AuthKeepalive keepalive) {
            super(destination, maxConnections);
            this.keepalive = keepalive;
            if (keepalive.requestsPerConnection() > 0) {
                setMaxUsage(keepalive.requestsPerConnection());
            }
        }

        @Override
        protected void onCreated(Connection connection) {
            super.onCreated(connection);
            if (keepalive.idleTimeoutSeconds() > 0 && connection instanceof org.eclipse.jetty.io.Connection io) {
                // between calls; a call sets its own (the read timeout) and puts this one back after it
                io.getEndPoint().setIdleTimeout(keepalive.idleTimeoutSeconds() * 1000L);
            }
        }

        @Override
        public boolean release(Connection connection) {
            if (keepalive.idleConnections() >= 0 && getIdleConnectionCount() >= keepalive.idleConnections()) {
                return false;  // not kept: the destination closes it
            }
            return super.release(connection);
        }
    }
}
