package io.jingress.core.route;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Gateway;
import io.jingress.core.model.GrpcRoute;
import io.jingress.core.model.GrpcRouteMatch;
import io.jingress.core.model.GrpcRouteRule;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteFilter;
import io.jingress.core.model.HttpRouteMatch;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.core.model.PathType;
import io.jingress.core.model.Problem;
import io.jingress.core.model.ReferenceGrant;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.jingress.core.route.GatewayFixtures.chosen;
import static io.jingress.core.route.GatewayFixtures.compile;
import static io.jingress.core.route.GatewayFixtures.route;
import static io.jingress.core.route.GatewayFixtures.service;
import static io.jingress.core.route.GatewayFixtures.serviceOf;
import static io.jingress.core.route.GatewayFixtures.slice;
import static io.jingress.core.route.GatewayFixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GRPCRoutes: method and header matches as paths and conditions, HTTP/2 to the backends, listeners, cross serving. */
class GrpcRouteTest {
    private static final String HOST = "grpc.example.com";

    /** A Gateway infra/web with an HTTPS listener "https" (any host) and an HTTP listener "http", both taking every namespace. */
    private static Gateway gateway() {
        return new Gateway("infra", "web", "jingress", List.of(
                Gateway.Listener.https("https", null, 443, List.of()).allowedRoutesFrom(Gateway.FROM_ALL),
                Gateway.Listener.http("http", null, 80).allowedRoutesFrom(Gateway.FROM_ALL)));
    }

    private static GrpcRoute grpcRoute(String name, long createdSecond, List<String> hostnames, GrpcRouteRule... rules) {
        return new GrpcRoute("default", name, Instant.ofEpochSecond(createdSecond),
                List.of(new HttpRoute.ParentRef("infra", "web", "https", null)), hostnames, List.of(rules));
    }

    private static GrpcRouteRule rule(GrpcRouteMatch match, String service) {
        return GrpcRouteRule.of(match == null ? List.of() : List.of(match), List.of(HttpBackendRef.service(service, 80)));
    }

    /** The Service a call to {@code path} (POST, with these headers) goes to, or null. */
    private static String callTo(RouteTable table, String path, Map<String, String> headers) {
        return serviceOf(chosen(table, HOST, path, "POST", headers, null));
    }

    /** The route's problems (the Gateway's own, such as its HTTPS listener without certificate, left out). */
    private static List<String> routeProblems(RouteTable table) {
        return table.problems().stream().filter(p -> !p.kind().equals("Gateway")).map(Problem::toString).toList();
    }

    private static List<String> brief(GatewayStatus.RouteVerdict verdict) {
        return verdict.conditions().stream().map(c -> c.type() + "=" + (c.status() ? "True" : "False") + " " + c.reason())
                .toList();
    }

    @Test
    void serviceAndMethodServiceAloneMethodAloneAndNoMatchEachTakeTheirCalls() {
        RouteTable table = compile(state(gateway(), "add", "cart", "health", "rest").grpcRoute(grpcRoute("g", 1, List.of(HOST),
                rule(GrpcRouteMatch.method("shop.Cart", "Add"), "add"),
                rule(GrpcRouteMatch.method("shop.Cart", null), "cart"),
                rule(GrpcRouteMatch.method(null, "Check"), "health"),
                rule(null, "rest"))).build());
        assertEquals(List.of(), routeProblems(table));
        assertEquals("add", callTo(table, "/shop.Cart/Add", Map.of()));
        assertEquals("cart", callTo(table, "/shop.Cart/Remove", Map.of()));
        assertEquals("health", callTo(table, "/grpc.health.v1.Health/Check", Map.of()));
        assertEquals("cart", callTo(table, "/shop.Cart/Check", Map.of()), "the longer service match wins");
        assertEquals("rest", callTo(table, "/shop.CartX/Add", Map.of()), "a service is a whole path segment");
        assertEquals("rest", callTo(table, "/a/b/Check", Map.of()), "a method of any service: /service/method only");
        assertEquals("rest", callTo(table, "/Check", Map.of()));
        assertEquals("rest", callTo(table, "/other.Svc/Other", Map.of()));

        Route add = chosen(table, HOST, "/shop.Cart/Add", "POST", Map.of(), null);
        assertEquals(Route.KIND_GRPC_ROUTE, add.kind());
        assertTrue(add.isGatewayRoute());
        assertEquals("GRPCRoute default/g spec.rules[0].matches[0]", add.source());
        assertEquals(BackendProtocol.H2C, add.policy().backendProtocol(), "a GRPCRoute's calls go in HTTP/2 (h2c)");
        assertEquals(PathType.EXACT, add.pathType());
    }

