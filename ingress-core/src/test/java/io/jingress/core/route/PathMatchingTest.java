package io.jingress.core.route;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.PathType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.matched;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PathMatchingTest {

    /**
     * The "Examples" table of https://kubernetes.io/docs/concepts/services-networking/ingress/#examples:
     * the rules (Type:path, space separated), the request path, and the rule that matches (or none).
     */
    @ParameterizedTest(name = "{0} with request {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "Prefix:/                            | /                | Prefix:/",
        "Prefix:/                            | /anything/at/all | Prefix:/",
        "Exact:/foo                          | /foo             | Exact:/foo",
        "Exact:/foo                          | /bar             | none",
        "Exact:/foo                          | /foo/            | none",
        "Exact:/foo/                         | /foo             | none",
        "Prefix:/foo                         | /foo             | Prefix:/foo",
        "Prefix:/foo                         | /foo/            | Prefix:/foo",
        "Prefix:/foo/                        | /foo             | Prefix:/foo/",
        "Prefix:/foo/                        | /foo/            | Prefix:/foo/",
        "Prefix:/aaa/bb                      | /aaa/bbb         | none",
        "Prefix:/aaa/bbb                     | /aaa/bbb         | Prefix:/aaa/bbb",
        "Prefix:/aaa/bbb/                    | /aaa/bbb         | Prefix:/aaa/bbb/",
        "Prefix:/aaa/bbb                     | /aaa/bbb/        | Prefix:/aaa/bbb",
        "Prefix:/aaa/bbb                     | /aaa/bbb/ccc     | Prefix:/aaa/bbb",
        "Prefix:/aaa/bbb                     | /aaa/bbbxyz      | none",
        "Prefix:/ Prefix:/aaa                | /aaa/ccc         | Prefix:/aaa",
        "Prefix:/ Prefix:/aaa Prefix:/aaa/bbb | /aaa/bbb        | Prefix:/aaa/bbb",
        "Prefix:/ Prefix:/aaa Prefix:/aaa/bbb | /ccc            | Prefix:/",
        "Prefix:/aaa                         | /ccc             | none",
        "Prefix:/foo Exact:/foo              | /foo             | Exact:/foo",
    })
    void followsTheKubernetesPathExamples(String rules, String request, String expected) {
        List<HttpIngressPath> paths = new ArrayList<>();
        for (String spec : rules.trim().split(" +")) {
            String[] parts = spec.split(":", 2);
            paths.add(new HttpIngressPath(parts[1], PathType.fromApiName(parts[0]), backend("web")));
        }
        RouteTable table = compile(ingress("a", 0, new IngressRule("example.com", paths)));
        String expect = expected.equals("none") ? "NO_PATH"
                : "default/a example.com " + expected.split(":", 2)[1] + " " + expected.split(":", 2)[0];
        assertEquals(expect, matched(table, "example.com", request));
    }

    @Test
    void exactPathsAreCaseSensitive() {
        RouteTable table = compile(ingress("a", 0, rule("h.com", HttpIngressPath.exact("/Foo", backend("web")))));
        assertEquals("default/a h.com /Foo Exact", matched(table, "h.com", "/Foo"));
        assertEquals("NO_PATH", matched(table, "h.com", "/foo"));
    }

    @Test
    void prefixPathsAreCaseSensitive() {
        RouteTable table = compile(ingress("a", 0, rule("h.com", HttpIngressPath.prefix("/foo", backend("web")))));
        assertEquals("NO_PATH", matched(table, "h.com", "/FOO/bar"));
    }

    @Test
    void longestPrefixWinsWhateverTheOrderOfRules() {
        RouteTable table = compile(ingress("a", 0, rule("h.com",
                HttpIngressPath.prefix("/a/b/c", backend("web")),
                HttpIngressPath.prefix("/a", backend("web")),
                HttpIngressPath.prefix("/a/b", backend("web")))));
        assertEquals("default/a h.com /a/b/c Prefix", matched(table, "h.com", "/a/b/c/d"));
        assertEquals("default/a h.com /a/b Prefix", matched(table, "h.com", "/a/b/x"));
        assertEquals("default/a h.com /a Prefix", matched(table, "h.com", "/a/bx"));
    }

    @Test
    void aLongerPrefixBeatsAShorterExactPathThatDoesNotMatch() {
        RouteTable table = compile(ingress("a", 0, rule("h.com",
                HttpIngressPath.exact("/a", backend("web")),
                HttpIngressPath.prefix("/a/b", backend("web")))));
        assertEquals("default/a h.com /a/b Prefix", matched(table, "h.com", "/a/b"));
        assertEquals("default/a h.com /a Exact", matched(table, "h.com", "/a"));
    }

    @Test
    void implementationSpecificMatchesLikePrefix() {
        RouteTable table = compile(ingress("a", 0, rule("h.com",
                new HttpIngressPath("/api", PathType.IMPLEMENTATION_SPECIFIC, backend("web")))));
        assertEquals("default/a h.com /api ImplementationSpecific", matched(table, "h.com", "/api/v1"));
        assertEquals("default/a h.com /api ImplementationSpecific", matched(table, "h.com", "/api"));
        assertEquals("NO_PATH", matched(table, "h.com", "/apiv1"));
    }

    @Test
    void anEmptyImplementationSpecificPathMeansTheRoot() {
        RouteTable table = compile(ingress("a", 0, rule("h.com",
                new HttpIngressPath("", PathType.IMPLEMENTATION_SPECIFIC, backend("web")))));
        assertEquals("default/a h.com / ImplementationSpecific", matched(table, "h.com", "/x/y"));
    }

    @Test
    void implementationSpecificPathsAreLiteralNotRegularExpressions() {
        RouteTable table = compile(ingress("a", 0, rule("h.com",
                new HttpIngressPath("/api/.*", PathType.IMPLEMENTATION_SPECIFIC, backend("web")))));
        assertEquals("NO_PATH", matched(table, "h.com", "/api/v1"));
        assertEquals("default/a h.com /api/.* ImplementationSpecific", matched(table, "h.com", "/api/.*/x"));
    }

    @Test
    void percentEncodedRulePathsMatchTheirNormalisedRequests() {
        RouteTable table = compile(ingress("a", 0, rule("h.com",
                HttpIngressPath.prefix("/%7euser", backend("web")),
                HttpIngressPath.exact("/caf%c3%a9", backend("web")))));
        assertEquals("default/a h.com /~user Prefix", matched(table, "h.com", RequestPaths.normalize("/%7Euser/x")));
        assertEquals("default/a h.com /caf%C3%A9 Exact", matched(table, "h.com", RequestPaths.normalize("/caf%C3%a9")));
    }

    @Test
    void everyPathOfARuleIsServed() {
        Ingress ingress = ingress("a", 0, rule("h.com",
                HttpIngressPath.prefix("/one", backend("web")), HttpIngressPath.exact("/two", backend("web"))));
        RouteTable table = compile(ingress);
        assertEquals(2, table.routes().size());
        assertEquals(0, table.routes().get(0).ruleIndex());
        assertEquals(1, table.routes().get(1).pathIndex());
    }
}
