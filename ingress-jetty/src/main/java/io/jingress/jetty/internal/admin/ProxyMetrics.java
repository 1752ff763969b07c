package io.jingress.jetty.internal.admin;

import io.jingress.core.route.Backend;
import io.jingress.core.route.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.Connection;

/**
 * The proxy's live counters, read by {@link AdminHandler} for {@code /metrics} and {@code /status}.
 * Lock-free: every counter is a {@link LongAdder}, and a request of a route seen before allocates
 * nothing (its label set is looked up by the route's identity).
 *
 * <pre>{@code
 * ProxyMetrics metrics = new ProxyMetrics();
 * connector.addBean(metrics.connectionListener());
 * // per request, in the proxy:
 * metrics.onRequestBegin();
 * ...
 * metrics.onRequest(route, request.getMethod(), response.getStatus(), upstreamNanos);
 * metrics.onRequestEnd();
 * }</pre>
 */
public final class ProxyMetrics {
    /**
     * Routes are cached by identity and every table swap brings new instances. {@link AdminHandler}
     * clears the cache on each swap; without one, the cache is cleared past this many routes, so
     * old tables do not pile up either way. The counters themselves live on in the label sets.
     */
    private static final int MAX_CACHED_ROUTES = 10_000;

    private final ConcurrentMap<Route, RequestCounters> countersByRoute = new ConcurrentHashMap<>();
    /** The counters of the requests a route's canary took, by route (a route has one canary). */
    private final ConcurrentMap<Route, RequestCounters> canaryCountersByRoute = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LatencyHistogram> latencyByService = new ConcurrentHashMap<>();
    private final ConcurrentMap<LabelKey, RequestCounters> countersByLabels = new ConcurrentHashMap<>();
    private final RequestCounters unmatched = new RequestCounters("", "", null);
    private final ConnectionCounter connections = new ConnectionCounter();
    private final LongAdder clientRequests = new LongAdder();
    private final LongAdder inProgress = new LongAdder();
    private final LongAdder mirrorDropped = new LongAdder();
    /** gRPC calls by (ingress, service, code); a call is counted once, at its end. */
    private final ConcurrentMap<GrpcKey, LongAdder> grpcCalls = new ConcurrentHashMap<>();
    private final TcpMetrics tcp = new TcpMetrics();
    private final LongAdder[] tunnels = {new LongAdder(), new LongAdder(), new LongAdder()};  // by TUNNEL_STATUSES
    private final LongAdder tunnelBytesToClient = new LongAdder();
    private final LongAdder tunnelBytesFromClient = new LongAdder();
    private volatile LongSupplier refusedConnections = () -> 0;

    /** Metrics with every counter at zero. */
    public ProxyMetrics() {
        countersByLabels.put(new LabelKey("", ""), unmatched);
    }

    /**
     * Counts one answered request.
     *
     * @param route the matched route (a default backend's included), or {@code null} when nothing matched
     * @param method the request method; methods other than GET, HEAD, POST, PUT, DELETE, PATCH and
     *     OPTIONS count as {@code other}
     * @param status the status sent to the client
     * @param upstreamNanos how long the upstream exchange took, or a negative number when there was none
     */
    public void onRequest(Route route, String method, int status, long upstreamNanos) {
        RequestCounters counters = route == null ? unmatched : countersByRoute.get(route);
        if (counters == null) {
            counters = countersOf(route);
        }
        counters.record(method, status, upstreamNanos);
    }

    /**
     * Counts one answered request of {@code route} that went to {@code backend}: its service label
     * is the backend's, the canary's for a request the route's canary took.
     *
     * @param backend the backend used, or {@code null} (none was chosen): the route's
     */
    public void onRequest(Route route, Backend backend, String method, int status, long upstreamNanos) {
        if (route == null || backend == null || backend == route.backend()) {
            onRequest(route, method, status, upstreamNanos);
            return;
        }
        if (route.split() != null) {
            // an HTTPRoute's weighted backendRefs: more than one other backend per route, so none is cached by route
            counters(route.ingress(), backend.key()).record(method, status, upstreamNanos);
            return;
        }
        RequestCounters counters = canaryCountersByRoute.get(route);
        if (counters == null) {
            if (canaryCountersByRoute.size() >= MAX_CACHED_ROUTES) {
                canaryCountersByRoute.clear();
            }
            counters = counters(route.ingress(), backend.key());
            canaryCountersByRoute.put(route, counters);
        }
        counters.record(method, status, upstreamNanos);
    }

    private RequestCounters countersOf(Route route) {
        if (countersByRoute.size() >= MAX_CACHED_ROUTES) {
            countersByRoute.clear();
        }
        RequestCounters counters = counters(route.ingress(), route.backend().key());
        countersByRoute.put(route, counters);
        return counters;
    }

    /** Drops the route cache (not the counts); called when a new table replaces the routes. */
    void forgetRoutes() {
        countersByRoute.clear();
        canaryCountersByRoute.clear();
    }

    /**
     * The listener to add to every client-facing connector ({@code connector.addBean(listener)}):
     * counts accepted and active connections.
     */
    public Connection.Listener connectionListener() {
        return connections;
    }

    /** A client request starts being processed (it counts as "writing" in {@code /status}). */
    public void onRequestBegin() {
        clientRequests.increment();
        inProgress.increment();
    }

