package io.jingress.core.internal.route;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SwarTest {

    private static long word(int... bytes) {
        long word = 0;
        for (int i = 0; i < bytes.length; i++) {
            word |= (long) (bytes[i] & 0xFF) << (8 * i);
        }
        return word;
    }

    @Test
    void lowerChangesTheCapitalsAndNothingElse() {
        for (int c = 0; c < 256; c++) {
            int expected = c >= 'A' && c <= 'Z' ? c + 0x20 : c;
            // the byte in every place of a word, its neighbours at the edges of the capitals' range
            for (int at = 0; at < 8; at++) {
                int[] bytes = {'@', '[', 'Z', 'A', 0x80, 0xC1, 'a', 0};
                int[] lowered = {'@', '[', 'z', 'a', 0x80, 0xC1, 'a', 0};
                bytes[at] = c;
                lowered[at] = expected;
                assertEquals(word(lowered), Swar.lower(word(bytes)), "char " + c + " at " + at);
            }
        }
    }

    @Test
    void slashFindsTheFirstSlashOfAWord() {
        assertEquals(8, Swar.slash(word('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')));
        for (int at = 0; at < 8; at++) {
            int[] bytes = {'a', '.', 0x2E, 0x30, 0, 0xAF, 0x2F ^ 0x01, 'z'};
            bytes[at] = '/';
            if (at < 7) {
                bytes[7] = '/';  // a later slash is not the first
            }
            assertEquals(at, Swar.slash(word(bytes)), "slash at " + at);
        }
    }

    @Test
    void theCopyEndsInASlashAndGrowsForALongText() {
        byte[] copy = Swar.copy("/api/v1", 7);
        assertEquals('/', copy[7]);
        assertEquals(word('/', 'a', 'p', 'i', '/', 'v', '1', '/'), Swar.read(copy, 0));
        String longer = "/" + "x".repeat(5000);
        copy = Swar.copy(longer, longer.length());
        assertEquals('/', copy[longer.length()]);
        assertEquals(word('x', 'x', 'x', 'x', 'x', 'x', 'x', '/'), Swar.read(copy, longer.length() - 7));
    }

    @Test
    void masksKeepTheLowBytes() {
        assertEquals(0L, Swar.mask(0));
        assertEquals(0xFFL, Swar.mask(1));
        assertEquals(0x00FFFFFFFFFFFFFFL, Swar.mask(7));
        assertEquals(-1L, Swar.mask(8));
        assertEquals(-1L, Swar.mask(9));
    }

    @Test
    void latin1EndIsTheFirstCharOutsideLatin1() {
        assertEquals(4, Swar.latin1End("/a\u00e9b", 4));
        assertEquals(2, Swar.latin1End("/a\u0161b", 4));
        assertEquals(1, Swar.latin1End("/a\u0161b", 1));
    }
}
