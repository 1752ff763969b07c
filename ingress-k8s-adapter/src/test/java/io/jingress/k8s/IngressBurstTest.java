package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jingress.k8s.internal.api.MockApiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class IngressBurstTest {

    private static final int INGRESSES = 1_000;

    /**
     * The mock API server takes several seconds to accept a thousand creates (6 to 16 s on a busy
     * 2-core machine, with pauses when the machine is busy), so the informers see a stream rather
     * than one instant. The quiet period and the longest delay are raised to 300 ms and 3 s here, with
     * the default least interval of 1 s between builds, so that the bound below holds even on such a
     * machine; the defaults (100 ms, 1 s, 1 s) give about one build per second of such a stream.
     */
    @Test
    void aThousandIngressesCreatedAtOnceLeadToAHandfulOfBuildsAndTheLastHasThemAll() throws Exception {
        try (MockApiServer api = MockApiServer.start()) {
            KubernetesClient kube = api.client();
            try (RoutedSource routed = new RoutedSource(api, AdapterOptions.defaults(),
                    b -> b.coalescing(Duration.ofMillis(300), Duration.ofSeconds(3), Duration.ofSeconds(1)))) {
                routed.awaitServing();
                long buildsBefore = routed.source.buildCount();

                long createStart = System.nanoTime();
                ExecutorService pool = Executors.newFixedThreadPool(8);
                try {
                    List<CompletableFuture<?>> creates = new ArrayList<>();
                    for (int i = 0; i < INGRESSES; i++) {
                        int n = i;
                        creates.add(CompletableFuture.runAsync(() -> kube.resource(
                                ingress("burst", "web-" + n, "jingress", "web-" + n + ".example.com", "web", 80)).create(),
                                pool));
                    }
                    CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).join();
                } finally {
                    pool.shutdown();
                }
                long createMillis = (System.nanoTime() - createStart) / 1_000_000;

                Await.until("all " + INGRESSES + " Ingresses are served", Duration.ofSeconds(30),
                        () -> routed.router.current().routes().size() == INGRESSES
                                && routed.source.buildCount() > buildsBefore,
                        () -> "(" + routed.router.current().routes().size() + " served)");
                long builds = routed.source.buildCount() - buildsBefore;
                assertTrue(builds >= 1 && builds <= 20, "builds for the burst: " + builds);
                assertTrue(IntStream.range(0, INGRESSES)
                        .allMatch(i -> ("burst/web-" + i).equals(routed.ingressFor("web-" + i + ".example.com"))));
                System.out.printf("burst of %d Ingresses created in %d ms: %d builds, last latency %s, max latency %s%n",
                        INGRESSES, createMillis, builds, routed.source.lastLatency().orElseThrow(),
                        routed.source.maxLatency().orElseThrow());
                assertEquals(INGRESSES, routed.router.current().routes().size());

                // one more change, alone: how long from the API server's answer to serving it
                long buildsAfterBurst = routed.source.buildCount();
                long createdAt = System.nanoTime();
                kube.resource(ingress("burst", "one-more", "jingress", "one-more.example.com", "web", 80)).create();
                Await.until("a single change is served", () -> "burst/one-more".equals(routed.ingressFor("one-more.example.com")));
                long servedAt = System.nanoTime();
                Await.until("its build is counted", () -> routed.source.buildCount() > buildsAfterBurst);
                System.out.printf("a single change: served %d ms after the create returned; source's own latency %s%n",
                        (servedAt - createdAt) / 1_000_000, routed.source.lastLatency().orElseThrow());
            }
        }
    }
}
