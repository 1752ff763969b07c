package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

class HeaderAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @Test
    void upstreamVhostTakesAHostNameOrAddressWithAnOptionalPort() {
        for (String good : List.of("internal.example", "internal.example:8080", "web.default.svc.cluster.local", "localhost",
                "10.0.0.1", "10.0.0.1:80", "[::1]", "[fd00::1]:8443", "my_host.example")) {
            assertTrue(HeaderAnnotations.isHost(good), good);
        }
        for (String bad : List.of("$host", "$service_name.$namespace.svc", "a b", "internal.example:0", "internal.example:65536",
                "internal.example:", "http://internal.example", "internal.example/path", "-bad.example", "a..b", "[::1",
                "internal.example\r\nX-Evil: 1")) {
            assertFalse(HeaderAnnotations.isHost(bad), bad);
        }
    }

    @Test
    void eachAnnotationSetsItsSettingAndSaysSo() {
        RoutePolicy policy = policyOf(Map.of(NGINX + "upstream-vhost", "internal.example",
                NGINX + "rewrite-target", "/$2",
                NGINX + "x-forwarded-prefix", "/api",
                NGINX + "enable-access-log", "false",
                NGINX + "proxy-redirect-from", "http://internal/",
                NGINX + "proxy-redirect-to", "https://public/"));

        assertEquals("internal.example", policy.upstreamHost());
        assertEquals("/api", policy.forwardedPrefix());
        assertFalse(policy.accessLog());
        assertEquals("http://internal/", policy.proxyRedirect().from());
        assertEquals("https://public/", policy.proxyRedirect().to());
        assertTrue(policy.describe().containsAll(List.of("Host sent upstream: internal.example (upstream-vhost)",
                "X-Forwarded-Prefix: /api (x-forwarded-prefix)", "not in the access log (enable-access-log)",
                "Location http://internal/ -> https://public/ (proxy-redirect-from/-to)")), policy.describe().toString());
    }

    @Test
    void oursWinsOverIngressNginxsAndTrueOrOffChangeNothing() {
        assertEquals("ours.example", policyOf(Map.of(NGINX + "upstream-vhost", "theirs.example",
                "jingress.io/upstream-vhost", "ours.example")).upstreamHost());
        assertSame(RoutePolicy.NONE, policyOf(Map.of(NGINX + "enable-access-log", "true")));
        assertSame(RoutePolicy.NONE, policyOf(Map.of(NGINX + "proxy-redirect-from", "off")));
        assertSame(RoutePolicy.NONE, policyOf(Map.of(NGINX + "proxy-redirect-from", "default",
                NGINX + "proxy-redirect-to", "https://public/")));
        assertSame(RoutePolicy.NONE, policyOf(Map.of(NGINX + "upstream-vhost", "")));
        assertTrue(RoutePolicy.NONE.accessLog());
        assertNull(RoutePolicy.NONE.upstreamHost());
    }

    @Test
    void aLocationOrRefreshThatStartsWithFromHasThatStartReplaced() {
        ProxyRedirect redirect = new ProxyRedirect("http://internal/", "https://public/");
        assertEquals("https://public/login?x=1", redirect.rewriteLocation("http://internal/login?x=1"));
        assertNull(redirect.rewriteLocation("http://other/login"));
        assertNull(redirect.rewriteLocation("HTTP://INTERNAL/login"));  // case-sensitive, as nginx
        assertNull(redirect.rewriteLocation("/login"));
        assertEquals("5; url=https://public/next", redirect.rewriteRefresh("5; url=http://internal/next"));
        assertEquals("0;URL=https://public/", redirect.rewriteRefresh("0;URL=http://internal/"));
        assertNull(redirect.rewriteRefresh("5"));
        assertNull(redirect.rewriteRefresh("5; url=http://other/"));
    }

    @Test
    void badValuesAreReportedAndLeaveTheirSettingAsWithoutTheAnnotation() {
        assertProblem(Map.of(NGINX + "upstream-vhost", "$host"),
                NGINX + "upstream-vhost: \"$host\" is not a host name, optionally with :port (nginx variables are not filled in):"
                        + " the client's Host is sent upstream");
        assertProblem(Map.of(NGINX + "x-forwarded-prefix", "/a b", NGINX + "rewrite-target", "/"),
                NGINX + "x-forwarded-prefix: \"/a b\" is not a path prefix (letters, digits and - . _ ~ / : only):"
                        + " no X-Forwarded-Prefix is sent");
        assertProblem(Map.of(NGINX + "x-forwarded-prefix", "/api"),
                NGINX + "x-forwarded-prefix: \"/api\" is sent only with a rewritten path, as in ingress-nginx, and the Ingress"
                        + " has no rewrite-target: no X-Forwarded-Prefix is sent");
        assertProblem(Map.of(NGINX + "enable-access-log", "no"),
                NGINX + "enable-access-log: \"no\" is neither true nor false: the Ingress's requests are logged");
        assertProblem(Map.of(NGINX + "proxy-redirect-from", "http://internal/", NGINX + "proxy-redirect-to", "https://$host/"),
                NGINX + "proxy-redirect-to: \"https://$host/\" is not a URL or path (letters, digits and - . _ ~ / : ? & = only):"
                        + " Location headers are passed on unchanged");
        assertProblem(Map.of(NGINX + "proxy-redirect-from", "http://internal/"),
                NGINX + "proxy-redirect-from: \"http://internal/\" without " + NGINX
                        + "proxy-redirect-to: Location headers are passed on unchanged");
        assertProblem(Map.of(NGINX + "proxy-redirect-to", "https://public/"),
                NGINX + "proxy-redirect-to: \"https://public/\" without " + NGINX
                        + "proxy-redirect-from: Location headers are passed on unchanged");
    }

    @Test
    void aBadValueIsAWarningOnItsIngressAndAnotherIngressKeepsItsOwn() {
        Ingress bad = Ingress.builder("default", "bad").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX + "upstream-vhost", "a b")
                .annotation(NGINX + "enable-access-log", "false")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();
        Ingress other = Ingress.builder("default", "other").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX + "upstream-vhost", "internal.example")
                .rule(rule("b.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();

        RouteTable table = compile(bad, other);

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        assertNull(route.policy().upstreamHost());
        assertFalse(route.policy().accessLog());
        Route otherRoute = assertInstanceOf(Route.class, table.match("b.example.com", "/"));
        assertEquals("internal.example", otherRoute.policy().upstreamHost());
        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("metadata.annotations", problem.field());
        assertEquals("default/bad", problem.object());
        assertTrue(problem.message().startsWith(NGINX + "upstream-vhost: \"a b\" is not a host name"), problem.message());
    }

    private static void assertProblem(Map<String, String> annotations, String problem) {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(annotations);
        assertEquals(List.of(problem), parsed.problems());
        RoutePolicy policy = parsed.policy();
        assertNull(policy.upstreamHost());
        assertNull(policy.forwardedPrefix());
        assertTrue(policy.accessLog());
        assertNull(policy.proxyRedirect());
    }

    private static RoutePolicy policyOf(Map<String, String> annotations) {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(annotations);
        assertTrue(parsed.problems().isEmpty(), parsed.problems().toString());
        return parsed.policy();
    }
}
