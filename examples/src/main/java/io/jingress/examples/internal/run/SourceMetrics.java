package io.jingress.examples.internal.run;

import io.jingress.examples.internal.cli.Mode;
import io.jingress.jetty.IngressServer;
import io.jingress.k8s.KubernetesSource;
import io.jingress.k8s.ManifestSource;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The admin port's metrics of the source of routes, which the proxy cannot see: in cluster mode
 * whether the API server's watches are open (while not, the last table keeps serving, and
 * nothing else tells), leadership, builds, change latency and status writes; in file mode the
 * reloads. The sources start after the server is built, hence the references; before, a gauge has
 * no sample.
 */
final class SourceMetrics {
    private SourceMetrics() {
    }

    static void register(IngressServer.Builder server, Mode mode, AtomicReference<KubernetesSource> cluster,
            AtomicReference<ManifestSource> files) {
        if (mode == Mode.CLUSTER) {
            server.adminGauge("jingress_kubernetes_synced", "1 once every informer has listed its objects, else 0.",
                    read(cluster, source -> source.isSynced() ? 1 : 0));
            server.adminGauge("jingress_kubernetes_watching",
                    "1 while every informer is synced and its watch is open; 0 while the API server cannot be reached"
                            + " or a watch reconnects (the last route table keeps serving).",
                    read(cluster, source -> source.isWatching() ? 1 : 0));
            server.adminGauge("jingress_kubernetes_leader",
                    "1 while this replica holds the Lease and writes Ingress status (always 1 without leader election).",
                    read(cluster, source -> source.isLeader() ? 1 : 0));
            server.adminCounter("jingress_kubernetes_builds_total", "States built from the API and handed to the router.",
                    () -> cluster.get() == null ? 0 : cluster.get().buildCount());
            server.adminGauge("jingress_kubernetes_change_latency_seconds",
                    "For the last state built after the first: from its first API event to the table being served.",
                    read(cluster, source -> seconds(source.lastLatency())));
            server.adminGauge("jingress_kubernetes_change_latency_max_seconds", "The longest change latency so far.",
                    read(cluster, source -> seconds(source.maxLatency())));
            server.adminCounter("jingress_kubernetes_status_writes_total", "Ingress statuses this replica wrote.",
                    () -> cluster.get() == null ? 0 : cluster.get().statusWrites());
        } else {
            server.adminCounter("jingress_manifests_reloads_total", "Times the manifest files were read, the first included.",
                    () -> files.get() == null ? 0 : files.get().reloadCount());
        }
    }

    private static <T> DoubleSupplier read(AtomicReference<T> source, ToDoubleFunction<T> value) {
        return () -> {
            T current = source.get();
            return current == null ? Double.NaN : value.applyAsDouble(current);
        };
    }

    private static double seconds(Optional<Duration> duration) {
        return duration.map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }
}
