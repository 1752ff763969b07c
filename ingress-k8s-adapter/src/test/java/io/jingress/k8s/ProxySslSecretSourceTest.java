package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static io.jingress.k8s.ApiObjects.service;
import static io.jingress.k8s.ApiObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.ProxySsl;
import io.jingress.core.route.Route;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Secret an Ingress's {@code proxy-ssl-secret} names reaches the route table, in cluster mode
 * (watched: a change applies, a deletion refuses) and in manifest mode, as type Opaque or
 * {@code kubernetes.io/tls}; {@code --explain} shows the setting and never the key.
 */
class ProxySslSecretSourceTest {
    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    @TempDir
    Path dir;

    static String resource(String name) throws IOException {
        try (InputStream in = ProxySslSecretSourceTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static Secret secret(String type, Map<String, String> data) {
        Map<String, String> encoded = new LinkedHashMap<>();
        data.forEach((k, v) -> encoded.put(k, base64(v)));
        return new SecretBuilder().withNewMetadata().withNamespace("shop").withName("upstream").endMetadata()
                .withType(type).withData(encoded).build();
    }

    private static ProxySsl proxySsl(RoutedSource routed) {
        MatchResult result = routed.router.current().match("shop.example.com", "/");
        return result instanceof Route route ? route.policy().proxySsl() : null;
    }

    @Test
    void theNamedSecretIsWatchedAndItsChangesApply() throws Exception {
        String ca = resource("upstream-ca.crt");
        cluster.create(new IngressBuilder(ingress("shop", "web", "jingress", "shop.example.com", "web", 443))
                .editMetadata().addToAnnotations("nginx.ingress.kubernetes.io/backend-protocol", "HTTPS")
                .addToAnnotations("nginx.ingress.kubernetes.io/proxy-ssl-verify", "on")
                .addToAnnotations("nginx.ingress.kubernetes.io/proxy-ssl-secret", "shop/upstream").endMetadata().build());
        cluster.create(service("shop", "web", 443, 8443));
        cluster.create(slice("shop", "web", 8443, "10.0.0.1"));
        cluster.create(secret("Opaque", Map.of("ca.crt", ca)));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            Await.until("the CA is read", () -> proxySsl(routed) != null && ca.equals(proxySsl(routed).caPem()));
            assertNull(proxySsl(routed).refusal());

            cluster.kube().secrets().inNamespace("shop").withName("upstream").edit(s -> secret("Opaque", Map.of(
                    "ca.crt", ca, "tls.crt", "client", "tls.key", "key")));
            Await.until("the client certificate is read", () -> "client".equals(proxySsl(routed).clientCertificatePem()));

            cluster.kube().secrets().inNamespace("shop").withName("upstream").delete();
            Await.until("its deletion refuses", () -> proxySsl(routed).refusal() != null);
            assertEquals("the Secret shop/upstream of proxy-ssl-secret is not found", proxySsl(routed).refusal());
        }
    }

    @Test
    void aTlsSecretWithACaIsReadFromManifestsAndExplainShowsTheSettingNeverTheKey() throws Exception {
        String key = resource("upstream-client.key");
        Files.writeString(dir.resolve("web.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: web
                  namespace: shop
                  annotations:
                    nginx.ingress.kubernetes.io/backend-protocol: HTTPS
                    nginx.ingress.kubernetes.io/proxy-ssl-secret: shop/upstream
                    nginx.ingress.kubernetes.io/proxy-ssl-verify: "on"
                    nginx.ingress.kubernetes.io/proxy-ssl-server-name: "on"
                spec:
                  ingressClassName: jingress
                  rules:
                  - host: shop.example.com
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: web
                            port:
                              number: 443
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  namespace: shop
                spec:
                  ports:
                  - name: https
                    port: 443
                    targetPort: 8443
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: upstream
                  namespace: shop
                type: kubernetes.io/tls
                data:
                  ca.crt: %s
                  tls.crt: %s
                  tls.key: %s
                """.formatted(base64(resource("upstream-ca.crt")), base64(resource("upstream-client.crt")), base64(key)));

        RouteExplainer explainer = RouteExplainer.fromManifests(dir);
        RouteExplanation e = explainer.explain("http://shop.example.com/");

        assertTrue(e.policy().contains("TLS to endpoints (proxy-ssl-*): endpoint certificates verified against shop/upstream"
                + " ca.crt (depth 1, name service.namespace.svc), SNI service.namespace.svc, client certificate of"
                + " shop/upstream presented"), e.policy().toString());
        assertTrue(e.policy().contains("endpoints spoken to in HTTPS (backend-protocol)"), e.policy().toString());
        assertFalse(e.toString().contains(key.split("\n")[1]), "no line of the key");
        assertTrue(explainer.problems().stream().noneMatch(p -> p.message().contains("proxy-ssl")),
                explainer.problems().toString());
    }
}
