package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.Backend;
import io.jingress.core.route.ProxySsl;
import io.jingress.core.route.RoutePolicy;
import io.jingress.jetty.internal.tls.UpstreamClientTls;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.client.transport.HttpDestination;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS client sides of the routes whose Ingress sets {@code proxy-ssl-*} ({@link RoutePolicy#proxySsl()})
 * and of the backends a BackendTLSPolicy applies to ({@link Backend#tls()}), one per setting, name checked and connect timeout, kept across table rebuilds (a {@link ProxySsl}
 * is equal by content). Jetty's client pools connections per destination, that is per origin and
 * tag: a request of such a route is {@link Tag tagged} with its client side, so its connections are
 * never shared with another setting's (or with the untagged, unverified ones) to the same endpoint,
 * and {@link #transport} makes that destination's connections with it. The upgrade tunnel takes the
 * same client side ({@link #clientSide}).
 */
final class UpstreamTlsContexts {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamTlsContexts.class);
    /** Distinct settings seldom number more than the Ingresses; past this the cache starts over. */
    private static final int MAX_CACHED = 1024;

    private final ConcurrentMap<Key, Object> byKey = new ConcurrentHashMap<>();

    /**
     * The tag of a Jetty client request to an endpoint over TLS whose route sets {@code proxy-ssl-*}:
     * its TLS client side, and its connect timeout (0: the server's), which
     * {@link UpstreamTimeouts.Connector} reads as it reads {@link UpstreamTimeouts.ConnectTag}.
     */
    record Tag(long connectMillis, SslContextFactory.Client tls) {
    }

    private record Key(ProxySsl ssl, String namespace, String service, long connectMillis) {
    }

    private record Failure(String message) {
    }

    /**
     * Whether the exchange, about to go to its endpoint over TLS with a setting ({@code proxy-ssl-*},
     * or its backend's BackendTLSPolicy; {@link UpstreamTls#setting}), may not: the setting refuses
     * ({@link ProxySsl#refusal()}), or its client certificate or CA cannot be used; then the 502
     * saying so is written and nothing is sent. Its backend must be chosen.
     */
    boolean refused(Exchange exchange, Response proxyToClientResponse) {
        ProxySsl ssl = UpstreamTls.setting(exchange);
        if (ssl == null) {
            return false;
        }
        String why = ssl.refusal();
        if (why == null) {
            Object found = lookup(ssl, exchange.backend, exchange.route.policy().connectTimeoutMillis());
            if (found instanceof Failure failure) {
                why = failure.message();
            }
        }
        if (why == null) {
            return false;
        }
        String asker = ssl.policy() != null ? "BackendTLSPolicy " + ssl.policy() + " asks" : "this route's Ingress asks";
        PlainResponses.write(proxyToClientResponse, exchange, new PlainResponses.Body(HttpStatus.BAD_GATEWAY_502,
                "502 Bad Gateway: " + asker + " for TLS to its endpoints that cannot be done: " + why
                        + "; nothing is sent\n"));
        return true;
    }

    /** The tag of a request to the exchange's endpoint over TLS; null when it has no TLS setting ({@link UpstreamTls#setting}). */
    Tag tag(Exchange exchange) {
        ProxySsl ssl = UpstreamTls.setting(exchange);
        if (ssl == null || ssl.refusal() != null) {
            return null;
        }
        return lookup(ssl, exchange.backend, exchange.route.policy().connectTimeoutMillis()) instanceof Tag tag ? tag : null;
    }

    /** The client side for a tunnel to the exchange's endpoint over TLS: its setting's, else {@code unverified}. */
    SslContextFactory.Client clientSide(Exchange exchange, SslContextFactory.Client unverified) {
        Tag tag = tag(exchange);
        return tag != null ? tag.tls() : unverified;
    }

    /**
     * The tag of a request over TLS with {@code ssl} to an endpoint of {@code backend} (an auth
     * service's, say): a {@link Tag}, or a String saying why its CA or client certificate cannot be used.
     */
    Object tagFor(ProxySsl ssl, Backend backend, long connectMillis) {
        if (ssl.refusal() != null) {
            return ssl.refusal();
        }
        Object found = lookup(ssl, backend, connectMillis);
        return found instanceof Failure failure ? failure.message() : found;
    }

    private Object lookup(ProxySsl ssl, Backend backend, long connectMillis) {
        Key key = new Key(ssl, backend.namespace(), backend.serviceName(), connectMillis);
        Object found = byKey.get(key);
        if (found == null) {
            if (byKey.size() >= MAX_CACHED) {
                byKey.clear();
            }
            String peerName = ssl.nameFor(backend.namespace(), backend.serviceName());
            try {
                found = new Tag(connectMillis, UpstreamClientTls.start(ssl, peerName));
            } catch (IllegalArgumentException e) {
                LOG.warn("Service {}/{}: {}", backend.namespace(), backend.serviceName(), e.getMessage());
                found = new Failure(e.getMessage());
            }
            Object raced = byKey.putIfAbsent(key, found);
            if (raced != null) {
                found = raced;
            }
        }
        return found;
    }

    /**
     * The transport of the proxy's Jetty client: a {@link Tag tagged} destination connects with its
     * tag's TLS client side; every connection is a {@link CheckedReuseConnection}.
     */
    static HttpClientTransportOverHTTP transport(ClientConnector connector) {
        return new HttpClientTransportOverHTTP(connector) {
            @Override
            public Connection newConnection(EndPoint endPoint, Map<String, Object> context) {
                // as HttpClientConnectionFactory makes its connections
                CheckedReuseConnection connection = new CheckedReuseConnection(endPoint, context);
                connection.setInitialize(isInitializeConnections());
                connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
                return customize(connection, context);
            }

            @Override
            public Destination newDestination(Origin origin) {
                HttpClient client = getHttpClient();
                if (origin.getTag() instanceof ExternalAuthConnections.Tag auth) {
                    return ExternalAuthConnections.destination(client, origin, auth);
                }
                if (!(origin.getTag() instanceof Tag tag)) {
                    return super.newDestination(origin);
                }
                return new HttpDestination(client, origin) {
                    @Override
                    public SslContextFactory.Client resolveSslContextFactory() {
                        return tag.tls();
                    }
                };
            }
        };
    }
}