    @Test
    void aServiceMatchIsPreferredToAMethodAloneAsTheSpecOrdersThemByTheLengthOfTheServiceFirst() {
        // "/shop.Cart/Check": the service match (PathPrefix /shop.Cart) is more specific than the method alone (/)
        RouteTable table = compile(state(gateway(), "cart", "health").grpcRoute(grpcRoute("g", 1, List.of(HOST),
                rule(GrpcRouteMatch.method(null, "Check"), "health"),
                rule(GrpcRouteMatch.method("shop.Cart", null), "cart"))).build());
        assertEquals("cart", callTo(table, "/shop.Cart/Check", Map.of()));
        assertEquals("health", callTo(table, "/other.Svc/Check", Map.of()));
        assertNull(callTo(table, "/other.Svc/Other", Map.of()), "no rule takes it: 404");
    }

    @Test
    void headerMatchesAreConditionsAndTheMatchWithMoreHeadersIsTriedFirst() {
        RouteTable table = compile(state(gateway(), "canary", "stable").grpcRoute(grpcRoute("g", 1, List.of(HOST),
                rule(GrpcRouteMatch.method("shop.Cart", "Add"), "stable"),
                rule(GrpcRouteMatch.method("shop.Cart", "Add").withHeader("x-version", "2"), "canary"))).build());
        assertEquals(List.of(), routeProblems(table));
        assertEquals("canary", callTo(table, "/shop.Cart/Add", Map.of("X-Version", "2")));
        assertEquals("stable", callTo(table, "/shop.Cart/Add", Map.of("X-Version", "1")));
        assertEquals("stable", callTo(table, "/shop.Cart/Add", Map.of()));
    }

    @Test
    void whatJingressDoesNotServeDropsTheRuleWithAWarningNamingTheField() {
        GrpcRouteMatch regex = new GrpcRouteMatch(new GrpcRouteMatch.Method(HttpRouteMatch.REGULAR_EXPRESSION, "shop.*", null),
                List.of());
        GrpcRouteMatch neither = new GrpcRouteMatch(new GrpcRouteMatch.Method(null, null, null), List.of());
        GrpcRouteRule rewrite = new GrpcRouteRule(List.of(GrpcRouteMatch.method("a.B", null)), List.of(new HttpRouteFilter(
                HttpRouteFilter.URL_REWRITE, null, null, null, new HttpRouteFilter.Rewrite("x.example.com", null), null)),
                List.of(HttpBackendRef.service("ok", 80)));
        GrpcRouteRule mirror = new GrpcRouteRule(List.of(GrpcRouteMatch.method("c.D", null)), List.of(new HttpRouteFilter(
                HttpRouteFilter.REQUEST_MIRROR, null, null, null, null, HttpBackendRef.service("ok", 80))),
                List.of(HttpBackendRef.service("ok", 80)));
        RouteTable table = compile(state(gateway(), "ok").grpcRoute(grpcRoute("g", 1, List.of(HOST),
                rule(regex, "ok"), rule(neither, "ok"), rule(GrpcRouteMatch.method("shop/Cart", null), "ok"),
                rule(GrpcRouteMatch.method("shop.Cart", "Add-1"), "ok"), rewrite, mirror,
                rule(GrpcRouteMatch.method("shop.Cart", "Add"), "ok"))).build());
        assertEquals(List.of(
                "GRPCRoute default/g: spec.rules[0].matches[0].method.type: RegularExpression is not served by Jingress"
                        + " (Exact is); rule 0 is not served",
                "GRPCRoute default/g: spec.rules[1].matches[0].method: neither service nor method is given; rule 1 is not served",
                "GRPCRoute default/g: spec.rules[2].matches[0].method.service: \"shop/Cart\" is not a gRPC service name;"
                        + " rule 2 is not served",
                "GRPCRoute default/g: spec.rules[3].matches[0].method.method: \"Add-1\" is not a gRPC method name;"
                        + " rule 3 is not served",
                "GRPCRoute default/g: spec.rules[4].filters[0].type: URLRewrite is not a GRPCRoute filter; rule 4 is not served",
                "GRPCRoute default/g: spec.rules[5].filters[0].type: RequestMirror is not served by Jingress on a GRPCRoute"
                        + " (its copies go in HTTP/1.1); rule 5 is not served"), routeProblems(table));
        assertEquals("ok", callTo(table, "/shop.Cart/Add", Map.of()), "the rule that is good is served");
        assertNull(callTo(table, "/a.B/X", Map.of()));
        GatewayStatus.RouteVerdict verdict = table.gatewayStatus().routeParents(GrpcRoute.KIND, "default", "g").get(0);
        assertEquals(List.of("Accepted=True Accepted", "ResolvedRefs=True ResolvedRefs", "PartiallyInvalid=True UnsupportedValue"),
                brief(verdict));
    }

