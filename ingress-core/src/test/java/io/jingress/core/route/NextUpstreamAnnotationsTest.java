package io.jingress.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class NextUpstreamAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static RouteAnnotations.Parsed parse(Map<String, String> annotations) {
        return RouteAnnotations.parse(annotations);
    }

    @Test
    void anIngressThatSetsNoneKeepsTheDefaultAndCostsNothing() {
        assertSame(RoutePolicy.NONE, parse(Map.of()).policy());
        RouteRetries retries = RoutePolicy.NONE.retries();
        assertSame(RouteRetries.DEFAULT, retries);
        assertTrue(retries.on(RouteRetries.ERROR));
        assertTrue(retries.on(RouteRetries.CONNECT_TIMEOUT));
        assertFalse(retries.on(RouteRetries.READ_TIMEOUT), "a read timeout is not retried by default");
        assertFalse(retries.onAnyStatus());
        assertFalse(retries.on(RouteRetries.NON_IDEMPOTENT));
        assertEquals(-1, retries.tries(), "the server's maxTries");
    }

    @Test
    void statusConditionsAreReadWithErrorAndTimeout() {
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "proxy-next-upstream", "error timeout http_503 http_429"));

        assertEquals(List.of(), parsed.problems());
        RouteRetries retries = parsed.policy().retries();
        assertTrue(retries.onStatus(503));
        assertTrue(retries.onStatus(429));
        assertFalse(retries.onStatus(502));
        assertFalse(retries.onStatus(200));
        assertTrue(retries.on(RouteRetries.READ_TIMEOUT), "timeout is also a read timeout before the answer");
        assertEquals(List.of("next endpoint on error timeout http_503 http_429 (proxy-next-upstream)"),
                parsed.policy().describe());
    }

    @Test
    void offWinsOverEveryOtherCondition() {
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "proxy-next-upstream", "error off"));

        assertEquals(List.of(), parsed.problems());
        assertFalse(parsed.policy().retries().any());
        assertEquals(List.of("no retry on another endpoint (proxy-next-upstream: off)"), parsed.policy().describe());
    }

    @Test
    void nonIdempotentAllowsPostToMoveOn() {
        RouteRetries retries = parse(Map.of(NGINX + "proxy-next-upstream", "error non_idempotent")).policy().retries();

        assertTrue(retries.on(RouteRetries.NON_IDEMPOTENT));
        assertTrue(retries.on(RouteRetries.ERROR));
        assertFalse(retries.on(RouteRetries.CONNECT_TIMEOUT), "error alone: a connect timeout is timeout's");
    }

    @Test
    void anUnknownWordIsLeftOutAndReported() {
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "proxy-next-upstream", "error http_501 updating"));

        assertEquals(RouteRetries.ERROR, parsed.policy().retries().conditions());
        assertEquals(1, parsed.problems().size());
        assertTrue(parsed.problems().get(0).startsWith(NGINX + "proxy-next-upstream: \"error http_501 updating\" names "
                + "\"http_501\", \"updating\", not a condition"), parsed.problems().get(0));
        assertTrue(parsed.problems().get(0).endsWith("left out"), parsed.problems().get(0));
    }

    @Test
    void noValidWordKeepsTheDefault() {
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "proxy-next-upstream", "sometimes"));

        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(1, parsed.problems().size());
        assertTrue(parsed.problems().get(0).contains("the default applies"), parsed.problems().get(0));
    }

    @Test
    void triesAndTimeoutAreReadAlone() {
        RouteAnnotations.Parsed parsed = parse(Map.of(
                NGINX + "proxy-next-upstream-tries", "5",
                "jingress.io/proxy-next-upstream-timeout", "10"));

        assertEquals(List.of(), parsed.problems());
        RouteRetries retries = parsed.policy().retries();
        assertEquals(RouteRetries.DEFAULT.conditions(), retries.conditions(), "the default conditions stay");
        assertEquals(5, retries.tries());
        assertEquals(10_000, retries.timeoutMillis());
        assertEquals(List.of("next endpoint on error connect timeout invalid_header, 5 tries, within 10 s "
                + "(proxy-next-upstream)"), parsed.policy().describe());
    }

    @Test
    void zeroTriesMeansAsManyAsTheEndpointsAndZeroTimeoutNone() {
        RouteRetries retries = parse(Map.of(
                NGINX + "proxy-next-upstream-tries", "0",
                NGINX + "proxy-next-upstream-timeout", "0")).policy().retries();

        assertEquals(0, retries.tries());
        assertEquals(0, retries.timeoutMillis());
    }

    @Test
    void badTriesAndTimeoutAreReportedAndTheServersApply() {
        RouteAnnotations.Parsed parsed = parse(Map.of(
                NGINX + "proxy-next-upstream-tries", "three",
                NGINX + "proxy-next-upstream-timeout", "-5"));

        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(2, parsed.problems().size(), parsed.problems().toString());
        assertTrue(parsed.problems().stream().anyMatch(p -> p.startsWith(NGINX + "proxy-next-upstream-tries: \"three\" "
                + "is not a whole number of tries") && p.endsWith("the server's maxTries applies")), parsed.problems().toString());
        assertTrue(parsed.problems().stream().anyMatch(p -> p.startsWith(NGINX + "proxy-next-upstream-timeout: \"-5\" "
                + "is not a whole number of seconds")), parsed.problems().toString());
    }

    @Test
    void theAnnotationsCountAsRead() {
        assertTrue(RouteAnnotations.READ.contains(NGINX + "proxy-next-upstream"));
        assertTrue(RouteAnnotations.READ.contains(NGINX + "proxy-next-upstream-tries"));
        assertTrue(RouteAnnotations.READ.contains("jingress.io/proxy-next-upstream-timeout"));
    }
}
