package io.jingress.core.route;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.jingress.core.model.HttpIngressPath.exact;
import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.model.HttpRouteMatch.pathPrefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.matched;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default backend Service ({@code --default-backend-service}): where the requests no rule takes go,
 * as ingress-nginx sends them to it.
 */
class DefaultBackendServiceTest {
    private static final String SERVICE = "ingress/errors";
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static Service errorsService() {
        return Service.of("ingress", "errors", Service.Port.of("http", 80, 8080), Service.Port.of("metrics", 9090, 9090));
    }

    private static EndpointSlice errorsSlice() {
        return new EndpointSlice("ingress", "errors-x1", "errors", "IPv4",
                List.of(EndpointSlice.Port.of("http", 8080), EndpointSlice.Port.of("metrics", 9090)),
                List.of(EndpointSlice.Endpoint.ready("10.0.9.9")));
    }

    private static ClusterState.Builder state(boolean errorsReady, Ingress... ingresses) {
        ClusterState.Builder state = ClusterState.builder().service(service("web")).endpointSlice(slice("web", "10.0.0.1"))
                .service(errorsService());
        if (errorsReady) {
            state.endpointSlice(errorsSlice());
        }
        for (Ingress ingress : ingresses) {
            state.ingress(ingress);
        }
        return state;
    }

    private static RouteTable compile(Ingress... ingresses) {
        return RouteCompiler.create(Balancers.create()).withDefaultBackendService(SERVICE).compile(state(true, ingresses).build());
    }