    @Test
    void aGrpcRouteAttachesToHttpListenersTooAndEveryServedListenerTakesBothKinds() {
        GrpcRoute toHttp = new GrpcRoute("default", "plain", Instant.ofEpochSecond(1),
                List.of(new HttpRoute.ParentRef("infra", "web", "http", null)), List.of(HOST),
                List.of(rule(null, "ok")));
        RouteTable table = compile(state(gateway(), "ok").grpcRoute(toHttp).build());
        assertEquals("ok", callTo(table, "/shop.Cart/Add", Map.of()));
        assertEquals(List.of(), routeProblems(table));
        GatewayStatus.RouteVerdict verdict = table.gatewayStatus().routeParents(GrpcRoute.KIND, "default", "plain").get(0);
        assertEquals(List.of("Accepted=True Accepted", "ResolvedRefs=True ResolvedRefs"), brief(verdict));

        List<GatewayStatus.ListenerVerdict> listeners = table.gatewayStatus().gateway("infra", "web").listeners();
        assertEquals(List.of("HTTPRoute", "GRPCRoute"), listeners.get(0).supportedKinds());
        assertEquals(List.of("HTTPRoute", "GRPCRoute"), listeners.get(1).supportedKinds());
        assertEquals(0, listeners.get(0).attachedRoutes());
        assertEquals(1, listeners.get(1).attachedRoutes());
    }

    @Test
    void aListenersAllowedRouteKindsChooseWhichKindsAttachAndKindsNotServedAreInvalidRouteKinds() {
        Gateway gateway = new Gateway("infra", "web", "jingress", List.of(
                Gateway.Listener.https("https", null, 443, List.of()).allowedRoutesFrom(Gateway.FROM_ALL)
                        .allowedKinds("gateway.networking.k8s.io/HTTPRoute"),
                Gateway.Listener.http("http", null, 80).allowedRoutesFrom(Gateway.FROM_ALL)
                        .allowedKinds("gateway.networking.k8s.io/TLSRoute", "gateway.networking.k8s.io/GRPCRoute")));
        GrpcRoute toHttps = grpcRoute("g", 1, List.of(HOST), rule(null, "calls"));
        RouteTable table = compile(state(gateway, "calls").grpcRoute(toHttps).build());

        assertNull(callTo(table, "/a.B/C", Map.of()));
        assertEquals(List.of("Accepted=False NotAllowedByListeners"),
                brief(table.gatewayStatus().routeParents(GrpcRoute.KIND, "default", "g").get(0)));
        assertEquals(List.of("GRPCRoute default/g: spec.parentRefs[0]: not attached to Gateway infra/web: listener https"
                + " does not take GRPCRoutes (allowedRoutes.kinds)"), routeProblems(table));
        List<GatewayStatus.ListenerVerdict> listeners = table.gatewayStatus().gateway("infra", "web").listeners();
        assertEquals(List.of("HTTPRoute"), listeners.get(0).supportedKinds());
        assertEquals(List.of("GRPCRoute"), listeners.get(1).supportedKinds());
        GatewayStatus.Condition refs = listeners.get(1).condition(GatewayStatus.RESOLVED_REFS);
        assertEquals("InvalidRouteKinds", refs.reason());
        assertEquals(false, refs.status());
        assertEquals("spec.listeners[1].allowedRoutes.kinds: gateway.networking.k8s.io/TLSRoute is not a route kind Jingress"
                + " serves (gateway.networking.k8s.io/HTTPRoute and gateway.networking.k8s.io/GRPCRoute are); it takes"
                + " GRPCRoutes", refs.message());
        assertTrue(listeners.get(1).condition(GatewayStatus.ACCEPTED).status(), "the kinds it can take, it takes");

        GrpcRoute toHttp = new GrpcRoute("default", "p", Instant.ofEpochSecond(2),
                List.of(new HttpRoute.ParentRef("infra", "web", "http", null)), List.of(HOST), List.of(rule(null, "calls")));
        assertEquals("calls", callTo(compile(state(gateway, "calls").grpcRoute(toHttp).build()), "/a.B/C", Map.of()));
    }

