package io.jingress.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AuthKeepaliveAnnotationsTest {
    private static final String P = "nginx.ingress.kubernetes.io/";

    private static RouteAnnotations.Parsed parse(String... pairs) {
        Map<String, String> annotations = new HashMap<>();
        annotations.put(P + "auth-url", "http://auth.example/check");
        for (int i = 0; i < pairs.length; i += 2) {
            annotations.put(P + pairs[i], pairs[i + 1]);
        }
        return RouteAnnotations.parse(annotations);
    }

    @Test
    void withoutThemTheProxysOwnKeepaliveHolds() {
        RouteAnnotations.Parsed parsed = parse();

        assertNull(parsed.policy().externalAuth().keepalive());
        assertEquals(List.of(), parsed.problems());
    }

    @Test
    void allThreeAreReadWithoutWarning() {
        RouteAnnotations.Parsed parsed = parse("auth-keepalive", "4", "auth-keepalive-requests", "100",
                "auth-keepalive-timeout", "30", "auth-keepalive-share-vars", "true");

        assertEquals(new AuthKeepalive(4, 100, 30), parsed.policy().externalAuth().keepalive());
        assertEquals(List.of(), parsed.problems());
        assertTrue(parsed.policy().describe().toString().contains("connections to it: at most 4 idle (auth-keepalive), 100"
                + " calls each (auth-keepalive-requests), closed after 30 s idle (auth-keepalive-timeout)"),
                parsed.policy().describe().toString());
    }

    @Test
    void keepaliveZeroClosesEachConnectionAndOnlyTheOnesSetAreApplied() {
        assertEquals(new AuthKeepalive(0, 0, 0), parse("auth-keepalive", "0").policy().externalAuth().keepalive());
        assertEquals(new AuthKeepalive(-1, 5, 0), parse("auth-keepalive-requests", "5").policy().externalAuth().keepalive());
    }

    @Test
    void aValueThatIsNoWholeNumberInRangeIsNotAppliedAndSaysSo() {
        RouteAnnotations.Parsed parsed = parse("auth-keepalive", "-1", "auth-keepalive-requests", "0",
                "auth-keepalive-timeout", "60s");

        assertNull(parsed.policy().externalAuth().keepalive());
        assertTrue(parsed.policy().externalAuth().usable());
        assertEquals(List.of(P + "auth-keepalive: \"-1\" is not a whole number of at least 0: not applied, the proxy's own"
                        + " keepalive to the auth service holds",
                P + "auth-keepalive-requests: \"0\" is not a whole number of at least 1: not applied, the proxy's own"
                        + " keepalive to the auth service holds",
                P + "auth-keepalive-timeout: \"60s\" is not a whole number of at least 1: not applied, the proxy's own"
                        + " keepalive to the auth service holds"), parsed.problems());
    }

    @Test
    void shareVarsFalseHasNoEffectTheRequestIdIsAlwaysShared() {
        RouteAnnotations.Parsed parsed = parse("auth-keepalive-share-vars", "false");

        assertEquals(List.of(P + "auth-keepalive-share-vars: \"false\" has no effect: the auth service always gets the"
                + " endpoint's X-Request-ID, as with true"), parsed.problems());
    }
}
