package io.jingress.core.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4TextTest {
    @Test
    void aCanonicalDottedQuadIsItsAddress() {
        assertEquals(0x0A000007L, Ipv4Text.parse("10.0.0.7"));
        assertEquals(0L, Ipv4Text.parse("0.0.0.0"));
        assertEquals(0xFFFFFFFFL, Ipv4Text.parse("255.255.255.255"));
        assertEquals(0xC0A80101L, Ipv4Text.parse("x192.168.1.1/24", 1, 12));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.1", "2130706433", "127.0.0.01", "0177.0.0.1", "0x7f.0.0.1", "1.2.3.4.5", "1.2.3.", ".1.2.3",
        "1.2.3.4.", "256.0.0.1", "1.2.3.1000", "99999999999.1.1.1", "1..2.3", "1.2.3.-4", "+1.2.3.4", " 1.2.3.4", "", "::1"})
    void otherFormsOfANumberAreNotAddresses(String text) {
        assertEquals(-1, Ipv4Text.parse(text));
    }
}
