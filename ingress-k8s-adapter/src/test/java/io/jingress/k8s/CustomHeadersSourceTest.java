package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static io.jingress.k8s.ApiObjects.service;
import static io.jingress.k8s.ApiObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.jingress.core.lb.Balancers;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.ResponseHeaders;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.Router;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster mode: the ConfigMap an Ingress's {@code custom-headers} names is watched, and creating,
 * changing or deleting it changes the headers of the next table without touching the Ingress.
 */
class CustomHeadersSourceTest {

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    private static ConfigMap headers(String namespace, String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withData(data).build();
    }

    private static Map<String, String> headersOf(Router router) {
        MatchResult result = router.current().match("shop.example.com", "/");
        ResponseHeaders headers = result instanceof Route route ? route.policy().responseHeaders() : null;
        return headers == null ? Map.of() : headers.headers();
    }

    private static KubernetesSource source(FreshApiServer cluster, Router router) {
        RouteCompiler compiler = RouteCompiler.create(Balancers.create())
                .withAllowedResponseHeaders(List.of("X-Frame-Options", "X-Team"));
        return KubernetesSource.builder(RouteUpdater.builder().router(router).compiler(compiler).build())
                .config(cluster.api().config())
                .options(AdapterOptions.defaults())
                .coalescing(java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(500))
                .build().start();
    }

    private void createShop() {
        cluster.create(new IngressBuilder(ingress("shop", "web", "jingress", "shop.example.com", "web", 80))
                .editMetadata().addToAnnotations("nginx.ingress.kubernetes.io/custom-headers", "shop/headers").endMetadata()
                .build());
        cluster.create(service("shop", "web", 80, 8080));
        cluster.create(slice("shop", "web", 8080, "10.0.0.1"));
    }

    @Test
    void theConfigMapNamedAtStartIsInTheFirstTable() throws Exception {
        createShop();
        cluster.create(headers("shop", "headers", Map.of("X-Frame-Options", "DENY")));
        Router router = Router.create();
        try (KubernetesSource source = source(cluster, router)) {
            assertTrue(source.awaitServing(Await.DEFAULT));

            assertEquals(Map.of("X-Frame-Options", "DENY"), headersOf(router), router.current().problems().toString());
        }
    }

    @Test
    void creatingChangingAndDeletingTheConfigMapChangesTheHeadersWithoutTouchingTheIngress() throws Exception {
        createShop();
        cluster.create(headers("shop", "other", Map.of("X-Team", "not named")));
        Router router = Router.create();
        try (KubernetesSource source = source(cluster, router)) {
            assertTrue(source.awaitServing(Await.DEFAULT));
            Await.until("the missing ConfigMap is reported", () -> router.current().problems().stream()
                    .anyMatch(p -> p.object().equals("shop/web") && p.message().contains("ConfigMap shop/headers, which does not exist")));
            assertEquals(Map.of(), headersOf(router));

            cluster.create(headers("shop", "headers", Map.of("X-Frame-Options", "DENY")));
            Await.until("the created ConfigMap's header", () -> headersOf(router).equals(Map.of("X-Frame-Options", "DENY")));

            cluster.kube().configMaps().inNamespace("shop").withName("headers")
                    .edit(c -> headers("shop", "headers", Map.of("X-Team", "shop")));
            Await.until("the changed ConfigMap's header", () -> headersOf(router).equals(Map.of("X-Team", "shop")));

            cluster.kube().configMaps().inNamespace("shop").withName("headers").delete();
            Await.until("no header once it is deleted", () -> headersOf(router).isEmpty());
        }
    }
}