    private static Ingress ingress(String name, long created, Map<String, String> annotations, IngressRule... rules) {
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(created));
        annotations.forEach((key, value) -> builder.annotation(NGINX + key, value));
        for (IngressRule rule : rules) {
            builder.rule(rule);
        }
        return builder.build();
    }

    private static Ingress shop() {
        return ingress("shop", 1, Map.of(), rule("shop.example.com", prefix("/app", backend("web")), exact("/cart", backend("web"))));
    }

    private static List<String> warnings(RouteTable table) {
        return table.problems().stream().filter(p -> p.severity() == Problem.Severity.WARNING).map(p -> "WARNING " + p).toList();
    }

    @Test
    void requestsForAHostWithoutRulesAndForAPathNoRuleHasGoToTheServiceAtItsFirstPort() {
        RouteTable table = compile(shop());

        Route catchAll = assertInstanceOf(Route.class, table.match("unknown.example.com", "/x"));
        assertSame(table.defaultRoute(), catchAll);
        assertTrue(catchAll.isDefaultBackendService());
        assertTrue(catchAll.isDefaultBackend());
        assertFalse(catchAll.isGatewayRoute());
        assertEquals(Route.KIND_SERVICE, catchAll.kind());
        assertEquals(SERVICE, catchAll.ingress());
        assertEquals("Service ingress/errors (default backend)", catchAll.source());
        assertEquals("ingress/errors:80", catchAll.backend().key());
        assertEquals(8080, catchAll.backend().endpoints().get(0).port(), "spec.ports[0]'s targetPort");
        assertSame(RoutePolicy.NONE, catchAll.policy(), "none of the Ingresses' annotations");
        assertNull(catchAll.host());
        assertSame(catchAll, table.match(null, "/"), "a request without a Host too");

        Route unmatched = assertInstanceOf(Route.class, table.match("shop.example.com", "/other"));
        assertTrue(unmatched.isDefaultBackendService());
        assertEquals("shop.example.com", unmatched.host());
        assertSame(catchAll.backend(), unmatched.backend());
        assertEquals(List.of(unmatched), table.hostDefaultRoutes());
        assertEquals("default/shop shop.example.com /app Prefix", matched(table, "shop.example.com", "/app/x"));
        assertEquals("default/shop shop.example.com /cart Exact", matched(table, "shop.example.com", "/cart"));
        assertTrue(table.backends().contains(catchAll.backend()));
        assertEquals(List.of(), warnings(table));
    }

    @Test
    void withoutTheSwitchNothingChanges() {
        RouteTable table = RouteCompiler.create(Balancers.create()).compile(state(true, shop()).build());

        assertEquals("NO_HOST", matched(table, "unknown.example.com", "/x"));
        assertEquals("NO_PATH", matched(table, "shop.example.com", "/other"));
        assertNull(table.defaultRoute());
        assertEquals(1, table.backends().size());
    }

    @Test
    void anIngressesOwnDefaultBackendAndRootPathWin() {
        Ingress catchAll = Ingress.builder("team", "catch-all").creationTimestamp(Instant.ofEpochSecond(5))
                .defaultBackend(backend("web")).build();
        Ingress withDefault = Ingress.builder("default", "a").creationTimestamp(Instant.ofEpochSecond(2))
                .defaultBackend(backend("web")).rule(rule("a.example.com", prefix("/app", backend("web")))).build();
        Ingress root = ingress("root", 3, Map.of(), rule("r.example.com", prefix("/", backend("web"))));
        RouteTable table = compile(shop(), catchAll, withDefault, root);

        assertEquals("default-backend team/catch-all", matched(table, "unknown.example.com", "/"), "as ingress-nginx's default server");
        assertEquals("default-backend default/a", matched(table, "a.example.com", "/other"));
        assertEquals("default/root r.example.com / Prefix", matched(table, "r.example.com", "/other"));
        assertEquals("default-backend ingress/errors", matched(table, "shop.example.com", "/other"));
        assertEquals(1, table.routes().stream().filter(Route::isDefaultBackendService).count(), table.routes().toString());
    }

    @Test
    void theRulesWithoutHostAreTriedBeforeTheCatchAll() {
        RouteTable table = compile(ingress("any", 1, Map.of(), rule(null, prefix("/any", backend("web")))));

        assertEquals("default/any * /any Prefix", matched(table, "x.example.com", "/any/1"));
        assertEquals("default-backend ingress/errors", matched(table, "x.example.com", "/other"));
    }

    @Test
    void aWildcardHostAndARegexHostHaveItAsTheirFallbackToo() {
        RouteTable table = compile(
                ingress("wild", 1, Map.of(), rule("*.example.com", prefix("/w", backend("web")))),
                ingress("regex", 2, Map.of("use-regex", "true"), rule("re.example.org",
                        HttpIngressPath.of("/v[0-9]+/", "ImplementationSpecific", backend("web")))));

        assertEquals("default/wild *.example.com /w Prefix", matched(table, "a.example.com", "/w"));
        assertEquals("default-backend ingress/errors", matched(table, "a.example.com", "/other"));
        assertEquals("*.example.com", ((Route) table.match("a.example.com", "/other")).host());
        assertEquals("web", ((Route) table.match("re.example.org", "/v2/x")).backend().serviceName());
        Route fallback = assertInstanceOf(Route.class, table.match("re.example.org", "/other"));
        assertTrue(fallback.isDefaultBackendService());
        assertEquals("re.example.org", fallback.host());
        assertEquals(List.of(), warnings(table));
    }

    @Test
    void theFallbackOfATlsHostIsRedirectedToHttpsAsIngressNginxsRootLocation() {
        Ingress secure = ingress("secure", 1, Map.of(), rule("secure.example.com", prefix("/app", backend("web"))),
                rule("plain.example.com", prefix("/app", backend("web")))).toBuilder()
                .tls(new IngressTls(List.of("secure.example.com"), "cert")).build();
        Ingress forced = ingress("forced", 2, Map.of("force-ssl-redirect", "true"), rule("forced.example.com",
                prefix("/app", backend("web"))));
        RouteTable table = compile(secure, forced);

        assertTrue(((Route) table.match("secure.example.com", "/other")).sslRedirect());
        assertFalse(((Route) table.match("plain.example.com", "/other")).sslRedirect());
        assertTrue(((Route) table.match("forced.example.com", "/other")).sslRedirect());
        assertFalse(table.defaultRoute().sslRedirect());
    }

    @Test
    void withoutAReadyEndpointTheRequestsGetTheNotFoundTheyGetWithoutItAndAWarningSaysWhy() {
        RouteTable table = RouteCompiler.create(Balancers.create()).withDefaultBackendService(SERVICE)
                .compile(state(false, shop()).build());

        assertEquals("NO_HOST", matched(table, "unknown.example.com", "/x"));
        assertEquals("NO_PATH", matched(table, "shop.example.com", "/other"));
        assertNull(table.defaultRoute());
        assertEquals(List.of("WARNING Service ingress/errors: the default backend Service (--default-backend-service): service"
                + " ingress/errors has no EndpointSlices or Endpoints (does its selector match any Pod?): until it has a ready endpoint, the requests no rule takes get 404"), warnings(table));
    }

    @Test
    void aMissingServiceIsAWarningAndCostsNothingElse() {
        RouteTable table = RouteCompiler.create(Balancers.create()).withDefaultBackendService("ingress/nowhere")
                .compile(state(true, shop()).build());

        assertEquals("NO_HOST", matched(table, "unknown.example.com", "/x"));
        assertEquals("default/shop shop.example.com /app Prefix", matched(table, "shop.example.com", "/app"));
        assertEquals(List.of("WARNING Service ingress/nowhere: the default backend Service (--default-backend-service) is"
                + " not found: the requests no rule takes get 404, and custom-http-errors without a default-backend has no"
                + " effect"), warnings(table));
    }

    @Test
    void aServiceWithoutPortsIsAWarning() {
        RouteTable table = RouteCompiler.create(Balancers.create()).withDefaultBackendService("ingress/portless")
                .compile(state(true, shop()).service(Service.of("ingress", "portless")).build());

        assertNull(table.defaultRoute());
        assertEquals(1, warnings(table).size(), warnings(table).toString());
        assertTrue(warnings(table).get(0).startsWith("WARNING Service ingress/portless: spec.ports: the default backend"
                + " Service (--default-backend-service) has no ports"), warnings(table).toString());
    }

    @Test
    void theHostsOfGatewayApiRoutesAloneKeepTheirNotFound() {
        ClusterState state = GatewayFixtures.state(GatewayFixtures.gateway(null), "web", "api")
                .service(errorsService()).endpointSlice(errorsSlice())
                .httpRoute(GatewayFixtures.route("default", "api", 2, List.of("h.example.com"),
                        GatewayFixtures.rule(pathPrefix("/api"), "api")))
                .ingress(ingress("shop", 1, Map.of(), rule("shop.example.com", prefix("/app", backend("web")))))
                .build();
        RouteTable table = RouteCompiler.create(Balancers.create()).withDefaultBackendService(SERVICE).compile(state);

        assertEquals("api", GatewayFixtures.serviceOf(table, "h.example.com", "/api"));
        assertEquals("NO_PATH", matched(table, "h.example.com", "/other"), "the Gateway API asks for 404");
        assertEquals("default-backend ingress/errors", matched(table, "shop.example.com", "/other"));
        assertEquals("default-backend ingress/errors", matched(table, "unknown.example.com", "/"));
    }

    @Test
    void customHttpErrorsWithoutADefaultBackendTakeTheirPagesFromTheServiceOnly() {
        RouteTable table = compile(ingress("shop", 1, Map.of("custom-http-errors", "404,503"),
                rule("shop.example.com", prefix("/app", backend("web")))),
                ingress("own", 2, Map.of("custom-http-errors", "500", "default-backend", "web"),
                        rule("own.example.com", prefix("/app", backend("web")))));

        FallbackBackend pages = ((Route) table.match("shop.example.com", "/app")).policy().fallback();
        assertEquals(List.of(404, 503), pages.errorCodes());
        assertSame(table.defaultRoute().backend(), pages.backend());
        assertFalse(pages.takesUnavailable(), "a route without endpoints still answers 503, as in ingress-nginx");
        assertEquals("ingress/errors", pages.service());
        assertEquals(List.of("answers 404, 503 replaced by the error page of the default backend Service ingress/errors:80"
                + " (custom-http-errors)"), ((Route) table.match("shop.example.com", "/app")).policy().describe());
        FallbackBackend own = ((Route) table.match("own.example.com", "/app")).policy().fallback();
        assertEquals("default/web:80", own.backend().key(), "an Ingress's default-backend wins");
        assertTrue(own.takesUnavailable());
        assertEquals(List.of(), warnings(table));
    }

    @Test
    void theControllerConfigMapsCustomHttpErrorsAreServedByIt() {
        ClusterState state = state(true, shop())
                .configMap(new ConfigMap("ingress", "jingress-controller", Map.of("custom-http-errors", "404"))).build();
        RouteTable table = RouteCompiler.create(Balancers.create()).withDefaultBackendService(SERVICE)
                .withConfigMap("ingress/jingress-controller").compile(state);

        FallbackBackend pages = ((Route) table.match("shop.example.com", "/app")).policy().fallback();
        assertEquals(List.of(404), pages.errorCodes());
        assertEquals("ingress/errors:80", pages.backend().key());
        assertEquals(List.of(), warnings(table));

        RouteTable without = RouteCompiler.create(Balancers.create()).withConfigMap("ingress/jingress-controller").compile(state);
        assertNull(((Route) without.match("shop.example.com", "/app")).policy().fallback());
        assertEquals(1, warnings(without).size(), warnings(without).toString());
        assertTrue(warnings(without).get(0).contains("custom-http-errors"), warnings(without).toString());
    }

    @Test
    void anSslPassthroughHostWhoseRootIsTheServiceIsNotPassedThrough() {
        RouteTable table = RouteCompiler.create(Balancers.create()).withDefaultBackendService(SERVICE).withSslPassthrough(true)
                .compile(state(true, ingress("pass", 1, Map.of("ssl-passthrough", "true"),
                        rule("pass.example.com", prefix("/app", backend("web"))))).build());

        assertTrue(table.sslPassthroughHosts().isEmpty(), table.sslPassthroughHosts().toString());
        assertTrue(warnings(table).stream().anyMatch(w -> w.contains("has no path / and no defaultBackend")), warnings(table).toString());
    }

    @Test
    void theServiceMustBeNamedAsNamespaceSlashName() {
        RouteCompiler compiler = RouteCompiler.create(Balancers.create());
        assertThrows(IllegalArgumentException.class, () -> compiler.withDefaultBackendService("errors"));
        assertThrows(IllegalArgumentException.class, () -> compiler.withDefaultBackendService("a/b/c"));
        assertEquals(SERVICE, compiler.withDefaultBackendService(SERVICE).defaultBackendService());
        assertNull(compiler.withDefaultBackendService(SERVICE).withDefaultBackendService(null).defaultBackendService());
        assertEquals(SERVICE, compiler.withDefaultBackendService(SERVICE).withConfigMap("a/b").withSslPassthrough(true)
                .defaultBackendService(), "kept by the other withers");
    }

    @Test
    void aRouteWithoutEndpointsStillAnswers503ItIsNotSentToTheService() {
        IngressBackend missing = IngressBackend.service("missing", 80);
        RouteTable table = compile(ingress("shop", 1, Map.of(), rule("shop.example.com", prefix("/app", missing))));

        Route route = (Route) table.match("shop.example.com", "/app");
        assertFalse(route.backend().isReady());
        assertNull(route.policy().fallback());
    }
}
