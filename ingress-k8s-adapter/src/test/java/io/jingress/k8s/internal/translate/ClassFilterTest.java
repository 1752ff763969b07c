package io.jingress.k8s.internal.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressClass;
import io.jingress.k8s.AdapterOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassFilterTest {

    private static final String OUR_CONTROLLER = AdapterOptions.DEFAULT_CONTROLLER_CLASS;

    private static Ingress ingress(String className) {
        return Ingress.builder("default", "web").ingressClassName(className).build();
    }

    private static Ingress legacyAnnotated(String className) {
        return Ingress.builder("default", "web").annotation(ClassFilter.LEGACY_CLASS_ANNOTATION, className).build();
    }

    @Test
    void ourClassNameIsServedEvenWithoutAnIngressClassObject() {
        ClassFilter filter = ClassFilter.of(AdapterOptions.defaults(), List.of());

        assertTrue(filter.isOurs(ingress("jingress")));
        assertFalse(filter.isOurs(ingress("nginx")));
        assertEquals(Set.of("jingress"), filter.ourClasses());
    }

    @Test
    void everyIngressClassOfOurControllerIsOurs() {
        ClassFilter filter = ClassFilter.of(AdapterOptions.defaults(), List.of(
                new IngressClass("internal", OUR_CONTROLLER, Map.of()),
                new IngressClass("nginx", "k8s.io/ingress-nginx", Map.of())));

        assertTrue(filter.isOurs(ingress("internal")));
        assertTrue(filter.isOurs(ingress("jingress")));
        assertFalse(filter.isOurs(ingress("nginx")));
    }

    @Test
    void ourClassNameTakenByAnotherControllerIsNotOurs() {
        ClassFilter filter = ClassFilter.of(AdapterOptions.defaults(), List.of(
                new IngressClass("jingress", "example.com/other", Map.of())));

        assertFalse(filter.isOurs(ingress("jingress")));
    }

    @Test
    void classlessIngressIsIgnoredByDefault() {
        ClassFilter filter = ClassFilter.of(AdapterOptions.defaults(), List.of(
                new IngressClass("jingress", OUR_CONTROLLER, Map.of())));

        assertFalse(filter.isOurs(ingress(null)));
        assertTrue(filter.reason(ingress(null)).contains("not watched"));
    }

    @Test
    void classlessIngressIsServedWhenOurClassIsTheDefault() {
        ClassFilter filter = ClassFilter.of(AdapterOptions.defaults(), List.of(
                new IngressClass("jingress", OUR_CONTROLLER, Map.of(IngressClass.DEFAULT_CLASS_ANNOTATION, "true"))));

        assertTrue(filter.isOurs(ingress(null)));
    }

    @Test
    void anotherControllersDefaultClassDoesNotMakeClasslessIngressesOurs() {
        ClassFilter filter = ClassFilter.of(AdapterOptions.defaults(), List.of(
                new IngressClass("nginx", "k8s.io/ingress-nginx", Map.of(IngressClass.DEFAULT_CLASS_ANNOTATION, "true"))));

        assertFalse(filter.isOurs(ingress(null)));
    }

    @Test
    void classlessIngressIsServedWhenWatchingWithoutClass() {
        ClassFilter filter = ClassFilter.of(AdapterOptions.builder().watchIngressWithoutClass(true).build(), List.of());

        assertTrue(filter.isOurs(ingress(null)));
    }

    @Test
    void deprecatedAnnotationNamesTheClass() {
        ClassFilter filter = ClassFilter.of(AdapterOptions.defaults(), List.of());

        assertTrue(filter.isOurs(legacyAnnotated("jingress")));
        assertFalse(filter.isOurs(legacyAnnotated("nginx")));
    }

    @Test
    void specClassWinsOverTheDeprecatedAnnotation() {
        ClassFilter filter = ClassFilter.of(AdapterOptions.defaults(), List.of());
        Ingress both = Ingress.builder("default", "web").ingressClassName("nginx")
                .annotation(ClassFilter.LEGACY_CLASS_ANNOTATION, "jingress").build();

        assertFalse(filter.isOurs(both));
    }

    @Test
    void customIngressClassOptionReplacesTheDefaultName() {
        ClassFilter filter = ClassFilter.of(AdapterOptions.builder().ingressClass("edge").build(), List.of());

        assertTrue(filter.isOurs(ingress("edge")));
        assertFalse(filter.isOurs(ingress("jingress")));
    }
}
