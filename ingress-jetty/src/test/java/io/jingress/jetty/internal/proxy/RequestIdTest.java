package io.jingress.jetty.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RequestIdTest {

    private static String text(long digits) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (digits >>> (56 - 8 * i));
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void hexDigitsAreTheLow32BitsInLowerCaseHexFirstDigitFirst() {
        assertEquals("00000000", text(ProxyHeaders.hexDigits(0)));
        assertEquals("ffffffff", text(ProxyHeaders.hexDigits(-1L)));
        assertEquals("0123abcd", text(ProxyHeaders.hexDigits(0xFFFFFFFF0123ABCDL)));
        assertEquals("9a0f10e5", text(ProxyHeaders.hexDigits(0x9A0F10E5L)));
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long bits = random.nextLong();
            assertEquals(String.format("%08x", bits & 0xFFFFFFFFL), text(ProxyHeaders.hexDigits(bits)));
        }
    }

    @Test
    void aRequestIdIs32HexDigitsNewEachTime() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = ProxyHeaders.newRequestId();
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            assertTrue(seen.add(id), id);
        }
        // every digit value turns up in every place
        for (int place = 0; place < 32; place++) {
            Set<Character> digits = new HashSet<>();
            for (String id : seen) {
                digits.add(id.charAt(place));
            }
            assertEquals(16, digits.size(), "place " + place);
        }
        assertNotEquals(ProxyHeaders.newRequestId(), ProxyHeaders.newRequestId());
    }
}
