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

/** {@code --explain} of a server-alias name and of a name from-to-www-redirect answers, as the proxy answers them. */
class HostAliasesExplainTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    /** Ingress default/shop (host www.shop.example, Prefix /cart) to a ready Service web, with annotations. */
    private static RouteExplainer shop(String... namesAndValues) {
        Ingress.Builder ingress = Ingress.builder("default", "shop")
                .rule(IngressRule.of("www.shop.example", HttpIngressPath.prefix("/cart", IngressBackend.service("web", 80))));
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
    void anAliasIsExplainedAsItsHostWithTheIngressAndTheAliasNamed() {
        RouteExplanation e = shop(NGINX + "server-alias", "shop.example.org, *.shop.example").explain("http://shop.example.org/cart/1");

        assertEquals(200, e.status(), e.toString());
        assertEquals("default/shop", e.ingress());
        assertEquals("/cart", e.rulePath());
        assertEquals(List.of("10.0.0.1:8080"), e.endpoints());
        assertEquals("GET http://shop.example.org/cart/1 -> 200 forwarded\n"
                + "  Ingress default/shop, rule 0, path 0: /cart (Prefix)\n"
                + "  annotations: also served as shop.example.org, *.shop.example (server-alias)\n"
                + "  Service default/web, port 80 -> targetPort 8080\n"
                + "  ready endpoints: 10.0.0.1:8080\n"
                + "  1 ready endpoint; the endpoint is picked by round_robin; shop.example.org is a server-alias of host"
                + " www.shop.example", e.toString());
        RouteExplanation wildcard = shop(NGINX + "server-alias", "*.shop.example").explain("http://eu.shop.example/cart");
        assertTrue(wildcard.reason().endsWith("; eu.shop.example is a server-alias of host www.shop.example"), wildcard.reason());
        // with no ready endpoint too
        RouteExplanation unavailable = RouteExplainer.fromState(ClusterState.builder()
                .ingress(Ingress.builder("default", "shop").annotation(NGINX + "server-alias", "shop.example.org")
                        .rule(IngressRule.of("www.shop.example", HttpIngressPath.prefix("/", IngressBackend.service("web", 80))))
                        .build())
                .build()).explain("http://shop.example.org/");
        assertEquals(503, unavailable.status(), unavailable.toString());
        assertTrue(unavailable.reason().endsWith("; shop.example.org is a server-alias of host www.shop.example"),
                unavailable.reason());
        // the host itself: no such note
        RouteExplanation host = shop(NGINX + "server-alias", "*.shop.example").explain("http://www.shop.example/cart");
        assertTrue(host.reason().endsWith("round_robin"), host.reason());
    }

    @Test
    void theBareNameIsExplainedAsThe308ToTheWwwHostWithItsLocation() {
        RouteExplanation e = shop(NGINX + "from-to-www-redirect", "true").explain("https://shop.example:8443/any/path?q=1");

        assertEquals(308, e.status(), e.toString());
        assertEquals("default/shop", e.ingress());
        assertEquals("https://www.shop.example:8443/any/path?q=1", e.location());
        assertEquals("the Ingress's annotation from-to-www-redirect redirects every request for shop.example to its host"
                + " www.shop.example", e.reason());
        assertEquals(List.of("redirect 308 to $scheme://www.shop.example$request_uri (from-to-www-redirect)"), e.policy());
        assertTrue(e.toString().contains("\n  Ingress default/shop, rule 0: every path of the name\n"), e.toString());
        // a name nobody asked for is still a 404
        assertEquals(404, shop(NGINX + "from-to-www-redirect", "false").explain("http://shop.example/").status());
    }
}
