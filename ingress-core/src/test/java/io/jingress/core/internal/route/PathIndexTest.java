package io.jingress.core.internal.route;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PathIndexTest {

    @Test
    void anExactPathBeatsThePrefixOfTheSameText() {
        PathIndex.Builder<String> builder = PathIndex.builder();
        builder.addPrefix("/foo", "prefix");
        builder.addExact("/foo", "exact");
        PathIndex<String> index = builder.build();
        assertEquals("exact", index.match("/foo"));
        assertEquals("prefix", index.match("/foo/"));
        assertEquals("prefix", index.match("/foo/bar"));
    }

    @Test
    void aSegmentOnTheWayToALongerPrefixIsNoMatchOfItsOwn() {
        PathIndex.Builder<String> builder = PathIndex.builder();
        builder.addPrefix("/a/b/c", "abc");
        PathIndex<String> index = builder.build();
        assertNull(index.match("/a/b"));
        assertNull(index.match("/a/b/"));
        assertEquals("abc", index.match("/a/b/c/d"));
        assertNull(index.match("/a/b/cd"));
    }

    @Test
    void theSameSegmentUnderAnotherParentIsAnotherNode() {
        PathIndex.Builder<String> builder = PathIndex.builder();
        builder.addPrefix("/a/x", "ax");
        builder.addPrefix("/b", "b");
        PathIndex<String> index = builder.build();
        assertEquals("ax", index.match("/a/x/1"));
        assertEquals("b", index.match("/b/x/1"));
        assertNull(index.match("/c/x"));
    }

    @Test
    void theRootPrefixMatchesWhatNothingLongerDoes() {
        PathIndex.Builder<String> builder = PathIndex.builder();
        builder.addPrefix("/", "root");
        builder.addExact("/only", "only");
        PathIndex<String> index = builder.build();
        assertEquals("root", index.match("/"));
        assertEquals("root", index.match("/other/path"));
        assertEquals("only", index.match("/only"));
        assertEquals("root", index.match("/only/"));
    }

    @Test
    void anExactPathWithATrailingSlashIsAnotherPath() {
        PathIndex.Builder<String> builder = PathIndex.builder();
        builder.addExact("/a/", "a-slash");
        builder.addExact("/a/b", "ab");
        builder.addExact("/", "root");
        PathIndex<String> index = builder.build();
        assertEquals("a-slash", index.match("/a/"));
        assertNull(index.match("/a"));
        assertEquals("ab", index.match("/a/b"));
        assertNull(index.match("/a/b/"));
        assertNull(index.match("/a/b/c"));
        assertEquals("root", index.match("/"));
        assertNull(index.match(""), "an empty path is not the Exact path /");
    }

    @Test
    void concatenatedHostsKeepTheirOwnPaths() {
        PathIndex.Builder<String> first = PathIndex.builder();
        first.addPrefix("/a", "first-a");
        first.addExact("/x", "first-x");
        PathIndex.Builder<String> second = PathIndex.builder();
        second.addPrefix("/a/b", "second-ab");
        second.addPrefix("/", "second-root");
        PathIndex<String> index = PathIndex.concat(List.of(first.build(), second.build()), new int[] {11, 22});
        assertEquals(2, index.hosts());
        assertEquals("first-a", index.match(0, 11, "/a/b/c"));
        assertNull(index.match(0, 11, "/b"));
        assertEquals("first-x", index.match(0, 11, "/x"));
        assertEquals("second-ab", index.match(1, 22, "/a/b/c"));
        assertEquals("second-root", index.match(1, 22, "/a"));
        assertEquals("second-root", index.match(1, 22, "/x"));
    }

    @Test
    void anIndexWithoutPathsMatchesNothing() {
        PathIndex<String> index = PathIndex.<String>builder().build();
        assertNull(index.match("/"));
        assertNull(index.match("/a/b"));
    }

    @Test
    void agreesWithAPlainLongestMatchOnRandomPaths() {
        String[] words = {"a", "b", "api", "v1", "users", "x"};
        Random random = new Random(7);
        PathIndex.Builder<String> builder = PathIndex.builder();
        Map<String, String> exact = new HashMap<>();
        Map<String, String> prefixes = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            String path = randomPath(random, words);
            if (random.nextBoolean()) {
                if (builder.addExact(path, "e" + i) == null) {
                    exact.put(path, "e" + i);
                }
            } else if (builder.addPrefix(path, "p" + i) == null) {
                prefixes.put(path, "p" + i);
            }
        }
        PathIndex<String> index = builder.build();
        for (int i = 0; i < 5000; i++) {
            String path = randomPath(random, words) + (random.nextInt(4) == 0 ? "/" : "");
            assertEquals(longestMatch(exact, prefixes, path), index.match(path), path);
        }
    }

    private static String randomPath(Random random, String[] words) {
        StringBuilder sb = new StringBuilder();
        for (int d = random.nextInt(5); d >= 0; d--) {
            sb.append('/').append(words[random.nextInt(words.length)]);
        }
        return sb.toString();
    }

    private static String longestMatch(Map<String, String> exact, Map<String, String> prefixes, String path) {
        if (exact.containsKey(path)) {
            return exact.get(path);
        }
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        for (int k = segments.size(); k >= 1; k--) {
            String prefix = "/" + String.join("/", segments.subList(0, k));
            if (prefixes.containsKey(prefix)) {
                return prefixes.get(prefix);
            }
        }
        return null;
    }
}