    /** A request started with {@link #onRequestBegin()} has ended. */
    public void onRequestEnd() {
        inProgress.decrement();
    }

    /** Connections open now. */
    public long activeConnections() {
        return connections.active();
    }

    /** Where the connections refused at the server's connection limit are counted (none by default). */
    public void refusedConnectionsFrom(LongSupplier refused) {
        this.refusedConnections = refused;
    }

    /** Connections accepted since start, those then refused at the connection limit included. */
    public long acceptedConnections() {
        return connections.accepted() + refusedConnections.getAsLong();
    }

    /**
     * Connections handled since start: the accepted ones but those refused at the connection limit,
     * as nginx counts them.
     */
    public long handledConnections() {
        return connections.accepted();
    }

    /** Counts a copy of a request that was not sent to its mirror ({@code mirror-target}): too many in flight. */
    public void onMirrorDropped() {
        mirrorDropped.increment();
    }

    /** Copies of requests not sent to their mirror since start. */
    public long mirrorDropped() {
        return mirrorDropped.sum();
    }

    /**
     * Counts one gRPC call of {@code route} (a route whose Ingress asks {@code backend-protocol: GRPC}
     * or {@code GRPCS}, or an HTTPRoute rule to h2c ports) that went to {@code backend} (null: none was chosen, the route's) and ended
     * with {@code code}, the status its client sees ({@code OK}, {@code UNAVAILABLE}, ...): HTTP
     * statuses say little of such calls, whose failures mostly come in a 200.
     */
    public void onGrpcCall(Route route, Backend backend, String code) {
        String service = (backend != null ? backend : route.backend()).key();
        grpcCalls.computeIfAbsent(new GrpcKey(route.ingress(), service, code), key -> new LongAdder()).increment();
    }

    /** The gRPC call counts, sorted by ingress, service, then code. */
    Map<GrpcKey, Long> grpcCalls() {
        Map<GrpcKey, Long> sorted = new TreeMap<>(Comparator.comparing(GrpcKey::ingress).thenComparing(GrpcKey::service)
                .thenComparing(GrpcKey::code));
        grpcCalls.forEach((key, count) -> sorted.put(key, count.sum()));
        return sorted;
    }

    /** The labels of a gRPC call count. */
    record GrpcKey(String ingress, String service, String code) {
    }

    /** The counts of the TCP services' connections. */
    public TcpMetrics tcp() {
        return tcp;
    }

    /** The statuses an {@code ssl-passthrough} tunnel ends with (see {@code AccessLog.logTunnel}). */
    static final int[] TUNNEL_STATUSES = {200, 502, 503};

    /** Counts one {@code ssl-passthrough} tunnel that ended with {@code status} (200, 502 or 503), and its bytes. */
    public void onTunnel(int status, long bytesToClient, long bytesFromClient) {
        tunnels[status == 200 ? 0 : status == 502 ? 1 : 2].increment();
        tunnelBytesToClient.add(bytesToClient);
        tunnelBytesFromClient.add(bytesFromClient);
    }

    /** The {@code ssl-passthrough} tunnels ended since start with {@code status} (one of {@link #TUNNEL_STATUSES}). */
    long tunnels(int status) {
        return tunnels[status == 200 ? 0 : status == 502 ? 1 : 2].sum();
    }

    /** Bytes the ended {@code ssl-passthrough} tunnels relayed to their clients ({@code toClient}) or from them. */
    long tunnelBytes(boolean toClient) {
        return (toClient ? tunnelBytesToClient : tunnelBytesFromClient).sum();
    }

    /** Client requests begun since start ({@code requests} in {@code /status}). */
    public long clientRequests() {
        return clientRequests.sum();
    }

    /**
     * Connections that have received part of a request head and wait for the rest (nginx's
     * "Reading"; also a lean connection waiting for the short body it reads with the head): HTTP/1
     * connections, over TLS too; a slow or stalled client shows here. Counted
     * when asked, by looking at each open connection.
     */
    public long readingConnections() {
        return connections.reading();
    }

    /** Requests being processed now (begun and not ended). */
    public long writingConnections() {
        return Math.max(0, inProgress.sum());
    }

    /**
     * Open connections without a request in progress (keep-alive). With HTTP/2 several requests
     * share a connection, so this is never below zero but may undercount.
     */
    public long waitingConnections() {
        return Math.max(0, activeConnections() - readingConnections() - writingConnections());
    }

    /** The interned counters of one label pair; the slow path, taken once per route. */
    private RequestCounters counters(String ingress, String service) {
        return countersByLabels.computeIfAbsent(new LabelKey(ingress, service),
                key -> new RequestCounters(ingress, service,
                        latencyByService.computeIfAbsent(service, s -> new LatencyHistogram())));
    }

    /** Every label pair seen so far, sorted by ingress then service. */
    List<RequestCounters> requestCounters() {
        List<RequestCounters> all = new ArrayList<>(countersByLabels.values());
        all.sort(Comparator.comparing(RequestCounters::ingress).thenComparing(RequestCounters::service));
        return all;
    }

    /** Every service's histogram, sorted by service. */
    Map<String, LatencyHistogram> latencies() {
        return new TreeMap<>(latencyByService);
    }

    private record LabelKey(String ingress, String service) {
    }
}
