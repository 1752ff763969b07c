package io.jingress.core.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancerPolicyTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static void assertPolicy(BalancerPolicy expected, Map<String, String> annotations) {
        assertEquals(expected, BalancerPolicy.fromAnnotations(annotations));
        assertEquals(List.of(), BalancerPolicy.problemsIn(annotations));
    }

    private static String onlyProblem(Map<String, String> annotations) {
        List<String> problems = BalancerPolicy.problemsIn(annotations);
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    @Test
    void noAnnotationsMeanRoundRobin() {
        assertPolicy(BalancerPolicy.ROUND_ROBIN, Map.of());
        assertPolicy(BalancerPolicy.ROUND_ROBIN, Map.of("kubernetes.io/ingress.class", "nginx"));
    }

    @Test
    void nginxLoadBalanceReadsRoundRobinAndEwma() {
        assertPolicy(BalancerPolicy.ROUND_ROBIN, Map.of(NGINX + "load-balance", "round_robin"));
        assertPolicy(BalancerPolicy.of(Strategy.PEAK_EWMA), Map.of(NGINX + "load-balance", "ewma"));
    }

    @Test
    void nginxUpstreamHashByMeansRingHashOnTheNamedKey() {
        assertPolicy(BalancerPolicy.hashing(Strategy.RING_HASH, HashKey.clientAddress()),
                Map.of(NGINX + "upstream-hash-by", "$remote_addr"));
        assertPolicy(BalancerPolicy.hashing(Strategy.RING_HASH, HashKey.clientAddress()),
                Map.of(NGINX + "upstream-hash-by", "$binary_remote_addr"));
        assertPolicy(BalancerPolicy.hashing(Strategy.RING_HASH, HashKey.uri()),
                Map.of(NGINX + "upstream-hash-by", "$request_uri"));
        assertPolicy(BalancerPolicy.hashing(Strategy.RING_HASH, HashKey.uri()), Map.of(NGINX + "upstream-hash-by", "$uri"));
        assertPolicy(BalancerPolicy.hashing(Strategy.RING_HASH, HashKey.header("x-user-id")),
                Map.of(NGINX + "upstream-hash-by", "$http_x_user_id"));
        assertPolicy(BalancerPolicy.hashing(Strategy.RING_HASH, HashKey.cookie("session_id")),
                Map.of(NGINX + "upstream-hash-by", "$cookie_session_id"));
    }

    @Test
    void nginxCookieAffinityUsesTheSessionCookieName() {
        assertPolicy(BalancerPolicy.cookieAffinity("route"),
                Map.of(NGINX + "affinity", "cookie", NGINX + "session-cookie-name", "route"));
        assertPolicy(BalancerPolicy.cookieAffinity("INGRESSCOOKIE"), Map.of(NGINX + "affinity", "cookie"));
    }

    @Test
    void ourSpellingOfTheSessionCookieNameWinsAndIsCheckedAlike() {
        assertPolicy(BalancerPolicy.cookieAffinity("ours"), Map.of(NGINX + "affinity", "cookie",
                NGINX + "session-cookie-name", "theirs", "jingress.io/session-cookie-name", "ours"));
        assertPolicy(BalancerPolicy.cookieAffinity("ours"), Map.of("jingress.io/load-balance", "cookie",
                "jingress.io/session-cookie-name", "ours"));
        Map<String, String> bad = Map.of(NGINX + "affinity", "cookie", "jingress.io/session-cookie-name", "a b");
        assertEquals(List.of("jingress.io/session-cookie-name: \"a b\" is not a cookie name (letters, digits and"
                + " !#$%&'*+-.^_`|~): the affinity cookie is INGRESSCOOKIE"), BalancerPolicy.problemsIn(bad));
    }

    @Test
    void aSessionCookieNameThatIsNoTokenIsReportedAndTheCookieIsIngressCookie() {
        for (String bad : List.of("my cookie", "route;Path=/", "r\u00e9", "a=b")) {
            Map<String, String> annotations = Map.of(NGINX + "affinity", "cookie", NGINX + "session-cookie-name", bad,
                    NGINX + "affinity-mode", "balanced");
            assertEquals(BalancerPolicy.cookieAffinity("INGRESSCOOKIE", true), BalancerPolicy.fromAnnotations(annotations));
            assertEquals(List.of(NGINX + "session-cookie-name: \"" + bad + "\" is not a cookie name (letters, digits and"
                    + " !#$%&'*+-.^_`|~): the affinity cookie is INGRESSCOOKIE"), BalancerPolicy.problemsIn(annotations));
        }
        assertPolicy(BalancerPolicy.cookieAffinity("__Host-route.v2"),
                Map.of(NGINX + "affinity", "cookie", NGINX + "session-cookie-name", "__Host-route.v2"));
    }

    @Test
    void nginxAffinityWinsOverHashingWhichWinsOverLoadBalance() {
        assertPolicy(BalancerPolicy.cookieAffinity("INGRESSCOOKIE"), Map.of(NGINX + "affinity", "cookie",
                NGINX + "upstream-hash-by", "$request_uri", NGINX + "load-balance", "ewma"));
        assertPolicy(BalancerPolicy.hashing(Strategy.RING_HASH, HashKey.uri()),
                Map.of(NGINX + "upstream-hash-by", "$request_uri", NGINX + "load-balance", "ewma"));
    }

    @Test
    void everyJingressStrategyIsRead() {
        assertPolicy(BalancerPolicy.ROUND_ROBIN, Map.of("jingress.io/load-balance", "round_robin"));
        assertPolicy(BalancerPolicy.of(Strategy.WEIGHTED_ROUND_ROBIN),
                Map.of("jingress.io/load-balance", "weighted_round_robin"));
        assertPolicy(BalancerPolicy.of(Strategy.RANDOM), Map.of("jingress.io/load-balance", "random"));
        assertPolicy(BalancerPolicy.of(Strategy.LEAST_REQUEST), Map.of("jingress.io/load-balance", "least_request"));
        assertPolicy(BalancerPolicy.of(Strategy.PEAK_EWMA), Map.of("jingress.io/load-balance", "peak_ewma"));
        assertPolicy(BalancerPolicy.hashing(Strategy.RING_HASH, HashKey.header("x-tenant")),
                Map.of("jingress.io/load-balance", "ring_hash", "jingress.io/hash-by", "$http_x_tenant"));
        assertPolicy(BalancerPolicy.hashing(Strategy.MAGLEV, HashKey.clientAddress()),
                Map.of("jingress.io/load-balance", "maglev", "jingress.io/hash-by", "$remote_addr"));
        assertPolicy(BalancerPolicy.cookieAffinity("sticky"),
                Map.of("jingress.io/load-balance", "cookie", NGINX + "session-cookie-name", "sticky"));
        assertPolicy(BalancerPolicy.hashing(Strategy.RING_HASH, HashKey.uri()), Map.of("jingress.io/hash-by", "$uri"));
    }

    @Test
    void jingressAnnotationsWinOverNginxOnes() {
        assertPolicy(BalancerPolicy.hashing(Strategy.MAGLEV, HashKey.cookie("user")),
                Map.of("jingress.io/load-balance", "maglev", "jingress.io/hash-by", "$cookie_user",
                        NGINX + "load-balance", "ewma", NGINX + "upstream-hash-by", "$request_uri"));
        assertPolicy(BalancerPolicy.hashing(Strategy.MAGLEV, HashKey.uri()),
                Map.of("jingress.io/load-balance", "maglev", NGINX + "upstream-hash-by", "$request_uri"));
        assertPolicy(BalancerPolicy.of(Strategy.LEAST_REQUEST),
                Map.of("jingress.io/load-balance", "least_request", NGINX + "affinity", "cookie"));
    }

    @Test
    void anUnknownStrategyFallsBackToRoundRobinAndIsReported() {
        Map<String, String> annotations = Map.of("jingress.io/load-balance", "fastest");
        assertEquals(BalancerPolicy.ROUND_ROBIN, BalancerPolicy.fromAnnotations(annotations));
        String problem = onlyProblem(annotations);
        assertTrue(problem.startsWith("jingress.io/load-balance: \"fastest\" is not one of"), problem);

        Map<String, String> nginx = Map.of(NGINX + "load-balance", "chash");
        assertEquals(BalancerPolicy.ROUND_ROBIN, BalancerPolicy.fromAnnotations(nginx));
        assertTrue(onlyProblem(nginx).startsWith(NGINX + "load-balance: \"chash\""));
    }

    @Test
    void hashingWithoutAKeyOrWithAnUnknownKeyFallsBackAndIsReported() {
        Map<String, String> noKey = Map.of("jingress.io/load-balance", "maglev");
        assertEquals(BalancerPolicy.ROUND_ROBIN, BalancerPolicy.fromAnnotations(noKey));
        assertTrue(onlyProblem(noKey).contains("needs jingress.io/hash-by"));

        Map<String, String> badKey = Map.of(NGINX + "upstream-hash-by", "$host$request_uri");
        assertEquals(BalancerPolicy.ROUND_ROBIN, BalancerPolicy.fromAnnotations(badKey));
        assertTrue(onlyProblem(badKey).startsWith(NGINX + "upstream-hash-by: \"$host$request_uri\""));
    }

    @Test
    void anUnsupportedAffinityIsReportedAndTheRestStillApplies() {
        Map<String, String> annotations = Map.of(NGINX + "affinity", "ip", NGINX + "load-balance", "ewma");
        assertEquals(BalancerPolicy.of(Strategy.PEAK_EWMA), BalancerPolicy.fromAnnotations(annotations));
        assertTrue(onlyProblem(annotations).startsWith(NGINX + "affinity: \"ip\""));
    }
}
