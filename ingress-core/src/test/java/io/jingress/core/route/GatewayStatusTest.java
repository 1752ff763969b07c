package io.jingress.core.route;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Gateway;
import io.jingress.core.model.GatewayClass;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteFilter;
import io.jingress.core.model.HttpRouteMatch;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.core.model.ReferenceGrant;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.jingress.core.route.GatewayFixtures.compile;
import static io.jingress.core.route.GatewayFixtures.gateway;
import static io.jingress.core.route.GatewayFixtures.route;
import static io.jingress.core.route.GatewayFixtures.service;
import static io.jingress.core.route.GatewayFixtures.slice;
import static io.jingress.core.route.GatewayFixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verdicts a compilation gives our Gateways, their listeners and the HTTPRoutes attached: what status shows. */
class GatewayStatusTest {

    private static HttpRoute routeTo(HttpBackendRef... refs) {
        return route("default", "r", 1, List.of("h.example.com"), HttpRouteRule.of(List.of(), List.of(refs)));
    }

    private static HttpRoute withParent(HttpRoute route, HttpRoute.ParentRef... parents) {
        return new HttpRoute(route.namespace(), route.name(), route.creationTimestamp(), List.of(parents), route.hostnames(),
                route.rules());
    }

    /** "Type=Status Reason" of each condition of the route's only verdict. */
    private static List<String> conditionsOf(RouteTable table, String namespace, String name) {
        List<GatewayStatus.RouteVerdict> parents = table.gatewayStatus().routeParents(namespace, name);
        assertEquals(1, parents.size(), parents.toString());
        return brief(parents.get(0).conditions());
    }

    private static List<String> brief(List<GatewayStatus.Condition> conditions) {
        return conditions.stream().map(c -> c.type() + "=" + (c.status() ? "True" : "False") + " " + c.reason()).toList();
    }

    @Test
    void aRouteAttachedWithItsBackendsFoundIsAcceptedWithResolvedRefsAndCountsOnItsListener() {
        RouteTable table = compile(state(gateway("*.example.com"), "a").httpRoute(routeTo(HttpBackendRef.service("a", 80)))
                .build());
        assertEquals(List.of("Accepted=True Accepted", "ResolvedRefs=True ResolvedRefs"), conditionsOf(table, "default", "r"));
        GatewayStatus.RouteVerdict verdict = table.gatewayStatus().routeParents("default", "r").get(0);
        assertEquals(HttpRoute.ParentRef.of("infra", "web"), verdict.parentRef());
        assertEquals("attached to Gateway infra/web (listener http)", verdict.condition(GatewayStatus.ACCEPTED).message());

        GatewayStatus.GatewayVerdict gateway = table.gatewayStatus().gateway("infra", "web");
        assertEquals(List.of("Accepted=True Accepted", "Programmed=True Programmed"), brief(gateway.conditions()));
        GatewayStatus.ListenerVerdict listener = gateway.listeners().get(0);
        assertEquals("http", listener.name());
        assertEquals(List.of("HTTPRoute", "GRPCRoute"), listener.supportedKinds());
        assertEquals(1, listener.attachedRoutes());
        assertEquals(List.of("Accepted=True Accepted", "Programmed=True Programmed", "ResolvedRefs=True ResolvedRefs"),
                brief(listener.conditions()));
    }

    @Test
    void aMissingServiceIsBackendNotFoundWithTheWarningsText() {
        RouteTable table = compile(state(gateway(null)).httpRoute(routeTo(HttpBackendRef.service("gone", 80))).build());
        assertEquals(List.of("Accepted=True Accepted", "ResolvedRefs=False BackendNotFound"), conditionsOf(table, "default", "r"));
        String message = table.gatewayStatus().routeParents("default", "r").get(0).condition(GatewayStatus.RESOLVED_REFS).message();
        assertTrue(message.startsWith("spec.rules[0].backendRefs[0]: ") && message.contains("gone"), message);
    }

    @Test
    void aBackendInAnotherNamespaceIsRefNotPermittedUntilAReferenceGrantOpensIt() {
        ClusterState.Builder base = state(gateway(null)).service(service("backends", "api"))
                .endpointSlice(slice("backends", "api", "10.1.0.1"))
                .httpRoute(routeTo(HttpBackendRef.service("api", 80).inNamespace("backends")));
        assertEquals(List.of("Accepted=True Accepted", "ResolvedRefs=False RefNotPermitted"),
                conditionsOf(compile(base.build()), "default", "r"));

        ReferenceGrant grant = new ReferenceGrant("backends", "from-default",
                List.of(new ReferenceGrant.From("gateway.networking.k8s.io", "HTTPRoute", "default")),
                List.of(new ReferenceGrant.To("", "Service", null)));
        assertEquals(List.of("Accepted=True Accepted", "ResolvedRefs=True ResolvedRefs"),
                conditionsOf(compile(base.referenceGrant(grant).build()), "default", "r"));
    }

