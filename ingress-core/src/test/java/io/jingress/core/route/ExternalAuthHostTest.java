package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** An {@code auth-url} that names {@code $host}, on a rule without host: said once, when the table is compiled. */
class ExternalAuthHostTest {
    private static final String AUTH_URL = "nginx.ingress.kubernetes.io/auth-url";

    private static Ingress ingress(String name, String authUrl, String... hosts) {
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(AUTH_URL, authUrl);
        for (String host : hosts) {
            builder.rule(rule(host, HttpIngressPath.prefix("/", backend("web"))));
        }
        return builder.build();
    }

    @Test
    void aRuleWithoutHostUnderAnAuthUrlNamingHostIsAWarningOnItsHostField() {
        RouteTable table = compile(ingress("mixed", "https://$host/oauth2/auth", "a.example.com", null));

        List<Problem> problems = table.problems();
        assertEquals(1, problems.size(), problems.toString());
        Problem problem = problems.get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("default/mixed", problem.object());
        assertEquals("spec.rules[1].host", problem.field());
        assertEquals("the Ingress's auth-url names $host and this rule has no host: the client would choose where the"
                + " proxy calls, so the rule's requests are answered 500; give the rule a host, or the auth-url a fixed one",
                problem.message());
    }

    @Test
    void aFixedAuthUrlOrARuleWithAHostIsNoProblem() {
        RouteTable table = compile(ingress("fixed", "https://auth.example.com/oauth2/auth", (String) null),
                ingress("hosted", "https://$host/oauth2/auth", "b.example.com"));

        assertEquals(List.of(), table.problems());
    }
}
