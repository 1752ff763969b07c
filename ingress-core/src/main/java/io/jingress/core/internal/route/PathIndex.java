package io.jingress.core.internal.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The paths of one host: its {@code Exact} paths and a segment trie of its {@code Prefix} paths,
 * flattened into one hash table over primitive arrays. Immutable once built; {@link #match} makes
 * one pass over the request path by index and allocates nothing.
 *
 * @param <V> the value type (a route)
 */
public final class PathIndex<V> {
    private static final int NONE = -1;
    private static final int PREFIX = 0;       // offsets of a node's three values in {@link #values}
    private static final int EXACT = 1;        // the Exact path without trailing slash ("/a/b")
    private static final int EXACT_SLASH = 2;  // the Exact path with it ("/a/b/")

    // The segment trie, flattened into one open-addressing table. A node's key is its whole prefix
    // ("/a/b") for the hash, but only its last segment is stored and compared, with its parent
    // node, which the walk has just verified. A node holds a Prefix value and the two Exact values
    // of its path; every ancestor of a path has a node, so the walk stops at the first segment not
    // found and never hashes the rest of the path. The probes of one walk depend only on the
    // request path, not on each other, so the CPU overlaps their cache misses.
    private final long[] slots;     // (mixed hash << 32) | (node + 1); 0 is an empty slot
    private final byte[] pool;      // each node's last segment
    private final int[] meta;       // per node: start in pool, end in pool, parent node
    private final Object[] values;  // per node: Prefix value, Exact value, Exact-with-slash value
    private final Object rootPrefix;
    private final Object rootExact; // the Exact path "/"
    private final int mask;
    private final int nodes;

    private PathIndex(long[] slots, byte[] pool, int[] meta, Object[] values, Object rootPrefix, Object rootExact) {
        this.slots = slots;
        this.pool = pool;
        this.meta = meta;
        this.values = values;
        this.rootPrefix = rootPrefix;
        this.rootExact = rootExact;
        this.mask = slots.length - 1;
        this.nodes = meta.length / 3;
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
    @SuppressWarnings("unchecked")
    public V match(String path) {
        Object best = rootPrefix;
        int n = path.length();
        if (nodes == 0) {
            return (V) (n == 1 && rootExact != null ? rootExact : best);
        }
        int h = 0;
        int segment = 1;      // start of the current segment
        int node = NONE;      // the node of path[0, segment - 1)
        for (int i = 0; i < n; i++) {
            char c = path.charAt(i);
            if (c == '/') {
                if (i > segment) {
                    node = find(h, node, path, segment, i);
                    if (node == NONE) {
                        return (V) best;
                    }
                    Object prefix = values[node * 3 + PREFIX];
                    if (prefix != null) {
                        best = prefix;
                    }
                }
                segment = i + 1;
            }
            h = step(h, c);
        }
        Object exact;
        if (n > segment) {
            node = find(h, node, path, segment, n);
            if (node == NONE) {
                return (V) best;
            }
            Object prefix = values[node * 3 + PREFIX];
            if (prefix != null) {
                best = prefix;
            }
            exact = values[node * 3 + EXACT];
        } else {
            exact = node == NONE ? rootExact : values[node * 3 + EXACT_SLASH];
        }
        return (V) (exact != null ? exact : best);
    }

    // the node for path[0, to) whose last segment is path[from, to) and whose parent is parent
    private int find(int hash, int parent, String path, int from, int to) {
        int mixed = HostIndex.mix(hash);
        int slot = mixed & mask;
        long s;
        while ((s = slots[slot]) != 0) {
            if ((int) (s >>> 32) == mixed) {
                int e = (int) s - 1;
                int m = e * 3;
                if (meta[m + 2] == parent && regionEquals(meta[m], meta[m + 1], path, from, to)) {
                    return e;
                }
            }
            slot = (slot + 1) & mask;
        }
        return NONE;
    }

    private boolean regionEquals(int start, int end, String path, int from, int to) {
        if (end - start != to - from) {
            return false;
        }
        byte[] p = pool;
        for (int i = from; i < to; i++, start++) {
            if ((p[start] & 0xFF) != path.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int step(int h, char c) {
        return Integer.rotateLeft(h, 5) ^ c; // see HostIndex.step
    }

    private static int hash(String key) {
        int h = 0;
        for (int i = 0; i < key.length(); i++) {
            h = step(h, key.charAt(i));
        }
        return h;
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
            return node == null ? null : node.prefix;
        }

        /** Adds a Prefix path; returns the value already there, or {@code null} when added. */
        public V addPrefix(String path, V value) {
            MutableNode<V> node = nodeOf(path);
            if (node.prefix != null) {
                return node.prefix;
            }
            node.prefix = value;
            return null;
        }

        private MutableNode<V> nodeOf(String path) {
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
            return node;
        }

        public PathIndex<V> build() {
            exact.forEach((path, value) -> {
                // a normalised request path has no "//", so an Exact path with one never matches
                if (!path.contains("//")) {
                    MutableNode<V> node = nodeOf(path);
                    if (path.endsWith("/")) {
                        node.exactSlash = value;
                    } else {
                        node.exact = value;
                    }
                }
            });
            List<String> keys = new ArrayList<>();     // whole prefix, for the hash
            List<String> segments = new ArrayList<>(); // last segment, the bytes kept
            List<Integer> parents = new ArrayList<>();
            List<Object> vals = new ArrayList<>();
            collect(root, "", NONE, keys, segments, parents, vals);
            int size = keys.size();
            int capacity = Integer.highestOneBit(Math.max(2, size * 2 - 1)) << 1;
            long[] slots = new long[capacity];
            int total = 0;
            for (String segment : segments) {
                total += segment.length();
            }
            byte[] pool = new byte[total];
            int[] meta = new int[size * 3];
            int at = 0;
            for (int e = 0; e < size; e++) {
                meta[e * 3] = at;
                at = Latin1.copy(segments.get(e), pool, at, "path");
                meta[e * 3 + 1] = at;
                meta[e * 3 + 2] = parents.get(e);
                int mixed = HostIndex.mix(hash(keys.get(e)));
                int slot = mixed & (capacity - 1);
                while (slots[slot] != 0) {
                    slot = (slot + 1) & (capacity - 1);
                }
                slots[slot] = ((long) mixed << 32) | (e + 1);
            }
            return new PathIndex<>(slots, pool, meta, vals.toArray(), root.prefix, root.exactSlash);
        }

        // depth first, so a node's data and its children's are near each other
        private static <V> void collect(MutableNode<V> node, String prefix, int entry, List<String> keys,
                List<String> segments, List<Integer> parents, List<Object> vals) {
            for (Map.Entry<String, MutableNode<V>> child : node.children.entrySet()) {
                String key = prefix + "/" + child.getKey();
                int e = keys.size();
                MutableNode<V> childNode = child.getValue();
                keys.add(key);
                segments.add(child.getKey());
                parents.add(entry);
                vals.add(childNode.prefix);
                vals.add(childNode.exact);
                vals.add(childNode.exactSlash);
                collect(childNode, key, e, keys, segments, parents, vals);
            }
        }
    }

    private static final class MutableNode<V> {
        private final Map<String, MutableNode<V>> children = new HashMap<>();
        private V prefix;
        private V exact;
        private V exactSlash;
    }
}
