package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Service;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --explain} of a route with a canary: it has no headers to decide with, so it states the rule. */
class CanaryExplainTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @Test
    void theExplanationNamesTheMainIngressAndStatesTheCanarysRule() {
        ClusterState state = ClusterState.builder()
                .ingress(ingress("web", "web", 1).build())
                .ingress(ingress("web-canary", "web-v2", 2)
                        .annotation(NGINX + "canary", "true")
                        .annotation(NGINX + "canary-by-header", "X-Canary")
                        .annotation(NGINX + "canary-weight", "10")
                        .build())
                .service(Service.of("shop", "web", Service.Port.of("http", 80, 8080)))
                .endpointSlice(new EndpointSlice("shop", "web-1", "web", "IPv4",
                        List.of(EndpointSlice.Port.of("http", 8080)), List.of(EndpointSlice.Endpoint.ready("10.0.0.1"))))
                .build();

        RouteExplanation e = RouteExplainer.fromState(state).explain("http://shop.example.com/");

        assertEquals(200, e.status(), e.toString());
        assertEquals("shop/web", e.ingress());
        assertTrue(e.toString().contains("the canary Ingress shop/web-canary sends to shop/web-v2:80 the requests its rule"
                + " chooses (header X-Canary: always sends to the canary, never keeps off it; 10 of 100 other requests go"
                + " to the canary), but it takes none while "), e.toString());
    }

    private static Ingress.Builder ingress(String name, String service, long created) {
        return Ingress.builder("shop", name).creationTimestamp(Instant.ofEpochSecond(created))
                .rule(IngressRule.of("shop.example.com", HttpIngressPath.prefix("/", IngressBackend.service(service, 80))));
    }
}
