package io.jingress.jetty.internal.admin;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.model.Problem;
import io.jingress.core.route.Backend;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The {@code /metrics} families read from the {@link Router} and its live table. */
final class RouterMetrics {
    private RouterMetrics() {
    }

    static void append(PrometheusText text, Router router, List<Problem> servingProblems) {
        RouteTable table = router.current();
        text.metric("jingress_route_table_loaded", "gauge",
                        "1 once a route table has been loaded and is being served, else 0.")
                .sample("jingress_route_table_loaded", router.hasTable() ? 1 : 0);
        text.metric("jingress_route_table_swaps_total", "counter", "Route tables swapped in since start.")
                .sample("jingress_route_table_swaps_total", router.swapCount());
        text.metric("jingress_route_table_last_swap_timestamp_seconds", "gauge",
                "Unix time of the last route table swap; absent before the first.");
        Instant lastSwap = router.lastSwap();
        if (lastSwap != null) {
            text.sample("jingress_route_table_last_swap_timestamp_seconds", lastSwap.toEpochMilli() / 1000.0);
        }
        text.metric("jingress_route_table_routes", "gauge", "Routes (host, path) in the live table, default backends included.")
                .sample("jingress_route_table_routes", table.routes().size());

        long errors = 0;
        long warnings = 0;
        for (Problem problem : RoutesJson.problems(table, servingProblems)) {
            if (problem.severity() == Problem.Severity.ERROR) {
                errors++;
            } else {
                warnings++;
            }
        }
        text.metric("jingress_route_table_problems", "gauge",
                        "Problems of the live table: rejected objects and unreadable manifest files (error), "
                                + "lost conflicts, backends and TLS Secrets that cannot serve (warning). /routes lists them.")
                .sample("jingress_route_table_problems", errors, "severity", "error")
                .sample("jingress_route_table_problems", warnings, "severity", "warning");

        List<Backend> backends = table.backends();
        text.metric("jingress_backend_endpoints", "gauge", "Ready endpoints of each backend service in the live table.");
        for (Backend backend : backends) {
            text.sample("jingress_backend_endpoints", backend.endpoints().size(), "service", backend.key());
        }
        text.metric("jingress_backend_endpoints_ejected", "gauge",
                "Endpoints of each backend service ejected now by passive health checking.");
        Set<Endpoint> ejected = new HashSet<>();
        for (Backend backend : backends) {
            long count = 0;
            for (Endpoint endpoint : backend.endpoints()) {
                if (endpoint.isEjected()) {
                    count++;
                    ejected.add(endpoint);
                }
            }
            text.sample("jingress_backend_endpoints_ejected", count, "service", backend.key());
        }
        text.metric("jingress_endpoints_ejected", "gauge",
                        "Distinct endpoints of the live table ejected now by passive health checking.")
                .sample("jingress_endpoints_ejected", ejected.size());
    }
}
