package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.ProxySsl;
import io.jingress.core.route.Route;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster mode: BackendTLSPolicies created through the API give the backends of the Services they
 * target their TLS, their CA ConfigMaps are watched (a deleted one refuses the requests, a new one
 * serves them again), the leader writes each policy's {@code status.ancestors} under the Gateway
 * whose routes go through it, and a ClusterRole that does not grant them costs them alone.
 */
class BackendTlsPolicySourceTest {

    private static final String CONTROLLER = "jingress.io/gateway-controller";

    private static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: jingress}
            spec: {controllerName: jingress.io/gateway-controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: web, namespace: infra}
            spec:
              gatewayClassName: jingress
              listeners:
              - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: vault, namespace: shop}
            spec:
              parentRefs: [{name: web, namespace: infra}]
              hostnames: [vault.example.com]
              rules:
              - backendRefs: [{name: vault, port: 80}]
            """;

    private static final String POLICY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata: {name: vault-tls, namespace: shop}
            spec:
              targetRefs: [{group: "", kind: Service, name: vault}]
              validation:
                caCertificateRefs: [{group: "", kind: ConfigMap, name: vault-ca}]
                hostname: vault.shop.svc
            """;

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    private void apply(String yaml) {
        for (HasMetadata object : cluster.kube().load(new java.io.ByteArrayInputStream(yaml.getBytes(
                StandardCharsets.UTF_8))).items()) {
            cluster.kube().resource(object).createOr(existing -> existing.update());
        }
    }

    private static String ca() throws Exception {
        return new String(BackendTlsPolicySourceTest.class.getResourceAsStream("/upstream-ca.crt").readAllBytes(),
                StandardCharsets.US_ASCII);
    }

    private void caConfigMap() throws Exception {
        ConfigMap configMap = new ConfigMap();
        configMap.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("vault-ca")
                .withNamespace("shop").build());
        configMap.setData(java.util.Map.of("ca.crt", ca()));
        cluster.create(configMap);
    }

    private void seed() {
        cluster.api().gatewayApi(true);
        cluster.create(ApiObjects.service("shop", "vault", 80, 8200));
        cluster.create(ApiObjects.slice("shop", "vault", 8200, "10.0.0.1"));
        apply(GATEWAY);
    }

    private static ProxySsl tls(RoutedSource routed) {
        MatchResult result = routed.router.current().match("vault.example.com", "/");
        return result instanceof Route route ? route.backend().tls() : null;
    }

    /** Our status.ancestors entries of the policy: "namespace/name: Type=Status Reason, ..." joined by " | ". */
    private String ours() {
        BackendTLSPolicy policy = cluster.kube().resources(BackendTLSPolicy.class).inNamespace("shop").withName("vault-tls").get();
        List<PolicyAncestorStatus> ancestors = policy.getStatus() == null || policy.getStatus().getAncestors() == null
                ? List.of() : policy.getStatus().getAncestors();
        return ancestors.stream().filter(a -> CONTROLLER.equals(a.getControllerName()))
                .map(a -> a.getAncestorRef().getKind() + " " + a.getAncestorRef().getNamespace() + "/" + a.getAncestorRef().getName()
                        + ": " + brief(a.getConditions()))
                .collect(Collectors.joining(" | "));
    }

    private static String brief(List<Condition> conditions) {
        return conditions.stream().map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason())
                .collect(Collectors.joining(", "));
    }

    @Test
    void aPolicyAndItsConfigMapAreServedFollowedAndReportedUnderTheGateway() throws Exception {
        seed();
        caConfigMap();
        apply(POLICY);
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            Await.until("the backend goes over TLS", () -> tls(routed) != null && tls(routed).refusal() == null,
                    () -> String.valueOf(tls(routed)));
            assertEquals("shop/vault-tls", tls(routed).policy());
            assertEquals(ca() + "\n", tls(routed).caPem());
            Await.until("the policy's status written", () -> !ours().isEmpty(), this::ours);
            assertEquals("Gateway infra/web: Accepted=True Accepted, ResolvedRefs=True ResolvedRefs", ours());

            // the ConfigMap deleted: requests refused (never sent in cleartext), and the status says why
            cluster.kube().configMaps().inNamespace("shop").withName("vault-ca").delete();
            Await.until("the requests refused", () -> tls(routed) != null && tls(routed).refusal() != null,
                    () -> String.valueOf(tls(routed)));
            assertTrue(tls(routed).refusal().contains("ConfigMap shop/vault-ca does not exist"), tls(routed).refusal());
            Await.until("the status follows", () -> ours().contains("InvalidCACertificateRef"), this::ours);
            assertEquals("Gateway infra/web: Accepted=False NoValidCACertificate, ResolvedRefs=False InvalidCACertificateRef",
                    ours());

            // back again
            caConfigMap();
            Await.until("served again", () -> tls(routed) != null && tls(routed).refusal() == null,
                    () -> String.valueOf(tls(routed)));

            // the policy deleted: cleartext as for any Service
            cluster.kube().resources(BackendTLSPolicy.class).inNamespace("shop").withName("vault-tls").delete();
            Await.until("no TLS", () -> routed.router.current().match("vault.example.com", "/") instanceof Route
                    && tls(routed) == null);
        }
    }

    @Test
    void aClusterRoleThatDoesNotGrantBackendTlsPoliciesCostsThemAloneWithOneWarning() throws Exception {
        seed();
        caConfigMap();
        apply(POLICY);
        cluster.api().forbidBackendTlsPolicies(true);
        try (CapturedLog log = CapturedLog.start();
                RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults(),
                        b -> b.gatewayApiRecheck(Duration.ofMillis(50)))) {
            Await.until("the HTTPRoute served", () -> routed.router.current().match("vault.example.com", "/") instanceof Route);
            Await.until("the WARNING logged", () -> log.text().contains("does not allow listing BackendTLSPolicies (403)"));
            Await.until("synced and watching", () -> routed.source.isSynced() && routed.source.isWatching());
            assertNull(tls(routed), "the policy is not read");
            assertEquals(1, log.lines().stream().filter(l -> l.contains("(403)")).count(), log.text());
        }
    }
}
