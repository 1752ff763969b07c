package io.jingress.core.route;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.Gateway;
import io.jingress.core.model.GatewayClass;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteMatch;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Gateway API objects for the compiler's tests: a class of ours, a Gateway "infra/web", Services with endpoints. */
final class GatewayFixtures {
    private GatewayFixtures() {
    }

    static final GatewayClass CLASS = GatewayClass.jingress("jingress");

    /** A Gateway infra/web of our class with one HTTP listener "http" on port 80 taking routes of every namespace. */
    static Gateway gateway(String hostname) {
        return new Gateway("infra", "web", "jingress", List.of(Gateway.Listener.http("http", hostname, 80)
                .allowedRoutesFrom(Gateway.FROM_ALL)));
    }

    static HttpRoute route(String namespace, String name, long createdSecond, List<String> hostnames, HttpRouteRule... rules) {
        return new HttpRoute(namespace, name, Instant.ofEpochSecond(createdSecond),
                List.of(HttpRoute.ParentRef.of("infra", "web")), hostnames, List.of(rules));
    }

    static HttpRouteRule rule(HttpRouteMatch match, String service) {
        return HttpRouteRule.of(match == null ? List.of() : List.of(match), List.of(HttpBackendRef.service(service, 80)));
    }

    static Service service(String namespace, String name) {
        return Service.of(namespace, name, Service.Port.of("http", 80, 8080));
    }

    static EndpointSlice slice(String namespace, String service, String... addresses) {
        List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();
        for (String address : addresses) {
            endpoints.add(EndpointSlice.Endpoint.ready(address));
        }
        return new EndpointSlice(namespace, service + "-x1", service, "IPv4", List.of(EndpointSlice.Port.of("http", 8080)),
                endpoints);
    }

    /** A state with our class, {@code gateway}, and the Services (each with one endpoint) of namespace "default" named. */
    static ClusterState.Builder state(Gateway gateway, String... services) {
        ClusterState.Builder builder = ClusterState.builder().gatewayClass(CLASS).gateway(gateway);
        int i = 1;
        for (String name : services) {
            builder.service(service("default", name)).endpointSlice(slice("default", name, "10.0.0." + i++));
        }
        return builder;
    }

    static RouteTable compile(ClusterState state) {
        return RouteCompiler.create(Balancers.create()).compile(state);
    }

    /** The route that takes a request: the match, then the candidates' conditions; null when none. */
    static Route chosen(RouteTable table, String host, String path, String method, Map<String, String> headers, String query) {
        MatchResult result = table.match(host, path);
        if (!(result instanceof Route route)) {
            return null;
        }
        return route.select(method, path, name -> {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (header.getKey().toLowerCase(Locale.ROOT).equals(name)) {
                    return header.getValue();
                }
            }
            return null;
        }, query);
    }

    /** The Service name a GET without headers or query goes to, or null. */
    static String serviceOf(RouteTable table, String host, String path) {
        return serviceOf(chosen(table, host, path, "GET", Map.of(), null));
    }

    static String serviceOf(Route route) {
        return route == null ? null : route.backend().serviceName();
    }

    static List<String> problemsOf(RouteTable table) {
        return table.problems().stream().map(Problem::toString).toList();
    }
}
