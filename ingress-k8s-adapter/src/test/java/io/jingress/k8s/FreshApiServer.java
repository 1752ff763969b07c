package io.jingress.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jingress.k8s.internal.api.MockApiServer;
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
}
