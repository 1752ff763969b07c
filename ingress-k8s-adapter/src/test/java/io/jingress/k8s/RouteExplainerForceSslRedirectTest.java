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

/** {@code --explain} of {@code force-ssl-redirect}: the 308 to HTTPS on a host in no spec.tls, as the proxy answers. */
class RouteExplainerForceSslRedirectTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    /** Ingress default/web (host web.example.com, no spec.tls) to a ready Service web, with annotations. */
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
    void plainHttpIsExplainedAsTheRedirectOfTheAnnotationAndHttpsAsServed() {
        RouteExplainer explainer = web(NGINX + "force-ssl-redirect", "true", NGINX + "ssl-redirect", "false");

        RouteExplanation plain = explainer.explain("http://web.example.com/a?b=c");
        assertEquals(308, plain.status(), plain.toString());
        assertEquals("https://web.example.com/a?b=c", plain.location());
        assertEquals("the Ingress's annotation force-ssl-redirect: plain HTTP is redirected to HTTPS", plain.reason());
        assertEquals(List.of("plain HTTP redirected to HTTPS, TLS host or not (force-ssl-redirect)"), plain.policy());
        assertEquals("https://web.example.com:8443/a", explainer.httpsRedirectPort(8443)
                .explain("http://web.example.com/a").location());
        assertEquals(200, explainer.explain("https://web.example.com/a").status());
        assertEquals(List.of(), explainer.problems());
    }

    @Test
    void withoutTheAnnotationAHostInNoTlsSectionIsServedOverPlainHttp() {
        assertEquals(200, web().explain("http://web.example.com/a").status());
    }
}
