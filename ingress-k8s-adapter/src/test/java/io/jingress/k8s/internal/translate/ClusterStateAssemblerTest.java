package io.jingress.k8s.internal.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Problem;
import io.jingress.k8s.AdapterOptions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterStateAssemblerTest {

    private static Ingress ingress(String namespace, String name, String className, String service, int port) {
        return new IngressBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withIngressClassName(className)
                    .addNewTl().withHosts(name + ".example.com").withSecretName(name + "-tls").endTl()
                    .addNewRule().withHost(name + ".example.com").withNewHttp()
                    .addNewPath().withPath("/").withPathType("Prefix")
                        .withNewBackend().withNewService().withName(service)
                            .withNewPort().withNumber(port).endPort().endService().endBackend().endPath()
                .endHttp().endRule().endSpec().build();
    }

    private static HasMetadata service(String namespace, String name) {
        return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().addNewPort().withPort(80).withTargetPort(new IntOrString(8080)).endPort().endSpec()
                .build();
    }

    private static HasMetadata slice(String namespace, String service) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace(namespace).withName(service + "-x")
                .addToLabels("kubernetes.io/service-name", service).endMetadata()
                .withAddressType("IPv4").addNewPort().withPort(8080).endPort()
                .addNewEndpoint().withAddresses("10.0.0.1").endEndpoint().build();
    }

    private static HasMetadata tlsSecret(String namespace, String name) {
        return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withType("kubernetes.io/tls").addToStringData("tls.crt", "CERT").addToStringData("tls.key", "KEY")
                .build();
    }

    @Test
    void onlyOurIngressesAndWhatTheyReferToAreAssembled() {
        List<HasMetadata> objects = List.of(
                ingress("shop", "web", "jingress", "kubia", 80),
                ingress("shop", "other", "nginx", "other-svc", 80),
                service("shop", "kubia"), service("shop", "other-svc"), service("shop", "unused"),
                slice("shop", "kubia"), slice("shop", "other-svc"),
                tlsSecret("shop", "web-tls"), tlsSecret("shop", "other-tls"));

        ClusterStateAssembler.Assembly assembly = ClusterStateAssembler.assemble(AdapterOptions.defaults(), objects);
        ClusterState state = assembly.state();

        assertEquals(List.of("shop/web"), state.ingresses().stream().map(i -> i.key()).toList());
        assertEquals(List.of("shop/kubia"), state.services().stream().map(s -> s.key()).toList());
        assertEquals(List.of("shop/kubia-x"), state.endpointSlices().stream().map(s -> s.key()).toList());
        assertEquals(List.of("shop/web-tls"), state.secrets().stream().map(s -> s.key()).toList());
        assertEquals(List.of("shop/other"), assembly.ignored().stream().map(i -> i.key()).toList());
        assertEquals(List.of(), assembly.problems());
    }

    @Test
    void onlyTheConfigMapsOurIngressesCustomHeadersNameAreAssembled() {
        Ingress web = new IngressBuilder(ingress("shop", "web", "jingress", "kubia", 80)).editMetadata()
                .addToAnnotations("nginx.ingress.kubernetes.io/custom-headers", "headers").endMetadata().build();
        Ingress other = new IngressBuilder(ingress("shop", "other", "nginx", "kubia", 80)).editMetadata()
                .addToAnnotations("nginx.ingress.kubernetes.io/custom-headers", "nginx-headers").endMetadata().build();
        List<HasMetadata> objects = List.of(web, other, service("shop", "kubia"),
                configMap("shop", "headers"), configMap("shop", "nginx-headers"), configMap("shop", "unused"),
                configMap("payments", "headers"));

        ClusterState state = ClusterStateAssembler.assemble(AdapterOptions.defaults(), objects).state();

        assertEquals(List.of("shop/headers"), state.configMaps().stream().map(c -> c.key()).toList());
        assertEquals(java.util.Map.of("X-Team", "shop"), state.configMaps().get(0).data());
        assertEquals(Set.of("shop/headers"), ClusterStateAssembler.configMapsNamed(state.ingresses()));
    }

    private static HasMetadata configMap(String namespace, String name) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .addToData("X-Team", namespace).build();
    }

    @Test
    void anObjectHoldingANullWhereTheTranslatorExpectsAValueIsReportedAndTheRestAssembled() {
        // as YAML writes it: "addresses: [~]" in a slice, "hosts: [~]" in an Ingress's tls
        HasMetadata nullAddress = new EndpointSliceBuilder().withNewMetadata().withNamespace("shop").withName("kubia-y")
                .addToLabels("kubernetes.io/service-name", "kubia").endMetadata()
                .withAddressType("IPv4").addNewPort().withPort(8080).endPort()
                .addNewEndpoint().withAddresses((String) null).endEndpoint().build();
        Ingress nullTlsHost = ingress("shop", "odd", "jingress", "kubia", 80);
        nullTlsHost.getSpec().getTls().get(0).getHosts().set(0, null);
        List<HasMetadata> objects = List.of(ingress("shop", "web", "jingress", "kubia", 80), nullTlsHost,
                service("shop", "kubia"), slice("shop", "kubia"), nullAddress);

        ClusterStateAssembler.Assembly assembly = ClusterStateAssembler.assemble(AdapterOptions.defaults(), objects);

        assertEquals(List.of("shop/web"), assembly.state().ingresses().stream().map(i -> i.key()).toList());
        assertEquals(List.of("shop/kubia-x"), assembly.state().endpointSlices().stream()
                .map(e -> e.namespace() + "/" + e.name()).toList());
        assertEquals(List.of("EndpointSlice shop/kubia-y", "Ingress shop/odd"), assembly.problems().stream()
                .map(p -> p.kind() + " " + p.object()).sorted().toList());
        assertTrue(assembly.problems().stream().allMatch(p -> p.message().startsWith("cannot be read: ")),
                assembly.problems().toString());
    }

    @Test
    void objectsOutsideTheWatchedNamespacesAreLeftOut() {
        List<HasMetadata> objects = List.of(
                ingress("shop", "web", "jingress", "kubia", 80), service("shop", "kubia"),
                ingress("dev", "web", "jingress", "kubia", 80), service("dev", "kubia"));
        AdapterOptions options = AdapterOptions.builder().watchNamespaces(Set.of("shop")).build();

        ClusterState state = ClusterStateAssembler.assemble(options, objects).state();

        assertEquals(List.of("shop/web"), state.ingresses().stream().map(i -> i.key()).toList());
        assertEquals(List.of("shop/kubia"), state.services().stream().map(s -> s.key()).toList());
    }

    @Test
    void ourUntranslatableIngressIsReportedAndAnotherClassesIsNot() {
        List<HasMetadata> objects = List.of(
                ingress("shop", "bad", "jingress", "kubia", 0),
                ingress("shop", "theirs", "nginx", "kubia", 0),
                ingress("shop", "good", "jingress", "kubia", 80));

        ClusterStateAssembler.Assembly assembly = ClusterStateAssembler.assemble(AdapterOptions.defaults(), objects);

        assertEquals(List.of("shop/good"), assembly.state().ingresses().stream().map(i -> i.key()).toList());
        assertEquals(1, assembly.problems().size());
        Problem problem = assembly.problems().get(0);
        assertEquals("shop/bad", problem.object());
        assertTrue(problem.field().endsWith("backend.service.port.number"), problem.field());
    }

    @Test
    void sameObjectsInAnyOrderGiveTheSameState() {
        List<HasMetadata> objects = List.of(
                ingress("shop", "b", "jingress", "kubia", 80), ingress("shop", "a", "jingress", "kubia", 80),
                service("shop", "kubia"), slice("shop", "kubia"));
        List<HasMetadata> reversed = new java.util.ArrayList<>(objects);
        java.util.Collections.reverse(reversed);

        assertEquals(ClusterStateAssembler.assemble(AdapterOptions.defaults(), objects).state(),
                ClusterStateAssembler.assemble(AdapterOptions.defaults(), reversed).state());
    }
}
