package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class ForceSslRedirectAnnotationTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static Ingress ingress(String name, String host, String... annotations) {
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(1));
        for (int i = 0; i < annotations.length; i += 2) {
            builder.annotation(annotations[i], annotations[i + 1]);
        }
        return builder.rule(rule(host, HttpIngressPath.prefix("/", backend("web")))).build();
    }

    private static Route route(RouteTable table, String host) {
        return assertInstanceOf(Route.class, table.match(host, "/"));
    }

    @Test
    void forcedRoutesRedirectWithoutAnyTlsSection() {
        RouteTable table = compile(ingress("forced", "a.example.com", NGINX + "force-ssl-redirect", "true"),
                ingress("plain", "b.example.com"),
                ingress("off", "c.example.com", NGINX + "force-ssl-redirect", "false"));

        assertTrue(route(table, "a.example.com").sslRedirect());
        assertFalse(route(table, "b.example.com").sslRedirect());
        assertFalse(route(table, "c.example.com").sslRedirect());
        assertEquals(List.of(), table.problems());
        assertEquals(List.of("plain HTTP redirected to HTTPS, TLS host or not (force-ssl-redirect)"),
                route(table, "a.example.com").policy().describe());
    }

    @Test
    void forceWinsOverSslRedirectFalseAsInIngressNginx() {
        RouteTable table = compile(ingress("forced", "a.example.com", NGINX + "force-ssl-redirect", "true",
                NGINX + "ssl-redirect", "false"));
        assertTrue(route(table, "a.example.com").sslRedirect());
    }

    @Test
    void aRuleWithoutHostIsRedirectedToo() {
        Ingress hostless = Ingress.builder("default", "any").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation("jingress.io/force-ssl-redirect", "true")
                .rule(rule(null, HttpIngressPath.prefix("/", backend("web")))).build();
        assertTrue(route(compile(hostless), "whatever.example.com").sslRedirect());
    }

    @Test
    void aBadValueIsAWarningAndForcesNothing() {
        RouteTable table = compile(ingress("forced", "a.example.com", NGINX + "force-ssl-redirect", "yes"));

        assertFalse(route(table, "a.example.com").sslRedirect());
        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("default/forced", problem.object());
        assertEquals(NGINX + "force-ssl-redirect: \"yes\" is not \"true\" or \"false\": plain HTTP is redirected to"
                + " HTTPS only for hosts in spec.tls (ssl-redirect)", problem.message());
    }
}
