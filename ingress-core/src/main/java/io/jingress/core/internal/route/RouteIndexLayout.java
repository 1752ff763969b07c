package io.jingress.core.internal.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/** Lays out the arrays of a {@link RouteIndex}; see there for the layout. */
final class RouteIndexLayout<V> {
    private static final int MAX_SLOTS = (1 << RouteIndex.PARENT_BITS) - 1;  // parent + 1 must fit
    private static final int MAX_SEGMENT = (1 << RouteIndex.LENGTH_BITS) - 1;
    private static final int MAX_VALUES = 1 << (64 - RouteIndex.VALUE_SHIFT);

    private final List<Host<V>> hosts = new ArrayList<>();
    private final Host<V> anyHost;
    private final Predicate<? super V> last;

    RouteIndexLayout(Map<String, PathTrie<V>> exactHosts, Map<String, PathTrie<V>> wildcardHosts, PathTrie<V> anyHost,
            Predicate<? super V> last) {
        this.last = last;
        exactHosts.forEach((key, trie) -> hosts.add(new Host<>(key.toLowerCase(Locale.ROOT), 0, trie)));
        wildcardHosts.forEach((key, trie) -> hosts.add(new Host<>(key.toLowerCase(Locale.ROOT), 1, trie)));
        this.anyHost = anyHost == null ? null : new Host<>("", 0, anyHost);
    }

    RouteIndex<V> build() {
        List<Host<V>> all = new ArrayList<>(hosts);
        if (anyHost != null) {
            all.add(anyHost);
        }
        // the hosts whose Prefix "/" value is marked go last, so their values are numbered from lastBase on
        List<Host<V>> marked = new ArrayList<>();
        all.removeIf(host -> host.rootPrefix != null && last.test(host.rootPrefix) && marked.add(host));
        all.addAll(marked);
        int longs = 0;
        int valueCount = 0;
        for (Host<V> host : all) {
            host.table = longs + RouteIndex.keyLongs(host.key.length());
            longs += host.longs();
            valueCount += host.valueCount();
        }
        long[] data = new long[longs];
        Object[] values = new Object[valueCount];
        int next = 0;
        int lastBase = valueCount;
        for (Host<V> host : marked) {
            lastBase -= host.valueCount();
        }
        for (Host<V> host : all) {
            next = host.write(data, values, next);
        }
        int capacity = Integer.highestOneBit(Math.max(1, hosts.size() + hosts.size() / 2)) << 1;
        long[] slots = new long[2 * (capacity + 1)];  // the last slot is the rules without host's
        for (Host<V> host : hosts) {
            int mixed = (int) (Swar.hostHash(Swar.bytesOf(host.key), 0, host.key.length(),
                    host.wildcard * RouteIndex.WILDCARD_SEED) >>> 32);
            int slot = mixed & (capacity - 1);
            while (slots[2 * slot + 1] != 0) {
                slot = (slot + 1) & (capacity - 1);
            }
            slots[2 * slot] = ((long) mixed << 32) | host.table;
            slots[2 * slot + 1] = host.info;
        }
        if (anyHost != null) {
            slots[2 * capacity] = anyHost.table;
            slots[2 * capacity + 1] = anyHost.info;
        }
        return new RouteIndex<>(slots, data, values, anyHost != null, lastBase);
    }

    private static final class Host<V> {
        final String key;
        final int wildcard;
        final V rootPrefix;
        final List<PathTrie.Flat<V>> nodes;
        final int capacity;
        int table;  // where the node table starts in data, the key right before it
        long info;  // the second long of the host slot

