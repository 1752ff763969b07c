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

/** {@code --explain} of {@code mirror-target}: the request is served by its endpoint, and its policy names the mirror. */
class RouteExplainerMirrorTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static RouteExplainer web(String... namesAndValues) {
        Ingress.Builder ingress = Ingress.builder("default", "web")
                .rule(IngressRule.of("web.example.com", HttpIngressPath.prefix("/", IngressBackend.service("web", 80))));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            ingress.annotation(namesAndValues[i], namesAndValues[i + 1]);
        }
        return RouteExplainer.fromState(ClusterState.builder()
                .ingress(ingress.build())
                .service(Service.of("default", "web", Service.Port.of(null, 80, 8080)))
                .endpointSlice(new EndpointSlice("default", "web-x", "web", "IPv4",
                        List.of(new EndpointSlice.Port(null, 8080, "TCP")), List.of(EndpointSlice.Endpoint.ready("10.0.0.1"))))
                .build());
    }

    @Test
    void aMirroredRequestIsExplainedAsServedWithItsMirrorInThePolicy() {
        RouteExplainer explainer = web(NGINX + "mirror-target", "https://shadow.example.com$request_uri",
                NGINX + "mirror-request-body", "off");

        RouteExplanation served = explainer.explain("http://web.example.com/a?b=c");
        assertEquals(200, served.status(), served.toString());
        assertEquals(List.of("copy of each request to https://shadow.example.com$request_uri with Host shadow.example.com,"
                + " without its body (mirror-target)"), served.policy());
        assertEquals(List.of(), explainer.problems());
    }

    @Test
    void aTargetThatIsNotAUrlIsAWarningAndTheRequestIsServedUnmirrored() {
        RouteExplainer explainer = web(NGINX + "mirror-target", "/_mirror");

        RouteExplanation served = explainer.explain("http://web.example.com/a");
        assertEquals(200, served.status(), served.toString());
        assertEquals(List.of(), served.policy());
        assertEquals(1, explainer.problems().size(), explainer.problems().toString());
    }
}