    @Test
    void aBackendOfAnotherKindIsInvalidKind() {
        RouteTable table = compile(state(gateway(null)).httpRoute(routeTo(
                new HttpBackendRef("example.com", "Bucket", null, "b", 80, 1, List.of()))).build());
        assertEquals(List.of("Accepted=True Accepted", "ResolvedRefs=False InvalidKind"), conditionsOf(table, "default", "r"));
    }

    @Test
    void aSectionNameNoListenerHasIsNoMatchingParentAndTheListenerCountsNoRoute() {
        RouteTable table = compile(state(gateway(null), "a").httpRoute(withParent(routeTo(HttpBackendRef.service("a", 80)),
                new HttpRoute.ParentRef("infra", "web", "https", null))).build());
        assertEquals(List.of("Accepted=False NoMatchingParent"), conditionsOf(table, "default", "r"));
        assertEquals("spec.parentRefs[0]: not attached to Gateway infra/web: it has no listener named https",
                table.gatewayStatus().routeParents("default", "r").get(0).condition(GatewayStatus.ACCEPTED).message());
        assertEquals(0, table.gatewayStatus().gateway("infra", "web").listeners().get(0).attachedRoutes());
    }

    @Test
    void aListenerOfTheGatewaysNamespaceOnlyIsNotAllowedByListenersForAnotherNamespace() {
        Gateway sameOnly = new Gateway("infra", "web", "jingress", List.of(Gateway.Listener.http("http", null, 80)));
        RouteTable table = compile(state(sameOnly, "a").httpRoute(routeTo(HttpBackendRef.service("a", 80))).build());
        assertEquals(List.of("Accepted=False NotAllowedByListeners"), conditionsOf(table, "default", "r"));
    }

    @Test
    void hostnamesSharingNoNameWithTheListenersAreNoMatchingListenerHostname() {
        RouteTable table = compile(state(gateway("*.example.org"), "a").httpRoute(routeTo(HttpBackendRef.service("a", 80)))
                .build());
        assertEquals(List.of("Accepted=False NoMatchingListenerHostname"), conditionsOf(table, "default", "r"));
    }

    @Test
    void aRuleDroppedForAnUnsupportedFilterLeavesTheRouteAcceptedAndPartiallyInvalid() {
        HttpRouteRule served = HttpRouteRule.of(List.of(HttpRouteMatch.pathPrefix("/a")), List.of(HttpBackendRef.service("a", 80)));
        HttpRouteRule dropped = new HttpRouteRule(List.of(HttpRouteMatch.pathPrefix("/b")),
                List.of(HttpRouteFilter.other("ExtensionRef")), List.of(HttpBackendRef.service("a", 80)));
        RouteTable table = compile(state(gateway(null), "a").httpRoute(route("default", "r", 1, List.of(), served, dropped))
                .build());
        assertEquals(List.of("Accepted=True Accepted", "ResolvedRefs=True ResolvedRefs", "PartiallyInvalid=True UnsupportedValue"),
                conditionsOf(table, "default", "r"));
        assertEquals("Dropped Rule 1: spec.rules[1].filters[0].type: ExtensionRef is not served by Jingress",
                table.gatewayStatus().routeParents("default", "r").get(0).condition(GatewayStatus.PARTIALLY_INVALID).message());
        assertEquals(1, table.gatewayStatus().gateway("infra", "web").listeners().get(0).attachedRoutes());

        RouteTable none = compile(state(gateway(null), "a").httpRoute(route("default", "r", 1, List.of(), dropped)).build());
        assertEquals(List.of("Accepted=False UnsupportedValue", "ResolvedRefs=True ResolvedRefs"), conditionsOf(none, "default", "r"));
        assertEquals(0, none.gatewayStatus().gateway("infra", "web").listeners().get(0).attachedRoutes(),
                "a route that is not accepted is not counted");
    }

    @Test
    void aParentRefToAnotherControllersGatewayGetsNoVerdict() {
        Gateway theirs = new Gateway("infra", "theirs", "other", List.of(Gateway.Listener.http("http", null, 80)));
        RouteTable table = compile(state(gateway(null), "a").gatewayClass(new GatewayClass("other", "example.com/gw"))
                .gateway(theirs)
                .httpRoute(withParent(routeTo(HttpBackendRef.service("a", 80)), HttpRoute.ParentRef.of("infra", "theirs"),
                        HttpRoute.ParentRef.of("infra", "web")))
                .build());
        List<GatewayStatus.RouteVerdict> parents = table.gatewayStatus().routeParents("default", "r");
        assertEquals(List.of(HttpRoute.ParentRef.of("infra", "web")), parents.stream().map(GatewayStatus.RouteVerdict::parentRef).toList());
        assertNull(table.gatewayStatus().gateway("infra", "theirs"));
    }

