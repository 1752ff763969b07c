package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static io.jingress.k8s.ApiObjects.service;
import static io.jingress.k8s.ApiObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.jingress.core.lb.Balancers;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --watch-namespace-selector}: only the Ingresses of the Namespaces whose labels match are
 * served, in cluster mode (a mock API server: labels edited live) and in file mode.
 */
class NamespaceSelectorSourceTest {

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    @TempDir
    Path dir;

    private static Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    }

    private static String served(Router router, String host) {
        MatchResult result = router.current().match(host, "/");
        return result instanceof Route route ? route.ingress() : result.toString();
    }

    @Test
    void inClusterModeTheSelectedNamespacesIngressesAreServedAsTheirLabelsChange() throws Exception {
        for (String team : new String[] {"shop", "blog"}) {
            cluster.create(namespace(team, Map.of("team", team)));
            cluster.create(service(team, "web", 80, 8080));
            cluster.create(slice(team, "web", 8080, "10.0.0.1"));
            cluster.create(ingress(team, team, null, team + ".example.com", "web", 80));
        }
        Router router = Router.create();
        AdapterOptions options = AdapterOptions.builder().watchIngressWithoutClass(true)
                .watchNamespaceSelector("team in (shop)").build();
        try (KubernetesSource source = KubernetesSource.builder(RouteUpdater.builder().router(router)
                        .compiler(RouteCompiler.create(Balancers.create())).build())
                .config(cluster.api().config()).options(options).coalescing(Duration.ofMillis(20), Duration.ofMillis(500))
                .build().start()) {
            assertTrue(source.awaitServing(Await.DEFAULT));
            Await.until("shop served", () -> "shop/shop".equals(served(router, "shop.example.com")));
            assertEquals("NO_HOST", served(router, "blog.example.com"));

            cluster.kube().namespaces().withName("blog").edit(n -> namespace("blog", Map.of("team", "shop")));
            Await.until("blog served once labelled", () -> "blog/blog".equals(served(router, "blog.example.com")));

            cluster.kube().namespaces().withName("shop").edit(n -> namespace("shop", Map.of("team", "gone")));
            Await.until("shop left once relabelled", () -> "NO_HOST".equals(served(router, "shop.example.com")));
            assertEquals("blog/blog", served(router, "blog.example.com"));
        }
    }

    @Test
    void inFileModeNamespaceDocumentsAreReadAndExplainSaysWhyAnIngressIsLeftOut() throws Exception {
        String manifests = """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {team: shop}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: blog, labels: {team: blog}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: shop}
                spec:
                  ingressClassName: jingress
                  rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix,
                    backend: {service: {name: web, port: {number: 80}}}}]}}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: blog, namespace: blog}
                spec:
                  ingressClassName: jingress
                  rules: [{host: blog.example.com, http: {paths: [{path: /, pathType: Prefix,
                    backend: {service: {name: web, port: {number: 80}}}}]}}]
                """;
        Files.writeString(dir.resolve("all.yaml"), manifests);
        AdapterOptions options = AdapterOptions.builder().watchNamespaceSelector("team=shop").build();
        RouteExplainer explainer = RouteExplainer.fromManifests(dir, options);

        assertEquals("shop/shop", explainer.explain("GET", "http://shop.example.com/").ingress());
        RouteExplanation blog = explainer.explain("GET", "http://blog.example.com/");
        assertEquals(404, blog.status());
        assertTrue(blog.toString().contains("its namespace blog does not match --watch-namespace-selector team=shop"),
                blog.toString());
        assertTrue(explainer.problems().stream().noneMatch(p -> p.object().startsWith("blog/")), explainer.problems().toString());

        Router router = Router.create();
        try (ManifestSource source = ManifestSource.builder().path(dir).router(router)
                .options(options).debounce(Duration.ofMillis(50)).build().start()) {
            assertEquals("shop/shop", served(router, "shop.example.com"));
            assertEquals("NO_HOST", served(router, "blog.example.com"));
            Files.writeString(dir.resolve("all.yaml"), manifests.replace("labels: {team: blog}", "labels: {team: shop}"));
            Await.until("blog served once its file labels it", () -> "blog/blog".equals(served(router, "blog.example.com")));
        }
    }
}
