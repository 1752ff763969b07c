package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.jingress.core.route.Backend;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.Route;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster mode: GatewayClasses, Gateways, HTTPRoutes and ReferenceGrants created through the API are
 * served and followed, and a cluster without the Gateway API CRDs serves its Ingresses as before.
 */
class GatewayApiSourceTest {

    private static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: jingress}
            spec: {controllerName: jingress.io/gateway-controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: web, namespace: infra}
            spec:
              gatewayClassName: jingress
              listeners:
              - {name: http, port: 80, protocol: HTTP, hostname: "*.example.com", allowedRoutes: {namespaces: {from: All}}}
            """;

    private static String route(String service, String serviceNamespace) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: shop, namespace: shop}
                spec:
                  parentRefs: [{name: web, namespace: infra}]
                  hostnames: [shop.example.com]
                  rules:
                  - backendRefs: [{name: %s, namespace: %s, port: 80}]
                """.formatted(service, serviceNamespace);
    }

    private static final String GRANT = """
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: from-shop, namespace: backends}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}]
              to: [{group: "", kind: Service}]
            """;

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    private void apply(String yaml) {
        for (HasMetadata object : cluster.kube().load(new java.io.ByteArrayInputStream(yaml.getBytes(
                java.nio.charset.StandardCharsets.UTF_8))).items()) {
            cluster.kube().resource(object).createOr(existing -> existing.update());
        }
    }

    private void seedServices() {
        cluster.create(ApiObjects.service("shop", "blue", 80, 8080));
        cluster.create(ApiObjects.slice("shop", "blue", 8080, "10.0.0.1"));
        cluster.create(ApiObjects.service("shop", "green", 80, 8080));
        cluster.create(ApiObjects.slice("shop", "green", 8080, "10.0.0.2"));
        cluster.create(ApiObjects.service("backends", "api", 80, 8080));
        cluster.create(ApiObjects.slice("backends", "api", 8080, "10.0.0.3"));
    }

    /** Where {@code GET http://shop.example.com/} goes: {@code kind ns/name -> backend status}, or null. */
    private static String shop(RoutedSource routed) {
        MatchResult result = routed.router.current().match("shop.example.com", "/");
        if (!(result instanceof Route route)) {
            return null;
        }
        Backend backend = route.split() != null ? route.split().backends().get(0) : route.backend();
        return route.kind() + " " + route.ingress() + " -> " + backend.key() + " " + backend.status();
    }

    @Test
    void anHttpRouteCreatedThroughTheApiIsServedAndFollowsEditsAndDeletion() throws Exception {
        cluster.api().gatewayApi(true);
        seedServices();
        apply(GATEWAY);
        apply(route("blue", "shop"));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            assertEquals("HTTPRoute shop/shop -> shop/blue:80 READY", shop(routed), "served from the first build on");

            apply(route("green", "shop"));
            Await.until("the edited backendRef served", () -> "HTTPRoute shop/shop -> shop/green:80 READY".equals(shop(routed)),
                    () -> shop(routed));

            cluster.kube().resources(HTTPRoute.class).inNamespace("shop").withName("shop").delete();
            Await.until("the deleted route gone", () -> shop(routed) == null, () -> shop(routed));
        }
    }

    @Test
    void aReferenceGrantOpeningANamespaceTakesEffectLiveAndItsDeletionClosesItAgain() throws Exception {
        cluster.api().gatewayApi(true);
        seedServices();
        apply(GATEWAY);
        apply(route("api", "backends"));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            assertEquals("HTTPRoute shop/shop -> backends/api:80 INVALID_REFERENCE", shop(routed),
                    "no ReferenceGrant in backends: the route may not reach its Service (answered 500)");

            apply(GRANT);
            Await.until("the grant opens backends", () -> "HTTPRoute shop/shop -> backends/api:80 READY".equals(shop(routed)),
                    () -> shop(routed));

            cluster.kube().resources(io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class)
                    .inNamespace("backends").withName("from-shop").delete();
            Await.until("the deleted grant closes backends again",
                    () -> "HTTPRoute shop/shop -> backends/api:80 INVALID_REFERENCE".equals(shop(routed)), () -> shop(routed));
        }
    }

    @Test
    void withoutTheCrdsIngressesAreServedTheAbsenceIsLoggedOnceAndCrdsInstalledLaterArePickedUp() throws Exception {
        // the default of the mock: every request to gateway.networking.k8s.io is answered 404
        seedServices();
        cluster.create(ApiObjects.ingress("shop", "legacy", "jingress", "legacy.example.com", "blue", 80));
        try (CapturedLog log = CapturedLog.start();
                RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults(),
                        b -> b.gatewayApiRecheck(Duration.ofMillis(50)))) {
            routed.awaitServing();
            assertTrue(routed.source.isSynced() && routed.source.isWatching());
            assertEquals("shop/legacy", routed.ingressFor("legacy.example.com"));
            int asked = cluster.api().gatewayRequests();
            Await.until("discovery asked again several times", () -> cluster.api().gatewayRequests() >= asked + 8);
            List<String> gatewayLines = log.lines().stream().filter(l -> l.contains("Gateway API")
                    || l.contains("gateway.networking.k8s.io") || l.contains("HTTPRoute")).toList();
            assertEquals(List.of("Gateway API CRDs not installed: HTTPRoutes are not served"),
                    gatewayLines.stream().map(l -> l.substring(l.indexOf(" - ") + 3)).toList(), log.text());
            assertTrue(routed.source.isSynced() && routed.source.isWatching());

            cluster.api().gatewayApi(true);
            apply(GATEWAY);
            apply(route("blue", "shop"));
            Await.until("the HTTPRoute served once discovery finds the CRDs",
                    () -> "HTTPRoute shop/shop -> shop/blue:80 READY".equals(shop(routed)), () -> shop(routed));
            assertEquals("shop/legacy", routed.ingressFor("legacy.example.com"));
            assertTrue(log.text().contains("Gateway API CRDs installed: HTTPRoutes are served from now on"), log.text());
        }
    }

    @Test
    void crdsInstalledButNotGrantedByTheClusterRoleCostTheHttpRoutesOnlyWithOneWarning() throws Exception {
        cluster.api().gatewayApi(true);
        cluster.api().forbidGatewayApi(true);
        seedServices();
        apply(GATEWAY);
        apply(route("blue", "shop"));
        cluster.create(ApiObjects.ingress("shop", "legacy", "jingress", "legacy.example.com", "blue", 80));
        try (CapturedLog log = CapturedLog.start();
                RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults(),
                        b -> b.gatewayApiRecheck(Duration.ofMillis(50)))) {
            routed.awaitServing();
            assertEquals("shop/legacy", routed.ingressFor("legacy.example.com"), "the Ingresses are served");
            assertEquals(null, shop(routed));
            assertTrue(routed.source.isSynced() && routed.source.isWatching());
            Await.until("the WARNING logged", () -> log.text().contains("the ClusterRole does not allow listing them (403)"));
            assertEquals(1, log.lines().stream().filter(l -> l.contains("(403)")).count(), log.text());
        }
    }

    private io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass gatewayClass(String name) {
        return cluster.kube().resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass.class)
                .withName(name).get();
    }

    private String acceptedOf(String gatewayClass) {
        var found = gatewayClass(gatewayClass);
        if (found == null || found.getStatus() == null || found.getStatus().getConditions() == null) {
            return null;
        }
        return found.getStatus().getConditions().stream().filter(c -> c.getType().equals("Accepted"))
                .map(c -> c.getStatus() + " " + c.getReason() + " generation " + c.getObservedGeneration())
                .findFirst().orElse(null);
    }

    @Test
    void theLeaderMarksOurGatewayClassAcceptedAndLeavesAnotherControllersAlone() throws Exception {
        cluster.api().gatewayApi(true);
        apply(GATEWAY);
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: theirs}
                spec: {controllerName: example.com/gateway}
                """);
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            Await.until("our GatewayClass accepted", () -> acceptedOf("jingress") != null, () -> acceptedOf("jingress"));
            assertEquals("True Accepted generation 1", acceptedOf("jingress"));
            assertEquals(null, acceptedOf("theirs"), "another controller's class is not ours to write");
            String version = gatewayClass("jingress").getMetadata().getResourceVersion();
            // a rebuild: the class's status is already right, it is not written again (the route's status
            // is, in the same pass, after the class's)
            apply(route("blue", "shop"));
            Await.until("the route's status written", () -> {
                HTTPRoute route = cluster.kube().resources(HTTPRoute.class).inNamespace("shop").withName("shop").get();
                return route.getStatus() != null && route.getStatus().getParents() != null
                        && !route.getStatus().getParents().isEmpty();
            });
            assertEquals(version, gatewayClass("jingress").getMetadata().getResourceVersion());
        }
    }

    @Test
    void crdsRemovedWhileRunningCostTheHttpRoutesAndTheIngressesServeOn() throws Exception {
        cluster.api().gatewayApi(true);
        seedServices();
        apply(GATEWAY);
        apply(route("blue", "shop"));
        cluster.create(ApiObjects.ingress("shop", "legacy", "jingress", "legacy.example.com", "blue", 80));
        try (CapturedLog log = CapturedLog.start();
                RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults(),
                        b -> b.gatewayApiRecheck(Duration.ofMillis(50)))) {
            routed.awaitServing();
            assertEquals("HTTPRoute shop/shop -> shop/blue:80 READY", shop(routed));

            // the CRDs deleted: the API server closes the watches, and the group's paths answer 404
            cluster.api().gatewayApi(false);
            cluster.api().stop();
            cluster.api().restart();
            Await.until("the HTTPRoute no longer served", () -> shop(routed) == null, () -> shop(routed));
            Await.until("builds run again", () -> routed.source.isWatching());
            assertEquals("shop/legacy", routed.ingressFor("legacy.example.com"));
            assertTrue(log.text().contains("Gateway API CRDs removed: HTTPRoutes are not served"), log.text());

            cluster.api().gatewayApi(true);
            Await.until("served again once discovery finds them", () -> shop(routed) != null, () -> shop(routed));
        }
    }
}
