package io.jingress.core.route;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxies whose X-Forwarded-For is believed: reading the ranges and walking the field as nginx's realip. */
class TrustedProxiesTest {
    private static final TrustedProxies LB = TrustedProxies.of(List.of("10.0.0.0/8", "2001:db8::/32"));

    @Test
    void noRangeTrustsNoProxy() {
        assertNull(TrustedProxies.of(List.of()));
    }

    @Test
    void rangesAreReadAsNetworksEachOnce() {
        TrustedProxies trusted = TrustedProxies.of(List.of("10.1.2.3/8", "10.0.0.0/8", " 192.168.1.7 ", "::1"));
        assertEquals(List.of("10.0.0.0/8", "192.168.1.7/32", "::1/128"), trusted.ranges());
    }

    @Test
    void anEntryThatIsNoRangeIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.of(List.of("10.0.0.0/8", "10.0.0.0/33")));
        assertTrue(e.getMessage().contains("\"10.0.0.0/33\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("lb.example.com")));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("")));
    }

    @Test
    void containsReadsAddressesAsConnectionsGiveThem() {
        assertTrue(LB.contains("10.9.8.7"));
        assertTrue(LB.contains("::ffff:10.9.8.7"));
        assertTrue(LB.contains("[2001:db8::5]"));
        assertFalse(LB.contains("11.0.0.1"));
        assertFalse(LB.contains("not an address"));
    }

    @Test
    void theClientIsTheFirstUntrustedEntryFromTheRight() {
        TrustedProxies.Forwarded forwarded = LB.clientOf("10.0.0.1", "198.51.100.9, 203.0.113.7, 10.2.2.2,10.3.3.3");
        assertEquals("203.0.113.7", forwarded.client());
        // the trusted hops right of the client are dropped: the last entry is the client
        assertEquals("198.51.100.9, 203.0.113.7", forwarded.forwardedFor());
    }

    @Test
    void withoutTheFieldTheClientIsThePeer() {
        assertEquals(new TrustedProxies.Forwarded("10.0.0.1", "10.0.0.1"), LB.clientOf("10.0.0.1", null));
    }

    @Test
    void whenEveryEntryIsTrustedTheLeftmostIsTheClient() {
        assertEquals(new TrustedProxies.Forwarded("10.5.5.5", "10.5.5.5"), LB.clientOf("10.0.0.1", "10.5.5.5, 10.6.6.6"));
    }

    @Test
    void anEntryThatIsNoAddressStopsTheWalkAtTheLastAddressReached() {
        // nothing left of garbage is believed: the trusted hop right of it is the client
        assertEquals(new TrustedProxies.Forwarded("10.6.6.6", "203.0.113.7, evil, 10.6.6.6"),
                LB.clientOf("10.0.0.1", "203.0.113.7, evil, 10.6.6.6"));
        // garbage rightmost: the client is the peer, and the field goes on with the peer appended
        assertEquals(new TrustedProxies.Forwarded("10.0.0.1", "203.0.113.7, unknown, 10.0.0.1"),
                LB.clientOf("10.0.0.1", "203.0.113.7, unknown"));
        assertEquals("10.0.0.1", LB.clientOf("10.0.0.1", "1.2.3.4.5").client());
        assertEquals("10.0.0.1", LB.clientOf("10.0.0.1", "1.2.3.4:99999").client());
    }

    @Test
    void entriesMayCarryPortsAndBracketsAndEmptyOnesAreSkipped() {
        assertEquals("203.0.113.7", LB.clientOf("10.0.0.1", "203.0.113.7:4711").client());
        assertEquals("2001:db9::7", LB.clientOf("10.0.0.1", "[2001:db9::7]:4711, ,").client());
        assertEquals("2001:db9::7", LB.clientOf("10.0.0.1", "2001:db9::7, 2001:db8::1").client());
        assertEquals(new TrustedProxies.Forwarded("203.0.113.7", "203.0.113.7"),
                LB.clientOf("10.0.0.1", "[203.0.113.7]:80".replace("[", "").replace("]", "")));
    }
}
