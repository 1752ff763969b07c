package io.jingress.core.internal.route;

import java.util.HashMap;
import java.util.Map;

/**
 * The paths of one host: a map of {@code Exact} paths and a segment trie of {@code Prefix} paths.
 * Immutable once built; {@link #match} walks the request path by index and allocates nothing.
 *
 * @param <V> the value type (a route)
 */
public final class PathIndex<V> {
    private final Map<String, V> exact;
    private final TrieNode<V> root;

    private PathIndex(Map<String, V> exact, TrieNode<V> root) {
        this.exact = exact;
        this.root = root;
    }

    public static <V> Builder<V> builder() {
        return new Builder<>();
    }

    /**
     * The value of the longest matching path: an {@code Exact} path equal to {@code path}, else the
     * longest {@code Prefix} whose segments are a prefix of the path's segments, else {@code null}.
     *
     * @param path a normalised request path (starts with {@code /}, no {@code //}, no dot segments)
     */
    public V match(String path) {
        V hit = exact.get(path);
        if (hit != null) {
            return hit;
        }
        TrieNode<V> node = root;
        V best = node.value;
        int n = path.length();
        int i = 1;
        while (i < n) {
            int slash = path.indexOf('/', i);
            int end = slash < 0 ? n : slash;
            if (end > i) {
                node = node.child(path, i, end);
                if (node == null) {
                    break;
                }
                if (node.value != null) {
                    best = node.value;
                }
            }
            i = end + 1;
        }
        return best;
    }

    /** Builds a {@link PathIndex}; the first value added for a path is kept. */
    public static final class Builder<V> {
        private final Map<String, V> exact = new HashMap<>();
        private final MutableNode<V> root = new MutableNode<>();

        private Builder() {
        }

        /** Adds an Exact path; returns the value already there, or {@code null} when added. */
        public V addExact(String path, V value) {
            return exact.putIfAbsent(path, value);
        }

        /** The value already added for this Exact path, or {@code null}. */
        public V findExact(String path) {
            return exact.get(path);
        }

        /** The value already added for this Prefix path (trailing slash ignored), or {@code null}. */
        public V findPrefix(String path) {
            MutableNode<V> node = root;
            int n = path.length();
            int i = 1;
            while (i < n && node != null) {
                int slash = path.indexOf('/', i);
                int end = slash < 0 ? n : slash;
                if (end > i) {
                    node = node.children.get(path.substring(i, end));
                }
                i = end + 1;
            }
            return node == null ? null : node.value;
        }

        /** Adds a Prefix path; returns the value already there, or {@code null} when added. */
        public V addPrefix(String path, V value) {
            MutableNode<V> node = root;
            int n = path.length();
            int i = 1;
            while (i < n) {
                int slash = path.indexOf('/', i);
                int end = slash < 0 ? n : slash;
                if (end > i) {
                    node = node.children.computeIfAbsent(path.substring(i, end), s -> new MutableNode<>());
                }
                i = end + 1;
            }
            if (node.value != null) {
                return node.value;
            }
            node.value = value;
            return null;
        }

        public PathIndex<V> build() {
            return new PathIndex<>(exact.isEmpty() ? Map.of() : Map.copyOf(exact), root.freeze());
        }
    }

    private static final class MutableNode<V> {
        private final Map<String, MutableNode<V>> children = new HashMap<>();
        private V value;

        TrieNode<V> freeze() {
            String[] keys = null;
            Object[] nodes = null;
            int mask = 0;
            if (!children.isEmpty()) {
                int capacity = Integer.highestOneBit(Math.max(2, children.size() * 2 - 1)) << 1;
                keys = new String[capacity];
                nodes = new Object[capacity];
                mask = capacity - 1;
                for (Map.Entry<String, MutableNode<V>> child : children.entrySet()) {
                    String key = child.getKey();
                    int slot = TrieNode.hash(key, 0, key.length()) & mask;
                    while (keys[slot] != null) {
                        slot = (slot + 1) & mask;
                    }
                    keys[slot] = key;
                    nodes[slot] = child.getValue().freeze();
                }
            }
            return new TrieNode<>(value, keys, nodes, mask);
        }
    }

    private static final class TrieNode<V> {
        final V value;
        private final String[] keys;
        private final Object[] children;
        private final int mask;

        TrieNode(V value, String[] keys, Object[] children, int mask) {
            this.value = value;
            this.keys = keys;
            this.children = children;
            this.mask = mask;
        }

        @SuppressWarnings("unchecked")
        TrieNode<V> child(String path, int from, int to) {
            if (keys == null) {
                return null;
            }
            int slot = hash(path, from, to) & mask;
            int length = to - from;
            String key;
            while ((key = keys[slot]) != null) {
                if (key.length() == length && key.regionMatches(0, path, from, length)) {
                    return (TrieNode<V>) children[slot];
                }
                slot = (slot + 1) & mask;
            }
            return null;
        }

        static int hash(String text, int from, int to) {
            int h = 0;
            for (int i = from; i < to; i++) {
                h = 31 * h + text.charAt(i);
            }
            h *= 0x9E3779B9; // see HostIndex.hash: neighbouring hashes must not share probe runs
            return h ^ (h >>> 15);
        }
    }
}
