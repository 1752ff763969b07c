package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Service;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --explain} of a route whose Ingress sets {@code default-backend}: where a request goes when its Service has no ready endpoint. */
class DefaultBackendExplainTest {
    private static RouteExplainer explainer(String... errorsAddresses) {
        List<EndpointSlice.Endpoint> endpoints = List.of(errorsAddresses).stream().map(EndpointSlice.Endpoint::ready).toList();
        ClusterState state = ClusterState.builder()
                .ingress(Ingress.builder("shop", "front")
                        .annotation("nginx.ingress.kubernetes.io/default-backend", "errors")
                        .rule(IngressRule.of("shop.example.com", HttpIngressPath.prefix("/", IngressBackend.service("web", 80))))
                        .build())
                .service(Service.of("shop", "web", Service.Port.of("http", 80, 8080)))
                .service(Service.of("shop", "errors", Service.Port.of("http", 80, 8080)))
                .endpointSlice(new EndpointSlice("shop", "errors-x", "errors", "IPv4",
                        List.of(new EndpointSlice.Port("http", 8080, "TCP")), endpoints))
                .build();
        return RouteExplainer.fromState(state);
    }

    @Test
    void aRouteWithoutReadyEndpointsIsExplainedAsGoingToTheDefaultBackend() {
        RouteExplanation e = explainer("10.0.0.9").explain("http://shop.example.com/cart");

        assertEquals(200, e.status(), e.toString());
        assertEquals("service shop/web has no EndpointSlices or Endpoints (does its selector match any Pod?); no ready"
                + " endpoint: goes to default-backend shop/errors (shop/errors:80, 1 ready endpoint), with X-Code: 503",
                e.reason());
        assertEquals(List.of("no ready endpoint: goes to default-backend shop/errors:80"), e.policy());
    }

    @Test
    void aDefaultBackendWithoutReadyEndpointsIsExplainedAsThe503() {
        RouteExplanation e = explainer().explain("http://shop.example.com/cart");

        assertEquals(503, e.status(), e.toString());
        assertEquals("service shop/web has no EndpointSlices or Endpoints (does its selector match any Pod?); its"
                + " default-backend shop/errors has no ready endpoint either", e.reason());
    }
}
