package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster mode: the leader writes the status of our Gateways (conditions, listeners with their
 * attached routes, addresses) and of the HTTPRoutes attached to them ({@code status.parents}), as
 * {@code kubectl get gateway,httproute} users expect, and leaves other controllers' entries alone.
 */
class GatewayStatusSourceTest {

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
              - {name: http, port: 80, protocol: HTTP, hostname: "*.example.com", allowedRoutes: {namespaces: {from: All}}}
              - {name: tcp, port: 9000, protocol: TCP}
            """;

    private static String route(String name, String parentRef, String service, String serviceNamespace) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: %s, namespace: shop}
                spec:
                  parentRefs: [%s]
                  hostnames: [%s.example.com]
                  rules:
                  - backendRefs: [{name: %s, namespace: %s, port: 80}]
                """.formatted(name, parentRef, name, service, serviceNamespace);
    }

    private static final String TO_WEB = "{name: web, namespace: infra}";

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

    private void seed() {
        cluster.api().gatewayApi(true);
        cluster.create(ApiObjects.service("shop", "blue", 80, 8080));
        cluster.create(ApiObjects.slice("shop", "blue", 8080, "10.0.0.1"));
        cluster.create(ApiObjects.service("backends", "api", 80, 8080));
        cluster.create(ApiObjects.slice("backends", "api", 8080, "10.0.0.3"));
        apply(GATEWAY);
    }

    private HTTPRoute httpRoute(String name) {
        return cluster.kube().resources(HTTPRoute.class).inNamespace("shop").withName(name).get();
    }

    private static List<RouteParentStatus> parents(HTTPRoute route) {
        return route == null || route.getStatus() == null || route.getStatus().getParents() == null ? List.of()
                : route.getStatus().getParents();
    }

    /** Our status.parents entries of the route, as "Type=Status Reason" per condition, joined by ", "; "" when none. */
    private String ours(String name) {
        return parents(httpRoute(name)).stream().filter(p -> CONTROLLER.equals(p.getControllerName()))
                .map(p -> brief(p.getConditions())).collect(Collectors.joining(" | "));
    }

    private static String brief(List<Condition> conditions) {
        return conditions.stream().map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason())
                .collect(Collectors.joining(", "));
    }

    private Gateway gateway() {
        return cluster.kube().resources(Gateway.class).inNamespace("infra").withName("web").get();
    }

    private ListenerStatus listener(String name) {
        Gateway gateway = gateway();
        if (gateway.getStatus() == null || gateway.getStatus().getListeners() == null) {
            return null;
        }
        return gateway.getStatus().getListeners().stream().filter(l -> l.getName().equals(name)).findFirst().orElse(null);
    }

    private Integer attachedRoutes(String listener) {
        ListenerStatus status = listener(listener);
        return status == null ? null : status.getAttachedRoutes();
    }

    @Test
    void anAcceptedRouteAndItsGatewayShowAcceptedAndResolvedRefsAndTheListenerCountsIt() throws Exception {
        seed();
        apply(route("shop", TO_WEB, "blue", "shop"));
        AdapterOptions options = AdapterOptions.builder().publishStatusAddresses(java.util.List.of("203.0.113.7")).build();
        try (RoutedSource routed = new RoutedSource(cluster.api(), options)) {
            Await.until("the route's status written", () -> !ours("shop").isEmpty(), () -> ours("shop"));
            assertEquals("Accepted=True Accepted, ResolvedRefs=True ResolvedRefs", ours("shop"));
            RouteParentStatus entry = parents(httpRoute("shop")).get(0);
            assertEquals("web", entry.getParentRef().getName());
            assertEquals("infra", entry.getParentRef().getNamespace());
            assertEquals(httpRoute("shop").getMetadata().getGeneration(), entry.getConditions().get(0).getObservedGeneration());

            Await.until("the Gateway's status written", () -> attachedRoutes("http") != null);
            assertEquals(1, attachedRoutes("http"));
            assertEquals("Accepted=True ListenersNotValid, Programmed=True Programmed", brief(gateway().getStatus().getConditions()));
            assertEquals("Accepted=True Accepted, Programmed=True Programmed, ResolvedRefs=True ResolvedRefs",
                    brief(listener("http").getConditions()));
            assertEquals("HTTPRoute", listener("http").getSupportedKinds().get(0).getKind());
            assertEquals("Accepted=False UnsupportedProtocol, Programmed=False Invalid, ResolvedRefs=True ResolvedRefs",
                    brief(listener("tcp").getConditions()));
            assertEquals(List.of(), listener("tcp").getSupportedKinds());
            assertEquals("IPAddress 203.0.113.7", gateway().getStatus().getAddresses().stream()
                    .map(a -> a.getType() + " " + a.getValue()).collect(Collectors.joining(",")));

            // a second route attached: counted; nothing already right is written again, and the times stay
            String since = entry.getConditions().get(0).getLastTransitionTime();
            apply(route("cart", TO_WEB, "blue", "shop"));
            Await.until("two routes attached", () -> Integer.valueOf(2).equals(attachedRoutes("http")),
                    () -> String.valueOf(attachedRoutes("http")));
            Await.until("the second route's status", () -> !ours("cart").isEmpty());
            // a write is counted once the API server has answered it: wait for the count too (GatewayClass,
            // Gateway and route "shop", then route "cart" and the Gateway again)
            Await.until("five writes counted", () -> routed.source.statusWrites() >= 5);
            long writes = routed.source.statusWrites();
            String cartSince = parents(httpRoute("cart")).get(0).getConditions().get(0).getLastTransitionTime();
            // an edit that changes no verdict (the spec only, as kubectl edit does): the generation moves on,
            // and with it observedGeneration, while lastTransitionTime stays
            cluster.kube().resources(HTTPRoute.class).inNamespace("shop").withName("cart").edit(r -> {
                r.getSpec().getHostnames().add("cart2.example.com");
                return r;
            });
            long generation = httpRoute("cart").getMetadata().getGeneration();
            Await.until("observedGeneration follows", () -> parents(httpRoute("cart")).get(0).getConditions().get(0)
                    .getObservedGeneration() == generation);
            assertEquals(cartSince, parents(httpRoute("cart")).get(0).getConditions().get(0).getLastTransitionTime());
            // then a third route: once its status shows and is counted, every build before it was written
            // out, and nothing was written but the edited route, the third and the Gateway
            apply(route("third", TO_WEB, "blue", "shop"));
            Await.until("three routes attached", () -> Integer.valueOf(3).equals(attachedRoutes("http"))
                    && !ours("third").isEmpty());
            Await.until("the writes counted", () -> routed.source.statusWrites() >= writes + 3);
            assertEquals(writes + 3, routed.source.statusWrites(), "the edited route, the third and the Gateway, nothing else");
            assertEquals(since, parents(httpRoute("shop")).get(0).getConditions().get(0).getLastTransitionTime());
        }
    }

    @Test
    void aRouteWhoseServiceIsMissingIsBackendNotFound() throws Exception {
        seed();
        apply(route("shop", TO_WEB, "gone", "shop"));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            Await.until("the route's status written", () -> !ours("shop").isEmpty(), () -> ours("shop"));
            assertEquals("Accepted=True Accepted, ResolvedRefs=False BackendNotFound", ours("shop"));
            String message = parents(httpRoute("shop")).get(0).getConditions().get(1).getMessage();
            assertTrue(message.startsWith("spec.rules[0].backendRefs[0]: ") && message.contains("shop/gone"), message);
        }
    }

    @Test
    void aCrossNamespaceBackendIsRefNotPermittedUntilAReferenceGrantAllowsIt() throws Exception {
        seed();
        apply(route("shop", TO_WEB, "api", "backends"));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            Await.until("the route's status written", () -> !ours("shop").isEmpty(), () -> ours("shop"));
            assertEquals("Accepted=True Accepted, ResolvedRefs=False RefNotPermitted", ours("shop"));

            apply(GRANT);
            Await.until("ResolvedRefs flips to True", () -> ours("shop").equals("Accepted=True Accepted, ResolvedRefs=True ResolvedRefs"),
                    () -> ours("shop"));
        }
    }

    @Test
    void aSectionNameNoListenerHasIsNoMatchingParent() throws Exception {
        seed();
        apply(route("shop", "{name: web, namespace: infra, sectionName: https}", "blue", "shop"));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            Await.until("the route's status written", () -> !ours("shop").isEmpty(), () -> ours("shop"));
            assertEquals("Accepted=False NoMatchingParent", ours("shop"));
            assertEquals("https", parents(httpRoute("shop")).get(0).getParentRef().getSectionName());
            Await.until("the Gateway's status written", () -> attachedRoutes("http") != null);
            assertEquals(0, attachedRoutes("http"));
        }
    }

    @Test
    void anotherControllersEntryInStatusParentsIsKeptAndOurStaleEntryIsRemoved() throws Exception {
        seed();
        apply(route("shop", TO_WEB + ", {name: edge, namespace: infra}", "blue", "shop"));
        ParentReference edge = new ParentReference(null, null, "edge", "infra", null, null);
        Condition theirs = new ConditionBuilder().withType("Accepted").withStatus("True").withReason("Accepted")
                .withMessage("theirs").withObservedGeneration(1L).withLastTransitionTime("2026-01-01T00:00:00Z").build();
        cluster.kube().resources(HTTPRoute.class).inNamespace("shop").withName("shop").editStatus(r -> {
            HTTPRouteStatus status = new HTTPRouteStatus();
            RouteParentStatus other = new RouteParentStatus();
            other.setParentRef(edge);
            other.setControllerName("example.com/edge");
            other.setConditions(List.of(theirs));
            status.setParents(new java.util.ArrayList<>(List.of(other)));
            r.setStatus(status);
            return r;
        });
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            Await.until("our entry written", () -> !ours("shop").isEmpty(), () -> ours("shop"));
            List<RouteParentStatus> parents = parents(httpRoute("shop"));
            assertEquals(2, parents.size(), parents.toString());
            RouteParentStatus kept = parents.stream().filter(p -> "example.com/edge".equals(p.getControllerName()))
                    .findFirst().orElseThrow();
            assertEquals(List.of(theirs), kept.getConditions());
            assertEquals("edge", kept.getParentRef().getName());

            // the route leaves our Gateway: our entry goes, theirs stays (an edit of the spec: the mock
            // does not keep status out of a whole-object update)
            cluster.kube().resources(HTTPRoute.class).inNamespace("shop").withName("shop").edit(r -> {
                r.getSpec().setParentRefs(List.of(new ParentReference(null, null, "edge", "infra", null, null)));
                return r;
            });
            Await.until("our entry removed", () -> ours("shop").isEmpty(), () -> ours("shop"));
            assertEquals(List.of("example.com/edge"), parents(httpRoute("shop")).stream()
                    .map(RouteParentStatus::getControllerName).toList());
        }
    }

    @Test
    void onlyTheLeaderWritesGatewayAndRouteStatus() throws Exception {
        seed();
        apply(route("shop", TO_WEB, "blue", "shop"));
        try (RoutedSource a = new RoutedSource(cluster.api(), AdapterOptions.defaults(), b -> b.identity("replica-a"));
                RoutedSource b = new RoutedSource(cluster.api(), AdapterOptions.defaults(), bb -> bb.identity("replica-b"))) {
            a.awaitServing();
            b.awaitServing();
            Await.until("one replica leads", () -> a.source.isLeader() != b.source.isLeader());
            Await.until("the statuses written", () -> !ours("shop").isEmpty() && attachedRoutes("http") != null);
            RoutedSource leader = a.source.isLeader() ? a : b;
            RoutedSource follower = leader == a ? b : a;
            // GatewayClass, Gateway, HTTPRoute
            Await.until("three writes counted", () -> leader.source.statusWrites() >= 3);
            assertEquals(3, leader.source.statusWrites());
            assertEquals(0, follower.source.statusWrites());
        }
    }
}
