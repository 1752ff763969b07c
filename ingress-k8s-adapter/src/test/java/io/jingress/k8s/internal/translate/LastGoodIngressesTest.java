package io.jingress.k8s.internal.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.jingress.k8s.AdapterOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class LastGoodIngressesTest {

    private static Ingress ingress(String name, String className, String path) {
        return new IngressBuilder().withNewMetadata().withNamespace("shop").withName(name).endMetadata()
                .withNewSpec().withIngressClassName(className).addNewRule().withHost("web.example.com").withNewHttp()
                    .addNewPath().withPath(path).withPathType("Prefix")
                        .withNewBackend().withNewService().withName("web")
                            .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
                .endHttp().endRule().endSpec().build();
    }

    @Test
    void ingressChangedIntoAnInvalidOneIsReplacedByItsLastGoodVersion() {
        LastGoodIngresses lastGood = new LastGoodIngresses();
        Ingress good = ingress("web", "jingress", "/");
        lastGood.apply(AdapterOptions.defaults(), List.of(good));

        LastGoodIngresses.Result result = lastGood.apply(AdapterOptions.defaults(), List.of(ingress("web", "jingress", "api")));

        assertSame(good, result.objects().get(0));
        assertEquals("spec.rules[0].http.paths[0].path", result.problems().get(0).field());
        assertTrue(result.problems().get(result.problems().size() - 1).message().contains("last good version"));
    }

    @Test
    void ingressThatWasNeverValidIsLeftForTheCompilerToReject() {
        LastGoodIngresses lastGood = new LastGoodIngresses();
        Ingress bad = ingress("web", "jingress", "api");

        LastGoodIngresses.Result result = lastGood.apply(AdapterOptions.defaults(), List.of(bad));

        assertSame(bad, result.objects().get(0));
        assertEquals(List.of(), result.problems());
    }

    @Test
    void ingressOfAnotherClassIsNotKept() {
        LastGoodIngresses lastGood = new LastGoodIngresses();
        lastGood.apply(AdapterOptions.defaults(), List.of(ingress("web", "nginx", "/")));
        Ingress bad = ingress("web", "nginx", "api");

        LastGoodIngresses.Result result = lastGood.apply(AdapterOptions.defaults(), List.of(bad));

        assertSame(bad, result.objects().get(0));
        assertEquals(List.of(), result.problems());
    }

    @Test
    void deletedIngressIsForgotten() {
        LastGoodIngresses lastGood = new LastGoodIngresses();
        lastGood.apply(AdapterOptions.defaults(), List.of(ingress("web", "jingress", "/")));
        lastGood.apply(AdapterOptions.defaults(), List.<HasMetadata>of());
        Ingress bad = ingress("web", "jingress", "api");

        LastGoodIngresses.Result result = lastGood.apply(AdapterOptions.defaults(), List.of(bad));

        assertSame(bad, result.objects().get(0), "a re-created Ingress starts without a last good version");
    }
}
