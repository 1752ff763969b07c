package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class AnswerRateAnnotationsTest {
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
    void aBareNumberIsKilobytesAsIngressNginxWritesItAndSuffixesAreNginxSizes() {
        RouteTable table = compile(
                ingress("kb", "a.example.com", NGINX + "limit-rate", "100", NGINX + "limit-rate-after", "1024"),
                ingress("sized", "b.example.com", "jingress.io/limit-rate", "512k", "jingress.io/limit-rate-after", "1m"),
                ingress("off", "c.example.com", NGINX + "limit-rate", "0", NGINX + "limit-rate-after", "100"),
                ingress("after-alone", "d.example.com", NGINX + "limit-rate-after", "100"));

        assertEquals(new AnswerRate(100 * 1024, 1024 * 1024), policy(table, "a.example.com").answerRate());
        assertEquals(List.of("answers at most 100 KiB/s after 1 MiB (limit-rate, limit-rate-after)"),
                policy(table, "a.example.com").describe());
        assertEquals(new AnswerRate(512 * 1024, 1024 * 1024), policy(table, "b.example.com").answerRate());
        assertTrue(policy(table, "c.example.com").isNone());
        assertTrue(policy(table, "d.example.com").isNone());
        assertEquals(List.of(), table.problems());
    }

    @Test
    void aBadRateIsAWarningAndNoLimit() {
        RouteTable table = compile(ingress("bad", "a.example.com", NGINX + "limit-rate", "fast"),
                ingress("bad-after", "b.example.com", NGINX + "limit-rate", "8", NGINX + "limit-rate-after", "-1"));

        assertNull(policy(table, "a.example.com").answerRate());
        assertEquals(new AnswerRate(8 * 1024, 0), policy(table, "b.example.com").answerRate());
        assertEquals(List.of("answers at most 8 KiB/s (limit-rate)"), policy(table, "b.example.com").describe());
        List<Problem> problems = table.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertEquals(Problem.Severity.WARNING, problems.get(0).severity());
        assertEquals(NGINX + "limit-rate: \"fast\" is not a rate (kilobytes per second, such as 100, or a number with k"
                + " or m; 0 for no limit): the answers are not limited", problems.get(0).message());
        assertEquals(NGINX + "limit-rate-after: \"-1\" is not a size (kilobytes, such as 1024, or a number with k, m or g):"
                + " each answer is limited from its first byte", problems.get(1).message());
    }
}
