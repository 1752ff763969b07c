package io.jingress.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jingress.k8s.internal.api.MockApiServer;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link MockApiServer} started before each test and closed after it, with a client through
 * which the test seeds and reads objects.
 *
 * <pre>{@code
 * @RegisterExtension
 * final FreshApiServer cluster = new FreshApiServer();
 * }</pre>
 */
final class FreshApiServer implements BeforeEachCallback, AfterEachCallback {

    private MockApiServer api;
    private KubernetesClient kube;

    @Override
    public void beforeEach(ExtensionContext context) {
        api = MockApiServer.start();
        kube = api.client();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        api.close();
    }

    MockApiServer api() {
        return api;
    }

    KubernetesClient kube() {
        return kube;
    }

    <T extends HasMetadata> T create(T object) {
        return kube.resource(object).create();
    }

    /** The Ingress's status addresses as {@code ip} or {@code hostname} strings, in order; empty when it has none. */
    List<String> statusOf(String ns, String name) {
        Ingress ingress = kube.network().v1().ingresses().inNamespace(ns).withName(name).get();
        if (ingress == null || ingress.getStatus() == null || ingress.getStatus().getLoadBalancer() == null
                || ingress.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        return ingress.getStatus().getLoadBalancer().getIngress().stream()
                .map(a -> a.getIp() != null ? a.getIp() : a.getHostname())
                .toList();
    }
}
