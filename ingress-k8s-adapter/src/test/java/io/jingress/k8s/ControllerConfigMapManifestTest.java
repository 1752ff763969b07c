package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.RoutePolicy;
import io.jingress.core.route.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File mode and {@code --configmap}: a {@code kind: ConfigMap} document of that namespace and name,
 * whatever namespaces are watched, gives every Ingress its defaults; editing it changes them, and
 * what it says wrong is a problem of the ConfigMap.
 */
class ControllerConfigMapManifestTest {
    private static final String SHOP = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: shop
              namespace: shop
            spec:
              ingressClassName: jingress
              rules:
              - host: shop.example.com
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
            """;

    @TempDir
    Path dir;

    private static String configMap(String data) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: jingress-controller
                  namespace: ingress
                data:
                %s
                """.formatted(data.indent(2).stripTrailing());
    }

    private ManifestSource source(Router router) {
        RouteCompiler compiler = RouteCompiler.create(Balancers.create()).withConfigMap("ingress/jingress-controller");
        return ManifestSource.builder().path(dir).router(router).compiler(compiler)
                .options(AdapterOptions.builder().configMap("ingress/jingress-controller").watchNamespaces(Set.of("shop")).build())
                .debounce(Duration.ofMillis(50)).build().start();
    }

    private static RoutePolicy policy(Router router) {
        MatchResult result = router.current().match("shop.example.com", "/");
        return result instanceof Route route ? route.policy() : null;
    }

    @Test
    void theConfigMapFileGivesEveryIngressItsDefaultsAndEditingItChangesThem() throws Exception {
        Files.writeString(dir.resolve("shop.yaml"), SHOP);
        Files.writeString(dir.resolve("controller.yaml"), configMap("proxy-body-size: 1m\nproxy-read-timeout: \"90\""));
        Router router = Router.create();
        try (ManifestSource source = source(router)) {
            assertEquals(1L << 20, policy(router).maxRequestBodyBytes(), router.current().problems().toString());
            assertEquals(90_000, policy(router).readTimeoutMillis());

            Files.writeString(dir.resolve("controller.yaml"), configMap("proxy-body-size: 2m\nenable-brotli: \"true\""));
            Await.until("the edited ConfigMap's body size", () -> policy(router).maxRequestBodyBytes() == 2L << 20);
            assertEquals(0, policy(router).readTimeoutMillis());
            assertTrue(router.current().problems().stream().anyMatch(p -> p.kind().equals("ConfigMap")
                    && p.object().equals("ingress/jingress-controller") && p.field().equals("data")
                    && p.message().equals("not read by Jingress, so without effect: enable-brotli")),
                    router.current().problems().toString());
        }
    }

    @Test
    void theAddHeadersConfigMapItNamesIsReadFromTheFilesInAnyNamespace() throws Exception {
        Files.writeString(dir.resolve("shop.yaml"), SHOP);
        Files.writeString(dir.resolve("controller.yaml"), configMap("add-headers: ingress/answers") + """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: answers
                  namespace: ingress
                data:
                  X-Frame-Options: DENY
                """);
        Router router = Router.create();
        try (ManifestSource source = source(router)) {
            assertEquals(java.util.Map.of("X-Frame-Options", "DENY"), policy(router).responseHeaders().headers(),
                    router.current().problems().toString());
        }
    }

    @Test
    void explainSaysWhatTheConfigMapGaveTheRouteAndWhatItSaysWrong() throws Exception {
        Files.writeString(dir.resolve("shop.yaml"), SHOP);
        Files.writeString(dir.resolve("controller.yaml"), configMap("proxy-connect-timeout: \"7\"\nssl-redirect: \"maybe\""));
        RouteExplainer explainer = RouteExplainer.fromManifests(dir,
                        AdapterOptions.builder().configMap("ingress/jingress-controller").build())
                .compiledWith(RouteCompiler.create(Balancers.create()).withConfigMap("ingress/jingress-controller"));

        String explanation = explainer.explain("GET", "http://shop.example.com/").toString();
        assertTrue(explanation.contains("connect timeout 7 s"), explanation);
        assertTrue(explanation.contains("from the controller's ConfigMap, not on the Ingress: proxy-connect-timeout,"
                + " ssl-redirect"), explanation);
        assertTrue(explainer.problems().stream().anyMatch(p -> p.field().equals("data[\"ssl-redirect\"]")
                && p.message().startsWith("as every Ingress's default: ssl-redirect: \"maybe\" is not")),
                explainer.problems().toString());
        assertTrue(explainer.problems().stream().noneMatch(p -> p.kind().equals("Ingress") && p.message().contains("ssl-redirect")),
                "said once, on the ConfigMap: " + explainer.problems());
    }
}
