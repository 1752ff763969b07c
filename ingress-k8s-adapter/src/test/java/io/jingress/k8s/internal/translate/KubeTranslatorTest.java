package io.jingress.k8s.internal.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.Endpoints;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressClass;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.IngressValidator;
import io.jingress.core.model.PathType;
import io.jingress.core.model.PortRef;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;
import io.jingress.core.model.TlsSecret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeTranslatorTest {

    @Test
    void ingressCarriesRulesPathsBackendsTlsClassAndCreationTime() throws Exception {
        var source = new IngressBuilder()
                .withNewMetadata().withNamespace("shop").withName("web").withUid("u-1")
                    .withCreationTimestamp("2026-11-27T10:15:30Z")
                    .addToAnnotations("jingress.io/load-balance", "ewma").endMetadata()
                .withNewSpec().withIngressClassName("jingress")
                    .withNewDefaultBackend().withNewService().withName("fallback")
                        .withNewPort().withNumber(8080).endPort().endService().endDefaultBackend()
                    .addNewTl().withHosts("myapp.kubia.com").withSecretName("tls").endTl()
                    .addNewRule().withHost("myapp.kubia.com").withNewHttp()
                        .addNewPath().withPath("/").withPathType("Prefix")
                            .withNewBackend().withNewService().withName("kubia")
                                .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
                        .addNewPath().withPath("/api").withPathType("Exact")
                            .withNewBackend().withNewService().withName("api")
                                .withNewPort().withName("http").endPort().endService().endBackend().endPath()
                    .endHttp().endRule()
                .endSpec().build();

        Ingress ingress = KubeTranslator.toIngress(source);

        assertEquals("shop/web", ingress.key());
        assertEquals("u-1", ingress.uid());
        assertEquals(Instant.parse("2026-11-27T10:15:30Z"), ingress.creationTimestamp());
        assertEquals("jingress", ingress.ingressClassName());
        assertEquals(Map.of("jingress.io/load-balance", "ewma"), ingress.annotations());
        assertEquals(IngressBackend.service("fallback", 8080), ingress.defaultBackend());
        assertEquals(List.of(new IngressTls(List.of("myapp.kubia.com"), "tls")), ingress.tls());
        assertEquals("myapp.kubia.com", ingress.rules().get(0).host());
        assertEquals(List.of(
                HttpIngressPath.prefix("/", IngressBackend.service("kubia", 80)),
                HttpIngressPath.exact("/api", IngressBackend.service("api", "http"))),
                ingress.rules().get(0).paths());
    }

    @Test
    void anAnnotationWithoutAValueIsTheEmptyString() throws Exception {
        Map<String, String> annotations = new java.util.HashMap<>();
        annotations.put("jingress.io/ssl-redirect", null);  // as YAML `jingress.io/ssl-redirect:` is read
        var source = new IngressBuilder().withNewMetadata().withName("web").endMetadata().build();
        source.getMetadata().setAnnotations(annotations);

        assertEquals(Map.of("jingress.io/ssl-redirect", ""), KubeTranslator.toIngress(source).annotations());
    }

    @Test
    void unknownPathTypeIsKeptForValidationToReport() throws Exception {
        var source = new IngressBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().addNewRule().withNewHttp()
                    .addNewPath().withPath("/").withPathType("Regex")
                        .withNewBackend().withNewService().withName("kubia")
                            .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
                .endHttp().endRule().endSpec().build();

        Ingress ingress = KubeTranslator.toIngress(source);

        assertNull(ingress.rules().get(0).paths().get(0).pathType());
        assertEquals("Regex", ingress.rules().get(0).paths().get(0).unsupportedPathType());
        assertEquals(List.of("Ingress default/web: spec.rules[0].http.paths[0].pathType: \"Regex\" is not supported:"
                + " pathType must be Exact, Prefix or ImplementationSpecific"),
                IngressValidator.validate(ingress).stream().map(Problem::toString).toList());
        assertEquals("default", ingress.namespace(), "an object without namespace is in default");
        assertEquals(Instant.EPOCH, ingress.creationTimestamp());
    }

    @Test
    void resourceBackendIsDescribedAsGroupKindName() throws Exception {
        var source = new IngressBuilder().withNewMetadata().withName("static").endMetadata()
                .withNewSpec().withNewDefaultBackend().withNewResource("k8s.example.com", "StorageBucket", "assets").endDefaultBackend().endSpec().build();

        IngressBackend backend = KubeTranslator.toIngress(source).defaultBackend();

        assertFalse(backend.isService());
        assertEquals("k8s.example.com/StorageBucket/assets", backend.resource());
    }

    @Test
    void portNumberZeroIsReportedWithItsField() {
        var source = new IngressBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().addNewRule().withNewHttp()
                    .addNewPath().withPath("/").withPathType("Prefix")
                        .withNewBackend().withNewService().withName("kubia")
                            .withNewPort().withNumber(0).endPort().endService().endBackend().endPath()
                .endHttp().endRule().endSpec().build();

        TranslationException e = assertThrows(TranslationException.class, () -> KubeTranslator.toIngress(source));

        assertEquals("Ingress default/web: spec.rules[0].http.paths[0].backend.service.port.number: "
                + "0 must be between 1 and 65535", e.problem().toString());
    }

    @Test
    void ingressWithoutNameIsReported() {
        var source = new IngressBuilder().withNewMetadata().withNamespace("shop").endMetadata().build();

        TranslationException e = assertThrows(TranslationException.class, () -> KubeTranslator.toIngress(source));

        assertEquals("metadata.name", e.problem().field());
    }

    @Test
    void badCreationTimestampIsReported() {
        var source = new IngressBuilder().withNewMetadata().withName("web")
                .withCreationTimestamp("yesterday").endMetadata().build();

        TranslationException e = assertThrows(TranslationException.class, () -> KubeTranslator.toIngress(source));

        assertEquals("metadata.creationTimestamp", e.problem().field());
    }

    @Test
    void ingressClassCarriesControllerAndDefaultAnnotation() throws Exception {
        var source = new IngressClassBuilder().withNewMetadata().withName("jingress")
                .addToAnnotations(IngressClass.DEFAULT_CLASS_ANNOTATION, "true").endMetadata()
                .withNewSpec().withController("jingress.io/ingress-controller").endSpec().build();

        IngressClass ingressClass = KubeTranslator.toIngressClass(source);

        assertEquals("jingress", ingressClass.name());
        assertEquals("jingress.io/ingress-controller", ingressClass.controller());
        assertTrue(ingressClass.isDefault());
    }

    @Test
    void serviceCarriesPortsTargetPortsTypeAndExternalName() throws Exception {
        var source = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("kubia").endMetadata()
                .withNewSpec().withType("NodePort").withClusterIP("10.96.0.10")
                    .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString(8080)).endPort()
                    .addNewPort().withName("admin").withPort(9000).withTargetPort(new IntOrString("metrics")).endPort()
                    .addNewPort().withName("plain").withPort(7000).endPort()
                    .addNewPort().withName("quoted").withPort(7001).withTargetPort(new IntOrString("7002")).endPort()
                    .addNewPort().withName("grpc").withPort(50051).withAppProtocol("kubernetes.io/h2c").endPort()
                .endSpec().build();

        Service service = KubeTranslator.toService(source);

        assertEquals("shop/kubia", service.key());
        assertEquals("NodePort", service.type());
        assertEquals("10.96.0.10", service.clusterIP());
        assertEquals(List.of(
                Service.Port.of("http", 80, 8080),
                Service.Port.of("admin", 9000, "metrics"),
                new Service.Port("plain", 7000, null, "TCP"),
                Service.Port.of("quoted", 7001, 7002),
                new Service.Port("grpc", 50051, null, "TCP", Service.Port.H2C)), service.ports());
        assertEquals(PortRef.number(7000), service.ports().get(2).effectiveTargetPort());

        var external = new ServiceBuilder().withNewMetadata().withName("ext").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("example.com").endSpec().build();
        Service externalService = KubeTranslator.toService(external);
        assertTrue(externalService.isExternalName());
        assertEquals("example.com", externalService.externalName());
        assertEquals(null, externalService.clusterIP());
    }

    @Test
    void portNumbersOutOfRangeAreCarriedAsWrittenForTheCompilerToReportAndZeroTargetPortMeansThePort()
            throws Exception {
        var service = new ServiceBuilder().withNewMetadata().withName("kubia").endMetadata()
                .withNewSpec()
                    .addNewPort().withName("zero").withPort(80).withTargetPort(new IntOrString(0)).endPort()
                    .addNewPort().withName("negative").withPort(81).withTargetPort(new IntOrString(-1)).endPort()
                    .addNewPort().withName("high").withPort(70000).withTargetPort(new IntOrString("99999")).endPort()
                .endSpec().build();
        var slice = new EndpointSliceBuilder().withNewMetadata().withName("kubia-abc").endMetadata()
                .addNewPort().withName("http").withPort(70000).endPort().build();
        var legacy = new EndpointsBuilder().withNewMetadata().withName("kubia").endMetadata()
                .addNewSubset().addNewPort().withName("http").withPort(-5).endPort().endSubset().build();

        assertEquals(List.of(
                new Service.Port("zero", 80, null, "TCP"),
                new Service.Port("negative", 81, PortRef.number(-1), "TCP"),
                new Service.Port("high", 70000, PortRef.number(99999), "TCP")), KubeTranslator.toService(service).ports());
        assertEquals(List.of(new EndpointSlice.Port("http", 70000, "TCP")), KubeTranslator.toEndpointSlice(slice).ports());
        assertEquals(List.of(new EndpointSlice.Port("http", -5, "TCP")),
                KubeTranslator.toEndpoints(legacy).subsets().get(0).ports());
    }

    @Test
    void endpointSliceTakesServiceFromLabelAndCarriesConditionsZoneAndTarget() throws Exception {
        var source = new EndpointSliceBuilder().withNewMetadata().withNamespace("shop").withName("kubia-abc")
                .addToLabels("kubernetes.io/service-name", "kubia").endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("10.1.0.1").withZone("zone-a")
                    .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
                    .withNewTargetRef().withKind("Pod").withName("kubia-1").endTargetRef().endEndpoint()
                .addNewEndpoint().withAddresses("10.1.0.2")
                    .withNewConditions().withReady(false).endConditions().endEndpoint()
                .build();

        EndpointSlice slice = KubeTranslator.toEndpointSlice(source);

        assertEquals("kubia", slice.serviceName());
        assertEquals(List.of(EndpointSlice.Port.of("http", 8080)), slice.ports());
        assertEquals(new EndpointSlice.Endpoint(List.of("10.1.0.1"), true, true, false, "zone-a", "kubia-1"),
                slice.endpoints().get(0));
        assertFalse(slice.endpoints().get(1).receivesTraffic());
    }

    @Test
    void legacyEndpointsCarryReadyAndNotReadyAddresses() throws Exception {
        var source = new EndpointsBuilder().withNewMetadata().withName("kubia").endMetadata()
                .addNewSubset()
                    .addNewAddress().withIp("10.1.0.1").endAddress()
                    .addNewNotReadyAddress().withIp("10.1.0.9").endNotReadyAddress()
                    .addNewPort().withName("http").withPort(8080).endPort()
                .endSubset().build();

        Endpoints endpoints = KubeTranslator.toEndpoints(source);

        assertEquals("default/kubia", endpoints.key());
        assertEquals(List.of(new Endpoints.Subset(List.of("10.1.0.1"), List.of("10.1.0.9"),
                List.of(EndpointSlice.Port.of("http", 8080)))), endpoints.subsets());
    }

    @Test
    void tlsSecretDecodesBase64DataAndPrefersStringData() throws Exception {
        String cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        var source = new SecretBuilder().withNewMetadata().withNamespace("shop").withName("tls").endMetadata()
                .withType("kubernetes.io/tls")
                .addToData("tls.crt", Base64.getEncoder().encodeToString(cert.getBytes(StandardCharsets.UTF_8)))
                .addToData("tls.key", Base64.getEncoder().encodeToString("old".getBytes(StandardCharsets.UTF_8)))
                .addToStringData("tls.key", "-----BEGIN PRIVATE KEY-----\n")
                .build();

        TlsSecret secret = KubeTranslator.toTlsSecret(source);

        assertEquals(cert, secret.certificateChainPem());
        assertEquals("-----BEGIN PRIVATE KEY-----\n", secret.privateKeyPem());
    }

    @Test
    void tlsSecretWithBadBase64NamesTheKey() {
        var source = new SecretBuilder().withNewMetadata().withName("tls").endMetadata()
                .withType("kubernetes.io/tls").addToData("tls.crt", "not base64 at all!").build();

        TranslationException e = assertThrows(TranslationException.class, () -> KubeTranslator.toTlsSecret(source));

        assertEquals("data[tls.crt]", e.problem().field());
        assertEquals("default/tls", e.problem().object());
    }

    @Test
    void opaqueSecretIsNotATlsSecret() {
        var source = new SecretBuilder().withNewMetadata().withName("creds").endMetadata().withType("Opaque").build();

        assertFalse(KubeTranslator.isTlsSecret(source));
        TranslationException e = assertThrows(TranslationException.class, () -> KubeTranslator.toTlsSecret(source));
        assertEquals("Secret default/creds: type: is \"Opaque\", not kubernetes.io/tls:"
                + " a certificate is read only from a Secret of that type", e.problem().toString());
    }

    @Test
    void pathTypeNamesMapOneToOne() throws Exception {
        for (PathType type : PathType.values()) {
            var source = new IngressBuilder().withNewMetadata().withName("web").endMetadata()
                    .withNewSpec().addNewRule().withNewHttp().addNewPath().withPath("/").withPathType(type.apiName())
                    .endPath().endHttp().endRule().endSpec().build();
            assertEquals(type, KubeTranslator.toIngress(source).rules().get(0).paths().get(0).pathType());
        }
    }
}
