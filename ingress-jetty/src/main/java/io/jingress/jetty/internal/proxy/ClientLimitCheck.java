package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.RateLimit;
import io.jingress.core.route.Route;
import io.jingress.core.route.RoutePolicy;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Response;

/**
 * The per-client limits of a route's Ingress ({@code limit-rps}, {@code limit-rpm},
 * {@code limit-connections}): a client over one is answered 503, naming the limit, and no endpoint
 * is picked or contacted. The client is the address the proxy vouches for, as for the source
 * ranges ({@link ClientAccessCheck}); clients in {@code limit-allowlist} are not counted.
 *
 * <p>The counts of an Ingress live as long as its limits do: they are kept by Ingress and
 * {@link RateLimit} (value equality) across route table rebuilds, so a reload does not reset every
 * client's bucket, and dropped when a table no longer has them. A request finds them by its
 * route's policy in a map of the current table's policies: one identity lookup.
 *
 * <p>A request counted in progress is released when its exchange ends, whichever path carried it
 * and however it ended; an upgraded request (WebSocket) when its tunnel closes.
 */
final class ClientLimitCheck {
    private final Router router;
    private final LongSupplier clock;
    private final int capacity;
    private volatile Cache cache = new Cache(null, new IdentityHashMap<>());
    private volatile Map<Key, ClientLimits> byIngress = Map.of();

    ClientLimitCheck(Router router, LongSupplier clock, int capacity) {
        this.router = router;
        this.clock = clock;
        this.capacity = capacity;
    }

    /**
     * Whether the exchange's client is over a limit of its route's policy; if so the 503 is written
     * and the exchange completed. When it is not, a request in progress may be counted, which
     * {@link #release} ends.
     */
    boolean refused(Exchange exchange, RoutePolicy policy, Response proxyToClientResponse) {
        RateLimit limit = policy.rateLimit();
        if (limit.isNone()) {
            return false;
        }
        String client = exchange.clientAddress();
        if (client == null || limit.exempts(client)) {
            return false;
        }
        ClientLimits limits = limitsOf(exchange.route, policy);
        PlainResponses.Body refusal = limits.admit(client);
        if (refusal != null) {
            PlainResponses.write(proxyToClientResponse, exchange, ClientLimits.withStatus(refusal, exchange.serverSettings));
            return true;
        }
        if (limits.countsInProgress()) {
            exchange.heldLimits = limits;
        }
        return false;
    }

    /**
     * Ends the request in progress the exchange counted, if any; told once, when the exchange ends
     * with {@code status}. An upgrade (101) stays counted until its tunnel closes, as nginx holds
     * {@code limit_conn} for an upgraded connection.
     */
    static void release(Exchange exchange, int status) {
        ClientLimits limits = exchange.heldLimits;
        if (limits == null) {
            return;
        }
        exchange.heldLimits = null;
        String client = exchange.clientAddress();
        // The tunnel takes over the client's connection after this; a 101 whose write failed closed
        // that connection, and its tunnel will never open (nor close): released now.
        EndPoint endPoint = exchange.getConnectionMetaData().getConnection().getEndPoint();
        if (status == HttpStatus.SWITCHING_PROTOCOLS_101
                && exchange.getAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE) instanceof Connection tunnel
                && endPoint.isOpen()) {
            AtomicBoolean released = new AtomicBoolean();
            tunnel.addEventListener(new Connection.Listener() {
                @Override
                public void onClosed(Connection connection) {
                    if (released.compareAndSet(false, true)) {
                        limits.release(client);
                    }
                }
            });
            // closed between the check and the listener: its close may have gone by unheard
            if (!endPoint.isOpen() && released.compareAndSet(false, true)) {
                limits.release(client);
            }
            return;
        }
        limits.release(client);
    }

    /** The counts of the route's Ingress, for {@code policy} (its route's). */
    ClientLimits limitsOf(Route route, RoutePolicy policy) {
        ClientLimits limits = cache.byPolicy().get(policy);
        if (limits != null) {
            return limits;
        }
        limits = refresh().byPolicy().get(policy);
        if (limits != null) {
            return limits;
        }
        // a route of a table older than the current one: its Ingress's counts if they are still kept
        Key key = new Key(route.ingress(), policy.rateLimit());
        limits = byIngress.get(key);
        return limits != null ? limits : new ClientLimits(policy.rateLimit(), capacity, clock);
    }

    /** The cache for the router's current table, built if it is for another. */
    private synchronized Cache refresh() {
        RouteTable table = router.current();
        Cache known = cache;
        if (known.table() == table) {
            return known;
        }
        Map<Key, ClientLimits> kept = new HashMap<>();
        IdentityHashMap<RoutePolicy, ClientLimits> byPolicy = new IdentityHashMap<>();
        Map<Key, ClientLimits> before = byIngress;
        for (Route route : routesOf(table)) {
            RoutePolicy policy = route.policy();
            if (policy.rateLimit().isNone() || byPolicy.containsKey(policy)) {
                continue;
            }
            Key key = new Key(route.ingress(), policy.rateLimit());
            ClientLimits limits = kept.computeIfAbsent(key, k -> {
                ClientLimits old = before.get(k);
                return old != null ? old : new ClientLimits(k.limit(), capacity, clock);
            });
            byPolicy.put(policy, limits);
        }
        byIngress = Map.copyOf(kept);
        Cache fresh = new Cache(table, byPolicy);
        cache = fresh;
        return fresh;
    }

    private static List<Route> routesOf(RouteTable table) {
        List<Route> routes = new ArrayList<>(table.routes());
        routes.addAll(table.hostDefaultRoutes());
        if (table.defaultRoute() != null) {
            routes.add(table.defaultRoute());
        }
        return routes;
    }

    /** One Ingress's limits, by value: equal settings keep their counts. */
    private record Key(String ingress, RateLimit limit) {
    }

    /** The counts by policy object of one table; never changed once published. */
    private record Cache(RouteTable table, IdentityHashMap<RoutePolicy, ClientLimits> byPolicy) {
    }
}
