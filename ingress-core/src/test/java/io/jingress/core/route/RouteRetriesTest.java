package io.jingress.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** {@link RouteRetries} as an HTTPRoute's {@code retry} makes it, next to an Ingress's. */
class RouteRetriesTest {

    @Test
    void anHttpRoutesCodesAreAnyStatusFrom400To599() {
        RouteRetries retries = RouteRetries.ofHttpRoute(Set.of(409, 503), 3, 100);

        assertTrue(retries.onStatus(409));
        assertTrue(retries.onStatus(503));
        assertFalse(retries.onStatus(500));
        assertTrue(retries.onAnyStatus());
        assertTrue(retries.any());
        assertTrue(retries.anyEndpoint());
        assertEquals(100, retries.backoffMillis());
        // a failure without an answer, a read timeout included, is retried too
        assertTrue(retries.on(RouteRetries.ERROR) && retries.on(RouteRetries.CONNECT_TIMEOUT)
                && retries.on(RouteRetries.READ_TIMEOUT) && retries.on(RouteRetries.INVALID_HEADER));
        assertFalse(retries.on(RouteRetries.NON_IDEMPOTENT));
        assertEquals("retried on a failure without an answer and on 409, 503, at most 2 times, 100 ms apart (retry)",
                retries.describe());
    }

    @Test
    void anHttpRouteRetryWithoutCodesLooksAtNoAnswersStatus() {
        RouteRetries retries = RouteRetries.ofHttpRoute(Set.of(), -1, 0);

        assertFalse(retries.onAnyStatus());
        assertFalse(retries.onStatus(503));
        assertEquals("retried on a failure without an answer, as often as the server's tries allow (retry)",
                retries.describe());
        assertEquals("not retried (retry.attempts: 0)", RouteRetries.ofHttpRoute(Set.of(503), 1, 0).describe());
    }

    @Test
    void anIngresssRetriesKeepNginxsRules() {
        RouteRetries retries = new RouteRetries(RouteRetries.ERROR | RouteRetries.statusFlag(503), 2, 0);

        assertEquals(Set.of(), retries.statuses());
        assertFalse(retries.anyEndpoint());
        assertEquals(0, retries.backoffMillis());
        assertTrue(retries.onStatus(503));
        assertFalse(retries.onStatus(409));
        assertEquals("next endpoint on error http_503, 2 tries (proxy-next-upstream)", retries.describe());
        assertThrows(IllegalArgumentException.class, () -> new RouteRetries(RouteRetries.ERROR, 2, 0, Set.of(), -1, true));
    }
}
