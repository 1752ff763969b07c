package io.jingress.jetty.internal.admin;

import io.jingress.core.model.Problem;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin endpoints, served on their own port (default {@code 127.0.0.1:10254}). GET and HEAD
 * only (405 otherwise); any other path is 404.
 *
 * <ul>
 *   <li>{@code /healthz}: 200 {@code ok} once the router has a table, else 503.</li>
 *   <li>{@code /metrics}: Prometheus text format 0.0.4 (below).</li>
 *   <li>{@code /status}: nginx {@code stub_status} text, for scripts and exporters written for nginx:
 *       <pre>
 * Active connections: 2
 * server accepts handled requests
 *  16 16 31
 * Reading: 0 Writing: 1 Waiting: 1
 *       </pre>
 *       (each line but the second ends in a space, as in nginx). Reading counts HTTP/1 connections
 *       that have received part of a request head and wait for the rest (or for the short body
 *       the lean connection reads with its head).</li>
 *   <li>{@code /routes}: the live table as JSON (see {@link RoutesJson}): hosts and paths with their
 *       Ingress and backend, backends with status, reason, strategy and endpoints with their live
 *       statistics, the default backend, TLS hosts with their Secret's name, and the table's problems
 *       with the server's (TLS Secrets whose certificate or key does not load, or whose certificate
 *       has expired).</li>
 * </ul>
 *
 * <p>Metrics, all prefixed {@code jingress_}:
 * <ul>
 *   <li>{@code jingress_requests_total{ingress,service,method,status}} counter: requests answered by
 *       the proxy; {@code ingress} is {@code namespace/name} and {@code service}
 *       {@code namespace/service:port}, both empty when no rule matched; {@code method} is one of GET,
 *       HEAD, POST, PUT, DELETE, PATCH, OPTIONS, other; {@code status} one of 1xx..5xx.</li>
 *   <li>{@code jingress_grpc_calls_total{ingress,service,grpc_code}} counter: gRPC calls (routes whose
 *       Ingress asks {@code backend-protocol: GRPC} or {@code GRPCS}, HTTPRoutes to h2c ports) by the status their client saw
 *       ({@code OK}, {@code NOT_FOUND}, {@code UNAVAILABLE}, ...); present once there was one.</li>
 *   <li>{@code jingress_upstream_latency_seconds{service}} histogram (buckets 0.005 .. 10 s and +Inf,
 *       {@code _sum}, {@code _count}): upstream exchange time.</li>
 *   <li>{@code jingress_connections_active}, {@code jingress_connections_reading},
 *       {@code jingress_connections_writing}, {@code jingress_connections_waiting} gauges, and
 *       {@code jingress_connections_accepted_total}, {@code jingress_connections_handled_total},
 *       {@code jingress_client_requests_total} counters: the {@code /status} numbers.</li>
 *   <li>{@code jingress_route_table_loaded} gauge (1 once a table is served),
 *       {@code jingress_route_table_swaps_total} counter,
 *       {@code jingress_route_table_last_swap_timestamp_seconds} gauge (Unix time),
 *       {@code jingress_route_table_routes} gauge,
 *       {@code jingress_route_table_problems{severity}} gauge (error, warning).</li>
 *   <li>{@code jingress_backend_endpoints{service}} gauge (ready endpoints),
 *       {@code jingress_backend_endpoints_ejected{service}} gauge, and
 *       {@code jingress_endpoints_ejected} gauge (distinct endpoints ejected now).</li>
 *   <li>then the embedding application's own ({@link ExtraMetric}), such as the runtime's
 *       {@code jingress_kubernetes_*} in cluster mode.</li>
 * </ul>
 *
 * <pre>{@code
 * Server admin = new Server();
 * ServerConnector connector = new ServerConnector(admin);
 * connector.setHost("127.0.0.1");
 * connector.setPort(10254);
 * admin.addConnector(connector);
 * admin.setHandler(new AdminHandler(router, metrics));
 * admin.start();
 * }</pre>
 */
public final class AdminHandler extends Handler.Abstract {
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";

    private final Router router;
    private final ProxyMetrics metrics;
    private final Supplier<List<Problem>> servingProblems;
    private final Consumer<RouteTable> onSwap;
    private final List<ExtraMetric> extraMetrics;

    /**
     * @param router the router whose live table is reported (and whose first table makes
     *     {@code /healthz} healthy)
     * @param metrics the counters the proxy feeds
     */
    public AdminHandler(Router router, ProxyMetrics metrics) {
        this(router, metrics, List::of);
    }

    /**
     * @param router the router whose live table is reported (and whose first table makes
     *     {@code /healthz} healthy)
     * @param metrics the counters the proxy feeds
     * @param servingProblems what the server cannot serve of the live table (its TLS Secrets that
     *     do not load), reported with the table's problems
     */
    public AdminHandler(Router router, ProxyMetrics metrics, Supplier<List<Problem>> servingProblems) {
        this(router, metrics, servingProblems, List.of());
    }

    /**
     * @param router the router whose live table is reported (and whose first table makes
     *     {@code /healthz} healthy)
     * @param metrics the counters the proxy feeds
     * @param servingProblems what the server cannot serve of the live table (its TLS Secrets that
     *     do not load), reported with the table's problems
     * @param extraMetrics the embedding application's metrics, written after the proxy's
     */
    public AdminHandler(Router router, ProxyMetrics metrics, Supplier<List<Problem>> servingProblems,
            List<ExtraMetric> extraMetrics) {
        super(InvocationType.NON_BLOCKING);
        this.router = Objects.requireNonNull(router, "router");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.servingProblems = Objects.requireNonNull(servingProblems, "servingProblems");
        this.extraMetrics = List.copyOf(extraMetrics);
        this.onSwap = table -> metrics.forgetRoutes();
    }

    @Override
    protected void doStart() throws Exception {
        router.addListener(onSwap);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        router.removeListener(onSwap);
        super.doStop();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        boolean known = switch (path) {
            case "/healthz", "/metrics", "/status", "/routes" -> true;
            default -> false;
        };
        if (!known) {
            respond(response, callback, HttpStatus.NOT_FOUND_404, TEXT, "not found\n");
        } else if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
            // HEAD too, as every server must (RFC 9110 9.1): uptime checks and `curl -I` send it
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            respond(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, TEXT, "method not allowed\n");
        } else {
            switch (path) {
                case "/healthz" -> healthz(response, callback);
                case "/metrics" -> respond(response, callback, HttpStatus.OK_200, PrometheusText.CONTENT_TYPE, metrics());
                case "/status" -> respond(response, callback, HttpStatus.OK_200, TEXT, StatusPage.render(metrics));
                default -> respond(response, callback, HttpStatus.OK_200, JSON, RoutesJson.render(router, servingProblems.get()));
            }
        }
        return true;
    }

    private void healthz(Response response, Callback callback) {
        if (router.hasTable()) {
            respond(response, callback, HttpStatus.OK_200, TEXT, "ok");
        } else {
            respond(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, TEXT, "no configuration loaded yet");
        }
    }

    private String metrics() {
        PrometheusText text = new PrometheusText();
        TrafficMetrics.append(text, metrics);
        RouterMetrics.append(text, router, servingProblems.get());
        metrics.tcp().append(text);
        ExtraMetric.append(text, extraMetrics);
        return text.toString();
    }

    private static void respond(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, body, callback);
    }
}
