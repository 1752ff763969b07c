package io.jingress.core.route;

import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteFilter;
import io.jingress.core.model.HttpRouteMatch;
import io.jingress.core.model.HttpRouteRule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.jingress.core.route.GatewayFixtures.compile;
import static io.jingress.core.route.GatewayFixtures.gateway;
import static io.jingress.core.route.GatewayFixtures.problemsOf;
import static io.jingress.core.route.GatewayFixtures.route;
import static io.jingress.core.route.GatewayFixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** An HTTPRoute rule's {@code ExternalAuth} filter compiled: the auth Service resolved, what cannot be served refused. */
class ExternalAuthFilterTest {

    private static HttpRoute routeWith(HttpRouteFilter.ExternalAuth auth) {
        return route("default", "r", 1, List.of("h.example.com"),
                new HttpRouteRule(List.of(HttpRouteMatch.pathPrefix("/app")), List.of(HttpRouteFilter.externalAuth(auth)),
                        List.of(HttpBackendRef.service("app", 80))),
                HttpRouteRule.of(List.of(), List.of(HttpBackendRef.service("app", 80))));
    }

    private static Route routeAt(RouteTable table, String path) {
        return (Route) table.match("h.example.com", path);
    }

    @Test
    void anHttpFilterGivesTheRuleItsAuthServiceAndHeaders() {
        HttpRouteFilter.ExternalAuth auth = HttpRouteFilter.ExternalAuth.http(HttpBackendRef.service("auth", 80), "/verify")
                .withAllowedHeaders("Cookie").withAllowedResponseHeaders("X-User");
        RouteTable table = compile(state(gateway(null), "app", "auth").httpRoute(routeWith(auth)).build());

        GatewayAuth gatewayAuth = routeAt(table, "/app").policy().gatewayAuth();
        assertEquals("default/auth:80", gatewayAuth.backend().key());
        assertEquals("/verify", gatewayAuth.pathPrefix());
        assertEquals(List.of("cookie"), gatewayAuth.allowedRequestHeaders());
        assertEquals(List.of("x-user"), gatewayAuth.allowedResponseHeaders());
        assertEquals(List.of("external authorization by default/auth:80 at /verify<path> (ExternalAuth filter: only its"
                + " 200 lets a request through; sent also cookie; upstream gets x-user from its answer)"),
                routeAt(table, "/app").policy().describe());
        assertNull(routeAt(table, "/other").policy().gatewayAuth(), "the other rule has none");
        assertEquals(List.of(), problemsOf(table));
    }

    @Test
    void whatJingressCannotServeDropsTheRule() {
        HttpRouteFilter.ExternalAuth grpc = new HttpRouteFilter.ExternalAuth("GRPC", HttpBackendRef.service("auth", 80), null,
                List.of(), List.of(), null);
        HttpRouteFilter.ExternalAuth body = new HttpRouteFilter.ExternalAuth("HTTP", HttpBackendRef.service("auth", 80), "verify",
                List.of("bad header"), List.of("Content-Length"), 1024);
        RouteTable table = compile(state(gateway(null), "app", "auth").httpRoute(routeWith(grpc)).build());
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].filters[0].externalAuth.protocol: GRPC (Envoy's ext_authz"
                + " over gRPC) is not served by Jingress; HTTP is; rule 0 is not served"), problemsOf(table));
        assertNull(routeAt(table, "/app").policy().gatewayAuth(), "the request falls to the other rule, never unchecked under rule 0");
        assertEquals(1, routeAt(table, "/app").ruleIndex());

        List<String> problems = problemsOf(compile(state(gateway(null), "app", "auth").httpRoute(routeWith(body)).build()));
        assertEquals(List.of(
                "HTTPRoute default/r: spec.rules[0].filters[0].externalAuth.forwardBody: not served by Jingress (the auth"
                        + " service is never sent the body); rule 0 is not served",
                "HTTPRoute default/r: spec.rules[0].filters[0].externalAuth.http.path: \"verify\" is not a path starting with /;"
                        + " rule 0 is not served",
                "HTTPRoute default/r: spec.rules[0].filters[0].externalAuth.http.allowedHeaders[0]: \"bad header\" is not a"
                        + " header name; rule 0 is not served",
                "HTTPRoute default/r: spec.rules[0].filters[0].externalAuth.http.allowedResponseHeaders[0]: \"Content-Length\""
                        + " is not a header the auth service may set on the request; rule 0 is not served"), problems);
    }

    @Test
    void aMissingAuthServiceAnswers500AndResolvedRefsSaysWhy() {
        HttpRouteFilter.ExternalAuth auth = HttpRouteFilter.ExternalAuth.http(HttpBackendRef.service("gone", 80), null);
        RouteTable table = compile(state(gateway(null), "app").httpRoute(routeWith(auth)).build());

        GatewayAuth gatewayAuth = routeAt(table, "/app").policy().gatewayAuth();
        assertEquals(Backend.Status.INVALID_REFERENCE, gatewayAuth.backend().status());
        List<String> problems = problemsOf(table);
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(true, problems.get(0).startsWith("HTTPRoute default/r: spec.rules[0].filters[0].externalAuth.backendRef:"
                + " ExternalAuth: ") && problems.get(0).endsWith("; the rule's requests are answered 500"), problems.get(0));
        GatewayStatus.Condition resolved = table.gatewayStatus().routeParents("default", "r").get(0)
                .condition(GatewayStatus.RESOLVED_REFS);
        assertEquals("BackendNotFound", resolved.reason());
    }
}
