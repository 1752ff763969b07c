package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CookieRewriteAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @Test
    void fromAndToSplitOnWhitespaceSetTheRewriteAndSaySo() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(NGINX + "proxy-cookie-domain", " .backend.internal \t example.com ",
                "jingress.io/proxy-cookie-path", "/app /"));

        assertEquals(List.of(), parsed.problems());
        CookieRewrite rewrite = parsed.policy().cookieRewrite();
        assertEquals("backend.internal", rewrite.domainFrom());
        assertEquals("example.com", rewrite.domainTo());
        assertEquals("/app", rewrite.pathFrom());
        assertEquals("/", rewrite.pathTo());
        assertTrue(parsed.policy().describe().contains(
                "Set-Cookie Domain backend.internal -> example.com (proxy-cookie-domain), Path /app -> / (proxy-cookie-path)"),
                parsed.policy().describe().toString());
    }

    @Test
    void eitherAloneIsARewriteOfThatAttributeOnly() {
        CookieRewrite path = RouteAnnotations.parse(Map.of(NGINX + "proxy-cookie-path", "/app/ /")).policy().cookieRewrite();
        assertNull(path.domainFrom());
        assertEquals("a=1; Domain=backend.internal; Path=/x", path.rewrite("a=1; Domain=backend.internal; Path=/app/x"));
        assertEquals("Set-Cookie Path /app/ -> / (proxy-cookie-path)", path.describe());
    }

    @Test
    void offOrEmptyChangesNothing() {
        assertSame(RoutePolicy.NONE, RouteAnnotations.parse(Map.of(NGINX + "proxy-cookie-domain", "off",
                NGINX + "proxy-cookie-path", "off")).policy());
        assertSame(RoutePolicy.NONE, RouteAnnotations.parse(Map.of(NGINX + "proxy-cookie-path", "")).policy());
    }

    @Test
    void aValueWithoutToARegexOrAVariableIsAProblemCostingOnlyThatAttribute() {
        assertProblem(Map.of(NGINX + "proxy-cookie-domain", "backend.internal"),
                NGINX + "proxy-cookie-domain: \"backend.internal\" is not FROM TO (two words separated by a space), nor off:"
                        + " the domain of Set-Cookie headers is passed on unchanged");
        assertProblem(Map.of(NGINX + "proxy-cookie-path", "/a /b /c"),
                NGINX + "proxy-cookie-path: \"/a /b /c\" is not FROM TO (two words separated by a space), nor off:"
                        + " the path of Set-Cookie headers is passed on unchanged");
        assertProblem(Map.of(NGINX + "proxy-cookie-path", "~^/app(.*) /$1"),
                NGINX + "proxy-cookie-path: \"~^/app(.*) /$1\" is a regular expression, which is not supported (only FROM TO,"
                        + " compared as nginx compares them): the path of Set-Cookie headers is passed on unchanged");
        assertProblem(Map.of(NGINX + "proxy-cookie-domain", "~*\\.internal$ example.com"),
                NGINX + "proxy-cookie-domain: \"~*\\.internal$ example.com\" is a regular expression, which is not supported"
                        + " (only FROM TO, compared as nginx compares them): the domain of Set-Cookie headers is passed on unchanged");
        assertProblem(Map.of(NGINX + "proxy-cookie-domain", "backend.internal $host"),
                NGINX + "proxy-cookie-domain: \"backend.internal $host\" has \"$host\", which is not a domain (nginx variables"
                        + " are not filled in): the domain of Set-Cookie headers is passed on unchanged");

        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(NGINX + "proxy-cookie-domain", "~x y",
                NGINX + "proxy-cookie-path", "/app /"));
        assertEquals(1, parsed.problems().size(), parsed.problems().toString());
        assertNull(parsed.policy().cookieRewrite().domainFrom());
        assertEquals("/app", parsed.policy().cookieRewrite().pathFrom());
    }

    @Test
    void aBadValueIsAWarningOnItsIngressAndAnotherIngressKeepsItsOwn() {
        Ingress bad = Ingress.builder("default", "bad").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX + "proxy-cookie-path", "~^/app /")
                .annotation(NGINX + "enable-access-log", "false")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();
        Ingress other = Ingress.builder("default", "other").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX + "proxy-cookie-path", "/app /")
                .rule(rule("b.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();

        RouteTable table = compile(bad, other);

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        assertNull(route.policy().cookieRewrite());
        assertEquals(false, route.policy().accessLog());
        Route otherRoute = assertInstanceOf(Route.class, table.match("b.example.com", "/"));
        assertEquals("/app", otherRoute.policy().cookieRewrite().pathFrom());
        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("metadata.annotations", problem.field());
        assertEquals("default/bad", problem.object());
        assertTrue(problem.message().startsWith(NGINX + "proxy-cookie-path: \"~^/app /\" is a regular expression"),
                problem.message());
    }

    @Test
    void theDomainIsComparedWithoutCaseAndItsLeadingDotKeptThePathByItsStart() {
        CookieRewrite rewrite = new CookieRewrite("backend.internal", ".example.com", "/app", "/");

        assertEquals("a=1; Domain=example.com; Path=/", rewrite.rewrite("a=1; Domain=Backend.INTERNAL; Path=/app"));
        assertEquals("a=1; domain=.example.com; path=//x; Secure", rewrite.rewrite("a=1; domain=.backend.internal; path=/app/x; Secure"));
        assertNull(rewrite.rewrite("a=1; Domain=sub.backend.internal; Path=/App"));
        assertNull(rewrite.rewrite("a=1; Domain=backend.internal.evil; Path=/other/app"));
        assertNull(rewrite.rewrite("a=1; HttpOnly"));
        assertNull(rewrite.rewrite("domain=backend.internal"));
        assertEquals("path=/app; Path=/", rewrite.rewrite("path=/app; Path=/app"));
    }

    private static void assertProblem(Map<String, String> annotations, String problem) {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(annotations);
        assertEquals(List.of(problem), parsed.problems());
        assertNull(parsed.policy().cookieRewrite());
    }
}
