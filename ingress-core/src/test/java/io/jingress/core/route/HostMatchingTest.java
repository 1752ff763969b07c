package io.jingress.core.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.matched;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HostMatchingTest {

    private final RouteTable table = compile(
            ingress("exact", 0, rule("foo.bar.com", prefix("/", backend("web")))),
            ingress("wild", 0, rule("*.bar.com", prefix("/", backend("web")))),
            ingress("other", 0, rule("api.example.com", prefix("/v1", backend("web")))));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "foo.bar.com          | default/exact foo.bar.com / Prefix",
        "FOO.Bar.COM          | default/exact foo.bar.com / Prefix",
        "foo.bar.com:8080     | default/exact foo.bar.com / Prefix",
        "foo.bar.com.         | default/exact foo.bar.com / Prefix",
        "Foo.Bar.Com.:443     | default/exact foo.bar.com / Prefix",
        "baz.bar.com          | default/wild *.bar.com / Prefix",
        "BAZ.BAR.COM:80       | default/wild *.bar.com / Prefix",
        "baz.bar.com.         | default/wild *.bar.com / Prefix",
        "x.baz.bar.com        | NO_HOST",
        "bar.com              | NO_HOST",
        ".bar.com             | NO_HOST",
        "foo.bar.co           | NO_HOST",
        "foo.bar.comx         | NO_HOST",
        "[::1]:8080           | NO_HOST",
        "10.0.0.1             | NO_HOST",
    })
    void matchesHostsExactlyOrByOneWildcardLabel(String host, String expected) {
        assertEquals(expected, matched(table, host, "/"));
    }

    @Test
    void anExactHostWinsOverAWildcard() {
        assertEquals("default/exact foo.bar.com / Prefix", matched(table, "foo.bar.com", "/x"));
    }

    @Test
    void anUnknownHostWithoutHostlessRulesIsNoHost() {
        assertEquals("NO_HOST", matched(table, "nothing.example.org", "/"));
        assertEquals("NO_HOST", matched(table, null, "/"));
        assertEquals("NO_HOST", matched(table, "", "/"));
    }

    @Test
    void aKnownHostWithoutAMatchingPathIsNoPath() {
        assertEquals("NO_PATH", matched(table, "api.example.com", "/v2"));
    }

    @Test
    void aRuleWithoutHostMatchesAnyHostThatHasNoRuleOfItsOwn() {
        RouteTable withCatchAll = compile(
                ingress("any", 0, rule(null, prefix("/", backend("web")))),
                ingress("api", 0, rule("api.example.com", prefix("/v1", backend("web")))));
        assertEquals("default/any * / Prefix", matched(withCatchAll, "other.example.com", "/x"));
        assertEquals("default/any * / Prefix", matched(withCatchAll, null, "/x"));
        assertEquals("default/any * / Prefix", matched(withCatchAll, "10.0.0.1:30080", "/x"));
        assertEquals("default/api api.example.com /v1 Prefix", matched(withCatchAll, "api.example.com", "/v1/a"));
    }

    @Test
    void aHostWithRulesOfItsOwnDoesNotFallBackToRulesWithoutHost() {
        RouteTable withCatchAll = compile(
                ingress("any", 0, rule(null, prefix("/", backend("web")))),
                ingress("api", 0, rule("api.example.com", prefix("/v1", backend("web")))));
        assertEquals("NO_PATH", matched(withCatchAll, "api.example.com", "/v2"));
    }

    @Test
    void anExactHostWithoutAMatchingPathDoesNotFallBackToTheWildcard() {
        RouteTable both = compile(
                ingress("exact", 0, rule("foo.bar.com", prefix("/only", backend("web")))),
                ingress("wild", 0, rule("*.bar.com", prefix("/", backend("web")))));
        assertEquals("NO_PATH", matched(both, "foo.bar.com", "/other"));
    }

    @Test
    void rulesWithUpperCaseHostsAreRejectedSoTheyNeverMatch() {
        RouteTable upper = compile(ingress("upper", 0, rule("Foo.com", prefix("/", backend("web")))));
        assertEquals("NO_HOST", matched(upper, "foo.com", "/"));
        assertEquals(1, upper.problems().size());
    }
}
