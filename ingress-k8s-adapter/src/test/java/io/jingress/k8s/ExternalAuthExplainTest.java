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
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --explain} of a route whose Ingress sets {@code auth-url}: the auth service it is sent on after, or the 503/500. */
class ExternalAuthExplainTest {
    private static RouteExplainer explainer(String host, String authUrl, String signin) {
        Ingress.Builder ingress = Ingress.builder("apps", "dashboard")
                .annotation("nginx.ingress.kubernetes.io/auth-url", authUrl)
                .rule(IngressRule.of(host, HttpIngressPath.prefix("/", IngressBackend.service("web", 80))));
        if (signin != null) {
            ingress.annotation("nginx.ingress.kubernetes.io/auth-signin", signin);
        }
        ClusterState state = ClusterState.builder()
                .ingress(ingress.build())
                .service(Service.of("apps", "web", Service.Port.of("http", 80, 8080)))
                .endpointSlice(new EndpointSlice("apps", "web-x", "web", "IPv4",
                        List.of(new EndpointSlice.Port("http", 8080, "TCP")),
                        List.of(EndpointSlice.Endpoint.ready("10.0.0.1"))))
                .build();
        return RouteExplainer.fromState(state);
    }

    @Test
    void aRouteWithExternalAuthIsExplainedAsServedOnlyAfterTheAuthServiceWithItsUrlFilledIn() {
        RouteExplanation e = explainer("dash.example.com", "https://$host/oauth2/auth",
                "https://$host/oauth2/start?rd=$escaped_request_uri").explain("http://dash.example.com/a?b=1");

        assertEquals(200, e.status(), e.toString());
        assertTrue(e.reason().endsWith("; only if the auth service at https://dash.example.com/oauth2/auth answers 2xx"
                + " (auth-url: 401 is answered 302 to auth-signin, 403 403, anything else 500)"), e.reason());
        assertTrue(e.policy().get(0).startsWith("external authentication at https://$host/oauth2/auth (auth-url)"),
                e.policy().toString());
    }

    @Test
    void aBadAuthUrlIsExplainedAsThe503AndReportedAsAProblem() {
        RouteExplainer explainer = explainer("dash.example.com", "oauth2-proxy/auth", null);
        RouteExplanation e = explainer.explain("http://dash.example.com/");

        assertEquals(503, e.status(), e.toString());
        assertTrue(e.reason().startsWith("the Ingress's external authentication cannot be used (auth-url cannot be used:"),
                e.reason());
        assertTrue(explainer.problems().stream().anyMatch(p -> p.object().equals("apps/dashboard")
                && p.message().contains("auth-url: \"oauth2-proxy/auth\" cannot be used")), explainer.problems().toString());
    }

    @Test
    void hostInTheAuthUrlOfARuleForAnyHostIsExplainedAsThe500() {
        RouteExplanation e = explainer(null, "http://$host/auth", null).explain("http://anything.example.com/");

        assertEquals(500, e.status(), e.toString());
        assertTrue(e.reason().contains("the client would choose where the proxy calls"), e.reason());
    }
}
