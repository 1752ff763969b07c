package io.jingress.core.route;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Gateway;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteRule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.jingress.core.route.GatewayFixtures.compile;
import static io.jingress.core.route.GatewayFixtures.problemsOf;
import static io.jingress.core.route.GatewayFixtures.serviceOf;
import static io.jingress.core.route.GatewayFixtures.service;
import static io.jingress.core.route.GatewayFixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Listener isolation (GEP-1713, the feature {@code GatewayHTTPListenerIsolation}): a request goes to
 * the routes of the listener with the most specific hostname that takes it, never to those of a
 * less specific listener of the same Gateway and port, even when such a route names the host.
 */
class ListenerIsolationTest {
    // the conformance test's Gateway: four listeners on one port, from any hostname to an exact one
    private static final Gateway GATEWAY = new Gateway("infra", "web", "jingress", List.of(
            Gateway.Listener.http("empty", null, 80).allowedRoutesFrom(Gateway.FROM_ALL),
            Gateway.Listener.http("wildcard-example-com", "*.example.com", 80).allowedRoutesFrom(Gateway.FROM_ALL),
            Gateway.Listener.http("wildcard-foo-example-com", "*.foo.example.com", 80).allowedRoutesFrom(Gateway.FROM_ALL),
            Gateway.Listener.http("abc-foo-example-com", "abc.foo.example.com", 80).allowedRoutesFrom(Gateway.FROM_ALL)));

    private static HttpRoute route(String name, String listener, List<String> hostnames) {
        return new HttpRoute("default", name, Instant.EPOCH, List.of(new HttpRoute.ParentRef("infra", "web", listener, null)),
                hostnames, List.of(HttpRouteRule.of(List.of(), List.of(HttpBackendRef.service(name, 80)))));
    }

    private static ClusterState.Builder state(HttpRoute... routes) {
        ClusterState.Builder state = ClusterState.builder().gatewayClass(GatewayFixtures.CLASS).gateway(GATEWAY);
        int i = 1;
        for (HttpRoute route : routes) {
            state.service(service("default", route.name())).endpointSlice(slice("default", route.name(), "10.0.0." + i++))
                    .httpRoute(route);
        }
        return state;
    }

    @Test
    void eachRequestGoesToTheRoutesOfTheMostSpecificListener() {
        RouteTable table = compile(state(route("empty", "empty", List.of()),
                route("wildcard", "wildcard-example-com", List.of()),
                route("foo", "wildcard-foo-example-com", List.of()),
                route("abc", "abc-foo-example-com", List.of())).build());

        assertEquals("empty", serviceOf(table, "bar.com", "/"));
        assertEquals("wildcard", serviceOf(table, "bar.example.com", "/"));
        assertEquals("foo", serviceOf(table, "bar.foo.example.com", "/"));
        assertEquals("abc", serviceOf(table, "abc.foo.example.com", "/"));
        assertEquals(List.of(), problemsOf(table));
    }

    @Test
    void aRouteOfALessSpecificListenerNamingTheHostDoesNotTakeItsRequests() {
        // the wildcard listener's route names abc.foo.example.com too: those requests stay the exact listener's
        RouteTable table = compile(state(route("abc", "abc-foo-example-com", List.of()),
                route("wide", "wildcard-example-com", List.of("bar.example.com", "abc.foo.example.com")))
                .build());

        assertEquals("abc", serviceOf(table, "abc.foo.example.com", "/"));
        assertEquals("wide", serviceOf(table, "bar.example.com", "/"));
        assertEquals(List.of("HTTPRoute default/wide: spec.parentRefs[0]: hostname abc.foo.example.com is not served through"
                + " Gateway infra/web: its listener abc-foo-example-com has a more specific hostname and takes its requests"
                + " (listener isolation), and the route is not attached to it"), problemsOf(table));
        assertEquals("Accepted=True", accepted(table, "wide"));
    }

    @Test
    void aRouteWhoseOnlyHostnameAMoreSpecificListenerTakesIsNotAttachedThroughTheWiderOne() {
        RouteTable table = compile(state(route("only", "wildcard-foo-example-com", List.of("abc.foo.example.com"))).build());

        assertEquals(null, serviceOf(table, "abc.foo.example.com", "/"));
        assertEquals(List.of("HTTPRoute default/only: spec.parentRefs[0]: not attached to Gateway infra/web: listener"
                + " wildcard-foo-example-com shares only abc.foo.example.com with the route, which a listener with a more"
                + " specific hostname takes (listener isolation)"), problemsOf(table));
        assertEquals("Accepted=False", accepted(table, "only"));
    }

    @Test
    void aRouteAttachedToEveryListenerServesEachHostThroughItsOwn() {
        // no sectionName: attached to all four; the host it names is served through the exact listener
        HttpRoute all = new HttpRoute("default", "all", Instant.EPOCH, List.of(HttpRoute.ParentRef.of("infra", "web")),
                List.of("abc.foo.example.com"), List.of(HttpRouteRule.of(List.of(), List.of(HttpBackendRef.service("all", 80)))));
        RouteTable table = compile(state(all).build());

        assertEquals("all", serviceOf(table, "abc.foo.example.com", "/"));
        assertEquals(List.of(), problemsOf(table));
    }

    private static String accepted(RouteTable table, String name) {
        GatewayStatus.Condition condition = table.gatewayStatus().routeParents("default", name).get(0)
                .condition(GatewayStatus.ACCEPTED);
        return condition.type() + "=" + (condition.status() ? "True" : "False");
    }
}
