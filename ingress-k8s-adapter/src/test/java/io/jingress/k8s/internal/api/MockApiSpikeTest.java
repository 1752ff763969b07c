package io.jingress.k8s.internal.api;

import static org.junit.jupiter.api.Assertions.*;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

class MockApiSpikeTest {
    @Test
    void spike() throws Exception {
        try (MockApiServer api = MockApiServer.start()) {
            KubernetesClient c = api.client();
            c.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("a").endMetadata().withType("kubernetes.io/tls").build()).create();
            c.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("b").endMetadata().withType("Opaque").build()).create();
            System.out.println("FIELD: " + c.secrets().inAnyNamespace().withField("type", "kubernetes.io/tls").list().getItems().size());
            api.stop();
            try { c.secrets().inNamespace("default").list(); fail(); } catch (Exception e) { System.out.println("DOWN: " + e); }
            api.restart();
            System.out.println("AFTER: " + c.secrets().inNamespace("default").list().getItems().size());
        }
    }
}
