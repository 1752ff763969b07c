package io.jingress.core.internal.route;

import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Every host of a route table and its paths, laid out for matching: immutable, looked up by char
 * ranges of a request's host and path without allocating, in time proportional to their length.
 *
 * <p>Laid out for few cache lines and dependent loads per match: at 100,000 rules the index is
 * megabytes, more than a core's cache, so each line a match touches is a miss and each miss that
 * waits on another adds its latency. A host table of 16-byte slots (the key's hash, where its
 * node table is, its length, the node table's size, where its values are) leads to the host's
 * <em>region</em> of one {@code long[]}: the host name's bytes, then right after them a small hash
 * table of the host's path-segment trie nodes (16 bytes a node), then the bytes of its segments
 * longer than 8 chars. Once the host's slot is read, the name's bytes and the path's nodes are
 * fetched at once, a few lines on one or two pages; then one value, a host's values lying
 * together in one array.
 *
 * <p>Host slot {@code k} is {@code hosts[2k]}: the key's mixed hash &lt;&lt; 32 | its node table's
 * index in {@code data}; {@code hosts[2k + 1]}: its first value's index &lt;&lt; 32 | (key length
 * &lt;&lt; 1 | wildcard) &lt;&lt; 23 | 1 &lt;&lt; 22 if the first value is the Prefix path "/" |
 * node table capacity; 0 for an empty slot. The rules without host have the slot after the last.
 * The key is the {@link #keyLongs} longs before the node table, Latin-1, 8 chars to a long, the
 * first in the low byte. A node slot is two longs: a segment of up to 8 chars, a byte each, the
 * first in the low byte (for a longer one the hash of the segment in the low 32 bits,
 * where its bytes are in the high 32); and its meta: its parent's slot + 1 (0: the root), its
 * segment's length, whether it has a Prefix value, an Exact value, children, and its only child in
 * the next slot, and its first value's place after the host's first value. Meta 0 is an empty
 * slot. A node whose only child is in the next slot keeps a path's chain of single segments
 * ("/api/v1/users") in adjacent slots, so a walk down it reads one or two cache lines, not one
 * per segment; its child is looked up in that slot alone.
 *
 * <p>A request's host and path are read from a copy of their bytes 8 at a time ({@link Swar}):
 * hashed, folded to lower case, compared with a key and split at {@code '/'} a word at a time. A
 * probe starts where the hash of the host, or of the whole prefix path, says.
 *
 * @param <V> the value type (a route)
 */
public final class RouteIndex<V> {
    static final int WILDCARD_SEED = 0x2545F491;

    static final int PARENT_BITS = 20;
    static final int LENGTH_BITS = 20;
    static final long KEY_MASK = (1L << (PARENT_BITS + LENGTH_BITS)) - 1;  // parent and length
    static final long PREFIX = 1L << 40;
    static final long EXACT = 1L << 41;
    static final long CHILDREN = 1L << 42;
    static final long NEXT = 1L << 43;  // its only child is in the next slot
    static final int VALUE_SHIFT = 44;

    static final int CAPACITY_BITS = 22;
    static final long ROOT_PREFIX = 1L << 22;
    static final int KEY_SHIFT = 23;
    static final int MAX_KEY = 255;  // host names are at most 253 chars

    private final long[] hosts;     // two longs a slot, see above
    private final int hostMask;
    private final long[] data;      // the regions
    private final Object[] values;  // each host's values together
    private final int anyHost;      // the slot of the rules without host, or -1
    private final int lastBase;     // the first value of the hosts laid out last, or values.length

    RouteIndex(long[] hosts, long[] data, Object[] values, boolean anyHost, int lastBase) {
        this.lastBase = lastBase;
        this.hosts = hosts;
        this.hostMask = hosts.length / 2 - 2;
        this.data = data;
        this.values = values;
        this.anyHost = anyHost ? hosts.length / 2 - 1 : -1;
    }

    /**
     * An index of exact hosts, wildcard hosts (keyed by the name after {@code *.}) and the paths
     * of the rules without host ({@code null}: none). Host keys are lower case.
     */
    public static <V> RouteIndex<V> of(Map<String, PathTrie<V>> exactHosts, Map<String, PathTrie<V>> wildcardHosts,
            PathTrie<V> anyHost) {
        return of(exactHosts, wildcardHosts, anyHost, value -> false);
    }

    /**
     * As {@link #of(Map, Map, PathTrie)}, with the values of the hosts whose Prefix path "/" has a
     * value that {@code last} accepts numbered after all others, from {@link #lastBase()} on: a
     * caller tells any of their values from the others by one comparison.
     */
    public static <V> RouteIndex<V> of(Map<String, PathTrie<V>> exactHosts, Map<String, PathTrie<V>> wildcardHosts,
            PathTrie<V> anyHost, Predicate<? super V> last) {
        return new RouteIndexLayout<V>(exactHosts, wildcardHosts, anyHost, last).build();
    }

    /**
     * The first {@link #valueIndex} of the hosts laid out last (see {@link #of(Map, Map, PathTrie,
     * Predicate)}): every value from here on is theirs; the number of values when there are none.
     */
    public int lastBase() {
        return lastBase;
    }

    /**
     * The host of the host name {@code name[0, end)} (compared ignoring ASCII case) for
     * {@link #match}: its own if it has rules, else its wildcard's ({@code *.} and the name after
     * its first label), else the rules without host ({@link #anyHost()}); -1 if none has rules.
     */
    public int host(String name, int end) {
        if (end > 0) {
            byte[] bytes = Swar.copy(name, end);
            int slot = find(bytes, 0, end, 0);
            if (slot < 0) {
                int dot = name.indexOf('.');
                if (dot > 0 && dot < end - 1) {
                    slot = find(bytes, dot + 1, end, 1);
                }
            }
            // a char outside Latin-1 was copied as its low byte: such a name is no key's
            if (slot >= 0 && Swar.latin1End(name, end) == end) {
                return slot;
            }
        }
        return anyHost;
    }

    /**
     * The host of the wildcard {@code *.} + {@code name[from, end)} (compared ignoring ASCII case),
     * or -1: for Gateway API wildcards, which take any number of labels.
     */
    public int wildcard(String name, int from, int end) {
        byte[] bytes = Swar.copy(name, end);
        int slot = find(bytes, from, end, 1);
        return slot >= 0 && Swar.latin1End(name, end) == end ? slot : -1;
    }

    /** The host of the rules without host, or -1. */
    public int anyHost() {
        return anyHost;
    }

    // A wildcard key's hash is seeded, so "*.example.com" and "example.com" sit in different slots
    // and the slot's wildcard bit tells them apart when the names are the same.
    private int find(byte[] bytes, int from, int to, int wildcard) {
        long[] h = hosts;
        int mixed = (int) (Swar.hostHash(bytes, from, to, wildcard * WILDCARD_SEED) >>> 32);
        int slot = mixed & hostMask;
        long info;
        while ((info = h[2 * slot + 1]) != 0) {
            long where = h[2 * slot];
            if ((int) (where >>> 32) == mixed && ((info >>> KEY_SHIFT) & 0x1FF) == (((to - from) << 1) | wildcard)
                    && keyEquals((int) where - keyLongs(to - from), bytes, from, to)) {
                return slot;
            }
            slot = (slot + 1) & hostMask;
        }
        return -1;
    }

    // the key's bytes are lower case: a control char or a byte above 0x7F equals none of them
    private boolean keyEquals(int at, byte[] bytes, int from, int to) {
        long[] d = data;
        for (int i = from; i < to; i += 8, at++) {
            long word = Swar.lower(Swar.read(bytes, i)) & Swar.mask(to - i);
            if (word != d[at]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The value of the longest matching path of host {@code host} ({@link #host}), or
     * {@code null}; see {@link #valueIndex}.
     */
    @SuppressWarnings("unchecked")
    public V match(int host, String path) {
        int value = valueIndex(host, path);
        return value < 0 ? null : (V) values[value];
    }

    /**
     * The values in the order {@link #valueIndex} numbers them, in an array made by
     * {@code newArray}: a caller that looks its values up in an array of their own type reads
     * nothing of the value itself, not even its class, to match.
     */
    public V[] values(IntFunction<V[]> newArray) {
        V[] typed = newArray.apply(values.length);
        System.arraycopy(values, 0, typed, 0, values.length);
        return typed;
    }

    /**
     * Where in {@link #values} the value of the longest matching path of host {@code host}
     * ({@link #host}) is: an {@code Exact} path equal to {@code path}, else the longest
     * {@code Prefix} whose segments are a prefix of the path's segments; -1 if none matches.
     *
     * @param path a normalised request path (starts with {@code /}, no {@code //}, no dot segments)
     */
    public int valueIndex(int host, String path) {
        long[] d = data;
        int table = (int) hosts[2 * host];
        long info = hosts[2 * host + 1];
        int capacity = (int) info & ((1 << CAPACITY_BITS) - 1);
        int base = (int) (info >>> 32);
        int best = (info & ROOT_PREFIX) != 0 ? base : -1;  // the value of the longest Prefix so far
        int n = path.length();
        if (n == 0) {
            return best;
        }
        byte[] bytes = Swar.copy(path, n);              // a '/' at n ends the last segment
        int latin1 = Swar.latin1End(path, n);          // no node has a segment from there on
        int parent = 0;                                // the slot + 1 of the node of the path so far
        boolean children = true;                       // whether that node has any
        boolean next = false;                          // whether its only child is in the next slot
        long hash = 0;                                 // the hash of the path so far
        int from = 1;                                  // where the current segment starts
        while (children) {
            long first = Swar.read(bytes, from);
            int to = from + Swar.slash(first);
            if (to - from == 8) {
                to = slash(bytes, to);
            }
            if (to == from && to < n) {
                from++;  // "//" in a path that is not normal: the empty segment is no segment
                continue;
            }
            int length = to - from;
            long segment = length <= 8 ? first & Swar.mask(length) : Swar.segmentHash(bytes, from, to);
            hash = Swar.step(hash, segment);
            int slot = to > latin1 ? -1 : find(d, table, capacity, parent, next, hash, segment, bytes, from, to);
            if (slot < 0) {
                return best;
            }
            long meta = d[table + 2 * slot + 1];
            int value = base + (int) (meta >>> VALUE_SHIFT);
            if ((meta & PREFIX) != 0) {
                best = value++;
            }
            if (to == n) {
                // the last segment, or after a trailing slash the empty one that holds the Exact path "/a/"
                return (meta & EXACT) != 0 ? value : best;
            }
            parent = slot + 1;
            children = (meta & CHILDREN) != 0;
            next = (meta & NEXT) != 0;
            from = to + 1;
        }
        // past a leaf no probe is needed: a prefix hit ("/api" for "/api/users/7") ends there
        return best;
    }

    // the first '/' from at, which is past a segment's first 8 bytes; the copy's sentinel ends the search
    private static int slash(byte[] bytes, int at) {
        int found;
        while ((found = Swar.slash(Swar.read(bytes, at))) == 8) {
            at += 8;
        }
        return at + found;
    }

    // The slot of the node whose segment is bytes[from, to) (segment: its bytes if up to 8, else its
    // hash) under the node in slot parent - 1, or -1. The probe starts where the hash of the whole
    // prefix path says, not the parent: the probes of one path depend on the path alone, not on
    // each other, so the CPU fetches their cache lines at once. A segment of up to 8 chars is
    // compared as one long; most are ("api", "v1", "users").
    private static int find(long[] d, int table, int capacity, int parent, boolean next, long hash, long segment,
            byte[] bytes, int from, int to) {
        int length = to - from;
        boolean inline = length <= 8;
        long key = ((long) length << PARENT_BITS) | parent;
        long mask = inline ? -1L : 0xFFFFFFFFL;
        long expected = segment & mask;
        int slot = next ? (parent == capacity ? 0 : parent) : slotOf(hash, capacity);
        long meta;
        while ((meta = d[table + 2 * slot + 1]) != 0) {
            long stored = d[table + 2 * slot];
            if ((meta & KEY_MASK) == key && (stored & mask) == expected
                    && (inline || bytesEqual(d, (int) (stored >>> 32), bytes, from, to))) {
                return slot;
            }
            if (next) {
                return -1;
            }
            if (++slot == capacity) {
                slot = 0;
            }
        }
        return -1;
    }

    private static boolean bytesEqual(long[] d, int at, byte[] bytes, int from, int to) {
        for (int i = from; i < to; i += 8, at++) {
            if ((Swar.read(bytes, i) & Swar.mask(to - i)) != d[at]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the probe for the node of a prefix path (hash {@code prefixHash}, {@link Swar#step})
     * starts: any capacity, not only powers of two, so a table has no slack to round up to.
     */
    static int slotOf(long prefixHash, int capacity) {
        return (int) (((prefixHash >>> 32) * capacity) >>> 32);
    }

    /** The longs a key of {@code length} bytes takes, an even number so node slots are 16-byte aligned. */
    static int keyLongs(int length) {
        return ((length + 15) >>> 4) << 1;
    }
}
