package io.jingress.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** enable-cors and the cors-* annotations, read as ingress-nginx reads them, narrower on a mistake. */
class CorsAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String OURS = "jingress.io/";

    private static RouteAnnotations.Parsed parse(String... namesAndValues) {
        Map<String, String> annotations = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            annotations.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return RouteAnnotations.parse(annotations);
    }

    private static RouteCors corsOf(String... namesAndValues) {
        String[] all = new String[namesAndValues.length + 2];
        all[0] = NGINX + "enable-cors";
        all[1] = "true";
        System.arraycopy(namesAndValues, 0, all, 2, namesAndValues.length);
        return parse(all).policy().cors();
    }

    @Test
    void enableCorsAloneAllowsAnyOriginWithIngressNginxDefaults() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "enable-cors", "true");

        RouteCors cors = parsed.policy().cors();
        assertTrue(cors.allowsAnyOrigin());
        assertEquals(List.of(), cors.origins());
        assertEquals("GET, PUT, POST, DELETE, PATCH, OPTIONS", cors.allowMethods());
        assertEquals("DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization",
                cors.allowHeaders());
        assertNull(cors.exposeHeaders());
        assertTrue(cors.allowCredentials());
        assertEquals(1_728_000, cors.maxAge());
        assertEquals(List.of(), parsed.problems());
        assertEquals(List.of("CORS for any origin (enable-cors)"), parsed.policy().describe());
    }

    @Test
    void withoutEnableCorsNothingIsReadAndTheCorsAnnotationsAreReportedAsWithoutEffect() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "cors-allow-origin", "https://a.example.com",
                NGINX + "cors-max-age", "60");

        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of(NGINX + "cors-allow-origin, " + NGINX + "cors-max-age have no effect without "
                + NGINX + "enable-cors: \"true\""), parsed.problems());
    }

    @Test
    void theWarningNamesEnableCorsInTheSpellingUsed() {
        RouteAnnotations.Parsed parsed = parse(OURS + "enable-cors", "false", OURS + "cors-allow-origin", "https://a.example.com");

        assertEquals(List.of(OURS + "cors-allow-origin has no effect without " + OURS + "enable-cors: \"true\""),
                parsed.problems());
    }

    @Test
    void enableCorsFalseIsOffAndAnythingElseIsAProblemAndOff() {
        assertSame(RoutePolicy.NONE, parse(NGINX + "enable-cors", "false").policy());
        assertEquals(List.of(), parse(NGINX + "enable-cors", "false").problems());

        RouteAnnotations.Parsed parsed = parse(NGINX + "enable-cors", "yes");
        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of(NGINX + "enable-cors: \"yes\" is not true or false: CORS stays off"), parsed.problems());
    }

    @Test
    void enableCorsTakesWhatGoParseBoolTakes() {
        for (String value : List.of("true", "True", "TRUE", "t", "T", "1")) {
            assertTrue(parse(NGINX + "enable-cors", value).policy().cors() != null, value);
        }
    }

    @Test
    void ourAnnotationWinsOverIngressNginxs() {
        RouteCors cors = corsOf(NGINX + "cors-allow-origin", "https://nginx.example.com",
                OURS + "cors-allow-origin", "https://ours.example.com");

        assertEquals(List.of("https://ours.example.com"), cors.origins());
    }

    @Test
    void aListOfOriginsAllowsEachOfThemWholeAndWithoutRegardToCase() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "enable-cors", "true",
                NGINX + "cors-allow-origin", "https://a.example.com, http://b.example.com:8080,https://c.example.com");

        RouteCors cors = parsed.policy().cors();
        assertFalse(cors.allowsAnyOrigin());
        assertEquals(List.of("https://a.example.com", "http://b.example.com:8080", "https://c.example.com"), cors.origins());
        assertTrue(cors.allowsOrigin("https://a.example.com"));
        assertTrue(cors.allowsOrigin("HTTPS://A.Example.COM"));
        assertTrue(cors.allowsOrigin("http://b.example.com:8080"));
        assertTrue(cors.allowsOrigin("https://c.example.com"));
        assertFalse(cors.allowsOrigin("http://a.example.com"), "another scheme");
        assertFalse(cors.allowsOrigin("http://b.example.com"), "without the port listed");
        assertFalse(cors.allowsOrigin("https://a.example.com:443"), "with a port not listed");
        assertFalse(cors.allowsOrigin("https://a.example.com.evil.test"));
        assertFalse(cors.allowsOrigin("https://evil.test/https://a.example.com"), "a listed origin at the end of another");
        assertFalse(cors.allowsOrigin(""));
        assertEquals(List.of(), parsed.problems());
        assertEquals(List.of("CORS for https://a.example.com, http://b.example.com:8080, https://c.example.com (enable-cors)"),
                parsed.policy().describe());
    }

    @Test
    void aWildcardOriginStandsForExactlyOneLabel() {
        RouteCors cors = corsOf(NGINX + "cors-allow-origin", "https://*.example.com, http://*.example.org:8080");

        assertTrue(cors.allowsOrigin("https://app.example.com"));
        assertTrue(cors.allowsOrigin("https://my-app2.EXAMPLE.com"));
        assertTrue(cors.allowsOrigin("http://x.example.org:8080"));
        assertFalse(cors.allowsOrigin("https://example.com"), "no label");
        assertFalse(cors.allowsOrigin("https://.example.com"), "an empty label");
        assertFalse(cors.allowsOrigin("https://a.b.example.com"), "two labels");
        assertFalse(cors.allowsOrigin("https://a_b.example.com"));
        assertFalse(cors.allowsOrigin("http://app.example.com"), "another scheme");
        assertFalse(cors.allowsOrigin("http://x.example.org"), "without the port");
        assertFalse(cors.allowsOrigin("https://evilexample.com"));
    }

    @Test
    void nullAndOtherLowerCaseSchemesAreOriginsAsInIngressNginx() {
        RouteCors cors = corsOf(NGINX + "cors-allow-origin", "null, app://local.test");

        assertTrue(cors.allowsOrigin("null"));
        assertTrue(cors.allowsOrigin("app://local.test"));
    }

    @Test
    void aStarAnywhereInTheListAllowsAnyOriginAndTheOtherEntriesAreReported() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "enable-cors", "true", NGINX + "cors-allow-origin", "*, https://a.example.com");

        assertTrue(parsed.policy().cors().allowsAnyOrigin());
        assertEquals(List.of(NGINX + "cors-allow-origin: \"*, https://a.example.com\" lists * among its origins: every origin"
                + " is allowed, as in ingress-nginx, and the other entries are not needed"), parsed.problems());
        assertEquals(List.of(), parse(NGINX + "enable-cors", "true", NGINX + "cors-allow-origin", "*").problems());
    }

    @Test
    void aBadOriginEntryIsLeftOutAndTheOthersStay() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "enable-cors", "true",
                NGINX + "cors-allow-origin", "a.example.com, https://b.example.com, https://c.example.com/app");

        RouteCors cors = parsed.policy().cors();
        assertEquals(List.of("https://b.example.com"), cors.origins());
        assertFalse(cors.allowsAnyOrigin());
        assertEquals(List.of(NGINX + "cors-allow-origin: \"a.example.com, https://b.example.com, https://c.example.com/app\": "
                + "a.example.com, https://c.example.com/app are not origins (scheme://host or scheme://host:port, *.host for"
                + " one label, or null), left out"), parsed.problems());
    }

    @Test
    void whenNoOriginEntryIsUnderstoodNoOriginIsAllowedNeverAny() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "enable-cors", "true",
                NGINX + "cors-allow-origin", "https://a.example.com/, HTTPS://b.example.com, https://, https://*., https://a.test:");

        RouteCors cors = parsed.policy().cors();
        assertFalse(cors.allowsAnyOrigin());
        assertEquals(List.of(), cors.origins());
        assertFalse(cors.allowsOrigin("https://a.example.com"));
        assertEquals(1, parsed.problems().size());
        assertTrue(parsed.problems().get(0).endsWith("left out; no origin is left, so no origin is allowed"),
                parsed.problems().get(0));
        assertEquals(List.of("CORS for no origin (enable-cors)"), parsed.policy().describe());
    }

    @Test
    void emptyEntriesAreSkippedAndNeverMatchEveryOrigin() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "enable-cors", "true", NGINX + "cors-allow-origin", "https://a.example.com, ,");
        assertEquals(List.of("https://a.example.com"), parsed.policy().cors().origins());
        assertEquals(List.of(), parsed.problems());

        RouteAnnotations.Parsed commas = parse(NGINX + "enable-cors", "true", NGINX + "cors-allow-origin", " , ");
        assertFalse(commas.policy().cors().allowsAnyOrigin());
        assertFalse(commas.policy().cors().allowsOrigin("https://evil.test"));
        assertEquals(List.of(NGINX + "cors-allow-origin: \",\" names no origin: no origin is allowed"), commas.problems());
    }

    @Test
    void anEmptyOriginAnnotationIsAsIfNotSetAsInIngressNginx() {
        assertTrue(corsOf(NGINX + "cors-allow-origin", "   ").allowsAnyOrigin());
    }

    @Test
    void methodsHeadersAndExposedHeadersAreSentAsWritten() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "enable-cors", "true",
                NGINX + "cors-allow-methods", "GET, POST,PUT",
                NGINX + "cors-allow-headers", "X-Custom_1, Content-Type",
                NGINX + "cors-expose-headers", "X-Total-Count, *");

        RouteCors cors = parsed.policy().cors();
        assertEquals("GET, POST,PUT", cors.allowMethods());
        assertEquals("X-Custom_1, Content-Type", cors.allowHeaders());
        assertEquals("X-Total-Count, *", cors.exposeHeaders());
        assertEquals(List.of(), parsed.problems());
    }

    @Test
    void aBadMethodsOrHeadersListIsReportedAndTheDefaultSent() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "enable-cors", "true",
                NGINX + "cors-allow-methods", "GET; DELETE",
                NGINX + "cors-allow-headers", "X-A,\r\nSet-Cookie: x",
                NGINX + "cors-expose-headers", "X-A,,X-B");

        RouteCors cors = parsed.policy().cors();
        assertEquals(RouteCors.DEFAULT_METHODS, cors.allowMethods());
        assertEquals(RouteCors.DEFAULT_HEADERS, cors.allowHeaders());
        assertNull(cors.exposeHeaders());
        assertEquals(List.of(
                NGINX + "cors-allow-methods: \"GET; DELETE\" is not a list of HTTP methods (letters only) separated by commas:"
                        + " the default GET, PUT, POST, DELETE, PATCH, OPTIONS is sent",
                NGINX + "cors-allow-headers: \"X-A,\r\nSet-Cookie: x\" is not a list of header names (letters, digits, - and _)"
                        + " separated by commas: the default " + RouteCors.DEFAULT_HEADERS + " is sent",
                NGINX + "cors-expose-headers: \"X-A,,X-B\" is not a list of header names (letters, digits, - and _) or *"
                        + " separated by commas: no Access-Control-Expose-Headers is sent"), parsed.problems());
    }

    @Test
    void aTabOrLineBreakBetweenMethodsIsRefusedWhereGosWhiteSpaceWouldTakeIt() {
        assertEquals(RouteCors.DEFAULT_METHODS, corsOf(NGINX + "cors-allow-methods", "GET,\tPOST").allowMethods());
        assertEquals(RouteCors.DEFAULT_METHODS, corsOf(NGINX + "cors-allow-methods", "GET,\nPOST").allowMethods());
    }

    @Test
    void aLongBadListIsRefusedQuickly() {
        String value = "A".repeat(50_000) + "!";
        long start = System.nanoTime();
        assertEquals(RouteCors.DEFAULT_METHODS, corsOf(NGINX + "cors-allow-methods", value).allowMethods());
        assertTrue(System.nanoTime() - start < 2_000_000_000L);
    }

    @Test
    void credentialsCanBeSwitchedOffAndABadValueAllowsNone() {
        RouteAnnotations.Parsed off = parse(NGINX + "enable-cors", "true", NGINX + "cors-allow-credentials", "false");
        assertFalse(off.policy().cors().allowCredentials());
        assertEquals(List.of("CORS for any origin, without credentials (enable-cors)"), off.policy().describe());

        RouteAnnotations.Parsed bad = parse(NGINX + "enable-cors", "true", NGINX + "cors-allow-credentials", "no");
        assertFalse(bad.policy().cors().allowCredentials());
        assertEquals(List.of(NGINX + "cors-allow-credentials: \"no\" is not true or false: credentials are not allowed"
                + " (ingress-nginx would allow them; a mistake must not widen access)"), bad.problems());
    }

    @Test
    void maxAgeIsANumberOfSecondsAndABadOneKeepsTheDefault() {
        assertEquals(200, corsOf(NGINX + "cors-max-age", "200").maxAge());
        assertEquals(0, corsOf(NGINX + "cors-max-age", "0").maxAge());

        for (String bad : List.of("-1", "1h", "99999999999", "+5")) {
            RouteAnnotations.Parsed parsed = parse(NGINX + "enable-cors", "true", NGINX + "cors-max-age", bad);
            assertEquals(RouteCors.DEFAULT_MAX_AGE, parsed.policy().cors().maxAge(), bad);
            assertEquals(List.of(NGINX + "cors-max-age: \"" + bad + "\" is not a number of seconds (0 to 2147483647): 1728000 is sent"),
                    parsed.problems());
        }
    }

    @Test
    void theCorsAnnotationsCountAsRead() {
        for (String name : CorsAnnotations.NAMES) {
            assertTrue(RouteAnnotations.READ.contains(NGINX + name), name);
            assertTrue(RouteAnnotations.READ.contains(OURS + name), name);
        }
    }

    @Test
    void aCompiledFormIsMadeOnceAndKept() {
        RouteCors cors = corsOf();
        int[] calls = new int[1];

        String first = cors.compiled(String.class, c -> "form" + ++calls[0]);
        String second = cors.compiled(String.class, c -> "form" + ++calls[0]);

        assertSame(first, second);
        assertEquals(1, calls[0]);
    }
}
