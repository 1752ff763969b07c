package io.jingress.k8s;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** fabric8 objects for tests, the way a user would write them in YAML. */
final class ApiObjects {

    private ApiObjects() {
    }

    /** An Ingress routing {@code host} / (Prefix) to {@code service}:{@code port}; {@code className} may be null. */
    static Ingress ingress(String ns, String name, String className, String host, String service, int port) {
        return new IngressBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec()
                .withIngressClassName(className)
                .addNewRule()
                .withHost(host)
                .withNewHttp()
                .addNewPath()
                .withPath("/")
                .withPathType("Prefix")
                .withNewBackend().withNewService().withName(service).withNewPort().withNumber(port).endPort()
                .endService().endBackend()
                .endPath()
                .endHttp()
                .endRule()
                .endSpec()
                .build();
    }

    static IngressClass ingressClass(String name, String controller, boolean isDefault) {
        return new IngressClassBuilder()
                .withNewMetadata().withName(name)
                .withAnnotations(isDefault ? Map.of("ingressclass.kubernetes.io/is-default-class", "true") : Map.of())
                .endMetadata()
                .withNewSpec().withController(controller).endSpec()
                .build();
    }

    static Service service(String ns, String name, int port, int targetPort) {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .addNewPort().withName("http").withPort(port).withTargetPort(new IntOrString(targetPort)).endPort()
                .endSpec()
                .build();
    }

    static EndpointSlice slice(String ns, String service, int port, String... readyIps) {
        EndpointSliceBuilder b = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(ns).withName(service + "-abc")
                .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort();
        for (String ip : readyIps) {
            b.addNewEndpoint().withAddresses(ip).withNewConditions().withReady(true).endConditions().endEndpoint();
        }
        return b.build();
    }

    static Secret tlsSecret(String ns, String name, String certPem, String keyPem) {
        return new SecretBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", base64(certPem), "tls.key", base64(keyPem)))
                .build();
    }

    static Secret opaqueSecret(String ns, String name) {
        return new SecretBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withType("Opaque")
                .withData(Map.of("tls.crt", base64("x"), "tls.key", base64("y")))
                .build();
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }
}
