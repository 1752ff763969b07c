package io.jingress.core.internal.route;

import java.util.Locale;
import java.util.Map;

/**
 * An immutable open-addressing map from lower-case host names to values, looked up by a char
 * range of a request's Host header, ASCII case-insensitively, without allocating.
 *
 * <p>Laid out for few cache misses: a slot is one {@code long} holding the key's full hash and its
 * entry number, so a probe reads one array element and rarely touches a key; keys are Latin-1
 * bytes in one pool. The hash runs right to left, so one pass over a host also yields the hash of
 * every suffix after a dot ({@link #hashSuffixes}), which is the wildcard's key.
 *
 * @param <V> the value type
 */
public final class HostIndex<V> {
    private final long[] slots;   // (mixed hash << 32) | (entry + 1); 0 is an empty slot
    private final byte[] pool;    // every key's bytes, entry after entry
    private final int[] starts;   // entry e is pool[starts[e], starts[e + 1])
    private final Object[] values;
    private final int mask;
    private final int size;

    /** An index of {@code entries}; keys are lower-cased and must be Latin-1 (host names are ASCII). */
    public HostIndex(Map<String, V> entries) {
        size = entries.size();
        int capacity = Integer.highestOneBit(Math.max(4, size * 2 - 1)) << 1;
        slots = new long[capacity];
        mask = capacity - 1;
        values = new Object[size];
        starts = new int[size + 1];
        String[] keys = new String[size];
        int e = 0;
        int total = 0;
        for (Map.Entry<String, V> entry : entries.entrySet()) {
            keys[e] = entry.getKey().toLowerCase(Locale.ROOT);
            values[e] = entry.getValue();
            total += keys[e].length();
            e++;
        }
        pool = new byte[total];
        for (e = 0; e < size; e++) {
            String key = keys[e];
            starts[e + 1] = Latin1.copy(key, pool, starts[e], "host");
            int hash = mix(hash(key, 0, key.length()));
            int slot = hash & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = ((long) hash << 32) | (e + 1);
        }
    }

    public int size() {
        return size;
    }

    /** The value for the host {@code text[from, to)}, compared ignoring ASCII case, or {@code null}. */
    public V get(String text, int from, int to) {
        return from >= to ? null : get(text, from, to, hash(text, from, to));
    }

    /**
     * The value for the host {@code text[from, to)} whose {@link #hash} (or the suffix hash from
     * {@link #hashSuffixes}) is {@code hash}, or {@code null}.
     */
    @SuppressWarnings("unchecked")
    public V get(String text, int from, int to, int hash) {
        if (size == 0 || from >= to) {
            return null;
        }
        int mixed = mix(hash);
        int slot = mixed & mask;
        long s;
        while ((s = slots[slot]) != 0) {
            if ((int) (s >>> 32) == mixed) {
                int e = (int) s - 1;
                if (matches(e, text, from, to)) {
                    return (V) values[e];
                }
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    private boolean matches(int e, String text, int from, int to) {
        int start = starts[e];
        if (starts[e + 1] - start != to - from) {
            return false;
        }
        byte[] p = pool;
        for (int i = from; i < to; i++, start++) {
            if ((p[start] & 0xFF) != toLower(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The hash of the host {@code text[from, to)}, ignoring ASCII case. */
    public static int hash(String text, int from, int to) {
        int h = 0;
        for (int i = to - 1; i >= from; i--) {
            h = step(h, toLower(text.charAt(i)));
        }
        return h;
    }

    /**
     * Hashes {@code text[0, to)} in one pass: the whole name's hash in the low 32 bits, the hash of
     * the part after its first dot (the caller finds that dot) in the high 32 bits, both equal to
     * what {@link #hash} gives for those ranges.
     */
    public static long hashSuffixes(String text, int to) {
        int h = 0;
        int suffix = 0;
        for (int i = to - 1; i >= 0; i--) {
            char c = text.charAt(i);
            if (c == '.') {
                suffix = h;
            }
            h = step(h, toLower(c));
        }
        return ((long) suffix << 32) | (h & 0xFFFFFFFFL);
    }

    // One rotate and one xor per char: a short dependency chain (the hash of a 30-char host is on
    // every request's critical path); mix() spreads the bits before a slot is chosen.
    private static int step(int h, int c) {
        return Integer.rotateLeft(h, 5) ^ c;
    }

    // Names differ in a few characters (svc1.example.com, svc2.example.com): scramble the hash
    // (Fibonacci hashing) so they do not land in neighbouring slots and form long probe runs.
    static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    private static int toLower(char c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
