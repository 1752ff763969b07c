package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static io.jingress.k8s.ApiObjects.service;
import static io.jingress.k8s.ApiObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.jingress.core.route.FallbackBackend;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Service an Ingress's {@code default-backend} annotation names reaches the route table from
 * both sources, though no rule names it: in cluster mode (with its endpoints, followed as they
 * change) and in manifest mode.
 */
class DefaultBackendSourceTest {
    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    @TempDir
    Path dir;

    private static FallbackBackend fallback(RoutedSource routed) {
        MatchResult result = routed.router.current().match("shop.example.com", "/");
        return result instanceof Route route ? route.policy().fallback() : null;
    }

    @Test
    void theAnnotationsServiceAndItsEndpointsAreWatched() throws Exception {
        cluster.create(new IngressBuilder(ingress("shop", "web", "jingress", "shop.example.com", "web", 80))
                .editMetadata().addToAnnotations("nginx.ingress.kubernetes.io/default-backend", "errors").endMetadata().build());
        cluster.create(service("shop", "web", 80, 8080));
        cluster.create(service("shop", "errors", 80, 8080));
        cluster.create(slice("shop", "errors", 8080, "10.0.0.9"));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            Await.until("the default backend is resolved", () -> fallback(routed) != null);
            assertEquals("shop/errors:80", fallback(routed).backend().key());
            assertEquals(1, fallback(routed).backend().endpoints().size());

            cluster.create(new EndpointSliceBuilder(slice("shop", "errors", 8080, "10.0.0.10")).editMetadata().withName("errors-2")
                    .endMetadata().build());
            Await.until("its new endpoints are followed", () -> fallback(routed).backend().endpoints().size() == 2);
        }
    }

    @Test
    void theAnnotationsServiceIsReadFromManifests() throws Exception {
        Files.writeString(dir.resolve("shop.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: web
                  namespace: shop
                  annotations:
                    nginx.ingress.kubernetes.io/default-backend: errors
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
                metadata: {name: web, namespace: shop}
                spec:
                  ports: [{port: 80, targetPort: 8080}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: errors, namespace: shop}
                spec:
                  ports: [{port: 80, targetPort: 8080}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: errors-x
                  namespace: shop
                  labels: {kubernetes.io/service-name: errors}
                addressType: IPv4
                ports: [{port: 8080}]
                endpoints: [{addresses: ["10.0.0.9"], conditions: {ready: true}}]
                """);

        RouteExplainer explainer = RouteExplainer.fromManifests(dir);
        RouteExplanation e = explainer.explain("http://shop.example.com/");

        assertEquals(200, e.status(), e.toString());
        assertTrue(e.reason().endsWith("goes to default-backend shop/errors (shop/errors:80, 1 ready endpoint), with X-Code: 503"),
                e.reason());
        assertTrue(explainer.problems().stream().noneMatch(p -> p.message().contains("default-backend")),
                explainer.problems().toString());
    }
}
