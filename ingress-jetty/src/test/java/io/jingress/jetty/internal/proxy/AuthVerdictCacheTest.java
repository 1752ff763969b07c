package io.jingress.jetty.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.route.AuthCache;
import io.jingress.jetty.testing.TestRoutes;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

/** The kept answers of {@code auth-cache-key}, time driven by a fake clock. */
class AuthVerdictCacheTest {
    private final AtomicLong now = new AtomicLong(1_000);

    /** The cache a compiled Ingress with these durations asks for (keyed by $http_authorization). */
    private static AuthCache cache(String durations) {
        Map<String, String> annotations = durations == null
                ? Map.of("nginx.ingress.kubernetes.io/auth-url", "http://auth/check",
                        "nginx.ingress.kubernetes.io/auth-cache-key", "$http_authorization")
                : Map.of("nginx.ingress.kubernetes.io/auth-url", "http://auth/check",
                        "nginx.ingress.kubernetes.io/auth-cache-key", "$http_authorization",
                        "nginx.ingress.kubernetes.io/auth-cache-duration", durations);
        return TestRoutes.create().route("app.test", "/", "app", annotations, 8080).router().current().routes().get(0)
                .policy().externalAuth().cache();
    }

    private void advance(long amount, TimeUnit unit) {
        now.addAndGet(unit.toNanos(amount));
    }

    @Test
    void anAnswerIsKeptForTheDurationOfItsStatusAndNotAMomentLonger() {
        AuthVerdictCache verdicts = new AuthVerdictCache(now::get, 100);
        AuthCache cache = cache(null);  // 200 202 401 5m

        verdicts.put("alice", cache, 200, HttpFields.build().put("X-Auth-Request-User", "alice"));
        advance(5, TimeUnit.MINUTES);
        advance(-1, TimeUnit.NANOSECONDS);
        AuthVerdictCache.Verdict justBefore = verdicts.get("alice");
        advance(1, TimeUnit.NANOSECONDS);

        assertNotNull(justBefore);
        assertEquals(200, justBefore.status());
        assertEquals("alice", justBefore.headers().get("X-Auth-Request-User"));
        assertNull(verdicts.get("alice"), "expired at 5m");
        assertEquals(0, verdicts.size(), "and gone");
    }

    @Test
    void a401IsKeptForItsOwnDuration() {
        AuthVerdictCache verdicts = new AuthVerdictCache(now::get, 100);
        AuthCache cache = cache("200 10m, 401 30s");

        verdicts.put("bob", cache, 401, HttpFields.build().put("WWW-Authenticate", "Bearer"));
        verdicts.put("alice", cache, 200, HttpFields.EMPTY);
        advance(29, TimeUnit.SECONDS);
        assertNotNull(verdicts.get("bob"));
        advance(1, TimeUnit.SECONDS);

        assertNull(verdicts.get("bob"), "30s for a 401");
        assertNotNull(verdicts.get("alice"), "10m for a 200");
        advance(10, TimeUnit.MINUTES);
        assertNull(verdicts.get("alice"));
    }

    @Test
    void aStatusWithoutDurationIsNotKept() {
        AuthVerdictCache verdicts = new AuthVerdictCache(now::get, 100);
        AuthCache cache = cache(null);

        verdicts.put("a", cache, 500, HttpFields.EMPTY);
        verdicts.put("b", cache, 403, HttpFields.EMPTY);
        verdicts.put("c", cache, 503, HttpFields.EMPTY);

        assertEquals(0, verdicts.size());
    }

    @Test
    void pastItsCapacityTheLeastRecentlyUsedAnswerGoes() {
        AuthVerdictCache verdicts = new AuthVerdictCache(now::get, 2);
        AuthCache cache = cache(null);

        verdicts.put("a", cache, 200, HttpFields.EMPTY);
        verdicts.put("b", cache, 200, HttpFields.EMPTY);
        verdicts.get("a");
        verdicts.put("c", cache, 200, HttpFields.EMPTY);

        assertEquals(2, verdicts.size());
        assertNotNull(verdicts.get("a"));
        assertNull(verdicts.get("b"), "the least recently used");
        assertNotNull(verdicts.get("c"));
    }

    @Test
    void answersThatNginxWouldNotCacheAreNotKept() {
        assertFalse(AuthVerdictCache.keeps(HttpFields.build().put("Set-Cookie", "s=1")));
        assertFalse(AuthVerdictCache.keeps(HttpFields.build().put("Cache-Control", "no-store")));
        assertFalse(AuthVerdictCache.keeps(HttpFields.build().put("Cache-Control", "max-age=60, private")));
        assertFalse(AuthVerdictCache.keeps(HttpFields.build().put("Cache-Control", "no-cache")));
        assertFalse(AuthVerdictCache.keeps(HttpFields.build().put("Cache-Control", "max-age=0")));
        assertFalse(AuthVerdictCache.keeps(HttpFields.build().put("Vary", "*")));
        assertTrue(AuthVerdictCache.keeps(HttpFields.build().put("Cache-Control", "max-age=60").put("X-User", "a")));
    }
}
