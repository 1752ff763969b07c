package io.jingress.k8s.internal.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Ingress;
import io.jingress.k8s.AdapterOptions;
import io.jingress.k8s.internal.files.ManifestObject;
import io.jingress.k8s.internal.files.ManifestParser;
import io.jingress.k8s.internal.files.ParsedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A manifest routes the same way whether it is read from a file or applied to an API server. */
@EnableKubernetesMockClient(crud = true)
class ApiServerParityTest {

    KubernetesClient client;

    private static String resource(String name) throws IOException {
        try (InputStream in = ApiServerParityTest.class.getResourceAsStream("/manifests/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // the API server stamps uid and creationTimestamp; files have neither
    private static ClusterState withoutServerStamps(ClusterState state) {
        ClusterState.Builder builder = ClusterState.builder();
        for (Ingress ingress : state.ingresses()) {
            builder.ingress(ingress.toBuilder().uid(null).creationTimestamp(Instant.EPOCH).build());
        }
        state.services().forEach(builder::service);
        state.endpointSlices().forEach(builder::endpointSlice);
        state.endpoints().forEach(builder::endpoints);
        state.secrets().forEach(builder::secret);
        return builder.build();
    }

    @Test
    void kubiaWalkthroughAppliedToTheApiServerAssemblesAsFromTheFile() throws IOException {
        ParsedFile file = ManifestParser.parse(Path.of("kubia-all.yaml"), resource("kubia-all.yaml"));
        List<HasMetadata> fromFile = file.objects().stream().map(ManifestObject::object).toList();
        for (HasMetadata object : fromFile) {
            client.resource(object).create();
        }

        List<HasMetadata> fromApi = new ArrayList<>();
        fromApi.addAll(client.network().v1().ingresses().inAnyNamespace().list().getItems());
        fromApi.addAll(client.services().inAnyNamespace().list().getItems());
        fromApi.addAll(client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems());

        ClusterState fileState = ClusterStateAssembler.assemble(AdapterOptions.defaults(), fromFile).state();
        ClusterState apiState = ClusterStateAssembler.assemble(AdapterOptions.defaults(), fromApi).state();

        assertNotNull(apiState.ingresses().get(0).uid(), "read back from the server");
        assertEquals(fileState, withoutServerStamps(apiState));
        assertEquals(1, fileState.ingresses().size());
        assertEquals(3, fileState.endpointSlices().get(0).endpoints().size());
    }
}
