package io.jingress.core.route;

import io.jingress.core.internal.route.BackendResolver;
import io.jingress.core.internal.route.Resolution;
import io.jingress.core.lb.BalancerPolicy;
import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.LoadBalancer;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.Problem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compiles the TCP services ConfigMap of a state into {@link TcpServices}: each entry parsed
 * ({@link TcpService#parse}), checked against the ports the proxy uses itself, and its Service port
 * resolved as an Ingress backend's is. Each entry that cannot serve is one WARNING naming the
 * ConfigMap, the entry ({@code data["2222"]}) and the value, and is left out; an entry whose Service
 * has no ready endpoint is kept (its port listened on, its connections closed), with a WARNING.
 */
final class TcpServiceCompiler {
    private static final String KIND = "ConfigMap";

    private final String namespace;
    private final String name;
    private final Map<Integer, String> reservedPorts;

    TcpServiceCompiler(String configMap, Map<Integer, String> reservedPorts) {
        int slash = configMap.indexOf('/');
        if (slash <= 0 || slash == configMap.length() - 1 || configMap.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("the TCP services ConfigMap \"" + configMap + "\" is not namespace/name");
        }
        this.namespace = configMap.substring(0, slash);
        this.name = configMap.substring(slash + 1);
        this.reservedPorts = Map.copyOf(reservedPorts);
    }

    TcpServices compile(ClusterState state, BackendResolver resolver, Balancers balancers, List<Problem> problems) {
        String key = namespace + "/" + name;
        ConfigMap configMap = null;
        for (ConfigMap candidate : state.configMaps()) {
            if (candidate.namespace().equals(namespace) && candidate.name().equals(name)) {
                configMap = candidate;
            }
        }
        if (configMap == null) {
            return new TcpServices(key, false, List.of());
        }
        List<TcpRoute> routes = new ArrayList<>();
        Map<Integer, String> keyOfPort = new HashMap<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(configMap.data()).entrySet()) {
            String field = "data[\"" + entry.getKey() + "\"]";
            TcpService service;
            try {
                service = TcpService.parse(entry.getKey(), entry.getValue());
            } catch (IllegalArgumentException e) {
                problems.add(notServed(key, field, e.getMessage()));
                continue;
            }
            String reserved = reservedPorts.get(service.port());
            if (reserved != null) {
                problems.add(notServed(key, field, "port " + service.port() + " is " + reserved + " of Jingress"));
                continue;
            }
            String earlier = keyOfPort.putIfAbsent(service.port(), entry.getKey());
            if (earlier != null) {
                problems.add(notServed(key, field, "port " + service.port() + " is data[\"" + earlier + "\"] already"));
                continue;
            }
            Resolution resolution = resolver.resolve(service.namespace(), service.serviceName(), service.servicePort());
            if (resolution.status() == Backend.Status.SERVICE_NOT_FOUND
                    || resolution.status() == Backend.Status.PORT_NOT_FOUND) {
                problems.add(notServed(key, field, "\"" + entry.getValue() + "\": " + resolution.reason()));
                continue;
            }
            if (resolution.status() != Backend.Status.READY) {
                problems.add(Problem.warning(KIND, key, field, "\"" + entry.getValue() + "\": " + resolution.reason()
                        + ": connections to port " + service.port() + " are closed until one is ready"));
            }
            String backendKey = service.serviceKey();
            LoadBalancer balancer = balancers.balancer("tcp:" + service.port() + "|" + backendKey,
                    BalancerPolicy.ROUND_ROBIN, resolution.endpoints());
            Backend backend = new Backend(service.namespace(), service.serviceName(), service.servicePort(), backendKey,
                    resolution.status(), resolution.reason(), resolution.endpoints(), balancer);
            routes.add(new TcpRoute(service, backend));
        }
        return new TcpServices(key, true, routes);
    }

    private static Problem notServed(String configMap, String field, String message) {
        return Problem.warning(KIND, configMap, field, message + ": this entry is not served");
    }
}
