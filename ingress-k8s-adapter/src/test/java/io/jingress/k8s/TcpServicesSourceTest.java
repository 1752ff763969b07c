package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.service;
import static io.jingress.k8s.ApiObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.Router;
import io.jingress.core.route.TcpRoute;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster mode and {@code --tcp-services-configmap}: the ConfigMap is watched by name, in any
 * namespace, with the Services its entries name; creating, editing and deleting it changes the TCP
 * services of the next table.
 */
class TcpServicesSourceTest {

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    private static ConfigMap tcpServices(Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("ingress").withName("tcp-services").endMetadata()
                .withData(data).build();
    }

    private static KubernetesSource source(FreshApiServer cluster, Router router, AdapterOptions options) {
        RouteCompiler compiler = RouteCompiler.create(Balancers.create())
                .withTcpServices("ingress/tcp-services", Map.of(8080, "the HTTP port"));
        return KubernetesSource.builder(RouteUpdater.builder().router(router).compiler(compiler).build())
                .config(cluster.api().config())
                .options(options)
                .coalescing(Duration.ofMillis(20), Duration.ofMillis(500))
                .build().start();
    }

    private static AdapterOptions options() {
        return AdapterOptions.builder().tcpServicesConfigMap("ingress/tcp-services").build();
    }

    // "port -> ns/service:port endpoint,endpoint" of the live table
    private static List<String> served(Router router) {
        return router.current().tcpServices().routes().stream().map(TcpServicesSourceTest::describe).toList();
    }

    private static String describe(TcpRoute route) {
        return route.port() + " -> " + route.service().serviceKey() + " "
                + String.join(",", route.backend().endpoints().stream().map(Endpoint::id).toList());
    }

    private void createGitlab() {
        cluster.create(service("gitlab", "shell", 22, 2222));
        cluster.create(slice("gitlab", "shell", 2222, "10.0.0.1"));
        cluster.create(service("db", "postgres", 5432, 5432));
        cluster.create(slice("db", "postgres", 5432, "10.0.0.2"));
    }

    @Test
    void theConfigMapAtStartIsInTheFirstTableWithItsServicesEndpoints() throws Exception {
        createGitlab();
        cluster.create(tcpServices(Map.of("2222", "gitlab/shell:22")));
        Router router = Router.create();
        try (KubernetesSource source = source(cluster, router, options())) {
            assertTrue(source.awaitServing(Await.DEFAULT));

            assertEquals(List.of("2222 -> gitlab/shell:22 10.0.0.1:2222"), served(router),
                    router.current().problems().toString());
        }
    }

    @Test
    void creatingEditingAndDeletingTheConfigMapChangesThePortsLive() throws Exception {
        createGitlab();
        Router router = Router.create();
        try (KubernetesSource source = source(cluster, router, options())) {
            assertTrue(source.awaitServing(Await.DEFAULT));
            assertEquals(List.of(), served(router));
            assertFalse(router.current().tcpServices().configMapFound());

            cluster.create(tcpServices(Map.of("2222", "gitlab/shell:22")));
            Await.until("the created ConfigMap's port", () -> served(router).equals(
                    List.of("2222 -> gitlab/shell:22 10.0.0.1:2222")));

            cluster.kube().configMaps().inNamespace("ingress").withName("tcp-services")
                    .edit(c -> tcpServices(Map.of("2222", "gitlab/shell:22", "5432", "db/postgres:5432",
                            "8080", "db/postgres:5432")));
            Await.until("the edited ConfigMap's ports", () -> served(router).equals(List.of(
                    "2222 -> gitlab/shell:22 10.0.0.1:2222", "5432 -> db/postgres:5432 10.0.0.2:5432")));
            assertTrue(router.current().problems().stream().anyMatch(p -> p.toString().equals(
                    "ConfigMap ingress/tcp-services: data[\"8080\"]: port 8080 is the HTTP port of Jingress: this entry"
                            + " is not served")), router.current().problems().toString());

            // the Service's endpoints change: the entry follows
            cluster.kube().discovery().v1().endpointSlices().inNamespace("gitlab").withName("shell-abc").delete();
            cluster.create(slice("gitlab", "shell", 2222, "10.0.0.9"));
            Await.until("the new endpoint", () -> served(router).contains("2222 -> gitlab/shell:22 10.0.0.9:2222"));

            cluster.kube().configMaps().inNamespace("ingress").withName("tcp-services").delete();
            Await.until("no port once it is deleted", () -> served(router).isEmpty());
            assertFalse(router.current().tcpServices().configMapFound());
        }
    }

    @Test
    void theConfigMapIsWatchedOutsideTheWatchedNamespaces() throws Exception {
        createGitlab();
        cluster.create(tcpServices(Map.of("2222", "gitlab/shell:22")));
        Router router = Router.create();
        AdapterOptions options = options().toBuilder().watchNamespaces(Set.of("gitlab")).build();
        try (KubernetesSource source = source(cluster, router, options)) {
            assertTrue(source.awaitServing(Await.DEFAULT));

            assertEquals(List.of("2222 -> gitlab/shell:22 10.0.0.1:2222"), served(router),
                    router.current().problems().toString());
        }
    }
}
