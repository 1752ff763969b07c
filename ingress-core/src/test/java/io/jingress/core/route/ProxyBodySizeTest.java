package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ProxyBodySizeTest {

    @Test
    void sizesAreReadAsNginxWritesThem() {
        assertEquals(0, BodySizeAnnotation.parseSize("0"));
        assertEquals(1500, BodySizeAnnotation.parseSize("1500"));
        assertEquals(8 * 1024, BodySizeAnnotation.parseSize("8k"));
        assertEquals(8 * 1024, BodySizeAnnotation.parseSize("8K"));
        assertEquals(8L << 20, BodySizeAnnotation.parseSize("8m"));
        assertEquals(100L << 20, BodySizeAnnotation.parseSize("100M"));
        assertEquals(2L << 30, BodySizeAnnotation.parseSize("2g"));
        assertEquals(2L << 30, BodySizeAnnotation.parseSize("2G"));
        assertEquals(0, BodySizeAnnotation.parseSize("0m"));
    }

    @Test
    void whatNginxWouldNotTakeAsASizeIsNoSize() {
        for (String bad : List.of("", "m", "-1", "1.5m", "8mb", "8 m", "8t", "one", "+8", "0x10", "8m8",
                "9223372036854775807k", "9999999999999999999", "17179869184g")) {
            assertEquals(-1, BodySizeAnnotation.parseSize(bad), bad);
        }
        // the largest a long holds in each unit still fits
        assertEquals(8589934591L << 30, BodySizeAnnotation.parseSize("8589934591g"));
    }

    @Test
    void theLimitIsDescribedInTheLargestUnitThatDividesIt() {
        assertEquals("8 MiB", BodySizeAnnotation.describe(8L << 20));
        assertEquals("1536 KiB", BodySizeAnnotation.describe(1536 * 1024));
        assertEquals("1 GiB", BodySizeAnnotation.describe(1L << 30));
        assertEquals("1500 bytes", BodySizeAnnotation.describe(1500));
        assertEquals("1 byte", BodySizeAnnotation.describe(1));
    }

    @Test
    void anIngressAnnotationSetsItsRoutesLimitAndSaysSo() {
        RoutePolicy policy = policyOf(Map.of("nginx.ingress.kubernetes.io/proxy-body-size", "8m"));
        assertEquals(8L << 20, policy.maxRequestBodyBytes());
        assertEquals(List.of("request bodies up to 8 MiB (proxy-body-size)"), policy.describe());
    }

    @Test
    void zeroLiftsTheLimitAndOursWinsOverIngressNginxs() {
        RoutePolicy policy = policyOf(Map.of("nginx.ingress.kubernetes.io/proxy-body-size", "1k",
                "jingress.io/proxy-body-size", "0"));
        assertEquals(0, policy.maxRequestBodyBytes());
        assertEquals(List.of("request bodies of any size (proxy-body-size)"), policy.describe());
    }

    @Test
    void anIngressWithoutTheAnnotationKeepsTheServersLimit() {
        assertSame(RoutePolicy.NONE, policyOf(Map.of("example.com/owner", "team-a")));
        assertEquals(-1, RoutePolicy.NONE.maxRequestBodyBytes());
    }

    @Test
    void aBadValueIsReportedNamingTheAnnotationAndTheIngressKeepsTheServersLimit() {
        Ingress bad = Ingress.builder("default", "uploads").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation("nginx.ingress.kubernetes.io/proxy-body-size", "8mb")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();
        Ingress other = Ingress.builder("default", "other").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation("nginx.ingress.kubernetes.io/proxy-body-size", "1m")
                .rule(rule("b.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();

        RouteTable table = compile(bad, other);

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        assertEquals(-1, route.policy().maxRequestBodyBytes());
        Route otherRoute = assertInstanceOf(Route.class, table.match("b.example.com", "/"));
        assertEquals(1L << 20, otherRoute.policy().maxRequestBodyBytes());
        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("metadata.annotations", problem.field());
        assertEquals("default/uploads", problem.object());
        assertTrue(problem.message().startsWith("nginx.ingress.kubernetes.io/proxy-body-size: \"8mb\" is not a size"),
                problem.message());
        assertTrue(problem.message().contains("keep the server's request body limit"), problem.message());
    }

    private static RoutePolicy policyOf(Map<String, String> annotations) {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(annotations);
        assertTrue(parsed.problems().isEmpty(), parsed.problems().toString());
        return parsed.policy();
    }
}