    @Test
    void anHttpRouteAndAGrpcRouteMayNotShareAHostnameOnAListenerAndTheOlderIsAttached() {
        HttpRoute web = new HttpRoute("default", "web", Instant.ofEpochSecond(1),
                List.of(new HttpRoute.ParentRef("infra", "web", "https", null)), List.of("*.example.com"),
                List.of(HttpRouteRule.of(List.of(HttpRouteMatch.pathPrefix("/")), List.of(HttpBackendRef.service("site", 80)))));
        GrpcRoute newer = grpcRoute("g", 2, List.of(HOST), rule(null, "calls"));
        GrpcRoute elsewhere = grpcRoute("other", 3, List.of("grpc.example.org"), rule(null, "calls"));
        RouteTable table = compile(state(gateway(), "site", "calls").httpRoute(web).grpcRoute(newer).grpcRoute(elsewhere).build());
        assertEquals("site", callTo(table, "/shop.Cart/Add", Map.of()), "the older HTTPRoute keeps the host");
        assertEquals("calls", serviceOf(chosen(table, "grpc.example.org", "/shop.Cart/Add", "POST", Map.of(), null)));
        assertEquals(List.of("GRPCRoute default/g: spec.parentRefs[0]: not attached to Gateway infra/web: listener https"
                + " already has the HTTPRoute default/web for host *.example.com, and an HTTPRoute and a GRPCRoute may not"
                + " share a hostname on a listener (the older is attached)"), routeProblems(table));
        assertEquals(List.of("Accepted=False Conflicted"),
                brief(table.gatewayStatus().routeParents(GrpcRoute.KIND, "default", "g").get(0)));
        assertEquals(List.of("Accepted=True Accepted", "ResolvedRefs=True ResolvedRefs"),
                brief(table.gatewayStatus().routeParents(HttpRoute.KIND, "default", "web").get(0)));
        assertEquals(2, table.gatewayStatus().gateway("infra", "web").listeners().get(0).attachedRoutes());

        // the other way round: the GRPCRoute is older, so the HTTPRoute is the one refused
        HttpRoute newerWeb = new HttpRoute("default", "web", Instant.ofEpochSecond(5), web.parentRefs(), web.hostnames(),
                web.rules());
        RouteTable reversed = compile(state(gateway(), "site", "calls").httpRoute(newerWeb).grpcRoute(newer).build());
        assertEquals("calls", callTo(reversed, "/shop.Cart/Add", Map.of()));
        assertNull(serviceOf(reversed, "www.example.com", "/"), "the HTTPRoute is not attached at all on that listener");
        assertEquals(List.of("Accepted=False Conflicted"),
                brief(reversed.gatewayStatus().routeParents(HttpRoute.KIND, "default", "web").get(0)));
    }

