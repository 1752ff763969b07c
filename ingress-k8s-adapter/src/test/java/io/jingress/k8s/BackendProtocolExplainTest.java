package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Service;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --explain} of a route whose Ingress sets {@code backend-protocol}: the scheme the endpoint is spoken to in. */
class BackendProtocolExplainTest {
    private static RouteExplainer explainer(String protocol) {
        return explainer(protocol, "off");
    }

    private static RouteExplainer explainer(String protocol, String verify) {
        ClusterState state = ClusterState.builder()
                .ingress(Ingress.builder("argocd", "server")
                        .annotation("nginx.ingress.kubernetes.io/backend-protocol", protocol)
                        .annotation("nginx.ingress.kubernetes.io/proxy-ssl-verify", verify)
                        .rule(IngressRule.of("argocd.example.com", HttpIngressPath.prefix("/", IngressBackend.service("web", 443))))
                        .build())
                .service(Service.of("argocd", "web", Service.Port.of("https", 443, 8443)))
                .endpointSlice(new EndpointSlice("argocd", "web-x", "web", "IPv4",
                        List.of(new EndpointSlice.Port("https", 8443, "TCP")),
                        List.of(EndpointSlice.Endpoint.ready("10.0.0.1"))))
                .build();
        return RouteExplainer.fromState(state);
    }

    @Test
    void anHttpsBackendIsExplainedAsSpokenToInHttpsWithoutVerifyingItsCertificate() {
        RouteExplanation e = explainer("HTTPS").explain("http://argocd.example.com/");

        assertEquals(200, e.status(), e.toString());
        assertTrue(e.reason().endsWith("; spoken to in HTTPS (backend-protocol HTTPS, certificate not verified)"), e.reason());
        assertEquals(List.of("endpoints spoken to in HTTPS, certificates not verified (backend-protocol)"), e.policy());
    }

    @Test
    void autoHttpIsExplainedInTheSchemeOfTheUrl() {
        RouteExplainer explainer = explainer("AUTO_HTTP");

        assertTrue(explainer.explain("https://argocd.example.com/").reason().contains("spoken to in HTTPS"));
        assertFalse(explainer.explain("http://argocd.example.com/").reason().contains("spoken to in HTTPS"));
    }

    @Test
    void grpcIsExplainedAsSpokenToInHttp2AndFcgiAsThe502TheProxyAnswers() {
        RouteExplanation grpc = explainer("GRPC").explain("https://argocd.example.com/");
        assertEquals(200, grpc.status(), grpc.toString());
        assertTrue(grpc.reason().endsWith("; spoken to in gRPC, cleartext HTTP/2 (backend-protocol GRPC)"), grpc.reason());
        RouteExplanation grpcs = explainer("GRPCS").explain("http://argocd.example.com/");
        assertEquals(200, grpcs.status(), grpcs.toString());
        assertTrue(grpcs.reason().endsWith("; spoken to in gRPC over TLS (backend-protocol GRPCS, certificate not verified)"),
                grpcs.reason());

        RouteExplainer explainer = explainer("FCGI");
        RouteExplanation e = explainer.explain("http://argocd.example.com/");
        assertEquals(502, e.status(), e.toString());
        assertTrue(e.reason().contains("backend-protocol FCGI is not supported"), e.reason());
        assertTrue(explainer.problems().stream().anyMatch(p -> p.object().equals("argocd/server")
                && p.message().contains("the Ingress's routes answer 502")), explainer.problems().toString());
    }

    @Test
    void proxySslVerifyOnIsExplainedAsThe502WhenTheUpstreamIsTls() {
        RouteExplanation https = explainer("HTTPS", "on").explain("http://argocd.example.com/");

        assertEquals(502, https.status(), https.toString());
        assertEquals("the Ingress asks for TLS to its endpoints that cannot be done (proxy-ssl-verify is on and no"
                + " proxy-ssl-secret names the CA): a request that would go to its endpoint over TLS (backend-protocol HTTPS)"
                + " is answered 502, and nothing is sent", https.reason());
        assertTrue(https.policy().contains("answered 502 over TLS to the endpoints: proxy-ssl-verify is on and no"
                + " proxy-ssl-secret names the CA"),
                https.policy().toString());
    }

    @Test
    void proxySslVerifyOnWithAutoHttpIsThe502OnlyForAnHttpsUrl() {
        RouteExplainer explainer = explainer("AUTO_HTTP", "on");

        assertEquals(502, explainer.explain("https://argocd.example.com/").status());
        RouteExplanation plain = explainer.explain("http://argocd.example.com/");
        assertEquals(200, plain.status(), plain.toString());
        assertFalse(plain.reason().contains("spoken to in HTTPS"), plain.reason());
    }

    @Test
    void proxySslVerifyOnWithoutHttpsIsExplainedAsProxied() {
        RouteExplanation e = explainer("HTTP", "on").explain("https://argocd.example.com/");

        assertEquals(200, e.status(), e.toString());
    }
}
