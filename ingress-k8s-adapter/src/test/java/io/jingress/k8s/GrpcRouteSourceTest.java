package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.jingress.core.route.BackendProtocol;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.Route;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster mode: GRPCRoutes created through the API are served (calls by service and method, to
 * the endpoints in HTTP/2) and followed, their status is written apart from an HTTPRoute's of the
 * same name, and a ClusterRole that does not grant them costs the GRPCRoutes alone.
 */
class GrpcRouteSourceTest {

    private static final String CONTROLLER = "jingress.io/gateway-controller";

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
              - {name: https, port: 443, protocol: HTTPS, allowedRoutes: {namespaces: {from: All}}}
              - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
            """;

    private static String grpcRoute(String name, String sectionName, String method) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {name: %s, namespace: shop}
                spec:
                  parentRefs: [{name: web, namespace: infra, sectionName: %s}]
                  hostnames: [grpc.example.com]
                  rules:
                  - matches: [{method: {service: shop.Cart, method: %s}}]
                    backendRefs: [{name: carts, port: 9000}]
                """.formatted(name, sectionName, method);
    }

    private static final String HTTP_ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: shop, namespace: shop}
            spec:
              parentRefs: [{name: web, namespace: infra, sectionName: https}]
              hostnames: [www.example.com]
              rules:
              - backendRefs: [{name: site, port: 80}]
            """;

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    private void apply(String yaml) {
        for (HasMetadata object : cluster.kube().load(new java.io.ByteArrayInputStream(yaml.getBytes(
                java.nio.charset.StandardCharsets.UTF_8))).items()) {
            cluster.kube().resource(object).createOr(existing -> existing.update());
        }
    }

    private void seed() {
        cluster.api().gatewayApi(true);
        cluster.create(ApiObjects.service("shop", "carts", 9000, 9000));
        cluster.create(ApiObjects.slice("shop", "carts", 9000, "10.0.0.1"));
        cluster.create(ApiObjects.service("shop", "site", 80, 8080));
        cluster.create(ApiObjects.slice("shop", "site", 8080, "10.0.0.2"));
        apply(GATEWAY);
    }

    /** Where a call to {@code path} at grpc.example.com goes: {@code kind ns/name -> backend (protocol)}, or null. */
    private static String call(RoutedSource routed, String path) {
        MatchResult result = routed.router.current().match("grpc.example.com", path);
        if (!(result instanceof Route route)) {
            return null;
        }
        return route.source() + " -> " + route.backend().key() + " (" + route.policy().backendProtocol() + ")";
    }

    private String ours(Class<? extends HasMetadata> kind, String name) {
        HasMetadata route = cluster.kube().resources(kind).inNamespace("shop").withName(name).get();
        List<RouteParentStatus> parents = route instanceof GRPCRoute g ? g.getStatus() == null ? null : g.getStatus().getParents()
                : ((HTTPRoute) route).getStatus() == null ? null : ((HTTPRoute) route).getStatus().getParents();
        return parents == null ? "" : parents.stream().filter(p -> CONTROLLER.equals(p.getControllerName()))
                .map(p -> brief(p.getConditions())).collect(Collectors.joining(" | "));
    }

    private static String brief(List<Condition> conditions) {
        return conditions.stream().map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason())
                .collect(Collectors.joining(", "));
    }

    private ListenerStatus listener(String name) {
        Gateway gateway = cluster.kube().resources(Gateway.class).inNamespace("infra").withName("web").get();
        if (gateway.getStatus() == null || gateway.getStatus().getListeners() == null) {
            return null;
        }
        return gateway.getStatus().getListeners().stream().filter(l -> l.getName().equals(name)).findFirst().orElse(null);
    }

    @Test
    void aGrpcRouteIsServedFollowedAndGivenItsOwnStatus() throws Exception {
        seed();
        apply(grpcRoute("shop", "https", "Add"));
        apply(HTTP_ROUTE);
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            Await.until("the GRPCRoute served", () -> call(routed, "/shop.Cart/Add") != null, () -> call(routed, "/shop.Cart/Add"));
            assertEquals("GRPCRoute shop/shop spec.rules[0].matches[0] -> shop/carts:9000 (" + BackendProtocol.H2C + ")",
                    call(routed, "/shop.Cart/Add"));
            assertNull(call(routed, "/shop.Cart/Remove"));

            Await.until("both routes' status written", () -> !ours(GRPCRoute.class, "shop").isEmpty()
                    && !ours(HTTPRoute.class, "shop").isEmpty());
            assertEquals("Accepted=True Accepted, ResolvedRefs=True ResolvedRefs", ours(GRPCRoute.class, "shop"));
            assertEquals("Accepted=True Accepted, ResolvedRefs=True ResolvedRefs", ours(HTTPRoute.class, "shop"));
            Await.until("the listener counts both", () -> listener("https") != null
                    && Integer.valueOf(2).equals(listener("https").getAttachedRoutes()));
            assertEquals(List.of("HTTPRoute", "GRPCRoute"), listener("https").getSupportedKinds().stream()
                    .map(k -> k.getKind()).toList());
            assertEquals(List.of("HTTPRoute", "GRPCRoute"), listener("http").getSupportedKinds().stream()
                    .map(k -> k.getKind()).toList());

            // followed: the method changes
            apply(grpcRoute("shop", "https", "Remove"));
            Await.until("the new method served", () -> call(routed, "/shop.Cart/Remove") != null);
            assertNull(call(routed, "/shop.Cart/Add"));

            // a second one of the same hostname on the HTTP listener: attached there; the older keeps
            // its method, and the newer's (a conflict of equal matches) is reported, not served
            apply(grpcRoute("plain", "http", "Remove"));
            Await.until("the second GRPCRoute's status", () -> !ours(GRPCRoute.class, "plain").isEmpty());
            assertEquals("Accepted=True Accepted, ResolvedRefs=True ResolvedRefs", ours(GRPCRoute.class, "plain"));
            Await.until("the HTTP listener counts it", () -> Integer.valueOf(1).equals(listener("http").getAttachedRoutes()));
        }
    }

    @Test
    void aClusterRoleThatDoesNotGrantGrpcRoutesCostsThemAloneWithOneWarning() throws Exception {
        seed();
        cluster.api().forbidGrpcRoutes(true);
        apply(grpcRoute("shop", "https", "Add"));
        apply(HTTP_ROUTE);
        try (CapturedLog log = CapturedLog.start();
                RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults(),
                        b -> b.gatewayApiRecheck(Duration.ofMillis(50)))) {
            Await.until("the HTTPRoute served", () -> routed.router.current().match("www.example.com", "/") instanceof Route);
            Await.until("the WARNING logged", () -> log.text().contains("does not allow listing GRPCRoutes (403)"));
            Await.until("synced and watching", () -> routed.source.isSynced() && routed.source.isWatching());
            assertNull(call(routed, "/shop.Cart/Add"));
            assertEquals(1, log.lines().stream().filter(l -> l.contains("(403)")).count(), log.text());
            assertTrue(routed.router.current().match("www.example.com", "/") instanceof Route, "HTTPRoutes still served");
        }
    }
}
