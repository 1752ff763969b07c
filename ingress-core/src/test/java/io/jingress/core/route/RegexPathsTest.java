package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.matched;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Problem;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;

/** use-regex and rewrite-target: which paths are regexes, and how a regex host matches. */
class RegexPathsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static HttpIngressPath regex(String path, String service) {
        return HttpIngressPath.of(path, "ImplementationSpecific", backend(service));
    }

    private static Ingress ingress(String name, long createdSecond, String annotation, String value, IngressRule... rules) {
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(createdSecond));
        if (annotation != null) {
            builder.annotation(annotation, value);
        }
        for (IngressRule rule : rules) {
            builder.rule(rule);
        }
        return builder.build();
    }

    private static List<Problem> warningsOf(RouteTable table, String ingress) {
        return table.problems().stream().filter(p -> p.object().equals("default/" + ingress)).toList();
    }

    @Test
    void aRegexPathMatchesByItsRegexFromTheStartOfThePath() {
        RouteTable table = compile(ingress("a", 0, NGINX + "use-regex", "true",
                rule("r.test", regex("/foo/[0-9]+", "web"))));

        assertEquals("default/a r.test /foo/[0-9]+ ImplementationSpecific", matched(table, "r.test", "/foo/42"));
        assertEquals("default/a r.test /foo/[0-9]+ ImplementationSpecific", matched(table, "r.test", "/foo/42/more"));
        assertEquals("NO_PATH", matched(table, "r.test", "/foo/bar"));
        assertEquals("NO_PATH", matched(table, "r.test", "/x/foo/42"));
        Route route = (Route) table.match("r.test", "/foo/1");
        assertEquals("^/foo/[0-9]+", route.pathPattern().pattern());
        assertEquals(List.of(), table.problems());
    }

    @Test
    void regexesAreCaseInsensitiveAsNginxTildeStar() {
        RouteTable table = compile(ingress("a", 0, NGINX + "use-regex", "true", rule("r.test", regex("/api/v[0-9]", "web"))));

        assertEquals("default/a r.test /api/v[0-9] ImplementationSpecific", matched(table, "r.test", "/API/V1/users"));
    }

    @Test
    void aRegexIngressMakesThePrefixPathsOfOtherIngressesOfItsHostRegexesAndLeavesOtherHostsAlone() {
        RouteTable table = compile(
                ingress("plain", 0, null, null, rule("r.test", HttpIngressPath.prefix("/app", backend("web"))),
                        rule("other.test", HttpIngressPath.prefix("/app", backend("web")))),
                ingress("regex", 1, NGINX + "use-regex", "true", rule("r.test", regex("/api/.*", "web"))));

        // as ingress-nginx's ~* "^/app": no longer split on segments, and case-insensitive
        assertEquals("default/plain r.test /app Prefix", matched(table, "r.test", "/application"));
        assertEquals("default/plain r.test /app Prefix", matched(table, "r.test", "/APP/x"));
        assertEquals("default/regex r.test /api/.* ImplementationSpecific", matched(table, "r.test", "/api/x"));
        assertEquals("NO_PATH", matched(table, "other.test", "/application"));
        assertEquals("default/plain other.test /app Prefix", matched(table, "other.test", "/app/x"));
        assertNull(((Route) table.match("other.test", "/app")).pathPattern());
    }

    @Test
    void anExactPathOfARegexHostStaysExactAndWinsOverEveryRegex() {
        RouteTable table = compile(ingress("a", 0, NGINX + "use-regex", "true", rule("r.test",
                regex("/.*", "web"),
                HttpIngressPath.exact("/health", backend("web")))));

        assertEquals("default/a r.test /health Exact", matched(table, "r.test", "/health"));
        assertEquals("default/a r.test /.* ImplementationSpecific", matched(table, "r.test", "/health/x"));
        assertEquals("default/a r.test /.* ImplementationSpecific", matched(table, "r.test", "/HEALTH"));
    }

    @Test
    void theLongestRegexIsTriedFirstAndTheFirstThatMatchesWinsAsInIngressNginx() {
        // the example of ingress-nginx's "Ingress Path Matching" page
        RouteTable table = compile(
                ingress("one", 0, null, null, rule("test.com",
                        HttpIngressPath.prefix("/foo/bar", backend("service1")),
                        HttpIngressPath.prefix("/foo/bar/", backend("service2")))),
                ingress("two", 1, NGINX + "rewrite-target", "/$1", rule("test.com", regex("/foo/bar/(.+)", "service3"))));

        assertEquals("default/two test.com /foo/bar/(.+) ImplementationSpecific", matched(table, "test.com", "/foo/bar/1"));
        assertEquals("default/one test.com /foo/bar/ Prefix", matched(table, "test.com", "/foo/bar/"));
        assertEquals("default/one test.com /foo/bar Prefix", matched(table, "test.com", "/foo/bar"));
    }

    @Test
    void aLongerRegexWinsEvenOverAPathThatIsLiterallyTheSameAsTheRequest() {
        // the warning of the same page: /foo/bar/bar is served by the longer /foo/bar/[A-Z0-9]{3}
        RouteTable table = compile(ingress("a", 0, NGINX + "use-regex", "true", rule("test.com",
                regex("/foo/bar/bar", "web"), regex("/foo/bar/[A-Z0-9]{3}", "web"))));

        assertEquals("default/a test.com /foo/bar/[A-Z0-9]{3} ImplementationSpecific", matched(table, "test.com", "/foo/bar/bar"));
    }

    @Test
    void anInvalidRegexIsAWarningNamingItsPathAndOnlyThatPathIsDropped() {
        RouteTable table = compile(
                ingress("a", 0, NGINX + "use-regex", "true", rule("r.test", regex("/ok/(.*)", "web"), regex("/bad/(unclosed", "web"))),
                ingress("b", 1, null, null, rule("s.test", HttpIngressPath.prefix("/", backend("web")))));

        List<Problem> warnings = warningsOf(table, "a");
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("spec.rules[0].http.paths[1].path", warnings.get(0).field());
        assertTrue(warnings.get(0).message().startsWith("\"/bad/(unclosed\" is not a valid regular expression (Java's syntax)"),
                warnings.get(0).message());
        assertTrue(warnings.get(0).message().endsWith("this path is not served"), warnings.get(0).message());
        assertEquals("default/a r.test /ok/(.*) ImplementationSpecific", matched(table, "r.test", "/ok/x"));
        assertEquals("NO_PATH", matched(table, "r.test", "/bad/(unclosed"));
        assertEquals("default/b s.test / Prefix", matched(table, "s.test", "/x"));
    }

    @Test
    void aRegexHostWithoutMatchGoesToItsDefaultBackendElseNoPath() {
        Ingress withDefault = Ingress.builder("default", "d").creationTimestamp(Instant.ofEpochSecond(0))
                .annotation(NGINX + "use-regex", "true")
                .defaultBackend(backend("web"))
                .rule(rule("r.test", regex("/a/.*", "web")))
                .build();
        RouteTable table = compile(withDefault, ingress("n", 1, NGINX + "use-regex", "true", rule("n.test", regex("/a/.*", "web"))));

        assertEquals("default-backend default/d", matched(table, "r.test", "/b"));
        assertEquals("NO_PATH", matched(table, "n.test", "/b"));
    }

    @Test
    void regexPathsWithBackslashesAndDollarsAreServedNotNormalised() {
        RouteTable table = compile(ingress("a", 0, NGINX + "use-regex", "true", rule("r.test",
                regex("/v\\d+/(items|users)$", "web"), regex("/something(/|$)(.*)", "web"))));

        assertEquals(List.of(), table.problems());
        assertEquals("default/a r.test /v\\d+/(items|users)$ ImplementationSpecific", matched(table, "r.test", "/v2/users"));
        assertEquals("NO_PATH", matched(table, "r.test", "/v2/users/7"));
        assertEquals("default/a r.test /something(/|$)(.*) ImplementationSpecific", matched(table, "r.test", "/something"));
    }

    @Test
    void theSameRegexTwiceOnAHostIsAConflictTheOldestWins() {
        RouteTable table = compile(
                ingress("old", 0, NGINX + "use-regex", "true", rule("r.test", regex("/a/.*", "web"))),
                ingress("new", 1, NGINX + "use-regex", "true", rule("r.test", regex("/a/.*", "web"))));

        assertEquals("default/old r.test /a/.* ImplementationSpecific", matched(table, "r.test", "/a/x"));
        List<Problem> warnings = warningsOf(table, "new");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).message().contains("is already served by the older Ingress default/old"), warnings.get(0).message());
    }

    @Test
    void theRulesWithoutHostCanBeARegexHostAndFallBackToTheCatchAll() {
        Ingress catchAll = Ingress.builder("default", "all").creationTimestamp(Instant.ofEpochSecond(0))
                .defaultBackend(backend("web")).build();
        RouteTable table = compile(catchAll, ingress("a", 1, NGINX + "use-regex", "true", rule(null, regex("/x[0-9]", "web"))));

        assertEquals("default/a * /x[0-9] ImplementationSpecific", matched(table, "any.test", "/X1"));
        assertEquals("default-backend default/all", matched(table, "any.test", "/y"));
    }

    @Test
    void aWildcardHostCanBeARegexHost() {
        RouteTable table = compile(ingress("a", 0, NGINX + "use-regex", "true", rule("*.r.test", regex("/[a-z]+/[0-9]+", "web"))));

        assertEquals("default/a *.r.test /[a-z]+/[0-9]+ ImplementationSpecific", matched(table, "x.r.test", "/Items/7"));
        assertEquals("NO_PATH", matched(table, "x.r.test", "/items"));
        assertEquals("NO_HOST", matched(table, "r.test", "/items/7"));
    }

    @Test
    void aRegexThatOverflowsTheStackOnALongPathFailsTheMatchRatherThanGoOnToTheHostsOtherPaths() {
        RouteTable table = compile(ingress("a", 0, NGINX + "use-regex", "true", rule("r.test",
                regex("/(a|b)*$", "web"), regex("/", "web"))));

        assertEquals("default/a r.test /(a|b)*$ ImplementationSpecific", matched(table, "r.test", "/abab"));
        assertEquals("REGEX_FAILED", matched(table, "r.test", "/" + "ab".repeat(100_000)));
        assertEquals("default/a r.test / ImplementationSpecific", matched(table, "r.test", "/c"));
    }

    @Test
    void aRegexThatBacktracksPastItsBudgetFailsTheMatchAndTheHostsOtherPathsStillServe() {
        // (a+){2,64}$ on 40 a's and a '!' backtracks for hours in java.util.regex (its exponential
        // cases that JDK 9's memo does not cover: a counted repetition of a group)
        String slow = "/(a+){2,64}$";
        String attack = "/" + "a".repeat(40) + "!";
        RouteTable withoutRoot = compile(ingress("a", 0, NGINX + "use-regex", "true",
                rule("r.test", regex(slow, "slow"), regex("/b.*", "web"))));
        RouteTable withRoot = compile(ingress("a", 0, NGINX + "use-regex", "true",
                rule("r.test", regex(slow, "slow"), regex("/", "web"))));

        // the 10 s are a guard against a hang, not a measure: the answer comes in milliseconds
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertEquals("REGEX_FAILED", matched(withoutRoot, "r.test", attack));
            // not the / route: the failed regex might have been meant to keep the request from it
            assertEquals("REGEX_FAILED", matched(withRoot, "r.test", attack));
        });
        assertEquals("default/a r.test /b.* ImplementationSpecific", matched(withoutRoot, "r.test", "/bcd"));
        assertEquals("default/a r.test " + slow + " ImplementationSpecific", matched(withoutRoot, "r.test", "/aaaa"));
        assertEquals("default/a r.test " + slow + " ImplementationSpecific", matched(withRoot, "r.test", "/aaaa"));
    }

    @Test
    void aHostWithoutRegexIsMatchedAsBeforeBesideARegexHost() {
        RouteTable table = compile(
                ingress("plain", 0, null, null, rule("p.test", HttpIngressPath.prefix("/foo", backend("web")),
                        HttpIngressPath.exact("/exact", backend("web")))),
                ingress("regex", 1, NGINX + "use-regex", "true", rule("r.test", regex("/foo.*", "web"))));

        assertEquals("default/plain p.test /foo Prefix", matched(table, "p.test", "/foo/bar"));
        assertEquals("NO_PATH", matched(table, "p.test", "/foobar"));
        assertEquals("default/plain p.test /exact Exact", matched(table, "p.test", "/exact"));
        assertEquals("NO_PATH", matched(table, "p.test", "/EXACT"));
    }

    @Test
    void useRegexValuesAreReadAsGoReadsABooleanAndAnythingElseIsReported() {
        RouteTable table = compile(ingress("a", 0, NGINX + "use-regex", "yes", rule("r.test", regex("/a.*", "web"))));

        List<Problem> warnings = warningsOf(table, "a");
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(NGINX + "use-regex: \"yes\" is neither true nor false: the paths are matched as if it were false",
                warnings.get(0).message());
        assertEquals("NO_PATH", matched(table, "r.test", "/abc"));
        assertEquals("default/a r.test /a.* ImplementationSpecific", matched(table, "r.test", "/a.*/x"));
        assertTrue(RouteAnnotations.parse(java.util.Map.of(NGINX + "use-regex", "True")).policy().regexPaths());
        assertTrue(RouteAnnotations.parse(java.util.Map.of(NGINX + "use-regex", "false")).policy().isNone());
    }

    @Test
    void theRewriteTargetReplacesThePathWithTheCapturesAndKeepsTheQuery() {
        RouteTable table = compile(ingress("a", 0, NGINX + "rewrite-target", "/$2",
                rule("r.test", regex("/something(/|$)(.*)", "web"))));

        Route route = (Route) table.match("r.test", "/something/new/x");
        PathRewrite rewrite = route.policy().rewrite();
        assertEquals(List.of("rewrite to /$2 (rewrite-target)"), route.policy().describe());
        assertEquals("/new/x?a=1", rewrite.apply(found(route, "/something/new/x"), "a=1"));
        assertEquals("/", rewrite.apply(found(route, "/something"), null));
        assertEquals("/", rewrite.apply(found(route, "/something/"), ""));
    }

    @Test
    void aQueryInTheTargetComesFirstAndATrailingQuestionMarkDropsTheRequestsQueryAsInNginx() {
        StringBuilder problem = new StringBuilder();
        PathRewrite withQuery = PathRewrite.parse("/show?user=$1", NGINX + "rewrite-target", problem);
        PathRewrite dropping = PathRewrite.parse("/show/$1?", NGINX + "rewrite-target", problem);
        Matcher users = java.util.regex.Pattern.compile("^/users/(.*)").matcher("/users/ann");
        assertTrue(users.find());

        assertEquals("/show?user=ann&a=1", withQuery.apply(users, "a=1"));
        assertEquals("/show?user=ann", withQuery.apply(users, null));
        assertEquals("/show/ann", dropping.apply(users, "a=1"));
        assertEquals("", problem.toString());
    }

    @Test
    void aCaptureThatTheRegexDoesNotHaveIsEmptyAndAResultThatIsNoPathIsRefused() {
        StringBuilder problem = new StringBuilder();
        Matcher cut = java.util.regex.Pattern.compile("^/a(.)(.*)").matcher("/a%C3%A9");
        assertTrue(cut.find());

        assertEquals("/x/", PathRewrite.parse("/x/$7", "rewrite-target", problem).apply(cut, null));
        // a capture cut the escape %C3 in two: not forwarded
        assertNull(PathRewrite.parse("/$1", "rewrite-target", problem).apply(cut, null));
        assertNull(PathRewrite.parse("$2", "rewrite-target", problem).apply(cut, null));
        assertEquals("", problem.toString());
    }

    @Test
    void aTargetWithAnNginxVariableOrCharsNoUriHoldsIsRefusedAndThePathsStayRegexes() {
        for (String bad : new String[] {"/$host/x", "/a b", "/a\r\nX: y", "https://other.test/", "/%zz", "/a#b"}) {
            RouteAnnotations.Parsed parsed = RouteAnnotations.parse(java.util.Map.of(NGINX + "rewrite-target", bad));

            assertNull(parsed.policy().rewrite(), bad);
            assertTrue(parsed.policy().regexPaths(), bad);
            assertEquals(1, parsed.problems().size(), bad);
            assertTrue(parsed.problems().get(0).startsWith(NGINX + "rewrite-target: \"" + bad.trim() + "\" is not used: "),
                    parsed.problems().get(0));
            assertTrue(parsed.problems().get(0).endsWith("the requests are forwarded with their path unchanged"),
                    parsed.problems().get(0));
        }
    }

    @Test
    void aRewriteTargetThatIsThePathItselfRewritesNothingAndMakesNoRegexHostAsInIngressNginx() {
        // the common "rewrite-target: /" on "path: /", which ingress-nginx's needsRewrite leaves alone
        RouteTable table = compile(
                ingress("same", 0, NGINX + "rewrite-target", "/", rule("same.test", HttpIngressPath.prefix("/", backend("web")))),
                ingress("other", 1, NGINX + "rewrite-target", "/", rule("other.test", HttpIngressPath.prefix("/", backend("web")),
                        HttpIngressPath.prefix("/app", backend("web")))));

        Route same = (Route) table.match("same.test", "/foo/bar");
        assertNull(same.pathPattern());
        assertTrue(!same.policy().rewrite().appliesTo(same));
        // a path that is not the target makes the host a regex host: "/app" is rewritten, "/" is not
        Route app = (Route) table.match("other.test", "/application");
        assertEquals("/app", app.path());
        assertTrue(app.policy().rewrite().appliesTo(app));
        Route root = (Route) table.match("other.test", "/x");
        assertEquals("^/", root.pathPattern().pattern());
        assertTrue(!root.policy().rewrite().appliesTo(root));
    }

    @Test
    void rewriteTargetAndUseRegexCountAsRead() {
        RouteTable table = compile(ingress("a", 0, NGINX + "rewrite-target", "/", rule("r.test", regex("/a", "web"))));

        assertEquals(List.of(), table.problems());
    }

    private static Matcher found(Route route, String path) {
        Matcher matcher = route.pathPattern().matcher(path);
        assertTrue(matcher.find(), path);
        return matcher;
    }
}
