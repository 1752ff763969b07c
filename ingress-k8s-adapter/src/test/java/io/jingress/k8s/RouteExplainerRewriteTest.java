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

/** {@code --explain} of regex paths and {@code rewrite-target}: the path the endpoint receives. */
class RouteExplainerRewriteTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    /** Ingress default/web (host web.example.com, an ImplementationSpecific path) to a ready Service web. */
    private static RouteExplainer web(String path, String annotation, String value) {
        Ingress ingress = Ingress.builder("default", "web")
                .rule(IngressRule.of("web.example.com",
                        HttpIngressPath.of(path, "ImplementationSpecific", IngressBackend.service("web", 80))))
                .annotation(annotation, value)
                .build();
        return RouteExplainer.fromState(ClusterState.builder()
                .ingress(ingress)
                .service(Service.of("default", "web", Service.Port.of(null, 80, 8080)))
                .endpointSlice(new EndpointSlice("default", "web-x", "web", "IPv4",
                        List.of(new EndpointSlice.Port(null, 8080, "TCP")), List.of(EndpointSlice.Endpoint.ready("10.0.0.1"))))
                .build());
    }

    @Test
    void theRewrittenPathTheEndpointReceivesIsExplained() {
        RouteExplanation e = web("/something(/|$)(.*)", NGINX + "rewrite-target", "/$2")
                .explain("http://web.example.com/something/new?x=1");

        assertEquals(200, e.status(), e.toString());
        assertEquals("/something(/|$)(.*)", e.rulePath());
        assertEquals(List.of("rewrite to /$2 (rewrite-target)"), e.policy());
        assertTrue(e.reason().endsWith("; the endpoint receives /new?x=1 (nginx.ingress.kubernetes.io/rewrite-target: \"/$2\")"),
                e.reason());
        assertTrue(e.toString().contains("\n  Ingress default/web, rule 0, path 0: /something(/|$)(.*) (ImplementationSpecific)\n"),
                e.toString());
        assertTrue(e.toString().contains("the endpoint receives /new?x=1"), e.toString());
    }

    @Test
    void aRegexPathIsMatchedCaseInsensitivelyAndWithoutRewriteThePathIsForwardedAsAsked() {
        RouteExplainer explainer = web("/api/v[0-9]+", NGINX + "use-regex", "true");

        RouteExplanation e = explainer.explain("http://web.example.com/API/V2/users");
        assertEquals(200, e.status(), e.toString());
        assertEquals(List.of("paths are case-insensitive regular expressions"), e.policy());
        assertTrue(!e.reason().contains("receives"), e.reason());
        assertEquals(404, explainer.explain("http://web.example.com/api/vx").status());
    }

    @Test
    void aRewriteThatGivesNoValidPathIsExplainedAs500() {
        RouteExplanation e = web("/a(.)", NGINX + "rewrite-target", "/b/$1").explain("http://web.example.com/a%C3%A9");

        assertEquals(500, e.status(), e.toString());
        assertEquals("the Ingress's annotation nginx.ingress.kubernetes.io/rewrite-target: \"/b/$1\" gives no valid path"
                + " for this request", e.reason());
    }

    @Test
    void aRegexThatBacktracksPastItsBudgetIsExplainedAs500() {
        RouteExplainer explainer = web("/(a+){2,64}$", NGINX + "use-regex", "true");

        RouteExplanation e = explainer.explain("http://web.example.com/" + "a".repeat(40) + "!");
        assertEquals(500, e.status(), e.toString());
        assertEquals("a path regex of this host could not be run on this path: it overflowed the stack or took more"
                + " steps than its budget, and the proxy answers 500 rather than try the host's other paths", e.reason());
        assertEquals(200, explainer.explain("http://web.example.com/aaaa").status());
    }
}
