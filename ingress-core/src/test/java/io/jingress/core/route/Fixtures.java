package io.jingress.core.route;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Small builders shared by the router tests. */
final class Fixtures {

    private Fixtures() {
    }

    static IngressBackend backend(String service) {
        return IngressBackend.service(service, 80);
    }

    static Ingress ingress(String name, long createdSecond, IngressRule... rules) {
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(createdSecond));
        for (IngressRule rule : rules) {
            builder.rule(rule);
        }
        return builder.build();
    }

    static Service service(String name) {
        return Service.of("default", name, Service.Port.of("http", 80, 8080));
    }

    static EndpointSlice slice(String service, String... addresses) {
        List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();
        for (String address : addresses) {
            endpoints.add(EndpointSlice.Endpoint.ready(address));
        }
        return new EndpointSlice("default", service + "-x1", service, "IPv4",
                List.of(EndpointSlice.Port.of("http", 8080)), endpoints);
    }

    /** Compiles the Ingresses, with a ready Service "web" behind every backend named "web". */
    static RouteTable compile(Ingress... ingresses) {
        ClusterState.Builder state = ClusterState.builder().service(service("web")).endpointSlice(slice("web", "10.0.0.1"));
        for (Ingress ingress : ingresses) {
            state.ingress(ingress);
        }
        return RouteCompiler.create(Balancers.create()).compile(state.build());
    }

    static IngressRule rule(String host, HttpIngressPath... paths) {
        return IngressRule.of(host, paths);
    }

    /** What matched, as "ingress host path Type", "default-backend ingress" or the NoMatch name. */
    static String matched(RouteTable table, String host, String path) {
        MatchResult result = table.match(host, path);
        if (result instanceof Route route) {
            if (route.isDefaultBackend()) {
                return "default-backend " + route.ingress();
            }
            return route.ingress() + " " + (route.host() == null ? "*" : route.host()) + " " + route.path() + " "
                    + route.pathType().apiName();
        }
        return result.toString();
    }
}
