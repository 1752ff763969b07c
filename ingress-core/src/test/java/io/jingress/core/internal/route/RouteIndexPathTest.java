package io.jingress.core.internal.route;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RouteIndexPathTest {

    // the paths of the rules without host, laid out as every host's are
    private static Paths paths(PathTrie<String> trie) {
        RouteIndex<String> index = RouteIndex.of(Map.of(), Map.of(), trie);
        return path -> index.match(index.anyHost(), path);
    }

    private interface Paths {
        String match(String path);
    }

    @Test
    void anExactPathBeatsThePrefixOfTheSameText() {
        PathTrie<String> builder = new PathTrie<>();
        builder.addPrefix("/foo", "prefix");
        builder.addExact("/foo", "exact");
        Paths index = paths(builder);
        assertEquals("exact", index.match("/foo"));
        assertEquals("prefix", index.match("/foo/"));
        assertEquals("prefix", index.match("/foo/bar"));
    }

    @Test
    void aSegmentOnTheWayToALongerPrefixIsNoMatchOfItsOwn() {
        PathTrie<String> builder = new PathTrie<>();
        builder.addPrefix("/a/b/c", "abc");
        Paths index = paths(builder);
        assertNull(index.match("/a/b"));
        assertNull(index.match("/a/b/"));
        assertEquals("abc", index.match("/a/b/c/d"));
        assertNull(index.match("/a/b/cd"));
    }

    @Test
    void theSameSegmentUnderAnotherParentIsAnotherNode() {
        PathTrie<String> builder = new PathTrie<>();
        builder.addPrefix("/a/x", "ax");
        builder.addPrefix("/b", "b");
        Paths index = paths(builder);
        assertEquals("ax", index.match("/a/x/1"));
        assertEquals("b", index.match("/b/x/1"));
        assertNull(index.match("/c/x"));
    }

    @Test
    void theRootPrefixMatchesWhatNothingLongerDoes() {
        PathTrie<String> builder = new PathTrie<>();
        builder.addPrefix("/", "root");
        builder.addExact("/only", "only");
        Paths index = paths(builder);
        assertEquals("root", index.match("/"));
        assertEquals("root", index.match("/other/path"));
        assertEquals("only", index.match("/only"));
        assertEquals("root", index.match("/only/"));
    }

    @Test
    void anExactPathWithATrailingSlashIsAnotherPath() {
        PathTrie<String> builder = new PathTrie<>();
        builder.addExact("/a/", "a-slash");
        builder.addExact("/a/b", "ab");
        builder.addExact("/", "root");
        Paths index = paths(builder);
        assertEquals("a-slash", index.match("/a/"));
        assertNull(index.match("/a"));
        assertEquals("ab", index.match("/a/b"));
        assertNull(index.match("/a/b/"));
        assertNull(index.match("/a/b/c"));
        assertEquals("root", index.match("/"));
        assertNull(index.match(""), "an empty path is not the Exact path /");
    }

    @Test
    void hostsKeepTheirOwnPaths() {
        PathTrie<String> first = new PathTrie<>();
        first.addPrefix("/a", "first-a");
        first.addExact("/x", "first-x");
        PathTrie<String> second = new PathTrie<>();
        second.addPrefix("/a/b", "second-ab");
        second.addPrefix("/", "second-root");
        RouteIndex<String> index = RouteIndex.of(Map.of("first.com", first, "second.com", second), Map.of(), null);
        int one = index.host("first.com", 9);
        int two = index.host("second.com", 10);
        assertEquals("first-a", index.match(one, "/a/b/c"));
        assertNull(index.match(one, "/b"));
        assertEquals("first-x", index.match(one, "/x"));
        assertEquals("second-ab", index.match(two, "/a/b/c"));
        assertEquals("second-root", index.match(two, "/a"));
        assertEquals("second-root", index.match(two, "/x"));
    }

    @Test
    void theValuesOfHostsWhoseRootValueIsMarkedAreNumberedAfterAllOthers() {
        Map<String, PathTrie<String>> hosts = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            PathTrie<String> trie = new PathTrie<>();
            trie.addPrefix("/", i % 5 == 0 ? "marked-" + i : "root-" + i);
            trie.addExact("/x", "x-" + i);
            trie.addPrefix("/a/b", "ab-" + i);
            hosts.put("h" + i + ".com", trie);
        }
        PathTrie<String> any = new PathTrie<>();
        any.addPrefix("/", "marked-any");
        RouteIndex<String> index = RouteIndex.of(hosts, Map.of(), any, value -> value.startsWith("marked-"));

        assertEquals(151 - 31, index.lastBase());  // 10 marked hosts of 3 values, and the rules without host
        String[] values = index.values(String[]::new);
        for (int i = 0; i < 50; i++) {
            String name = "h" + i + ".com";
            int host = index.host(name, name.length());
            boolean marked = i % 5 == 0;
            for (String path : new String[] {"/", "/x", "/a/b/c"}) {
                int value = index.valueIndex(host, path);
                assertEquals(marked, value >= index.lastBase(), name + path);
                assertEquals(path.equals("/x") ? "x-" + i : path.equals("/") ? (marked ? "marked-" : "root-") + i : "ab-" + i,
                        values[value], name + path);
            }
        }
        assertEquals("marked-any", values[index.valueIndex(index.anyHost(), "/y")]);
        RouteIndex<String> unmarked = RouteIndex.of(hosts, Map.of(), any);
        assertEquals(151, unmarked.lastBase());
    }

    @Test
    void everyChainOfSingleSegmentsIsFoundWhereverItsSlotsFellAndNothingBeside() {
        // thousands of chains fill the table, so some only children sit after their parent and
        // some had to be hashed elsewhere
        PathTrie<String> builder = new PathTrie<>();
        for (int i = 0; i < 3000; i++) {
            builder.addPrefix("/c" + i + "/x/y", "c" + i);
            builder.addExact("/e" + i + "/x", "e" + i);
        }
        Paths index = paths(builder);
        for (int i = 0; i < 3000; i++) {
            assertEquals("c" + i, index.match("/c" + i + "/x/y/z"), "/c" + i);
            assertNull(index.match("/c" + i + "/x/z"));
            assertNull(index.match("/c" + i + "/y/y"));
            assertEquals("e" + i, index.match("/e" + i + "/x"));
            assertNull(index.match("/e" + i + "/y"));
            assertNull(index.match("/e" + i + "/x/"));
        }
    }

    @Test
    void segmentsLongerThanEightCharsAreComparedInFull() {
        PathTrie<String> builder = new PathTrie<>();
        builder.addPrefix("/reports-2024/quarterly", "q");
        builder.addExact("/reports-2025", "exact");
        Paths index = paths(builder);
        assertEquals("q", index.match("/reports-2024/quarterly/3"));
        assertNull(index.match("/reports-2024/quarterlx"));
        assertNull(index.match("/reports-2023/quarterly"));
        assertNull(index.match("/xeports-2024/quarterly"));
        assertEquals("exact", index.match("/reports-2025"));
        assertNull(index.match("/reports-2025/"));
    }

    @Test
    void aSegmentWithACharOutsideLatin1MatchesNothing() {
        PathTrie<String> builder = new PathTrie<>();
        builder.addPrefix("/", "root");
        builder.addPrefix("/aa", "aa");
        builder.addPrefix("/aaaaaaaaa", "nine");
        Paths index = paths(builder);
        // packed a byte a char, U+0161 then U+0060 would read as "aa"
        assertEquals("root", index.match("/\u0161\u0060"));
        assertEquals("root", index.match("/aaaaaaaa\u0161"));
        assertEquals("aa", index.match("/aa/\u0161"));
    }

    @Test
    void anIndexWithoutPathsMatchesNothing() {
        Paths index = paths(new PathTrie<>());
        assertNull(index.match("/"));
        assertNull(index.match("/a/b"));
    }

    @Test
    void agreesWithAPlainLongestMatchOnRandomPaths() {
        agreesWithAPlainLongestMatch(new String[] {"a", "b", "api", "v1", "users", "x"}, 7);
    }

    @Test
    void agreesWithAPlainLongestMatchOnSegmentsAroundAWordsEightChars() {
        // read 8 bytes at a time: segments that end at, just before and just after a word's end,
        // alike but for their last char
        agreesWithAPlainLongestMatch(new String[] {"abcdefg", "abcdefgh", "abcdefgi", "abcdefghi", "abcdefghj",
            "abcdefghijklmnop", "abcdefghijklmnoq", "abcdefghijklmnopq", "b"}, 11);
    }

    private static void agreesWithAPlainLongestMatch(String[] words, long seed) {
        Random random = new Random(seed);
        PathTrie<String> builder = new PathTrie<>();
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
        Paths index = paths(builder);
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
