package io.jingress.core.internal.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The paths of one or many hosts: their {@code Exact} paths and segment tries of their
 * {@code Prefix} paths, flattened into one hash table over primitive arrays. A {@link Builder}
 * makes the index of one host; {@link #concat} joins many into one, so a router finds a host's
 * paths from the host's number without a pointer per host to follow. Immutable once built;
 * {@link #match} makes one pass over the request path by index and allocates nothing.
 *
 * @param <V> the value type (a route)
 */
public final class PathIndex<V> {
    private static final int NONE = -1;
    private static final int PREFIX = 0;       // offsets of a node's three values in {@link #values}
    private static final int EXACT = 1;        // the Exact path without trailing slash ("/a/b")
    private static final int EXACT_SLASH = 2;  // the Exact path with it ("/a/b/")

    // The segment tries, flattened into one open-addressing table whose slots are the nodes. A
    // node's hash covers its host's seed and its whole prefix ("/a/b"), but only its last segment
    // is stored and compared, with its parent's slot, which the walk has just verified (a
    // first-level node's parent is rootOf(host), so hosts whose seeds collide stay apart). A node holds a Prefix value and the two Exact
    // values of its path; every ancestor of a path has a node, so the walk stops at the first
    // segment not found and never hashes the rest of the path. A probe reads one slot (24 bytes:
    // hash, parent, where the segment is, its last 8 chars) and, found, the values, addressed by
    // the slot (and the segment bytes when it is longer than 8); the probes of one walk depend only on the seed and the request path,
    // not on each other nor on the host lookup, so the CPU overlaps their cache misses.
    private final long[] slots;     // per slot: (pool start << 32 | segment length + 1; 0 = empty),
                                    // (hash << 32 | parent), the segment's last 8 chars (see match)
    private final byte[] pool;      // each node's last segment
    private final Object[] values;  // per slot: Prefix value, Exact value, Exact-with-slash value
    private final Object[] roots;   // per host: the Prefix path "/" and the Exact path "/"
    private final int mask;         // slots - 1
    private final Nodes nodes;      // this host's nodes, kept by a Builder's index for concat()

    private PathIndex(long[] slots, byte[] pool, Object[] values, Object[] roots, Nodes nodes) {
        this.slots = slots;
        this.pool = pool;
        this.values = values;
        this.roots = roots;
        this.mask = slots.length / 3 - 1;
        this.nodes = nodes;
    }

    public static <V> Builder<V> builder() {
        return new Builder<>();
    }

    /** The number of hosts whose paths this index holds. */
    public int hosts() {
        return roots.length / 2;
    }

    /**
     * One index of the paths of {@code parts}, each made by a {@link Builder}; the host of
     * {@code parts.get(k)} is number {@code k} with seed {@code seeds[k]} in
     * {@link #match(int, int, String)}.
     */
    public static <V> PathIndex<V> concat(List<PathIndex<V>> parts, int[] seeds) {
        if (seeds.length != parts.size()) {
            throw new IllegalArgumentException(parts.size() + " parts but " + seeds.length + " seeds");
        }
        List<Nodes> all = new ArrayList<>(parts.size());
        for (PathIndex<V> part : parts) {
            if (part.nodes == null) {
                throw new IllegalArgumentException("only an index made by a Builder can be concatenated");
            }
            all.add(part.nodes);
        }
        return layout(all, seeds);
    }

    private static <V> PathIndex<V> layout(List<Nodes> parts, int[] seeds) {
        int count = 0;
        int bytes = 0;
        for (Nodes part : parts) {
            count += part.segments.length;
            for (String segment : part.segments) {
                bytes += segment.length();
            }
        }
        int capacity = Integer.highestOneBit(Math.max(2, count * 2 - 1)) << 1;
        long[] slots = new long[capacity * 3];
        byte[] pool = new byte[bytes];
        Object[] values = new Object[capacity * 3];
        Object[] roots = new Object[parts.size() * 2];
        int at = 0;
        for (int host = 0; host < parts.size(); host++) {
            Nodes part = parts.get(host);
            roots[host * 2] = part.rootPrefix;
            roots[host * 2 + 1] = part.rootExact;
            int[] slotOf = new int[part.segments.length];
            for (int e = 0; e < part.segments.length; e++) { // parents come before their children
                int parent = part.parents[e] == NONE ? rootOf(host) : slotOf[part.parents[e]];
                int mixed = mixed(part.hashes[e], seeds[host]);
                int slot = mixed & (capacity - 1);
                while (slots[slot * 3] != 0) {
                    slot = (slot + 1) & (capacity - 1);
                }
                slotOf[e] = slot;
                int start = at;
                at = Latin1.copy(part.segments[e], pool, at, "path");
                slots[slot * 3] = ((long) start << 32) | (at - start + 1);
                slots[slot * 3 + 1] = ((long) mixed << 32) | (parent & 0xFFFFFFFFL);
                slots[slot * 3 + 2] = lastChars(part.segments[e]);
                System.arraycopy(part.values, e * 3, values, slot * 3, 3);
            }
        }
        return new PathIndex<>(slots, pool, values, roots, parts.size() == 1 ? parts.get(0) : null);
    }

    /** {@link #match(int, int, String)} on host 0, the only one of an index from a {@link Builder}. */
    public V match(String path) {
        return match(0, 0, path);
    }

    /**
     * The value of host {@code host}'s longest matching path: an {@code Exact} path equal to
     * {@code path}, else the longest {@code Prefix} whose segments are a prefix of the path's
     * segments, else {@code null}.
     *
     * <p>The slots probed depend on {@code seed} and the path only, not on {@code host}: a caller
     * that knows the seed before it has finished looking the host up (its hash, say) lets the CPU
     * fetch the path's slots while the host's are still on their way.
     *
     * @param host the host's number (its place in {@link #concat})
     * @param seed the seed given to {@link #concat} for that host
     * @param path a normalised request path (starts with {@code /}, no {@code //}, no dot segments)
     */
    @SuppressWarnings("unchecked")
    public V match(int host, int seed, String path) {
        Object best = roots[host * 2];
        int n = path.length();
        int h = 0;
        int segment = 1;            // start of the current segment
        int node = rootOf(host);    // the slot of path[0, segment - 1)
        long word = 0;              // the current segment's last 8 chars, a byte each
        int wide = 0;               // its chars or-ed: above 0xFF, word is not the segment
        for (int i = 0; i < n; i++) {
            char c = path.charAt(i);
            if (c == '/') {
                if (i > segment) {
                    node = find(mixed(h, seed), node, word, wide, path, segment, i);
                    if (node == NONE) {
                        return (V) best;
                    }
                    Object prefix = values[node * 3 + PREFIX];
                    if (prefix != null) {
                        best = prefix;
                    }
                }
                segment = i + 1;
                word = 0;
                wide = 0;
            } else {
                word = (word << 8) | c;
                wide |= c;
            }
            h = step(h, c);
        }
        Object exact;
        if (n > segment) {
            node = find(mixed(h, seed), node, word, wide, path, segment, n);
            if (node == NONE) {
                return (V) best;
            }
            Object prefix = values[node * 3 + PREFIX];
            if (prefix != null) {
                best = prefix;
            }
            exact = values[node * 3 + EXACT];
        } else {
            // at the root the path is "/" (or empty, which is no Exact path)
            exact = node >= 0 ? values[node * 3 + EXACT_SLASH] : n == 1 ? roots[host * 2 + 1] : null;
        }
        return (V) (exact != null ? exact : best);
    }

    // The slot of the node whose last segment is path[from, to) (whose last 8 chars are word) and
    // whose parent is parent. A segment of at most 8 Latin-1 chars is compared as one long, without
    // reading the pool (most are: "api", "v1", "users").
    private int find(int mixed, int parent, long word, int wide, String path, int from, int to) {
        long[] table = slots;
        long key = ((long) mixed << 32) | (parent & 0xFFFFFFFFL);
        int length = to - from;
        boolean inline = length <= 8 && wide <= 0xFF;
        int slot = mixed & mask;
        long where;
        while ((where = table[slot * 3]) != 0) {
            if (table[slot * 3 + 1] == key && (int) where - 1 == length && table[slot * 3 + 2] == word
                    && (inline || regionEquals((int) (where >>> 32), path, from, to))) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return NONE;
    }

    private boolean regionEquals(int start, String path, int from, int to) {
        byte[] p = pool;
        for (int i = from; i < to; i++, start++) {
            if ((p[start] & 0xFF) != path.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    // as match() builds it: a byte per char, the last 8 chars kept
    private static long lastChars(String segment) {
        long word = 0;
        for (int i = 0; i < segment.length(); i++) {
            word = (word << 8) | segment.charAt(i);
        }
        return word;
    }

    // the parent of a host's first-level nodes: negative, unlike a slot, and unlike NONE
    private static int rootOf(int host) {
        return -2 - host;
    }

    // the same prefix under two hosts (two seeds) must land in unrelated slots
    private static int mixed(int hash, int seed) {
        return HostIndex.mix(hash ^ (seed * 0x61C88647));
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

    /** One host's trie nodes in depth-first order (a parent before its children). */
    private static final class Nodes {
        final String[] segments;
        final int[] parents;    // node number, or NONE for a first-level node
        final int[] hashes;     // hash of the node's whole prefix
        final Object[] values;  // three per node
        final Object rootPrefix;
        final Object rootExact;

        Nodes(String[] segments, int[] parents, int[] hashes, Object[] values, Object rootPrefix, Object rootExact) {
            this.segments = segments;
            this.parents = parents;
            this.hashes = hashes;
            this.values = values;
            this.rootPrefix = rootPrefix;
            this.rootExact = rootExact;
        }
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
            int[] parentArray = new int[size];
            int[] hashes = new int[size];
            for (int e = 0; e < size; e++) {
                parentArray[e] = parents.get(e);
                hashes[e] = hash(keys.get(e));
            }
            Nodes nodes = new Nodes(segments.toArray(new String[0]), parentArray, hashes, vals.toArray(),
                    root.prefix, root.exactSlash);
            return layout(List.of(nodes), new int[1]);
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
