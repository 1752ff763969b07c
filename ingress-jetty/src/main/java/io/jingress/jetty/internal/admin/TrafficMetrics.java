package io.jingress.jetty.internal.admin;

import java.util.Map;

/** The {@code /metrics} families read from {@link ProxyMetrics}: requests, latency, connections. */
final class TrafficMetrics {
    private TrafficMetrics() {
    }

    static void append(PrometheusText text, ProxyMetrics metrics) {
        text.metric("jingress_requests_total", "counter",
                "Requests answered by the proxy, by Ingress (namespace/name, empty when no rule matched), "
                        + "backend service (namespace/service:port), method and status class.");
        for (RequestCounters counters : metrics.requestCounters()) {
            for (int m = 0; m < RequestCounters.METHODS.length; m++) {
                for (int s = 0; s < RequestCounters.STATUS_CLASSES.length; s++) {
                    long count = counters.count(m, s);
                    if (count > 0) {
                        text.sample("jingress_requests_total", count,
                                "ingress", counters.ingress(), "service", counters.service(),
                                "method", RequestCounters.METHODS[m], "status", RequestCounters.STATUS_CLASSES[s]);
                    }
                }
            }
        }

        Map<ProxyMetrics.GrpcKey, Long> grpcCalls = metrics.grpcCalls();
        if (!grpcCalls.isEmpty()) {
            text.metric("jingress_grpc_calls_total", "counter",
                    "gRPC calls (backend-protocol GRPC or GRPCS, an HTTPRoute to h2c ports, or a GRPCRoute), by Ingress,"
                            + " backend service"
                            + " and the status"
                            + " their client saw: the endpoint's grpc-status, else the one inferred from the HTTP status.");
            grpcCalls.forEach((key, count) -> text.sample("jingress_grpc_calls_total", count,
                    "ingress", key.ingress(), "service", key.service(), "grpc_code", key.code()));
        }

        text.metric("jingress_upstream_latency_seconds", "histogram",
                "Time from sending a request upstream to the end of the upstream response, by backend service.");
        for (Map.Entry<String, LatencyHistogram> entry : metrics.latencies().entrySet()) {
            LatencyHistogram.Snapshot snapshot = entry.getValue().snapshot();
            if (snapshot.count() == 0) {
                continue;
            }
            String service = entry.getKey();
            long[] cumulative = snapshot.cumulativeCounts();
            for (int i = 0; i < cumulative.length; i++) {
                text.sample("jingress_upstream_latency_seconds_bucket", cumulative[i],
                        "service", service, "le", LatencyHistogram.BUCKET_LABELS[i]);
            }
            text.sample("jingress_upstream_latency_seconds_sum", snapshot.sumSeconds(), "service", service);
            text.sample("jingress_upstream_latency_seconds_count", snapshot.count(), "service", service);
        }

        long active = metrics.activeConnections();
        long reading = metrics.readingConnections();
        long writing = metrics.writingConnections();
        text.metric("jingress_connections_active", "gauge", "Client connections open now.")
                .sample("jingress_connections_active", active);
        text.metric("jingress_connections_reading", "gauge",
                        "Connections that have received part of a request head (or of a short body read with it) and wait for the rest.")
                .sample("jingress_connections_reading", reading);
        text.metric("jingress_connections_writing", "gauge", "Requests being processed now.")
                .sample("jingress_connections_writing", writing);
        text.metric("jingress_connections_waiting", "gauge", "Open client connections without a request in progress.")
                .sample("jingress_connections_waiting", Math.max(0, active - reading - writing));
        text.metric("jingress_connections_accepted_total", "counter", "Client connections accepted.")
                .sample("jingress_connections_accepted_total", metrics.acceptedConnections());
        text.metric("jingress_connections_handled_total", "counter", "Client connections handled.")
                .sample("jingress_connections_handled_total", metrics.handledConnections());
        text.metric("jingress_client_requests_total", "counter",
                        "Client requests received, including those answered before routing.")
                .sample("jingress_client_requests_total", metrics.clientRequests());
        text.metric("jingress_mirror_dropped_total", "counter",
                        "Copies of requests not sent to their mirror-target: too many in flight, or not sendable.")
                .sample("jingress_mirror_dropped_total", metrics.mirrorDropped());
        text.metric("jingress_ssl_passthrough_tunnels_total", "counter",
                "ssl-passthrough TLS connections ended, by status: 200 relayed, 502 no endpoint could be connected to,"
                        + " 503 the backend had no endpoint.");
        for (int status : ProxyMetrics.TUNNEL_STATUSES) {
            text.sample("jingress_ssl_passthrough_tunnels_total", metrics.tunnels(status), "status", Integer.toString(status));
        }
        text.metric("jingress_ssl_passthrough_bytes_total", "counter",
                "Bytes the ended ssl-passthrough connections relayed, by direction.");
        text.sample("jingress_ssl_passthrough_bytes_total", metrics.tunnelBytes(true), "direction", "to_client");
        text.sample("jingress_ssl_passthrough_bytes_total", metrics.tunnelBytes(false), "direction", "from_client");
    }
}
