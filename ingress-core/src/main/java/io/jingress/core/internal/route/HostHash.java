package io.jingress.core.internal.route;

/** The hashes of host names and paths that {@link RouteIndex} is keyed by. */
final class HostHash {
    private HostHash() {
    }

    /** The hash of the host {@code text[from, to)}, ignoring ASCII case ({@link #fold}). */
    static int hash(String text, int from, int to) {
        int h = 0;
        for (int i = to - 1; i >= from; i--) {
            h = step(h, fold(text.charAt(i)));
        }
        return h;
    }

    /**
     * Hashes {@code text[0, to)} in one pass, right to left: the whole name's hash in the low 32
     * bits, the hash of the part after its first dot (the caller finds that dot) in the high 32
     * bits, both equal to what {@link #hash} gives for those ranges.
     */
    static long hashSuffixes(String text, int to) {
        int h = 0;
        int suffix = 0;
        int i = to - 1;
        // Two chars a step: step(step(h, r), l) = rotl(h, 10) ^ (r << 5) ^ l for chars r and l, so
        // the running hash, on every request's critical path, waits for one rotate and one xor per
        // two chars; the chars' part is computed beside it.
        for (; i >= 1; i -= 2) {
            char right = text.charAt(i);
            char left = text.charAt(i - 1);
            int foldedRight = fold(right);
            if (right == '.') {
                suffix = h;
            }
            if (left == '.') {
                suffix = step(h, foldedRight);
            }
            h = Integer.rotateLeft(h, 10) ^ ((foldedRight << 5) ^ fold(left));
        }
        if (i == 0) {
            char c = text.charAt(0);
            if (c == '.') {
                suffix = h;
            }
            h = step(h, fold(c));
        }
        return ((long) suffix << 32) | (h & 0xFFFFFFFFL);
    }

    /** The hash of a path, as {@link RouteIndex#match} builds it char by char. */
    static int path(String segment) {
        int h = 0;
        for (int i = 0; i < segment.length(); i++) {
            h = step(h, segment.charAt(i));
        }
        return h;
    }

    // One rotate and one xor per char: a short dependency chain (the hash of a 30-char host is on
    // every request's critical path); mix() spreads the bits before a slot is chosen.
    static int step(int h, int c) {
        return Integer.rotateLeft(h, 5) ^ c;
    }

    // Names differ in a few characters (svc1.example.com, svc2.example.com): scramble the hash
    // (Fibonacci hashing) so they do not land in neighbouring slots and form long probe runs.
    static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    /**
     * Folds ASCII capitals to lower case, without a branch: a host name's other chars (lower case
     * letters, digits, '-', '.') have the 0x20 bit set already. Other chars fold onto chars no key
     * has (which RouteIndexLayout checks), except control chars, which a key compare rejects
     * (see RouteIndex.keyEquals).
     */
    static int fold(int c) {
        return c | 0x20;
    }
}
