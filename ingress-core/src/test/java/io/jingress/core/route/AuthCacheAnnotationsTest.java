package io.jingress.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AuthCacheAnnotationsTest {
    private static final String P = "nginx.ingress.kubernetes.io/";

    private static RouteAnnotations.Parsed parse(String... pairs) {
        Map<String, String> annotations = new HashMap<>();
        annotations.put(P + "auth-url", "http://auth.example/check");
        for (int i = 0; i < pairs.length; i += 2) {
            annotations.put(P + pairs[i], pairs[i + 1]);
        }
        return RouteAnnotations.parse(annotations);
    }

    private static AuthCache cache(RouteAnnotations.Parsed parsed) {
        return parsed.policy().externalAuth().cache();
    }

    @Test
    void withoutAuthCacheKeyNothingIsCachedAsInNginx() {
        RouteAnnotations.Parsed parsed = parse();

        assertNull(cache(parsed));
        assertEquals(List.of(), parsed.problems());
    }

    @Test
    void aKeyOfIngressNginxsExampleIsReadWithTheDefaultDurations() {
        RouteAnnotations.Parsed parsed = parse("auth-cache-key", "$remote_user$http_authorization");
        AuthCache cache = cache(parsed);

        assertEquals(List.of(), parsed.problems());
        assertEquals(List.of(new AuthCache.Part(AuthCache.Source.REMOTE_USER, ""),
                new AuthCache.Part(AuthCache.Source.HEADER, "authorization")), cache.key());
        assertEquals(300_000, cache.millisFor(200));
        assertEquals(300_000, cache.millisFor(202));
        assertEquals(300_000, cache.millisFor(401));
        assertEquals(0, cache.millisFor(403), "not listed: not kept");
        assertEquals(0, cache.millisFor(500));
        assertTrue(String.join("; ", parsed.policy().describe()).contains(
                "answers kept by \"$remote_user$http_authorization\" (auth-cache-key) for 200 202 401 5m"),
                parsed.policy().describe().toString());
    }

    @Test
    void textCookiesHeadersAndBracedNamesMakeTheKey() {
        AuthCache cache = cache(parse("auth-cache-key", "u:${cookie_Session}/$http_x_api_key-$host$uri"));

        assertEquals(List.of(new AuthCache.Part(AuthCache.Source.TEXT, "u:"),
                new AuthCache.Part(AuthCache.Source.COOKIE, "Session"),
                new AuthCache.Part(AuthCache.Source.TEXT, "/"),
                new AuthCache.Part(AuthCache.Source.HEADER, "x-api-key"),
                new AuthCache.Part(AuthCache.Source.TEXT, "-"),
                new AuthCache.Part(AuthCache.Source.HOST, ""),
                new AuthCache.Part(AuthCache.Source.URI, "")), cache.key());
    }

    @Test
    void durationsPerStatusAreReadAsNginxsProxyCacheValidTheFirstMatchWinning() {
        AuthCache cache = cache(parse("auth-cache-key", "$cookie_session",
                "auth-cache-duration", "401 30s, 200 202 1h 30m, 5m, any 1ms"));

        assertEquals(30_000, cache.millisFor(401));
        assertEquals(5_400_000, cache.millisFor(200));
        assertEquals(5_400_000, cache.millisFor(202));
        assertEquals(300_000, cache.millisFor(302), "an entry without status: 200, 301, 302");
        assertEquals(1, cache.millisFor(403), "any");
    }

    @Test
    void aVariableJingressCannotFillInMeansNoCachingAndAWarning() {
        RouteAnnotations.Parsed parsed = parse("auth-cache-key", "$remote_user$arg_token");

        assertNull(cache(parsed));
        assertTrue(parsed.policy().externalAuth().usable(), "the auth service is still asked");
        assertEquals(List.of(P + "auth-cache-key: \"$remote_user$arg_token\" cannot be used: $arg_token is not a variable"
                + " Jingress fills in (it fills in $host, $http_host, $scheme, $request_uri, $escaped_request_uri, $uri,"
                + " $remote_addr, $remote_user, $http_NAME, $cookie_NAME); no answer of the auth service is cached, every"
                + " request is checked"), parsed.problems());
    }

    @Test
    void aKeyWithoutVariablesWouldShareOneAnswerAndIsRefused() {
        RouteAnnotations.Parsed parsed = parse("auth-cache-key", "everyone");

        assertNull(cache(parsed));
        assertEquals(List.of(P + "auth-cache-key: \"everyone\" cannot be used: it names no variable: every client would"
                + " share one answer; no answer of the auth service is cached, every request is checked"), parsed.problems());
    }

    @Test
    void aBadDurationMeansNoCachingAndAWarning() {
        RouteAnnotations.Parsed parsed = parse("auth-cache-key", "$http_authorization", "auth-cache-duration", "5m 200");

        assertNull(cache(parsed));
        assertEquals(List.of(P + "auth-cache-duration: \"5m 200\" cannot be used: \"200\" in \"5m 200\" is neither a"
                + " status (before the time) nor a time such as 5m, 30s or 1h 30m; no answer of the auth service is"
                + " cached, every request is checked"), parsed.problems());
    }

    @Test
    void aDurationWithoutKeyHasNoEffect() {
        RouteAnnotations.Parsed parsed = parse("auth-cache-duration", "200 5m");

        assertNull(cache(parsed));
        assertEquals(List.of(P + "auth-cache-duration: \"200 5m\" has no effect without auth-cache-key: no answer of the"
                + " auth service is cached, every request is checked"), parsed.problems());
    }

    @Test
    void anAuthMethodOtherThanGetOrHeadIsNotCachedAsInNginx() {
        RouteAnnotations.Parsed parsed = parse("auth-cache-key", "$http_authorization", "auth-method", "POST");

        assertNull(cache(parsed));
        assertEquals(1, parsed.problems().size(), parsed.problems().toString());
        assertTrue(parsed.problems().get(0).contains("only answers to GET and HEAD are cached"), parsed.problems().toString());
    }
}
