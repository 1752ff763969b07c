package io.jingress.core.internal.route;

/** Packs keys into the {@code long}s of a {@link RouteIndex}. */
final class Latin1 {
    private Latin1() {
    }

    /**
     * Writes {@code key}'s chars into {@code into} from {@code at}, 8 to a long, the first in the
     * low byte, and returns the number of longs written.
     *
     * @throws IllegalArgumentException if a char is outside Latin-1 (validated hosts and paths are
     *     ASCII, so this names a bug, not bad input)
     */
    static int pack(String key, long[] into, int at, String what) {
        for (int i = 0; i < key.length(); i++) {
            into[at + (i >>> 3)] |= (long) check(key, i, what) << ((i & 7) << 3);
        }
        return (key.length() + 7) >>> 3;
    }

    /** The chars of a segment of at most 8, a byte each, the first in the low byte, as a match reads them. */
    static long word(String segment, String what) {
        long[] word = new long[1];
        pack(segment, word, 0, what);
        return word[0];
    }

    private static char check(String key, int i, String what) {
        char c = key.charAt(i);
        if (c > 0xFF) {
            throw new IllegalArgumentException(what + " \"" + key + "\" has a char outside Latin-1");
        }
        return c;
    }
}
