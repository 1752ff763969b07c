package io.jingress.k8s;

import io.jingress.core.route.MatchResult;
import io.jingress.core.route.Route;
import io.jingress.core.route.Router;
import io.jingress.k8s.internal.api.MockApiServer;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A {@link KubernetesSource} on the mock API server, feeding a real {@link Router}. */
final class RoutedSource implements AutoCloseable {

    final Router router = Router.create();
    final KubernetesSource source;

    RoutedSource(MockApiServer api, AdapterOptions options, UnaryOperator<KubernetesSource.Builder> customize) {
        KubernetesSource.Builder builder = KubernetesSource.builder(RouteUpdater.create(router))
                .config(api.config())
                .options(options)
                .coalescing(Duration.ofMillis(20), Duration.ofMillis(500))
                .leaseTimings(Duration.ofMillis(1500), Duration.ofMillis(1000), Duration.ofMillis(100))
                .writeRetry(Duration.ofMillis(200));
        this.source = customize.apply(builder).build().start();
    }

    /**
     * One of several replicas, named {@code identity}, whose lease lasts 15 s: the test's leader
     * keeps leading on a loaded machine, where the default 1.5 s can lapse in one long pause and let
     * both replicas lead for a moment. A replica that closes releases its lease (for 1 s), so the
     * other still takes over within about a second.
     */
    static UnaryOperator<KubernetesSource.Builder> replica(String identity) {
        return b -> b.identity(identity).leaseTimings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMillis(100));
    }

    RoutedSource(MockApiServer api, AdapterOptions options) {
        this(api, options, b -> b);
    }

    /** The {@code namespace/name} of the Ingress that {@code GET http://host/} goes to, or null. */
    String ingressFor(String host) {
        MatchResult result = router.current().match(host, "/");
        return result instanceof Route route ? route.ingress() : null;
    }

    /** Where {@code GET http://host/} goes, as {@code ingress -> backend [status] endpoints}, or null. */
    String describe(String host) {
        MatchResult result = router.current().match(host, "/");
        if (!(result instanceof Route route)) {
            return null;
        }
        return route.ingress() + " -> " + route.backend().key() + " " + route.backend().status() + " "
                + route.backend().endpoints().stream().map(e -> e.id()).sorted().toList();
    }

    void awaitServing() throws InterruptedException {
        if (!source.awaitServing(Await.DEFAULT)) {
            throw new AssertionError("source did not serve within " + Await.DEFAULT);
        }
    }

    @Override
    public void close() {
        source.close();
    }
}
