package io.jingress.core.route;

import static io.jingress.core.model.HttpIngressPath.exact;
import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SslPassthroughHostsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/ssl-passthrough";
    private static final String OURS = "jingress.io/ssl-passthrough";

    private static Ingress ingress(String name, long created, Map<String, String> annotations, IngressRule... rules) {
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(created));
        annotations.forEach(builder::annotation);
        for (IngressRule rule : rules) {
            builder.rule(rule);
        }
        return builder.build();
    }

    private static RouteTable compile(boolean enabled, Ingress... ingresses) {
        ClusterState.Builder state = ClusterState.builder();
        for (String name : List.of("web", "api")) {
            state.service(service(name)).endpointSlice(slice(name, "10.0.0.1"));
        }
        for (Ingress ingress : ingresses) {
            state.ingress(ingress);
        }
        return RouteCompiler.create(Balancers.create()).withSslPassthrough(enabled).compile(state.build());
    }

    private static List<String> warnings(RouteTable table) {
        return table.problems().stream().filter(p -> p.severity() == Problem.Severity.WARNING)
                .map(p -> p.object() + " " + p.field() + ": " + p.message()).toList();
    }

    @Test
    void withTheSwitchTheHostGoesToTheBackendOfItsRootPath() {
        RouteTable table = compile(true, ingress("argocd", 1, Map.of(NGINX, "true"),
                rule("argocd.example.com", prefix("/", backend("web")))));

        Route route = table.sslPassthroughHosts().get("argocd.example.com");
        assertEquals("default/web:80", route.backend().key());
        assertSame(table.match("argocd.example.com", "/"), route, "the route a request for / gets");
        assertEquals(List.of(), warnings(table));
    }

    @Test
    void withoutTheSwitchTheIngressIsServedAsUsualWithAWarningNamingTheAnnotation() {
        RouteTable table = compile(false, ingress("argocd", 1, Map.of(OURS, "true"),
                rule("argocd.example.com", prefix("/", backend("web")))));

        assertEquals(Map.of(), table.sslPassthroughHosts());
        assertInstanceOf(Route.class, table.match("argocd.example.com", "/"));
        assertEquals(List.of("default/argocd metadata.annotations: jingress.io/ssl-passthrough: \"true\" has no effect:"
                + " the controller was not started with --enable-ssl-passthrough, so TLS ends at the proxy and the"
                + " Ingress is served as usual"), warnings(table));
    }

    @Test
    void anExactRootPathWinsOverAPrefixOneAndOtherPathsAreToldTheyAreReachedOverHttpOnly() {
        RouteTable table = compile(true, ingress("argocd", 1, Map.of(NGINX, "true"),
                rule("argocd.example.com", prefix("/", backend("api")), exact("/", backend("web")),
                        prefix("/api", backend("api")))));

        assertEquals("default/web:80", table.sslPassthroughHosts().get("argocd.example.com").backend().key());
        assertEquals(List.of("default/argocd metadata.annotations: nginx.ingress.kubernetes.io/ssl-passthrough: over"
                + " HTTPS every connection goes to the backend of path /, so argocd.example.com/api is reached over"
                + " plain HTTP only"), warnings(table));
    }

    @Test
    void aHostWithoutRootPathOrDefaultBackendIsNotPassedThrough() {
        RouteTable table = compile(true, ingress("argocd", 1, Map.of(NGINX, "true"),
                rule("argocd.example.com", prefix("/api", backend("api")))));

        assertEquals(Map.of(), table.sslPassthroughHosts());
        assertTrue(warnings(table).get(0).startsWith("default/argocd spec.rules[0].host: nginx.ingress.kubernetes.io/"
                + "ssl-passthrough: host argocd.example.com has no path / and no defaultBackend"), warnings(table).toString());
    }

    @Test
    void wildcardHostsAndRulesWithoutHostAreServedAsUsualWithAWarning() {
        RouteTable table = compile(true, ingress("argocd", 1, Map.of(NGINX, "true"),
                rule("*.example.com", prefix("/", backend("web"))), rule(null, prefix("/", backend("web")))));

        assertEquals(Map.of(), table.sslPassthroughHosts());
        List<String> warnings = warnings(table);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("spec.rules[0].host") && warnings.get(0).contains("wildcard host *.example.com"),
                warnings.get(0));
        assertTrue(warnings.get(1).contains("spec.rules[1].host") && warnings.get(1).contains("rule without host"),
                warnings.get(1));
    }

    @Test
    void theOldestIngressOfAHostDecides() {
        Ingress older = ingress("plain", 1, Map.of(), rule("argocd.example.com", prefix("/", backend("web"))));
        Ingress younger = ingress("passthrough", 2, Map.of(NGINX, "true"), rule("argocd.example.com", prefix("/x", backend("api"))));
        RouteTable table = compile(true, younger, older);

        assertEquals(Map.of(), table.sslPassthroughHosts());
        assertEquals(List.of("default/passthrough metadata.annotations: nginx.ingress.kubernetes.io/ssl-passthrough:"
                + " host argocd.example.com is not passed through: the older Ingress default/plain serves it without"
                + " ssl-passthrough, and the oldest Ingress of a host decides, as in ingress-nginx"), warnings(table));

        // the other way round: the root path of the younger Ingress is the host's
        Ingress passing = ingress("passthrough", 1, Map.of(NGINX, "true"), rule("argocd.example.com", prefix("/x", backend("api"))));
        Ingress root = ingress("plain", 2, Map.of(), rule("argocd.example.com", prefix("/", backend("web"))));
        RouteTable other = compile(true, passing, root);
        assertEquals("default/web:80", other.sslPassthroughHosts().get("argocd.example.com").backend().key());
    }

    @Test
    void aValueThatIsNoBooleanIsReportedAndOff() {
        RouteTable table = compile(true, ingress("argocd", 1, Map.of(NGINX, "yes"),
                rule("argocd.example.com", prefix("/", backend("web")))));

        assertEquals(Map.of(), table.sslPassthroughHosts());
        assertEquals(List.of("default/argocd metadata.annotations: nginx.ingress.kubernetes.io/ssl-passthrough: \"yes\""
                + " is not \"true\" or \"false\": TLS ends at the proxy as without it"), warnings(table));
    }

    @Test
    void falseIsSilent() {
        RouteTable table = compile(false, ingress("argocd", 1, Map.of(NGINX, "false"),
                rule("argocd.example.com", prefix("/", backend("web")))));

        assertEquals(List.of(), warnings(table));
    }
}