        Host(String key, int wildcard, PathTrie<V> trie) {
            this.key = key;
            this.wildcard = wildcard;
            this.rootPrefix = trie.rootPrefix();
            this.nodes = trie.flatten();
            // a load of at most 2/3 keeps a miss (a path this host does not serve) to a few probes
            this.capacity = nodes.size() + nodes.size() / 2 + 1;
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                // a request's name is compared in lower case (Swar.lower); validated hosts are DNS-1123 names
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                    throw new IllegalArgumentException("host " + describe() + " is not a DNS-1123 name");
                }
            }
            if (key.length() > RouteIndex.MAX_KEY) {
                throw new IllegalArgumentException("host " + describe() + " is longer than " + RouteIndex.MAX_KEY
                        + " chars");
            }
            if (capacity > MAX_SLOTS) {
                throw new IllegalArgumentException("host " + describe() + " has " + nodes.size()
                        + " path segments; at most " + (MAX_SLOTS * 2 / 3) + " are supported");
            }
        }

        String describe() {
            return key.isEmpty() ? "(any)" : wildcard == 1 ? "*." + key : key;
        }

        int longs() {
            int pool = 0;
            for (PathTrie.Flat<V> node : nodes) {
                int length = node.segment().length();
                if (length > MAX_SEGMENT) {
                    throw new IllegalArgumentException("host " + describe() + ": a path segment of " + length
                            + " chars is longer than the " + MAX_SEGMENT + " supported");
                }
                pool += length > 8 ? (length + 7) >>> 3 : 0;
            }
            return RouteIndex.keyLongs(key.length()) + 2 * capacity + pool + (pool & 1);
        }

        int valueCount() {
            int count = rootPrefix != null ? 1 : 0;
            for (PathTrie.Flat<V> node : nodes) {
                count += (node.prefix() != null ? 1 : 0) + (node.exact() != null ? 1 : 0);
            }
            if (count > MAX_VALUES) {
                throw new IllegalArgumentException("host " + describe() + " has " + count + " paths; at most "
                        + MAX_VALUES + " are supported");
            }
            return count;
        }

        // writes the region and the host's values from values[next]; returns the next free value
        int write(long[] data, Object[] values, int next) {
            int base = next;
            if (rootPrefix != null) {
                values[next++] = rootPrefix;
            }
            info = ((long) base << 32) | ((long) ((key.length() << 1) | wildcard) << RouteIndex.KEY_SHIFT)
                    | (rootPrefix != null ? RouteIndex.ROOT_PREFIX : 0) | capacity;
            Latin1.pack(key, data, table - RouteIndex.keyLongs(key.length()), "host");
            int pool = table + 2 * capacity;
            int count = nodes.size();
            int[] slotOf = new int[count];
            long[] segments = new long[count];  // a segment's bytes (up to 8) or its hash
            long[] hashes = new long[count];    // the hash of the node's prefix path
            int[] childCount = new int[count];
            for (int e = 0; e < count; e++) {
                PathTrie.Flat<V> node = nodes.get(e);
                if (node.parent() >= 0) {
                    childCount[node.parent()]++;
                }
                // the hash of the node's prefix path ("/a/b" for b under a; "/a/" for the empty child
                // that holds the Exact path "/a/"), built segment by segment as a match builds it
                String segment = node.segment();
                segments[e] = segment.length() <= 8 ? Latin1.word(segment, "path segment")
                        : Swar.segmentHash(Swar.bytesOf(segment), 0, segment.length());
                hashes[e] = Swar.step(node.parent() < 0 ? 0 : hashes[node.parent()], segments[e]);
            }
            // Hashed nodes first, then each only child in the slot after its parent if that is free
            // (a parent comes before its children, so a chain fills a run of slots), else hashed.
            boolean[] taken = new boolean[capacity];
            boolean[] nextSlot = new boolean[count];
            for (int pass = 0; pass < 2; pass++) {
                for (int e = 0; e < count; e++) {
                    int parent = nodes.get(e).parent();
                    boolean only = parent >= 0 && childCount[parent] == 1;
                    if (only != (pass == 1)) {
                        continue;
                    }
                    int slot;
                    int after = only ? (slotOf[parent] + 1 == capacity ? 0 : slotOf[parent] + 1) : -1;
                    if (only && !taken[after]) {
                        slot = after;
                        nextSlot[parent] = true;
                    } else {
                        slot = RouteIndex.slotOf(hashes[e], capacity);
                        while (taken[slot]) {
                            slot = slot + 1 == capacity ? 0 : slot + 1;
                        }
                    }
                    taken[slot] = true;
                    slotOf[e] = slot;
                }
            }
            for (int e = 0; e < count; e++) {
                PathTrie.Flat<V> node = nodes.get(e);
                String segment = node.segment();
                long word;
                if (segment.length() <= 8) {
                    word = segments[e];
                } else {
                    word = ((long) pool << 32) | (segments[e] & 0xFFFFFFFFL);
                    pool += Latin1.pack(segment, data, pool, "path segment");
                }
                int parent = node.parent() < 0 ? 0 : slotOf[node.parent()] + 1;
                long meta = ((long) (next - base) << RouteIndex.VALUE_SHIFT)
                        | ((long) segment.length() << RouteIndex.PARENT_BITS) | parent;
                if (node.prefix() != null) {
                    meta |= RouteIndex.PREFIX;
                    values[next++] = node.prefix();
                }
                if (node.exact() != null) {
                    meta |= RouteIndex.EXACT;
                    values[next++] = node.exact();
                }
                if (childCount[e] > 0) {
                    meta |= RouteIndex.CHILDREN;
                }
                if (nextSlot[e]) {
                    meta |= RouteIndex.NEXT;
                }
                data[table + 2 * slotOf[e]] = word;
                data[table + 2 * slotOf[e] + 1] = meta;
            }
            return next;
        }
    }
}
