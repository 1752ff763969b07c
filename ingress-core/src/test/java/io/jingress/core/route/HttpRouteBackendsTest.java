package io.jingress.core.route;

import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteFilter;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.core.model.ReferenceGrant;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.jingress.core.route.GatewayFixtures.compile;
import static io.jingress.core.route.GatewayFixtures.gateway;
import static io.jingress.core.route.GatewayFixtures.problemsOf;
import static io.jingress.core.route.GatewayFixtures.route;
import static io.jingress.core.route.GatewayFixtures.service;
import static io.jingress.core.route.GatewayFixtures.slice;
import static io.jingress.core.route.GatewayFixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** backendRefs of HTTPRoutes: weights, invalid references (500), ReferenceGrants. */
class HttpRouteBackendsTest {

    private static Route only(RouteTable table) {
        return ((Route) table.match("h.example.com", "/")).select("GET", n -> null, null);
    }

    private static HttpRoute routeTo(HttpBackendRef... refs) {
        return route("default", "r", 1, List.of("h.example.com"), HttpRouteRule.of(List.of(), List.of(refs)));
    }

    @Test
    void weightedBackendRefsSplitTheRequestsByWeightAndAWeightOfZeroTakesNone() {
        RouteTable table = compile(state(gateway(null), "a", "b", "c").httpRoute(routeTo(
                HttpBackendRef.service("a", 80).withWeight(90), HttpBackendRef.service("b", 80).withWeight(10),
                HttpBackendRef.service("c", 80).withWeight(0))).build());
        BackendSplit split = only(table).split();
        assertEquals("default/a:80 (weight 90), default/b:80 (weight 10)", split.describe());
        assertEquals(100, split.totalWeight());
        assertEquals("a", split.pick(89).serviceName());
        assertEquals("b", split.pick(90).serviceName());
        assertTrue(table.problems().isEmpty(), problemsOf(table).toString());
    }

    private static io.jingress.core.model.Service h2c(String name) {
        return io.jingress.core.model.Service.of("default", name, new io.jingress.core.model.Service.Port("http", 80,
                io.jingress.core.model.PortRef.number(8080), "TCP", io.jingress.core.model.Service.Port.H2C));
    }

