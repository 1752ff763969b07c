package io.jingress.core.internal.route;

import java.util.Locale;
import java.util.Map;

/**
 * An immutable open-addressing map from lower-case host names to values, looked up by a char
 * range of a request's Host header, ASCII case-insensitively, without allocating.
 *
 * <p>Laid out for few cache misses: a slot is two {@code long}s holding the key's full hash, its
 * entry number and where its Latin-1 bytes are in one pool, so a probe reads one slot, and a hit
 * one run of the pool, both found from the hash alone. The hash runs right to left, so one pass
 * over a host also yields the hash of the part after its first dot ({@link #hashSuffixes}), the
 * wildcard's key.
 *
 * @param <V> the value type
 */
public final class HostIndex<V> {
    private final long[] slots;   // per slot: (mixed hash << 32 | entry + 1; 0 = empty), (pool start << 32 | length)
    private final byte[] pool;    // every key's bytes, entry after entry
    private final Object[] values;
    private final int[] hashes;   // per entry: hash(key)
    private final int mask;
    private final int size;

    /** An index of {@code entries}; keys are lower-cased and must be Latin-1 (host names are ASCII). */
    public HostIndex(Map<String, V> entries) {
        size = entries.size();
        int capacity = Integer.highestOneBit(Math.max(4, size * 2 - 1)) << 1;
        slots = new long[capacity * 2];
        mask = capacity - 1;
        values = new Object[size];
        hashes = new int[size];
        int[] starts = new int[size + 1];
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
            hashes[e] = hash(key, 0, key.length());
            int hash = mix(hashes[e]);
            int slot = hash & mask;
            while (slots[slot * 2] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot * 2] = ((long) hash << 32) | (e + 1);
            slots[slot * 2 + 1] = ((long) starts[e] << 32) | key.length();
        }
    }

    private HostIndex(HostIndex<?> keys) {
        slots = keys.slots;
        pool = keys.pool;
        values = new Object[keys.size];
        hashes = keys.hashes;
        mask = keys.mask;
        size = keys.size;
    }

    /**
     * The same hosts with the same entry numbers ({@link #find}) and every value {@code null}, for
     * a caller that keeps its data by entry number and should not keep the values reachable.
     */
    public HostIndex<Void> keysOnly() {
        return new HostIndex<>(this);
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
        int e = find(text, from, to, hash);
        return e < 0 ? null : (V) values[e];
    }

    /**
     * The entry number ({@code 0 <= e < size()}) of the host {@code text[from, to)} whose
     * {@link #hash} is {@code hash}, or -1.
     */
    public int find(String text, int from, int to, int hash) {
        if (size == 0 || from >= to) {
            return -1;
        }
        int mixed = mix(hash);
        int slot = mixed & mask;
        long s;
        while ((s = slots[slot * 2]) != 0) {
            if ((int) (s >>> 32) == mixed) {
                long where = slots[slot * 2 + 1];
                if (matches((int) (where >>> 32), (int) where, text, from, to)) {
                    return (int) s - 1;
                }
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    /** The {@link #hash} of entry {@code e}'s key. */
    public int hash(int e) {
        return hashes[e];
    }

    /** The value of entry {@code e} (see {@link #find}). */
    @SuppressWarnings("unchecked")
    public V value(int e) {
        return (V) values[e];
    }

    private boolean matches(int start, int length, String text, int from, int to) {
        if (length != to - from) {
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
