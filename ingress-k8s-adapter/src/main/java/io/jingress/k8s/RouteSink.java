package io.jingress.k8s;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Problem;
import io.jingress.core.route.RouteTable;
import java.util.List;

/**
 * Where a route source delivers each new configuration: the manifest files and the API server
 * both call it with the whole current state, never with a delta. The usual sink is a
 * {@link RouteUpdater}, which compiles the state and swaps it into a {@code Router}:
 *
 * <pre>{@code
 * RouteSink sink = RouteUpdater.create(router);
 * sink.accept(clusterState, List.of());
 * }</pre>
 *
 * <p>A source calls its sink from one thread at a time.
 */
@FunctionalInterface
public interface RouteSink {

    /**
     * Takes a new configuration.
     *
     * @param state our Ingresses and the objects they refer to
     * @param problems what the source left out of {@code state} and why (objects it could not
     *     read or translate); the compiled table adds its own
     */
    void accept(ClusterState state, List<Problem> problems);

    /**
     * The table this sink compiled from the last state it took, or {@code null} when it compiles
     * none (the default). {@link KubernetesSource}'s leader writes the status of our Gateways and of
     * the HTTPRoutes attached to them from its {@link RouteTable#gatewayStatus()}: with a sink that
     * returns {@code null} that status is not written. A {@link RouteUpdater} returns the table it
     * serves.
     */
    default RouteTable table() {
        return null;
    }
}
