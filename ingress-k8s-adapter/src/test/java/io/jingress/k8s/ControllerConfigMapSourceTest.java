package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static io.jingress.k8s.ApiObjects.service;
import static io.jingress.k8s.ApiObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.jingress.core.lb.Balancers;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.RoutePolicy;
import io.jingress.core.route.Router;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster mode and {@code --configmap}: the controller's ConfigMap is watched by name, in any
 * namespace; creating, editing and deleting it changes what every Ingress gets by default.
 */
class ControllerConfigMapSourceTest {

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    private static ConfigMap controller(Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("ingress").withName("jingress-controller").endMetadata()
                .withData(data).build();
    }

    private static KubernetesSource source(FreshApiServer cluster, Router router, AdapterOptions options) {
        RouteCompiler compiler = RouteCompiler.create(Balancers.create()).withConfigMap("ingress/jingress-controller");
        return KubernetesSource.builder(RouteUpdater.builder().router(router).compiler(compiler).build())
                .config(cluster.api().config())
                .options(options)
                .coalescing(Duration.ofMillis(20), Duration.ofMillis(500))
                .build().start();
    }

    private static AdapterOptions options() {
        return AdapterOptions.builder().configMap("ingress/jingress-controller").watchIngressWithoutClass(true).build();
    }

    private static RoutePolicy policy(Router router, String host) {
        MatchResult result = router.current().match(host, "/");
        return result instanceof Route route ? route.policy() : null;
    }

    private void createShop() {
        cluster.create(service("shop", "web", 80, 8080));
        cluster.create(slice("shop", "web", 8080, "10.0.0.1"));
        cluster.create(ingress("shop", "shop", null, "shop.example.com", "web", 80));
    }

    @Test
    void creatingEditingAndDeletingTheConfigMapChangesEveryIngresssDefaultsLive() throws Exception {
        createShop();
        Router router = Router.create();
        try (KubernetesSource source = source(cluster, router, options())) {
            assertTrue(source.awaitServing(Await.DEFAULT));
            assertEquals(0, policy(router, "shop.example.com").readTimeoutMillis());
            assertTrue(router.current().problems().stream().anyMatch(p -> p.toString().contains(
                    "the controller's ConfigMap (--configmap) is not found")), router.current().problems().toString());

            cluster.create(controller(Map.of("proxy-read-timeout", "120")));
            Await.until("the created ConfigMap's timeout", () -> policy(router, "shop.example.com").readTimeoutMillis() == 120_000);

            cluster.kube().configMaps().inNamespace("ingress").withName("jingress-controller")
                    .edit(c -> controller(Map.of("proxy-read-timeout", "30", "global-auth-url", "http://auth.example.com/")));
            Await.until("the edited ConfigMap's global authentication",
                    () -> policy(router, "shop.example.com").externalAuth() != null);
            assertEquals(30_000, policy(router, "shop.example.com").readTimeoutMillis());
            assertEquals("http://auth.example.com/", policy(router, "shop.example.com").externalAuth().url());

            cluster.kube().configMaps().inNamespace("ingress").withName("jingress-controller").delete();
            Await.until("the defaults once it is deleted", () -> policy(router, "shop.example.com").externalAuth() == null);
            assertEquals(0, policy(router, "shop.example.com").readTimeoutMillis());
        }
    }

    @Test
    void theHeaderConfigMapsItNamesAreWatchedOutsideTheWatchedNamespacesAndFollowed() throws Exception {
        createShop();
        cluster.create(controller(Map.of("proxy-set-headers", "ingress/upstream-headers")));
        cluster.create(new ConfigMapBuilder().withNewMetadata().withNamespace("ingress").withName("upstream-headers")
                .endMetadata().withData(Map.of("X-Env", "prod")).build());
        Router router = Router.create();
        try (KubernetesSource source = source(cluster, router, options().toBuilder().watchNamespaces(Set.of("shop")).build())) {
            assertTrue(source.awaitServing(Await.DEFAULT));
            Await.until("the named ConfigMap's headers", () -> policy(router, "shop.example.com").requestHeaders() != null);
            assertEquals(Map.of("X-Env", "prod"), policy(router, "shop.example.com").requestHeaders().headers());

            cluster.kube().configMaps().inNamespace("ingress").withName("upstream-headers")
                    .edit(c -> new ConfigMapBuilder(c).withData(Map.of("X-Env", "staging")).build());
            Await.until("the edited headers", () -> Map.of("X-Env", "staging").equals(
                    policy(router, "shop.example.com").requestHeaders().headers()));
        }
    }

    @Test
    void theConfigMapIsWatchedOutsideTheWatchedNamespaces() throws Exception {
        createShop();
        cluster.create(controller(Map.of("proxy-connect-timeout", "3")));
        Router router = Router.create();
        try (KubernetesSource source = source(cluster, router, options().toBuilder().watchNamespaces(Set.of("shop")).build())) {
            assertTrue(source.awaitServing(Await.DEFAULT));

            assertEquals(3_000, policy(router, "shop.example.com").connectTimeoutMillis(),
                    router.current().problems().toString());
            assertNull(policy(router, "shop.example.com").externalAuth());
        }
    }
}
