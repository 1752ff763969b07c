package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.ResponseHeaders;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File mode and {@code --explain}: a {@code kind: ConfigMap} document that an Ingress's
 * {@code custom-headers} names gives the headers of its routes, and editing that file alone changes
 * them.
 */
class CustomHeadersManifestTest {
    private static final String INGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: shop
              annotations:
                nginx.ingress.kubernetes.io/custom-headers: headers
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
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
            spec:
              ports:
              - name: http
                port: 80
                targetPort: 8080
            """;

    @TempDir
    Path dir;

    private static String configMap(String namespace, String frameOptions) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: headers
                  namespace: %s
                data:
                  X-Frame-Options: %s
                  X-Powered-By: PHP
                """.formatted(namespace, frameOptions);
    }

    private static Map<String, String> headersOf(Router router) {
        MatchResult result = router.current().match("shop.example.com", "/");
        ResponseHeaders headers = result instanceof Route route ? route.policy().responseHeaders() : null;
        return headers == null ? Map.of() : headers.headers();
    }

    @Test
    void theConfigMapFileGivesTheHeadersAndEditingItAloneChangesThem() throws Exception {
        Files.writeString(dir.resolve("ingress.yaml"), INGRESS);
        Files.writeString(dir.resolve("headers.yaml"), configMap("shop", "DENY"));
        Router router = Router.create();
        RouteCompiler compiler = RouteCompiler.create(Balancers.create()).withAllowedResponseHeaders(List.of("X-Frame-Options"));
        try (ManifestSource source = ManifestSource.builder().path(dir).router(router).compiler(compiler)
                .debounce(Duration.ofMillis(50)).build().start()) {
            assertEquals(Map.of("X-Frame-Options", "DENY"), headersOf(router));
            assertTrue(router.current().problems().stream().anyMatch(p -> p.object().equals("shop/web")
                    && p.message().contains("key \"X-Powered-By\" is not among the response headers the controller allows")),
                    router.current().problems().toString());

            Files.writeString(dir.resolve("headers.yaml"), configMap("shop", "SAMEORIGIN"));
            Await.until("the edited ConfigMap's header", () -> headersOf(router).equals(Map.of("X-Frame-Options", "SAMEORIGIN")));
        }
    }

    @Test
    void aConfigMapOfAnotherNamespaceGivesNoHeader() throws Exception {
        Files.writeString(dir.resolve("ingress.yaml"), INGRESS.replace("custom-headers: headers", "custom-headers: other/headers"));
        Files.writeString(dir.resolve("headers.yaml"), configMap("other", "DENY"));

        RouteExplainer explainer = RouteExplainer.fromManifests(dir).allowedResponseHeaders(List.of("X-Frame-Options"));

        assertTrue(explainer.explain("http://shop.example.com/").policy().isEmpty());
        assertTrue(explainer.problems().stream().anyMatch(p -> p.object().equals("shop/web")
                && p.message().contains("names a ConfigMap of another namespace")), explainer.problems().toString());
    }

    @Test
    void explainShowsTheHeadersTheServerWithThoseAllowedSets() throws Exception {
        Files.writeString(dir.resolve("all.yaml"), INGRESS + "---\n" + configMap("shop", "DENY"));

        RouteExplanation allowed = RouteExplainer.fromManifests(dir).allowedResponseHeaders(List.of("X-Frame-Options"))
                .explain("http://shop.example.com/");
        RouteExplanation none = RouteExplainer.fromManifests(dir).explain("http://shop.example.com/");

        assertEquals(List.of("response headers X-Frame-Options: \"DENY\" (custom-headers, ConfigMap shop/headers)"), allowed.policy());
        assertEquals(List.of(), none.policy(), "none allowed by default, as ingress-nginx's global-allowed-response-headers");
    }
}
