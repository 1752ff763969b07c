package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Service;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --explain} of a route whose Ingress names source ranges: it has no client, so it names the ranges. */
class SourceRangeExplainTest {
    @Test
    void theExplanationNamesTheRangesAndTheProblemsTheBadEntries() {
        ClusterState state = ClusterState.builder()
                .ingress(Ingress.builder("shop", "admin")
                        .annotation("nginx.ingress.kubernetes.io/allowlist-source-range", "10.0.0.0/8, 192.168.1.7, office")
                        .annotation("nginx.ingress.kubernetes.io/denylist-source-range", "10.66.0.0/16")
                        .rule(IngressRule.of("admin.example.com", HttpIngressPath.prefix("/", IngressBackend.service("web", 80))))
                        .build())
                .service(Service.of("shop", "web", Service.Port.of("http", 80, 8080)))
                .build();
        RouteExplainer explainer = RouteExplainer.fromState(state);

        RouteExplanation e = explainer.explain("http://admin.example.com/");

        assertEquals(List.of("clients only from 10.0.0.0/8, 192.168.1.7/32 (allowlist-source-range)",
                "clients refused from 10.66.0.0/16 (denylist-source-range)"), e.policy());
        assertTrue(e.toString().contains("\n  annotations: clients only from 10.0.0.0/8, 192.168.1.7/32 "
                + "(allowlist-source-range); clients refused from 10.66.0.0/16 (denylist-source-range)"), e.toString());
        assertTrue(explainer.problems().stream().anyMatch(p -> p.object().equals("shop/admin")
                && p.field().equals("metadata.annotations") && p.message().contains("\"office\" is no IP address")),
                explainer.problems().toString());
    }

    @Test
    void anIngressWhoseRangesRefuseEveryClientIsExplainedAs403() {
        ClusterState state = ClusterState.builder()
                .ingress(Ingress.builder("shop", "admin")
                        .annotation("nginx.ingress.kubernetes.io/denylist-source-range", "10.66.0.0/16, 10.66.0.0/99")
                        .rule(IngressRule.of("admin.example.com", HttpIngressPath.prefix("/", IngressBackend.service("web", 80))))
                        .build())
                .service(Service.of("shop", "web", Service.Port.of("http", 80, 8080)))
                .build();

        RouteExplanation e = RouteExplainer.fromState(state).explain("http://admin.example.com/");

        assertEquals(403, e.status(), e.toString());
        assertEquals("shop/admin", e.ingress());
        assertEquals(List.of("every client refused: denylist-source-range has an entry that is no address (\"10.66.0.0/99\")"),
                e.policy());
    }
}