    @Test
    void aServicePortWithAppProtocolH2cIsSpokenToInHttp2AndAMixOfPortsInHttp1WithAWarning() {
        RouteTable table = compile(state(gateway(null)).service(h2c("grpc")).endpointSlice(slice("default", "grpc", "10.0.0.9"))
                .httpRoute(routeTo(HttpBackendRef.service("grpc", 80))).build());
        Route route = only(table);
        assertEquals(BackendProtocol.H2C, route.policy().backendProtocol());
        assertTrue(route.policy().backendProtocol().http2());
        assertEquals(List.of("endpoints spoken to in HTTP/2 in cleartext (a GRPCRoute's, or the Service port's appProtocol"
                + " kubernetes.io/h2c)"),
                route.policy().describe());
        assertTrue(table.problems().isEmpty(), problemsOf(table).toString());

        RouteTable mixed = compile(state(gateway(null), "web").service(h2c("grpc")).endpointSlice(slice("default", "grpc", "10.0.0.9"))
                .httpRoute(routeTo(HttpBackendRef.service("grpc", 80).withWeight(50), HttpBackendRef.service("web", 80).withWeight(50)))
                .build());
        assertEquals(BackendProtocol.HTTP, only(mixed).policy().backendProtocol());
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].backendRefs: some of the rule's Service ports have appProtocol"
                + " kubernetes.io/h2c and some not: its requests go to all in HTTP/1.1"), problemsOf(mixed));
    }

    @Test
    void theAnnotationDoesNotTakeH2cWhichOnlyAServicePortAsks() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(java.util.Map.of("nginx.ingress.kubernetes.io/backend-protocol", "H2C"));
        assertEquals(BackendProtocol.HTTP, parsed.policy().backendProtocol());
        assertEquals(1, parsed.problems().size(), parsed.problems().toString());
    }

    @Test
    void aBackendRefToAnotherNamespaceWithoutAReferenceGrantIsRefusedAndAnswered500() {
        RouteTable table = compile(state(gateway(null))
                .service(service("backends", "api")).endpointSlice(slice("backends", "api", "10.1.0.1"))
                .httpRoute(routeTo(HttpBackendRef.service("api", 80).inNamespace("backends"))).build());
        Backend backend = only(table).backend();
        assertEquals(Backend.Status.INVALID_REFERENCE, backend.status());
        assertTrue(backend.endpoints().isEmpty(), "no address of the other namespace is reachable through the route");
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].backendRefs[0]: Service backends/api is in another"
                + " namespace and no ReferenceGrant in backends allows HTTPRoutes of default to refer to it; its share"
                + " of the requests is answered 500"), problemsOf(table));
    }

    @Test
    void aReferenceGrantInTheServicesNamespaceLetsTheRouteReachIt() {
        ReferenceGrant grant = new ReferenceGrant("backends", "from-default",
                List.of(new ReferenceGrant.From("gateway.networking.k8s.io", "HTTPRoute", "default")),
                List.of(new ReferenceGrant.To("", "Service", "api")));
        RouteTable table = compile(state(gateway(null))
                .service(service("backends", "api")).endpointSlice(slice("backends", "api", "10.1.0.1"))
                .referenceGrant(grant)
                .httpRoute(routeTo(HttpBackendRef.service("api", 80).inNamespace("backends"))).build());
        assertEquals(Backend.Status.READY, only(table).backend().status());
        assertEquals("backends/api:80", only(table).backend().key());
    }

    @Test
    void aReferenceGrantForAnotherServiceOrAnotherNamespaceDoesNotCount() {
        ReferenceGrant otherService = new ReferenceGrant("backends", "g1",
                List.of(new ReferenceGrant.From("gateway.networking.k8s.io", "HTTPRoute", "default")),
                List.of(new ReferenceGrant.To("", "Service", "db")));
        ReferenceGrant otherFrom = new ReferenceGrant("backends", "g2",
                List.of(new ReferenceGrant.From("gateway.networking.k8s.io", "HTTPRoute", "tenant-b")),
                List.of(new ReferenceGrant.To("", "Service", null)));
        ReferenceGrant wrongPlace = new ReferenceGrant("default", "g3",
                List.of(new ReferenceGrant.From("gateway.networking.k8s.io", "HTTPRoute", "default")),
                List.of(new ReferenceGrant.To("", "Service", null)));
        RouteTable table = compile(state(gateway(null))
                .service(service("backends", "api")).endpointSlice(slice("backends", "api", "10.1.0.1"))
                .referenceGrant(otherService).referenceGrant(otherFrom).referenceGrant(wrongPlace)
                .httpRoute(routeTo(HttpBackendRef.service("api", 80).inNamespace("backends"))).build());
        assertEquals(Backend.Status.INVALID_REFERENCE, only(table).backend().status());
    }

    @Test
    void aMissingServiceIsAnInvalidReferenceAndAServiceWithoutEndpointsIsUnavailable() {
        RouteTable missing = compile(state(gateway(null)).httpRoute(routeTo(HttpBackendRef.service("nope", 80))).build());
        assertEquals(Backend.Status.INVALID_REFERENCE, only(missing).backend().status());
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].backendRefs[0]: service default/nope not found; its share"
                + " of the requests is answered 500"), problemsOf(missing));
        RouteTable empty = compile(state(gateway(null)).service(service("default", "idle"))
                .httpRoute(routeTo(HttpBackendRef.service("idle", 80))).build());
        assertEquals(Backend.Status.NO_READY_ENDPOINTS, only(empty).backend().status());
    }

    @Test
    void aBackendRefWithoutPortIsReportedOnItsPortField() {
        HttpBackendRef noPort = new HttpBackendRef(null, null, null, "a", null, null, null);
        HttpRoute route = route("default", "r", 1, List.of("h.example.com"),
                HttpRouteRule.of(List.of(), List.of(HttpBackendRef.service("a", 80))),
                HttpRouteRule.of(List.of(io.jingress.core.model.HttpRouteMatch.pathPrefix("/x")), List.of(noPort)));
        RouteTable table = compile(state(gateway(null), "a").httpRoute(route).build());
        assertEquals(List.of("HTTPRoute default/r: spec.rules[1].backendRefs[0].port: a Service backendRef needs a port;"
                + " its share of the requests is answered 500"), problemsOf(table));
        assertEquals("a", only(table).backend().serviceName(), "the other rule is served");
    }

    @Test
    void aBackendRefOfAnotherKindIsAnInvalidReference() {
        HttpBackendRef bucket = new HttpBackendRef("storage.example.com", "Bucket", null, "b", 80, 1, List.of());
        RouteTable table = compile(state(gateway(null)).httpRoute(routeTo(bucket)).build());
        assertEquals(Backend.Status.INVALID_REFERENCE, only(table).backend().status());
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].backendRefs[0]: storage.example.com/Bucket is not a"
                + " backend Jingress serves (Services are); its share of the requests is answered 500"), problemsOf(table));
    }

    @Test
    void aRuleWithoutBackendRefsOrWithEveryWeightZeroIsAnswered500() {
        RouteTable none = compile(state(gateway(null)).httpRoute(routeTo()).build());
        assertEquals(Backend.Status.INVALID_REFERENCE, only(none).backend().status());
        RouteTable zero = compile(state(gateway(null), "a").httpRoute(routeTo(HttpBackendRef.service("a", 80).withWeight(0))).build());
        assertEquals(Backend.Status.INVALID_REFERENCE, only(zero).backend().status());
        assertNull(only(zero).split());
    }

    @Test
    void aBackendRefsHeaderModifiersGoWithItsBackendAndOtherFiltersDropTheRule() {
        HttpRouteFilter.HeaderModifier tag = new HttpRouteFilter.HeaderModifier(
                List.of(new HttpRouteFilter.Header("X-Backend", "a")), List.of(), List.of());
        HttpBackendRef filtered = new HttpBackendRef(null, null, null, "a", 80, 1,
                List.of(HttpRouteFilter.requestHeaders(tag), HttpRouteFilter.responseHeaders(tag)));
        RouteTable table = compile(state(gateway(null), "a", "b").httpRoute(routeTo(filtered, HttpBackendRef.service("b", 80)))
                .build());
        BackendSplit split = only(table).split();
        assertEquals(tag, split.backends().get(0).filters().requestHeaders());
        assertEquals(tag, split.backends().get(0).filters().responseHeaders());
        assertNull(split.backends().get(1).filters(), "the other backendRef has none");
        assertEquals("default/a:80 (weight 1, its own filters: RequestHeaderModifier, ResponseHeaderModifier),"
                + " default/b:80 (weight 1)", split.describe());
        assertEquals(List.of(), problemsOf(table));

        HttpBackendRef redirecting = new HttpBackendRef(null, null, null, "a", 80, 1, List.of(HttpRouteFilter.redirect(
                new HttpRouteFilter.Redirect("https", null, null, null, null)), HttpRouteFilter.other("RequestHeaderModifier")));
        RouteTable refused = compile(state(gateway(null), "a").httpRoute(routeTo(redirecting)).build());
        assertTrue(refused.routes().isEmpty());
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].backendRefs[0].filters[0].type: RequestRedirect is not served"
                        + " by Jingress on a backendRef (RequestHeaderModifier and ResponseHeaderModifier are); rule 0 is not served",
                "HTTPRoute default/r: spec.rules[0].backendRefs[0].filters[1]: the RequestHeaderModifier is missing; rule 0 is"
                        + " not served"), problemsOf(refused));
    }
}
