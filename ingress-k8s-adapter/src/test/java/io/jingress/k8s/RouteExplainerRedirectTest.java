package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.Service;
import io.jingress.core.model.TlsSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --explain} of the redirects the proxy answers itself by annotation, as the proxy answers them. */
class RouteExplainerRedirectTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @TempDir
    Path dir;

    /** Ingress default/web (host web.example.com, listed under spec.tls) to a ready Service web, with annotations. */
    private static RouteExplainer web(String... namesAndValues) {
        Ingress.Builder ingress = Ingress.builder("default", "web")
                .rule(IngressRule.of("web.example.com", HttpIngressPath.prefix("/", IngressBackend.service("web", 80))))
                .tls(new IngressTls(List.of("web.example.com"), "web-tls"));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            ingress.annotation(namesAndValues[i], namesAndValues[i + 1]);
        }
        return RouteExplainer.fromState(ClusterState.builder()
                .ingress(ingress.build())
                .service(Service.of("default", "web", Service.Port.of(null, 80, 8080)))
                .endpointSlice(new EndpointSlice("default", "web-x", "web", "IPv4",
                        List.of(new EndpointSlice.Port(null, 8080, "TCP")), List.of(EndpointSlice.Endpoint.ready("10.0.0.1"))))
                .secret(new TlsSecret("default", "web-tls", "CERT", "KEY"))
                .build());
    }

    @Test
    void aPermanentRedirectIsExplainedWithItsStatusLocationAndAnnotationBeforeTheRedirectToHttps() {
        RouteExplainer explainer = web(NGINX + "permanent-redirect", "https://new.example.com$request_uri",
                NGINX + "permanent-redirect-code", "308");

        RouteExplanation plain = explainer.explain("http://web.example.com/a/./b?c=d");

        assertEquals(308, plain.status(), plain.toString());
        assertEquals("https://new.example.com/a/b?c=d", plain.location());
        assertFalse(plain.forwarded());
        assertEquals("GET http://web.example.com/a/./b?c=d -> 308 the Ingress's annotation permanent-redirect redirects"
                + " every request of its routes\n"
                + "  Ingress default/web, rule 0, path 0: / (Prefix)\n"
                + "  annotations: redirect 308 to https://new.example.com$request_uri (permanent-redirect)\n"
                + "  Service default/web, port 80 -> targetPort 8080\n"
                + "  ready endpoints: 10.0.0.1:8080\n"
                + "  Location: https://new.example.com/a/b?c=d", plain.toString());
        // over HTTPS the same: the redirect is not the one to HTTPS
        RouteExplanation secure = explainer.explain("https://web.example.com/x");
        assertEquals(308, secure.status());
        assertEquals("https://new.example.com/x", secure.location());
    }

    @Test
    void aTemporalRedirectFillsInSchemeAndHost() {
        RouteExplanation e = web(NGINX + "temporal-redirect", "$scheme://moved.$host$uri")
                .explain("https://WEB.example.com:8443/p?q=1");

        assertEquals(302, e.status(), e.toString());
        assertEquals("https://moved.web.example.com/p", e.location());
        assertTrue(e.reason().contains("temporal-redirect"), e.reason());
    }

    @Test
    void appRootRedirectsSlashOnlyAndOtherPathsAreForwarded() {
        RouteExplainer explainer = web(NGINX + "app-root", "/dashboard");

        RouteExplanation root = explainer.explain("https://web.example.com:8443/?x=1");
        assertEquals(302, root.status(), root.toString());
        assertEquals("https://web.example.com:8443/dashboard", root.location());
        assertEquals("the Ingress's annotation app-root redirects a request for /", root.reason());
        assertEquals(List.of("/ to /dashboard (app-root)"), root.policy());
        RouteExplanation other = explainer.explain("https://web.example.com/dashboard");
        assertEquals(200, other.status(), other.toString());
        assertNull(other.location());
        // over plain HTTP, app-root answers before the redirect to HTTPS; other paths get that one
        assertEquals(302, explainer.explain("http://web.example.com/").status());
        assertEquals(308, explainer.explain("http://web.example.com/dashboard").status());
    }

    @Test
    void aBadRedirectIsAProblemAndTheRequestIsExplainedAsIfItWereNotThere() {
        RouteExplainer explainer = web(NGINX + "permanent-redirect", "new.example.com");

        RouteExplanation e = explainer.explain("https://web.example.com/a");

        assertEquals(200, e.status(), e.toString());
        assertEquals(List.of(), e.policy());
        assertTrue(explainer.problems().stream().anyMatch(p -> p.object().equals("default/web")
                && p.message().startsWith(NGINX + "permanent-redirect: \"new.example.com\" is not used")), explainer.problems().toString());
    }

    @Test
    void aRedirectInAManifestIsExplained() throws IOException {
        Files.writeString(dir.resolve("ingress.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: old-site
                  namespace: default
                  annotations:
                    nginx.ingress.kubernetes.io/permanent-redirect: https://new.example.com$request_uri
                spec:
                  ingressClassName: jingress
                  rules:
                  - host: old.example.com
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: old
                            port:
                              number: 80
                """);

        RouteExplanation e = RouteExplainer.fromManifests(dir).explain("http://old.example.com/blog?page=2");

        assertEquals(301, e.status(), e.toString());
        assertEquals("https://new.example.com/blog?page=2", e.location());
        assertEquals("default/old-site", e.ingress());
    }
}