    @Test
    void attachedRoutesCountEachRouteOnceOnEveryListenerItsParentRefSelectsHostnamesAside() {
        Gateway gateway = new Gateway("infra", "web", "jingress", List.of(
                Gateway.Listener.http("shop", "*.example.com", 80).allowedRoutesFrom(Gateway.FROM_ALL),
                Gateway.Listener.http("other", "other.org", 8080).allowedRoutesFrom(Gateway.FROM_ALL),
                Gateway.Listener.http("mine", null, 80)));
        HttpRoute first = routeTo(HttpBackendRef.service("a", 80));
        HttpRoute second = new HttpRoute("default", "s", Instant.EPOCH, List.of(HttpRoute.ParentRef.of("infra", "web"),
                new HttpRoute.ParentRef("infra", "web", "shop", null)), List.of("s.example.com"), first.rules());
        RouteTable table = compile(state(gateway, "a").httpRoute(first).httpRoute(second).build());
        List<Integer> counts = table.gatewayStatus().gateway("infra", "web").listeners().stream()
                .map(GatewayStatus.ListenerVerdict::attachedRoutes).toList();
        assertEquals(List.of(2, 2, 0), counts, "\"mine\" takes routes of infra only");
        assertEquals(2, table.gatewayStatus().routeParents("default", "s").size(), "one verdict per parentRef");
    }

    @Test
    void aListenerOfAnUnsupportedProtocolIsNotAcceptedAndTheGatewaySaysListenersNotValid() {
        Gateway gateway = new Gateway("infra", "web", "jingress", List.of(
                Gateway.Listener.http("http", null, 80),
                new Gateway.Listener("tcp", null, 9000, "TCP", List.of(), null)));
        RouteTable table = compile(state(gateway).build());
        GatewayStatus.GatewayVerdict verdict = table.gatewayStatus().gateway("infra", "web");
        assertEquals(List.of("Accepted=True ListenersNotValid", "Programmed=True Programmed"), brief(verdict.conditions()));
        GatewayStatus.ListenerVerdict tcp = verdict.listeners().get(1);
        assertEquals(List.of(), tcp.supportedKinds());
        assertEquals(List.of("Accepted=False UnsupportedProtocol", "Programmed=False Invalid", "ResolvedRefs=True ResolvedRefs"),
                brief(tcp.conditions()));
        assertEquals("spec.listeners[1].protocol: \"TCP\" is not served by Jingress (HTTP and HTTPS are); this listener"
                + " takes no routes", tcp.condition(GatewayStatus.ACCEPTED).message());

        Gateway onlyTcp = new Gateway("infra", "web", "jingress", List.of(new Gateway.Listener("tcp", null, 9000, "TCP",
                List.of(), null)));
        assertEquals(List.of("Accepted=False ListenersNotValid", "Programmed=False Invalid"),
                brief(compile(state(onlyTcp).build()).gatewayStatus().gateway("infra", "web").conditions()));
    }

    @Test
    void anHttpsListenerWhoseSecretIsMissingOrNotGrantedDoesNotResolveItsRefs() {
        Gateway missing = new Gateway("infra", "web", "jingress", List.of(Gateway.Listener.https("https", "a.example.com", 443,
                List.of(new Gateway.SecretRef(null, "gone")))));
        assertEquals(List.of("Accepted=True Accepted", "Programmed=True Programmed", "ResolvedRefs=False InvalidCertificateRef"),
                brief(compile(state(missing).build()).gatewayStatus().gateway("infra", "web").listeners().get(0).conditions()));

        Gateway elsewhere = new Gateway("infra", "web", "jingress", List.of(Gateway.Listener.https("https", "a.example.com", 443,
                List.of(new Gateway.SecretRef("certs", "tls")))));
        assertEquals("ResolvedRefs=False RefNotPermitted", brief(compile(state(elsewhere).build()).gatewayStatus()
                .gateway("infra", "web").listeners().get(0).conditions()).get(2));
    }

    @Test
    void withoutGatewaysOfOursThereAreNoVerdicts() {
        Gateway theirs = new Gateway("infra", "web", "other", List.of(Gateway.Listener.http("http", null, 80)));
        RouteTable table = compile(ClusterState.builder().gatewayClass(new GatewayClass("other", "example.com/gw"))
                .gateway(theirs).httpRoute(routeTo(HttpBackendRef.service("a", 80))).build());
        assertEquals(GatewayStatus.empty(), table.gatewayStatus());
    }
}
