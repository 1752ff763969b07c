package io.jingress.core.internal.route;

import java.util.Locale;
import java.util.Map;

/**
 * An immutable open-addressing map from lower-case host names to values, looked up by a char
 * range of a request's Host header, ASCII case-insensitively, without allocating.
 *
 * @param <V> the value type
 */
public final class HostIndex<V> {
    private final String[] keys;
    private final Object[] values;
    private final int mask;
    private final int size;

    /** An index of {@code entries}; keys are lower-cased. */
    public HostIndex(Map<String, V> entries) {
        int capacity = Integer.highestOneBit(Math.max(4, entries.size() * 2 - 1)) << 1;
        keys = new String[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        size = entries.size();
        for (Map.Entry<String, V> entry : entries.entrySet()) {
            String key = entry.getKey().toLowerCase(Locale.ROOT);
            int slot = hash(key, 0, key.length()) & mask;
            while (keys[slot] != null && !keys[slot].equals(key)) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = entry.getValue();
        }
    }

    public int size() {
        return size;
    }

    /** The value for the host {@code text[from, to)}, compared ignoring ASCII case, or {@code null}. */
    @SuppressWarnings("unchecked")
    public V get(String text, int from, int to) {
        if (size == 0 || from >= to) {
            return null;
        }
        int slot = hash(text, from, to) & mask;
        int length = to - from;
        String key;
        while ((key = keys[slot]) != null) {
            if (key.length() == length && equalsIgnoreAsciiCase(key, text, from)) {
                return (V) values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    private static boolean equalsIgnoreAsciiCase(String lowerKey, String text, int from) {
        for (int i = 0, n = lowerKey.length(); i < n; i++) {
            if (lowerKey.charAt(i) != toLower(text.charAt(from + i))) {
                return false;
            }
        }
        return true;
    }

    static int hash(String text, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + toLower(text.charAt(i));
        }
        // Names differ in a few characters (svc1.example.com, svc2.example.com), so 31-based hashes
        // land in neighbouring slots and linear probing degrades into long runs: scramble them
        // (Fibonacci hashing) before the low bits are used as the slot.
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    private static char toLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
