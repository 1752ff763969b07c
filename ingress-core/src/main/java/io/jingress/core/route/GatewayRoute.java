package io.jingress.core.route;

import io.jingress.core.model.GrpcRoute;
import io.jingress.core.model.GrpcRouteRule;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteRule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A Gateway API route as the compilation reads it: an HTTPRoute, or a GRPCRoute seen through an
 * HTTPRoute of the same name, parents, hostnames, filters and backendRefs ({@link #route()}) whose
 * matches are read from the GRPCRoute itself ({@link #grpc()}).
 *
 * @param kind {@link HttpRoute#KIND} or {@link GrpcRoute#KIND}, as problems and status name it
 * @param route the route (a GRPCRoute's rules without their matches)
 * @param grpc the GRPCRoute, or {@code null} for an HTTPRoute
 */
record GatewayRoute(String kind, HttpRoute route, GrpcRoute grpc) {
    /** The order routes are attached in: the oldest first, then by namespace/name, HTTPRoutes before GRPCRoutes. */
    static final Comparator<GatewayRoute> OLDEST_FIRST = Comparator.comparing(GatewayRoute::creationTimestamp)
            .thenComparing(GatewayRoute::namespace).thenComparing(GatewayRoute::name).thenComparing(GatewayRoute::kind,
                    Comparator.reverseOrder());

    static GatewayRoute of(HttpRoute route) {
        return new GatewayRoute(HttpRoute.KIND, route, null);
    }

    static GatewayRoute of(GrpcRoute grpc) {
        List<HttpRouteRule> rules = new ArrayList<>();
        for (GrpcRouteRule rule : grpc.rules()) {
            rules.add(new HttpRouteRule(List.of(), rule.filters(), rule.backendRefs(), rule.unserved()));
        }
        return new GatewayRoute(GrpcRoute.KIND, new HttpRoute(grpc.namespace(), grpc.name(), grpc.creationTimestamp(),
                grpc.parentRefs(), grpc.hostnames(), rules), grpc);
    }

    boolean isGrpc() {
        return grpc != null;
    }

    String namespace() {
        return route.namespace();
    }

    String name() {
        return route.name();
    }

    /** {@code namespace/name}. */
    String key() {
        return route.key();
    }

    Instant creationTimestamp() {
        return route.creationTimestamp();
    }

    /** {@code GRPCRoute namespace/name}, or for an HTTPRoute {@code HTTPRoute namespace/name}. */
    @Override
    public String toString() {
        return kind + " " + key();
    }
}
