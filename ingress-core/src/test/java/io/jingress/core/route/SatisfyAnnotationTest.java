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

class SatisfyAnnotationTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static Ingress ingress(String name, String host, String... annotations) {
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(1));
        for (int i = 0; i < annotations.length; i += 2) {
            builder.annotation(annotations[i], annotations[i + 1]);
        }
        return builder.rule(rule(host, HttpIngressPath.prefix("/", backend("web")))).build();
    }

    private static RoutePolicy policy(RouteTable table, String host) {
        return assertInstanceOf(Route.class, table.match(host, "/")).policy();
    }

    @Test
    void anyIsReadAndDescribedAllIsTheDefault() {
        RouteTable table = compile(ingress("any", "a.example.com", NGINX + "satisfy", "any"),
                ingress("all", "b.example.com", "jingress.io/satisfy", "all"),
                ingress("plain", "c.example.com"));

        assertTrue(policy(table, "a.example.com").satisfyAny());
        assertEquals(List.of("clients the allowlist admits need no authentication, others must authenticate (satisfy: any)"),
                policy(table, "a.example.com").describe());
        assertFalse(policy(table, "b.example.com").satisfyAny());
        assertTrue(policy(table, "b.example.com").isNone());
        assertFalse(policy(table, "c.example.com").satisfyAny());
        assertEquals(List.of(), table.problems());
    }

    @Test
    void aBadValueIsAWarningAndAllApplies() {
        RouteTable table = compile(ingress("bad", "a.example.com", NGINX + "satisfy", "ANY",
                NGINX + "whitelist-source-range", "10.0.0.0/8"));

        assertFalse(policy(table, "a.example.com").satisfyAny());
        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("default/bad", problem.object());
        assertEquals(NGINX + "satisfy: \"ANY\" is not \"any\" or \"all\": \"all\" applies, a request must pass both the"
                + " source ranges and the authentication", problem.message());
    }

    @Test
    void onlyAnAllowlistRangeGrantsAccessNotTheAbsenceOfADenial() {
        RouteTable table = compile(
                ingress("allow", "a.example.com", NGINX + "allowlist-source-range", "10.0.0.0/8",
                        NGINX + "denylist-source-range", "10.9.0.0/16"),
                ingress("deny", "b.example.com", NGINX + "denylist-source-range", "10.9.0.0/16"));

        ClientAccess allow = policy(table, "a.example.com").clientAccess();
        assertTrue(allow.grants("10.1.2.3"));
        assertFalse(allow.grants("10.9.2.3"), "denied within the allowlist");
        assertFalse(allow.grants("192.168.1.1"));
        ClientAccess deny = policy(table, "b.example.com").clientAccess();
        assertTrue(deny.admits("10.1.2.3"));
        assertFalse(deny.grants("10.1.2.3"), "no allowlist: nobody is let in by address");
        assertFalse(ClientAccess.ANY.grants("10.1.2.3"));
    }
}
