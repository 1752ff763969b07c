package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** permanent-redirect, temporal-redirect (and their codes) and app-root, read as ingress-nginx reads them. */
class RedirectAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static RouteAnnotations.Parsed parse(String... namesAndValues) {
        Map<String, String> annotations = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            annotations.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return RouteAnnotations.parse(annotations);
    }

    private static RouteRedirect redirectOf(String... namesAndValues) {
        return parse(namesAndValues).policy().redirect();
    }

    @Test
    void permanentRedirectAnswers301ToTheUrl() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "permanent-redirect", "https://new.example.com/home");

        RouteRedirect redirect = parsed.policy().redirect();
        assertEquals(301, redirect.status());
        assertEquals("https://new.example.com/home", redirect.location());
        assertEquals("permanent-redirect", redirect.annotation());
        assertFalse(redirect.hasVariables());
        assertFalse(redirect.rootOnly());
        assertEquals(List.of(), parsed.problems());
        assertEquals(List.of("redirect 301 to https://new.example.com/home (permanent-redirect)"), parsed.policy().describe());
    }

    @Test
    void aLocationWithoutVariablesIsTheSameInstanceForEveryRequest() {
        RouteRedirect redirect = redirectOf(NGINX + "permanent-redirect", "https://new.example.com/home");

        assertSame(redirect.location(), redirect.locationFor("http", "a.test", "a.test:80", "/x", "/x?y=1"));
    }

    @Test
    void theCodeOverridesAnyRedirectCodeAndABadOneIsReportedAnd301Used() {
        for (String code : List.of("301", "302", "303", "307", "308")) {
            assertEquals(Integer.parseInt(code), redirectOf(NGINX + "permanent-redirect", "http://a.test",
                    NGINX + "permanent-redirect-code", code).status(), code);
        }
        for (String code : List.of("418", "200", "abc", "300", "304", "3O1")) {
            RouteAnnotations.Parsed parsed = parse(NGINX + "permanent-redirect", "http://a.test",
                    NGINX + "permanent-redirect-code", code);
            assertEquals(301, parsed.policy().redirect().status(), code);
            assertEquals(1, parsed.problems().size(), code);
            assertTrue(parsed.problems().get(0).startsWith(NGINX + "permanent-redirect-code: \"" + code + "\" is not a redirect code"),
                    parsed.problems().get(0));
            assertTrue(parsed.problems().get(0).endsWith("301 is used"), parsed.problems().get(0));
        }
    }

    @Test
    void temporalRedirectAnswers302AndItsCodeOverridesIt() {
        RouteRedirect temporal = redirectOf(NGINX + "temporal-redirect", "https://maintenance.example.com/");
        assertEquals(302, temporal.status());
        assertEquals("temporal-redirect", temporal.annotation());
        assertEquals(307, redirectOf(NGINX + "temporal-redirect", "https://maintenance.example.com/",
                NGINX + "temporal-redirect-code", "307").status());
        RouteAnnotations.Parsed bad = parse(NGINX + "temporal-redirect", "https://maintenance.example.com/",
                NGINX + "temporal-redirect-code", "999");
        assertEquals(302, bad.policy().redirect().status());
        assertEquals(List.of(NGINX + "temporal-redirect-code: \"999\" is not a redirect code (301, 302, 303, 307 or 308): 302 is used"),
                bad.problems());
    }

    @Test
    void temporalWinsOverPermanentAsInIngressNginxAndThatIsReported() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "permanent-redirect", "https://permanent.example.com",
                NGINX + "temporal-redirect", "https://temporal.example.com");

        assertEquals("https://temporal.example.com", parsed.policy().redirect().location());
        assertEquals(302, parsed.policy().redirect().status());
        assertEquals(List.of(NGINX + "permanent-redirect: \"https://permanent.example.com\" is not used: "
                + NGINX + "temporal-redirect is set too, and it wins, as in ingress-nginx"), parsed.problems());
    }

    @Test
    void ourSpellingWinsOverIngressNginxs() {
        RouteRedirect redirect = redirectOf(NGINX + "permanent-redirect", "https://theirs.example.com",
                "jingress.io/permanent-redirect", "https://ours.example.com");

        assertEquals("https://ours.example.com", redirect.location());
    }

    @Test
    void variablesAreFilledInPerRequest() {
        RouteRedirect redirect = redirectOf(NGINX + "permanent-redirect", "https://new.example.com$request_uri");
        assertTrue(redirect.hasVariables());
        assertEquals("https://new.example.com/a/b?q=1&r=%C3%A9",
                redirect.locationFor("http", "old.example.com", "old.example.com:8080", "/a/b", "/a/b?q=1&r=%C3%A9"));

        RouteRedirect all = redirectOf(NGINX + "temporal-redirect", "$scheme://${host}.moved.test/x$uri?from=$scheme");
        assertEquals("https://old.test.moved.test/x/a/b?from=https",
                all.locationFor("https", "old.test", "old.test:8443", "/a/b", "/a/b?q=1"));
        assertEquals(List.of("redirect 302 to $scheme://${host}.moved.test/x$uri?from=$scheme (temporal-redirect)"),
                parse(NGINX + "temporal-redirect", "$scheme://${host}.moved.test/x$uri?from=$scheme").policy().describe());
    }

    @Test
    void aValueFilledInThatNoHeaderMayCarryGivesNoLocation() {
        RouteRedirect redirect = redirectOf(NGINX + "permanent-redirect", "https://$host/new");

        assertNull(redirect.locationFor("http", "a b", "a b", "/", "/"));
        assertNull(redirect.locationFor("http", "a\r\nSet-Cookie: x=1", "a", "/", "/"));
    }

    @Test
    void badUrlsAreReportedAndNoRedirectIsMade() {
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("new.example.com/home", "it is not an absolute http:// or https:// URL");
        reasons.put("/home", "it is not an absolute http:// or https:// URL");
        reasons.put("ftp://new.example.com/", "it is not an absolute http:// or https:// URL");
        reasons.put("javascript:alert(1)", "it is not an absolute http:// or https:// URL");
        reasons.put("https:///path", "it names no host");
        reasons.put("https://new.example.com/a b", "a URL holds no space (percent-encode it as %20)");
        reasons.put("https://new.example.com/\r\nSet-Cookie: a=1", "a URL holds no control character");
        reasons.put("https://new.example.com/caf\u00e9", "a URL is ASCII (percent-encode other characters as their UTF-8 bytes)");
        reasons.put("https://new.example.com$request_uri$args",
                "$args is not a variable Jingress fills in (only $request_uri, $uri, $host and $scheme are)");
        reasons.put("https://new.example.com/$1", "$1 is not a variable Jingress fills in (only $request_uri, $uri, $host and $scheme are)");
        reasons.put("https://new.example.com/$", "a $ is not followed by a variable's name (only $request_uri, $uri, $host and $scheme are filled in)");
        reasons.put("https://new.example.com${request_uri", "${ is not closed by } after a variable's name");
        for (Map.Entry<String, String> bad : reasons.entrySet()) {
            RouteAnnotations.Parsed parsed = parse(NGINX + "permanent-redirect", bad.getKey());
            assertNull(parsed.policy().redirect(), bad.getKey());
            assertTrue(parsed.policy().isNone(), bad.getKey());
            assertEquals(List.of(NGINX + "permanent-redirect: \"" + bad.getKey().trim() + "\" is not used: " + bad.getValue()
                    + "; the routes are proxied as if it were not there"), parsed.problems(), bad.getKey());
        }
    }

    @Test
    void aBadTemporalRedirectLeavesThePermanentOne() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "permanent-redirect", "https://permanent.example.com",
                NGINX + "temporal-redirect", "temporal.example.com");

        assertEquals("https://permanent.example.com", parsed.policy().redirect().location());
        assertEquals(1, parsed.problems().size());
    }

    @Test
    void anEmptyUrlIsNoRedirectAndACodeWithoutUrlIsReported() {
        assertTrue(parse(NGINX + "permanent-redirect", "").policy().isNone());
        assertEquals(List.of(), parse(NGINX + "permanent-redirect", "").problems());
        RouteAnnotations.Parsed codeAlone = parse(NGINX + "permanent-redirect-code", "308");
        assertTrue(codeAlone.policy().isNone());
        assertEquals(List.of(NGINX + "permanent-redirect-code: \"308\" has no effect without permanent-redirect: the routes are proxied"),
                codeAlone.problems());
    }

    @Test
    void appRootRedirectsExactlySlashToItWith302() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "app-root", "/app");
        RoutePolicy policy = parsed.policy();

        RouteRedirect appRoot = policy.appRoot();
        assertEquals(302, appRoot.status());
        assertTrue(appRoot.rootOnly());
        assertEquals("http://a.test:8080/app", appRoot.locationFor("http", "a.test", "a.test:8080", "/", "/?x=1"));
        assertSame(appRoot, policy.redirectFor("/"));
        assertNull(policy.redirectFor("/other"));
        assertNull(policy.redirectFor("/app"));
        assertEquals(List.of("/ to /app (app-root)"), policy.describe());
        assertEquals(List.of(), parsed.problems());
    }

    @Test
    void appRootGoesBeforeTheRedirectForSlashAsInIngressNginxsServerBlock() {
        RoutePolicy policy = parse(NGINX + "app-root", "/app", NGINX + "permanent-redirect", "https://new.example.com").policy();

        assertEquals("app-root", policy.redirectFor("/").annotation());
        assertEquals("permanent-redirect", policy.redirectFor("/other").annotation());
        assertEquals(List.of("redirect 301 to https://new.example.com (permanent-redirect)", "/ to /app (app-root)"),
                policy.describe());
    }

    @Test
    void anAppRootThatIsNotAPathIsReportedAndSlashProxied() {
        for (String bad : List.of("app", "https://elsewhere.test/app", "/a pp", "/app$request_uri")) {
            RouteAnnotations.Parsed parsed = parse(NGINX + "app-root", bad);
            assertTrue(parsed.policy().isNone(), bad);
            assertEquals(1, parsed.problems().size(), bad);
            assertTrue(parsed.problems().get(0).startsWith(NGINX + "app-root: \"" + bad + "\" is not used: "), parsed.problems().get(0));
            assertTrue(parsed.problems().get(0).endsWith("; / is proxied as any other path"), parsed.problems().get(0));
        }
    }

    @Test
    void theCompiledRoutesCarryTheRedirectAndItsProblemsAreWarningsOfTheIngress() {
        Ingress moved = Ingress.builder("default", "moved")
                .rule(rule("old.test", HttpIngressPath.prefix("/", backend("web"))))
                .annotation(NGINX + "permanent-redirect", "https://new.test$request_uri")
                .annotation(NGINX + "permanent-redirect-code", "308")
                .annotation(NGINX + "app-root", "app")
                .build();

        RouteTable table = compile(moved);

        Route route = (Route) table.match("old.test", "/x");
        assertEquals(308, route.policy().redirect().status());
        assertNull(route.policy().appRoot());
        List<Problem> warnings = table.problems().stream().filter(p -> p.object().equals("default/moved")).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(Problem.Severity.WARNING, warnings.get(0).severity());
        assertEquals("metadata.annotations", warnings.get(0).field());
        assertTrue(warnings.get(0).message().startsWith(NGINX + "app-root: \"app\""), warnings.get(0).message());
    }
}
