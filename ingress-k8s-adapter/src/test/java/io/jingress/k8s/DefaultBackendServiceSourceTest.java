package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static io.jingress.k8s.ApiObjects.service;
import static io.jingress.k8s.ApiObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.Router;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster mode and {@code --default-backend-service}: the Service and its EndpointSlices are watched
 * even outside the watched namespaces, and the requests no rule takes follow its endpoints live.
 */
class DefaultBackendServiceSourceTest {

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    private static KubernetesSource source(FreshApiServer cluster, Router router, AdapterOptions options) {
        RouteCompiler compiler = RouteCompiler.create(Balancers.create()).withDefaultBackendService("ingress/default-http-backend");
        return KubernetesSource.builder(RouteUpdater.builder().router(router).compiler(compiler).build())
                .config(cluster.api().config())
                .options(options)
                .coalescing(Duration.ofMillis(20), Duration.ofMillis(500))
                .build().start();
    }

    // where a request goes: the Service's namespace/name:port, or the NoMatch
    private static String target(Router router, String host, String path) {
        MatchResult result = router.current().match(host, path);
        return result instanceof Route route ? route.backend().key() : result.toString();
    }

    @Test
    void theServiceOutsideTheWatchedNamespacesTakesTheUnmatchedRequestsWhileItHasEndpoints() throws Exception {
        cluster.create(service("shop", "web", 80, 8080));
        cluster.create(slice("shop", "web", 8080, "10.0.0.1"));
        cluster.create(ingress("shop", "shop", null, "shop.example.com", "web", 80));
        cluster.create(service("ingress", "default-http-backend", 80, 8080));
        cluster.create(slice("ingress", "default-http-backend", 8080, "10.0.9.9"));
        cluster.create(service("ingress", "other", 80, 8080));  // in no watched namespace, named by nothing
        Router router = Router.create();
        AdapterOptions options = AdapterOptions.builder().watchIngressWithoutClass(true).watchNamespaces(Set.of("shop"))
                .defaultBackendService("ingress/default-http-backend").build();
        try (KubernetesSource source = source(cluster, router, options)) {
            assertTrue(source.awaitServing(Await.DEFAULT));
            Await.until("the default backend's endpoints", () -> "ingress/default-http-backend:80"
                    .equals(target(router, "unknown.example.com", "/")));
            assertEquals("shop/web:80", target(router, "shop.example.com", "/other"), "its Prefix / takes every path");
            assertEquals("10.0.9.9", router.current().defaultRoute().backend().endpoints().get(0).address());

            cluster.kube().discovery().v1().endpointSlices().inNamespace("ingress").withName("default-http-backend-abc").delete();
            Await.until("a 404 once it has no endpoint", () -> "NO_HOST".equals(target(router, "unknown.example.com", "/")));
            assertTrue(router.current().problems().stream().anyMatch(p -> p.object().equals("ingress/default-http-backend")
                    && p.message().contains("until it has a ready endpoint")), router.current().problems().toString());

            cluster.create(slice("ingress", "default-http-backend", 8080, "10.0.9.10"));
            Await.until("its new endpoint", () -> router.current().defaultRoute() != null
                    && router.current().defaultRoute().backend().endpoints().get(0).address().equals("10.0.9.10"));
            assertTrue(router.current().backends().stream().noneMatch(b -> b.key().startsWith("ingress/other")));
        }
    }
}
