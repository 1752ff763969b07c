package io.jingress.core.route;

import io.jingress.core.model.Gateway;
import io.jingress.core.model.HttpRouteMatch;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.TlsSecret;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.model.HttpRouteMatch.pathPrefix;
import static io.jingress.core.route.GatewayFixtures.chosen;
import static io.jingress.core.route.GatewayFixtures.compile;
import static io.jingress.core.route.GatewayFixtures.gateway;
import static io.jingress.core.route.GatewayFixtures.problemsOf;
import static io.jingress.core.route.GatewayFixtures.route;
import static io.jingress.core.route.GatewayFixtures.rule;
import static io.jingress.core.route.GatewayFixtures.serviceOf;
import static io.jingress.core.route.GatewayFixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ingresses and HTTPRoutes on the same hosts, and HTTPS listeners. */
class HttpRouteWithIngressTest {

    private static Ingress ingress(String name, long created, String host, String path, String service) {
        return Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(created))
                .rule(IngressRule.of(host, prefix(path, IngressBackend.service(service, 80)))).build();
    }

    @Test
    void anIngressAndAnHttpRouteOnTheSameHostMerge() {
        RouteTable table = compile(state(gateway(null), "web", "api")
                .ingress(ingress("web", 1, "h.example.com", "/", "web"))
                .httpRoute(route("default", "api", 2, List.of("h.example.com"), rule(pathPrefix("/api"), "api")))
                .build());
        assertEquals("web", serviceOf(table, "h.example.com", "/"));
        assertEquals("api", serviceOf(table, "h.example.com", "/api/x"));
        assertTrue(table.problems().isEmpty(), problemsOf(table).toString());
        assertEquals(2, table.routes().size());
    }

    @Test
    void anHttpRouteMatchWithConditionsFallsToTheIngressPathBelowIt() {
        RouteTable table = compile(state(gateway(null), "web", "beta")
                .ingress(ingress("web", 1, "h.example.com", "/", "web"))
                .httpRoute(route("default", "beta", 2, List.of("h.example.com"),
                        rule(pathPrefix("/").withHeader("x-beta", "1"), "beta")))
                .build());
        assertEquals("beta", serviceOf(chosen(table, "h.example.com", "/p", "GET", Map.of("x-beta", "1"), null)));
        assertEquals("web", serviceOf(chosen(table, "h.example.com", "/p", "GET", Map.of(), null)));
    }

    @Test
    void theSamePathWithoutConditionsConflictsAndTheOlderOfIngressAndHttpRouteServes() {
        RouteTable ingressOlder = compile(state(gateway(null), "web", "api")
                .ingress(ingress("web", 1, "h.example.com", "/api", "web"))
                .httpRoute(route("default", "api", 2, List.of("h.example.com"), rule(pathPrefix("/api"), "api")))
                .build());
        assertEquals("web", serviceOf(ingressOlder, "h.example.com", "/api"));
        assertEquals(List.of("HTTPRoute default/api: spec.rules[0].matches[0]: host h.example.com path \"/api\" (PathPrefix)"
                + " is already served by the older Ingress default/web (spec.rules[0].http.paths[0]); this match is not"
                + " served"), problemsOf(ingressOlder));

        RouteTable routeOlder = compile(state(gateway(null), "web", "api")
                .ingress(ingress("web", 3, "h.example.com", "/api", "web"))
                .httpRoute(route("default", "api", 2, List.of("h.example.com"), rule(pathPrefix("/api"), "api")))
                .build());
        assertEquals("api", serviceOf(routeOlder, "h.example.com", "/api"));
        assertEquals(List.of("Ingress default/web: spec.rules[0].http.paths[0]: host h.example.com path \"/api\" (Prefix) is"
                + " already served by the older HTTPRoute default/api (spec.rules[0].matches[0]); this path is not served"),
                problemsOf(routeOlder));
        assertEquals(1, routeOlder.routes().size(), "the Ingress path that lost is not listed as served");
    }

    @Test
    void anIngressWildcardStillTakesOneLabelOnlyBesideAGatewayWildcard() {
        RouteTable table = compile(state(gateway(null), "web", "gw")
                .ingress(ingress("web", 1, "*.ingress.example.com", "/", "web"))
                .httpRoute(route("default", "gw", 2, List.of("*.gateway.example.com"), rule(null, "gw")))
                .build());
        assertEquals("web", serviceOf(table, "a.ingress.example.com", "/"));
        assertNull(serviceOf(table, "a.b.ingress.example.com", "/"));
        assertEquals("gw", serviceOf(table, "a.b.gateway.example.com", "/"));
    }

    @Test
    void anHttpsListenersCertificateRefGivesTheCertificateOfItsHostname() {
        TlsSecret secret = new TlsSecret("infra", "shop-tls", "CERT", "KEY");
        Gateway https = new Gateway("infra", "web", "jingress", List.of(Gateway.Listener.https("https", "shop.example.com",
                443, List.of(new Gateway.SecretRef(null, "shop-tls"))).allowedRoutesFrom(Gateway.FROM_ALL)));
        RouteTable table = compile(state(https, "svc").secret(secret)
                .httpRoute(route("default", "r", 1, List.of(), rule(null, "svc"))).build());
        assertSame(secret, table.certificates().get("shop.example.com"));
        assertEquals("svc", serviceOf(table, "shop.example.com", "/"));
        assertFalse(((Route) table.match("shop.example.com", "/")).sslRedirect());
    }

    @Test
    void aCertificateRefToAnotherNamespaceWithoutAReferenceGrantIsRefused() {
        TlsSecret secret = new TlsSecret("other", "shop-tls", "CERT", "KEY");
        Gateway https = new Gateway("infra", "web", "jingress", List.of(Gateway.Listener.https("https", "shop.example.com",
                443, List.of(new Gateway.SecretRef("other", "shop-tls")))));
        RouteTable table = compile(state(https).secret(secret).build());
        assertNull(table.certificates().get("shop.example.com"));
        assertEquals(List.of("Gateway infra/web: spec.listeners[0].tls.certificateRefs[0]: Secret other/shop-tls is in"
                + " another namespace and no ReferenceGrant there allows it; its hosts get the default certificate"),
                problemsOf(table));
    }

    @Test
    void aListenerOfAnotherProtocolTakesNoRoutesAndSaysSo() {
        Gateway tcp = new Gateway("infra", "web", "jingress", List.of(
                new Gateway.Listener("tcp", null, 9000, "TCP", List.of(), Gateway.FROM_ALL)));
        RouteTable table = compile(state(tcp, "svc").httpRoute(route("default", "r", 1, List.of(), rule(null, "svc"))).build());
        assertTrue(table.routes().isEmpty());
        assertEquals(List.of("Gateway infra/web: spec.listeners[0].protocol: \"TCP\" is not served by Jingress (HTTP and"
                + " HTTPS are); this listener takes no routes",
                "HTTPRoute default/r: spec.parentRefs[0]: not attached to Gateway infra/web: listener tcp is not served"),
                problemsOf(table));
    }

    @Test
    void aBadHostnameIsReportedAndTheRestServes() {
        RouteTable table = compile(state(gateway(null), "svc")
                .httpRoute(route("default", "r", 1, List.of("bad_host!", "ok.example.com"), rule(null, "svc"))).build());
        assertEquals("svc", serviceOf(table, "ok.example.com", "/"));
        assertEquals(List.of("HTTPRoute default/r: spec.hostnames[0]: \"bad_host!\" is not a DNS name or *. wildcard; it is"
                + " not served"), problemsOf(table));
    }

    @Test
    void anHttpRouteRuleIsNamedInTheRoutesToString() {
        RouteTable table = compile(state(gateway(null), "svc")
                .httpRoute(route("default", "r", 1, List.of("h.example.com"),
                        rule(HttpRouteMatch.pathPrefix("/a").withMethod("POST"), "svc"))).build());
        assertEquals("[Route[HTTPRoute default/r spec.rules[0].matches[0] h.example.com /a (Prefix, method POST) -> default/svc:80]]",
                table.routes().toString());
    }
}
