package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Service;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code default-backend}, compiled: the named Service of the Ingress's namespace at its first
 * port becomes the fallback of every route of the Ingress, among the table's backends; a name that
 * finds nothing is a WARNING and the routes serve as before.
 */
class DefaultBackendAnnotationTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/default-backend";
    private static final String OURS = "jingress.io/default-backend";

    private final Balancers balancers = Balancers.create();

    /** "shop": app.example.com / to Service "app" (no endpoints), with {@code annotation: value}. */
    private static Ingress shop(String annotation, String value) {
        Ingress.Builder ingress = Ingress.builder("default", "shop").creationTimestamp(Instant.ofEpochSecond(1))
                .rule(rule("app.example.com", HttpIngressPath.prefix("/", backend("app"))));
        if (annotation != null) {
            ingress.annotation(annotation, value);
        }
        return ingress.build();
    }

    /** "errors": port 8080 ("http", first) and 9090 ("admin"), endpoints at the given addresses. */
    private static ClusterState.Builder withErrorsService(Ingress ingress, String... addresses) {
        Service errors = Service.of("default", "errors", Service.Port.of("http", 8080, 8080),
                Service.Port.of("admin", 9090, 9090));
        return ClusterState.builder().ingress(ingress).service(service("app")).service(errors)
                .endpointSlice(new EndpointSlice("default", "errors-x1", "errors", "IPv4",
                        List.of(EndpointSlice.Port.of("http", 8080), EndpointSlice.Port.of("admin", 9090)),
                        addresses.length == 0 ? List.of() : List.of(EndpointSlice.Endpoint.ready(addresses[0]))));
    }

    private RouteTable compile(ClusterState.Builder state) {
        return RouteCompiler.create(balancers).compile(state.build());
    }

    private static Route appRoute(RouteTable table) {
        return (Route) table.match("app.example.com", "/");
    }

    private static List<String> warningsOnAnnotations(RouteTable table) {
        return table.problems().stream().filter(p -> p.field().equals("metadata.annotations"))
                .map(p -> p.severity() + " " + p).toList();
    }

    @Test
    void theNamedServiceAtItsFirstPortBecomesTheFallbackOfTheIngresssRoutes() {
        RouteTable table = compile(withErrorsService(shop(NGINX, "errors"), "10.0.0.9"));

        FallbackBackend fallback = appRoute(table).policy().fallback();
        assertEquals("default/errors:8080", fallback.backend().key());
        assertEquals("default/errors", fallback.service());
        assertEquals(NGINX, fallback.annotation());
        assertEquals(List.of("10.0.0.9:8080"), fallback.backend().endpoints().stream().map(Endpoint::id).toList());
        assertTrue(table.backends().contains(fallback.backend()), "among the backends the endpoints reach");
        assertEquals(List.of("no ready endpoint: goes to default-backend default/errors:8080"),
                appRoute(table).policy().describe());
        assertEquals(List.of(), warningsOnAnnotations(table));
    }

    @Test
    void ourAnnotationWinsOverIngressNginxs() {
        Ingress ingress = Ingress.builder("default", "shop").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX, "nowhere").annotation(OURS, "errors")
                .rule(rule("app.example.com", HttpIngressPath.prefix("/", backend("app")))).build();

        RouteTable table = compile(withErrorsService(ingress, "10.0.0.9"));

        assertEquals(OURS, appRoute(table).policy().fallback().annotation());
        assertEquals(List.of(), warningsOnAnnotations(table));
    }

    @Test
    void theFallbacksEndpointsFollowTheClusterAsARouteBackendsDo() {
        RouteTable before = compile(withErrorsService(shop(NGINX, "errors"), "10.0.0.9"));
        RouteTable after = compile(withErrorsService(shop(NGINX, "errors"), "10.0.0.10"));
        RouteTable none = compile(withErrorsService(shop(NGINX, "errors")));

        assertEquals(List.of("10.0.0.9:8080"), ids(appRoute(before).policy().fallback().backend()));
        assertEquals(List.of("10.0.0.10:8080"), ids(appRoute(after).policy().fallback().backend()));
        // kept without endpoints, and said so: it takes requests once it has some again
        Backend empty = appRoute(none).policy().fallback().backend();
        assertEquals(Backend.Status.NO_READY_ENDPOINTS, empty.status());
        assertEquals(List.of("WARNING Ingress default/shop: metadata.annotations: " + NGINX + ": \"errors\": service default/errors"
                + " port 8080 (\"http\") has no ready endpoints: until it has one, routes without a ready endpoint"
                + " answer 503"), warningsOnAnnotations(none));
        assertEquals(List.of("no ready endpoint: goes to default-backend default/errors:8080 (service default/errors"
                + " port 8080 (\"http\") has no ready endpoints)"), appRoute(none).policy().describe());
    }

    @Test
    void aMissingServiceIsAWarningNamingTheIngressAnnotationAndServiceAndTheRoutesServeAsBefore() {
        RouteTable table = compile(ClusterState.builder().ingress(shop(NGINX, "errors")).service(service("app"))
                .endpointSlice(slice("app", "10.0.0.1")));

        assertEquals(List.of("WARNING Ingress default/shop: metadata.annotations: " + NGINX + ": \"errors\": service"
                + " default/errors not found: routes without a ready endpoint answer 503"),
                warningsOnAnnotations(table));
        Route route = appRoute(table);
        assertSame(RoutePolicy.NONE, route.policy());
        assertEquals("default/app:80", route.backend().key());
        assertTrue(route.backend().isReady());
    }

    @Test
    void aServiceWithoutPortsOrANameThatIsNoServiceNameIsAWarningAndSetsNothing() {
        RouteTable noPorts = compile(ClusterState.builder().ingress(shop(NGINX, "errors")).service(service("app"))
                .service(Service.of("default", "errors")));
        RouteTable badName = compile(ClusterState.builder().ingress(shop(NGINX, "default/errors")).service(service("app")));

        assertEquals(List.of("WARNING Ingress default/shop: metadata.annotations: " + NGINX + ": \"errors\": service"
                + " default/errors has no ports: routes without a ready endpoint answer 503"),
                warningsOnAnnotations(noPorts));
        assertNull(appRoute(noPorts).policy().fallback());
        assertEquals(List.of("WARNING Ingress default/shop: metadata.annotations: " + NGINX + ": \"default/errors\" is not a"
                + " Service name (lower-case letters, digits and '-', starting with a letter, at most 63): routes without"
                + " a ready endpoint answer 503"), warningsOnAnnotations(badName));
        assertNull(appRoute(badName).policy().fallback());
    }

    @Test
    void theServiceIsLookedUpInTheIngresssOwnNamespaceOnly() {
        Ingress other = Ingress.builder("shop", "front").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX, "errors")
                .rule(rule("app.example.com", HttpIngressPath.prefix("/", backend("app")))).build();

        RouteTable table = compile(withErrorsService(other, "10.0.0.9"));

        assertNull(appRoute(table).policy().fallback());
        assertEquals(List.of("WARNING Ingress shop/front: metadata.annotations: " + NGINX + ": \"errors\": service shop/errors"
                + " not found: routes without a ready endpoint answer 503"), warningsOnAnnotations(table));
    }

    @Test
    void anExternalNameServiceIsAFallbackAtItsPort() {
        RouteTable table = compile(ClusterState.builder().ingress(shop(NGINX, "errors")).service(service("app"))
                .service(new Service("default", "errors", "ExternalName", List.of(Service.Port.of("http", 80, 8080)),
                        "errors.example.net")));

        assertEquals(List.of("errors.example.net:8080"), ids(appRoute(table).policy().fallback().backend()));
    }

    private static List<String> ids(Backend backend) {
        return backend.endpoints().stream().map(Endpoint::id).toList();
    }
}
