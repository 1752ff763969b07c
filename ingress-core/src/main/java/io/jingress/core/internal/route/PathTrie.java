package io.jingress.core.internal.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code Exact} and {@code Prefix} paths of one host while a table is compiled: a mutable
 * segment trie that answers which path is already taken. {@link RouteIndex} lays it out for
 * matching; the first value added for a path is kept.
 *
 * @param <V> the value type (a route)
 */
public final class PathTrie<V> {
    private final Map<String, V> exact = new HashMap<>();
    private final Node<V> root = new Node<>();

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
        Node<V> node = root;
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

    /** Sets an Exact path's value, replacing any; returns the value replaced, or {@code null}. */
    public V putExact(String path, V value) {
        return exact.put(path, value);
    }

    /** Sets a Prefix path's value (trailing slash ignored), replacing any; returns the value replaced, or {@code null}. */
    public V putPrefix(String path, V value) {
        Node<V> node = nodeOf(root, path);
        V old = node.prefix;
        node.prefix = value;
        return old;
    }

    /** Adds a Prefix path; returns the value already there, or {@code null} when added. */
    public V addPrefix(String path, V value) {
        Node<V> node = nodeOf(root, path);
        if (node.prefix != null) {
            return node.prefix;
        }
        node.prefix = value;
        return null;
    }

    private static <V> Node<V> nodeOf(Node<V> root, String path) {
        Node<V> node = root;
        int n = path.length();
        int i = 1;
        while (i < n) {
            int slash = path.indexOf('/', i);
            int end = slash < 0 ? n : slash;
            if (end > i) {
                node = node.child(path.substring(i, end));
            }
            i = end + 1;
        }
        return node;
    }

    /** The Prefix value of the path {@code /}, or {@code null}. */
    V rootPrefix() {
        return root.prefix;
    }

    /**
     * Every node but the root, a parent before its children, each with its Prefix value and the
     * Exact value of its path. An Exact path with a trailing slash ({@code /a/}, or {@code /}) is
     * a child with an empty segment ({@code a} then {@code ""}): a normalised request path has an
     * empty segment only at its end, so only a path ending in a slash looks for one.
     */
    List<Flat<V>> flatten() {
        exact.forEach((path, value) -> {
            // a normalised request path has no "//", so an Exact path with one never matches
            if (!path.contains("//")) {
                Node<V> node = nodeOf(root, path); // a node without Prefix value changes no findPrefix
                if (path.endsWith("/")) {
                    node = node.child("");
                }
                node.exact = value;
            }
        });
        List<Flat<V>> out = new ArrayList<>();
        collect(root, -1, out);
        return out;
    }

    private static <V> void collect(Node<V> node, int parent, List<Flat<V>> out) {
        for (Map.Entry<String, Node<V>> child : node.children.entrySet()) {
            int e = out.size();
            Node<V> childNode = child.getValue();
            out.add(new Flat<>(child.getKey(), parent, childNode.prefix, childNode.exact));
            collect(childNode, e, out);
        }
    }

    /** A node in {@link #flatten()} order; {@code parent} is the parent's place in it, -1 for the root. */
    record Flat<V>(String segment, int parent, V prefix, V exact) {
    }

    private static final class Node<V> {
        private final Map<String, Node<V>> children = new HashMap<>();
        private V prefix;
        private V exact;

        Node<V> child(String segment) {
            return children.computeIfAbsent(segment, s -> new Node<>());
        }
    }
}
