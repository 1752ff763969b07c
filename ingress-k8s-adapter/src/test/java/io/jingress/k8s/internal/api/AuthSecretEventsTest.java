package io.jingress.k8s.internal.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which Opaque Secrets' changes rebuild the routes: only those an Ingress's auth-secret names. */
class AuthSecretEventsTest {
    private static Secret secret(String namespace, String name) {
        return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withType("Opaque").build();
    }

    private static Ingress ingress(String namespace, Map<String, String> annotations) {
        return new IngressBuilder().withNewMetadata().withNamespace(namespace).withName("web")
                .withAnnotations(annotations).endMetadata().build();
    }

    @Test
    void aSecretNamedByAnIngressOfItsNamespaceCountsAndAnyOtherDoesNot() {
        List<Ingress> ingresses = List.of(
                ingress("shop", Map.of("nginx.ingress.kubernetes.io/auth-secret", "staff")),
                ingress("blog", Map.of("jingress.io/auth-secret", "blog/editors")),
                ingress("docs", Map.of("nginx.ingress.kubernetes.io/auth-type", "basic")));

        assertTrue(ClusterInformers.namedByAuthSecret(secret("shop", "staff"), ingresses));
        assertTrue(ClusterInformers.namedByAuthSecret(secret("blog", "editors"), ingresses));
        assertFalse(ClusterInformers.namedByAuthSecret(secret("blog", "staff"), ingresses));
        assertFalse(ClusterInformers.namedByAuthSecret(secret("shop", "db-password"), ingresses));
        assertFalse(ClusterInformers.namedByAuthSecret(secret("docs", "staff"), ingresses));
        assertFalse(ClusterInformers.namedByAuthSecret(secret("shop", "staff"), List.of()));
    }
}
