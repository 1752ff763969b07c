package io.jingress.examples.internal.demo;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Service;
import java.util.ArrayList;
import java.util.List;

/**
 * The walkthrough's objects in front of running {@link KubiaPods}: the Service {@code kubia}
 * (port 80 to targetPort 8080) with the EndpointSlice the endpoint controller would write, and the
 * Ingress {@code ingress-myapp} sending {@code myapp.kubia.com} to {@code kubia:80}.
 */
public final class KubiaCluster {

    public static final String NAMESPACE = "default";
    public static final String HOST = "myapp.kubia.com";
    public static final String SERVICE = "kubia";
    public static final String INGRESS = "ingress-myapp";
    public static final int SERVICE_PORT = 80;

    private KubiaCluster() {
    }

    /** The objects for these pods. */
    public static ClusterState state(KubiaPods pods) {
        ClusterState.Builder state = ClusterState.builder()
                .service(Service.of(NAMESPACE, SERVICE, Service.Port.of(null, SERVICE_PORT, KubiaPods.POD_PORT)))
                .ingress(Ingress.builder(NAMESPACE, INGRESS)
                        .rule(IngressRule.of(HOST,
                                HttpIngressPath.prefix("/", IngressBackend.service(SERVICE, SERVICE_PORT))))
                        .build());
        for (EndpointSlice slice : slices(pods)) {
            state.endpointSlice(slice);
        }
        return state.build();
    }

    /**
     * One slice with the three pods, as Kubernetes writes it; or, when the pods listen on
     * different ports (they fell back to one address), one slice per pod, since a slice's port
     * applies to all its endpoints.
     */
    static List<EndpointSlice> slices(KubiaPods pods) {
        List<EndpointSlice> slices = new ArrayList<>();
        int port = pods.pods().get(0).port();
        if (pods.pods().stream().allMatch(pod -> pod.port() == port)) {
            List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();
            for (KubiaPod pod : pods.pods()) {
                endpoints.add(endpoint(pod));
            }
            slices.add(new EndpointSlice(NAMESPACE, SERVICE + "-demo", SERVICE, "IPv4",
                    List.of(EndpointSlice.Port.of(null, port)), endpoints));
        } else {
            for (KubiaPod pod : pods.pods()) {
                slices.add(new EndpointSlice(NAMESPACE, SERVICE + "-" + pod.name().substring(SERVICE.length() + 1),
                        SERVICE, "IPv4", List.of(EndpointSlice.Port.of(null, pod.port())), List.of(endpoint(pod))));
            }
        }
        return slices;
    }

    private static EndpointSlice.Endpoint endpoint(KubiaPod pod) {
        return new EndpointSlice.Endpoint(List.of(pod.address()), true, true, false, null, pod.name());
    }
}
