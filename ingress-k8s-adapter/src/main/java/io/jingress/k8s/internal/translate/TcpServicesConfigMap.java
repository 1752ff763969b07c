package io.jingress.k8s.internal.translate;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.jingress.core.route.TcpService;
import io.jingress.k8s.AdapterOptions;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ConfigMap of {@code --tcp-services-configmap} among a source's objects, and the Services its
 * entries name, which the state must carry with their EndpointSlices as an Ingress's backends. An
 * entry that does not parse names nothing here; the compiler reports it.
 */
public final class TcpServicesConfigMap {
    private TcpServicesConfigMap() {
    }

    /** The TCP services ConfigMap of {@code options} among {@code configMaps}, or null. */
    public static ConfigMap find(AdapterOptions options, Collection<ConfigMap> configMaps) {
        String key = options.tcpServicesConfigMap();
        if (key == null) {
            return null;
        }
        for (ConfigMap configMap : configMaps) {
            if (configMap.getMetadata() != null
                    && key.equals(KubeTranslator.namespace(configMap) + "/" + configMap.getMetadata().getName())) {
                return configMap;
            }
        }
        return null;
    }

    /** The Services ({@code namespace/name}) the entries of {@code configMap} name. */
    public static Set<String> servicesNamed(ConfigMap configMap) {
        Set<String> named = new TreeSet<>();
        Map<String, String> data = configMap.getData();
        if (data == null) {
            return named;
        }
        data.forEach((port, value) -> {
            try {
                TcpService service = TcpService.parse(port, value == null ? "" : value);
                named.add(service.namespace() + "/" + service.serviceName());
            } catch (IllegalArgumentException unparsable) {
                // reported by the compiler, which sees the same entry
            }
        });
        return named;
    }
}