    @Test
    void aRouteRefusedOnOneListenerForCrossServingButAttachedToAnotherIsWarnedAbout() {
        GrpcRoute older = grpcRoute("g", 1, List.of(HOST), rule(null, "calls"));
        HttpRoute both = route("default", "web", 2, List.of("*.example.com"),
                HttpRouteRule.of(List.of(), List.of(HttpBackendRef.service("site", 80))));  // every listener of infra/web
        RouteTable table = compile(state(gateway(), "site", "calls").grpcRoute(older).httpRoute(both).build());
        assertEquals(List.of("HTTPRoute default/web: spec.parentRefs[0]: attached to Gateway infra/web but not to every"
                + " listener: listener https already has the GRPCRoute default/g for host grpc.example.com, and an HTTPRoute"
                + " and a GRPCRoute may not share a hostname on a listener (the older is attached)"), routeProblems(table));
        assertEquals(List.of("Accepted=True Accepted", "ResolvedRefs=True ResolvedRefs"),
                brief(table.gatewayStatus().routeParents(HttpRoute.KIND, "default", "web").get(0)));
        List<GatewayStatus.ListenerVerdict> listeners = table.gatewayStatus().gateway("infra", "web").listeners();
        assertEquals(1, listeners.get(0).attachedRoutes(), "https: the GRPCRoute alone");
        assertEquals(1, listeners.get(1).attachedRoutes(), "http: the HTTPRoute");
    }

    @Test
    void anHttpRouteAndAGrpcRouteOfOneNameHaveEachTheirOwnStatusAndCount() {
        HttpRoute web = route("default", "same", 1, List.of("www.example.com"),
                HttpRouteRule.of(List.of(), List.of(HttpBackendRef.service("site", 80))));
        GrpcRoute calls = grpcRoute("same", 1, List.of(HOST), rule(null, "calls"));
        RouteTable table = compile(state(gateway(), "site", "calls").httpRoute(web).grpcRoute(calls).build());
        assertEquals("calls", callTo(table, "/shop.Cart/Add", Map.of()));
        assertEquals("site", serviceOf(table, "www.example.com", "/"));
        GatewayStatus status = table.gatewayStatus();
        assertEquals(1, status.routeParents(HttpRoute.KIND, "default", "same").size());
        assertEquals(1, status.routeParents(GrpcRoute.KIND, "default", "same").size());
        assertEquals(HttpRoute.ParentRef.of("infra", "web"), status.routeParents("default", "same").get(0).parentRef(),
                "the two-argument lookup is the HTTPRoute's");
        assertEquals(2, status.gateway("infra", "web").listeners().get(0).attachedRoutes());
    }

    @Test
    void aBackendInAnotherNamespaceNeedsAReferenceGrantFromGrpcRoutes() {
        GrpcRoute across = grpcRoute("g", 1, List.of(HOST), GrpcRouteRule.of(List.of(),
                List.of(HttpBackendRef.service("calls", 80).inNamespace("shop"))));
        ClusterState.Builder base = state(gateway()).service(service("shop", "calls")).endpointSlice(slice("shop", "calls", "10.0.0.7"))
                .grpcRoute(across);
        RouteTable refused = compile(base.build());
        assertEquals(List.of("GRPCRoute default/g: spec.rules[0].backendRefs[0]: Service shop/calls is in another namespace"
                + " and no ReferenceGrant in shop allows GRPCRoutes of default to refer to it; its share of the requests is"
                + " answered 503 (UNAVAILABLE)"), routeProblems(refused));

        ReferenceGrant forHttpRoutes = new ReferenceGrant("shop", "http-only",
                List.of(new ReferenceGrant.From("gateway.networking.k8s.io", "HTTPRoute", "default")),
                List.of(new ReferenceGrant.To("", "Service", null)));
        assertEquals(1, routeProblems(compile(base.referenceGrant(forHttpRoutes).build())).size(),
                "a grant to HTTPRoutes is not one to GRPCRoutes");
        ReferenceGrant forGrpcRoutes = new ReferenceGrant("shop", "grpc",
                List.of(new ReferenceGrant.From("gateway.networking.k8s.io", "GRPCRoute", "default")),
                List.of(new ReferenceGrant.To("", "Service", null)));
        RouteTable granted = compile(base.referenceGrant(forGrpcRoutes).build());
        assertEquals(List.of(), routeProblems(granted));
        assertEquals("calls", callTo(granted, "/a.B/C", Map.of()));
    }
}
