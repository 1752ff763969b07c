package io.jingress.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jingress.core.lb.BalancerPolicy;
import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.LoadBalancer;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressValidator;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;
import io.jingress.core.route.RequestPaths;
import io.jingress.core.route.RouteTable;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A null argument is refused at the call, with a message naming the argument as the javadoc does. */
class NullArgumentsTest {

    private static final Balancers BALANCERS = Balancers.create();
    private static final Endpoint ENDPOINT = BALANCERS.endpoint("10.0.0.1", 8080, null, null, 1);
    private static final Problem PROBLEM = Problem.warning("Ingress", "default/web", "", "a problem");

    private static Arguments refused(String call, String named, Executable executable) {
        return Arguments.of(call, named, executable);
    }

    static Stream<Arguments> calls() {
        Ingress.Builder builder = Ingress.builder("default", "web");
        LoadBalancer balancer = BALANCERS.balancer("default/web:80", BalancerPolicy.ROUND_ROBIN, List.of(ENDPOINT));
        LoadBalancer empty = BALANCERS.balancer("default/none:80", BalancerPolicy.ROUND_ROBIN, List.of());
        return Stream.of(
                refused("Ingress.Builder.annotation(key, null)", "value", () -> builder.annotation("k", null)),
                refused("Ingress.Builder.annotation(null, value)", "key", () -> builder.annotation(null, "v")),
                refused("Ingress.Builder.rule(null)", "rule", () -> builder.rule(null)),
                refused("Ingress.Builder.tls(null)", "entry", () -> builder.tls(null)),
                refused("IngressRule.of(host, (HttpIngressPath) null)", "paths[0]",
                        () -> IngressRule.of("a.com", (HttpIngressPath) null)),
                refused("Service.of(namespace, name, (Port) null)", "ports[0]",
                        () -> Service.of("default", "web", (Service.Port) null)),
                refused("Service.Port.of(name, port, (String) null)", "targetPortName",
                        () -> Service.Port.of("http", 80, (String) null)),
                refused("EndpointSlice.Endpoint.ready(null)", "address", () -> EndpointSlice.Endpoint.ready(null)),
                refused("ClusterState.Builder.ingress(null)", "ingress", () -> ClusterState.builder().ingress(null)),
                refused("ClusterState.Builder.service(null)", "service", () -> ClusterState.builder().service(null)),
                refused("ClusterState.Builder.endpointSlice(null)", "slice",
                        () -> ClusterState.builder().endpointSlice(null)),
                refused("ClusterState.Builder.endpoints(null)", "legacy", () -> ClusterState.builder().endpoints(null)),
                refused("ClusterState.Builder.secret(null)", "secret", () -> ClusterState.builder().secret(null)),
                refused("Balancers.balancer(key, policy, [null])", "endpoints[0]",
                        () -> BALANCERS.balancer("k", BalancerPolicy.ROUND_ROBIN, Arrays.asList((Endpoint) null))),
                refused("Balancers.retain(null)", "live", () -> BALANCERS.retain(null)),
                refused("RouteTable.withSourceProblems([problem, null])", "sourceProblems[1]",
                        () -> RouteTable.empty().withSourceProblems(Arrays.asList(PROBLEM, null))),
                refused("IngressValidator.isRejected(null)", "problems", () -> IngressValidator.isRejected(null)),
                refused("RequestPaths.escapeQuery(null, utf8)", "rawQuery", () -> RequestPaths.escapeQuery(null, true)),
                refused("LoadBalancer.pick(null)", "context", () -> balancer.pick(null)),
                refused("LoadBalancer.pick(null) without endpoints", "context", () -> empty.pick(null)),
                refused("BalancerPolicy.hashing(strategy, null)", "key",
                        () -> BalancerPolicy.hashing(io.jingress.core.lb.Strategy.RING_HASH, null)));
    }

    @ParameterizedTest(name = "{0} is refused naming {1}")
    @MethodSource("calls")
    void aNullArgumentIsRefusedAtTheCallNamingIt(String call, String named, Executable executable) {
        NullPointerException refused = assertThrows(NullPointerException.class, executable, call);
        assertEquals(named, refused.getMessage(), call);
    }
}
