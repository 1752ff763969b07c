package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.Router;
import io.jingress.core.route.TcpRoute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File mode and {@code --tcp-services-configmap}: a {@code kind: ConfigMap} document of that
 * namespace and name gives the TCP services, with the Services and EndpointSlices it names, and
 * editing or removing that file alone changes them.
 */
class TcpServicesManifestTest {
    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: shell
              namespace: gitlab
            spec:
              ports:
              - name: ssh
                port: 22
                targetPort: 2222
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: shell-1
              namespace: gitlab
              labels:
                kubernetes.io/service-name: shell
            addressType: IPv4
            ports:
            - name: ssh
              port: 2222
            endpoints:
            - addresses: ["127.0.0.1"]
            """;

    @TempDir
    Path dir;

    private static String configMap(String entries) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: tcp-services
                  namespace: ingress
                data:
                %s
                """.formatted(entries.indent(2).stripTrailing());
    }

    private static List<String> served(Router router) {
        return router.current().tcpServices().routes().stream()
                .map((TcpRoute r) -> r.port() + " -> " + r.service().serviceKey() + " " + r.backend().endpoints()).toList();
    }

    private ManifestSource source(Router router) {
        RouteCompiler compiler = RouteCompiler.create(Balancers.create()).withTcpServices("ingress/tcp-services", Map.of());
        return ManifestSource.builder().path(dir).router(router).compiler(compiler)
                .options(AdapterOptions.builder().tcpServicesConfigMap("ingress/tcp-services").build())
                .debounce(Duration.ofMillis(50)).build().start();
    }

    @Test
    void theConfigMapFileGivesThePortsAndEditingOrRemovingItAloneChangesThem() throws Exception {
        Files.writeString(dir.resolve("gitlab.yaml"), SERVICE);
        Files.writeString(dir.resolve("tcp.yaml"), configMap("\"2222\": gitlab/shell:ssh"));
        Router router = Router.create();
        try (ManifestSource source = source(router)) {
            assertEquals(List.of("2222 -> gitlab/shell:ssh [127.0.0.1:2222]"), served(router),
                    router.current().problems().toString());

            Files.writeString(dir.resolve("tcp.yaml"), configMap("\"2223\": gitlab/shell:22:PROXY"));
            Await.until("the edited ConfigMap's port", () -> served(router).equals(
                    List.of("2223 -> gitlab/shell:22 [127.0.0.1:2222]")));
            assertTrue(router.current().tcpServices().route(2223).service().decodeProxyProtocol());

            Files.delete(dir.resolve("tcp.yaml"));
            Await.until("no port once the file is gone", () -> served(router).isEmpty());
            assertFalse(router.current().tcpServices().configMapFound());
        }
    }

    @Test
    void aConfigMapOfAnotherNameGivesNoPort() throws Exception {
        Files.writeString(dir.resolve("gitlab.yaml"), SERVICE);
        Files.writeString(dir.resolve("tcp.yaml"), configMap("\"2222\": gitlab/shell:ssh").replace("tcp-services", "other"));
        Router router = Router.create();
        try (ManifestSource source = source(router)) {
            assertEquals(List.of(), served(router));
            assertFalse(router.current().tcpServices().configMapFound());
        }
    }
}
