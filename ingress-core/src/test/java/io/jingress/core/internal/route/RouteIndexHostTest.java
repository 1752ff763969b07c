package io.jingress.core.internal.route;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RouteIndexHostTest {

    // a host is told by the value of its path "/"
    private static RouteIndex<String> index(Map<String, String> exact, Map<String, String> wildcard, String any) {
        return RouteIndex.of(tries(exact), tries(wildcard), any == null ? null : trie(any));
    }

    private static Map<String, PathTrie<String>> tries(Map<String, String> hosts) {
        Map<String, PathTrie<String>> tries = new HashMap<>();
        hosts.forEach((host, value) -> tries.put(host, trie(value)));
        return tries;
    }

    private static PathTrie<String> trie(String value) {
        PathTrie<String> trie = new PathTrie<>();
        trie.addPrefix("/", value);
        return trie;
    }

    private static String find(RouteIndex<String> index, String name, int end) {
        int host = index.host(name, end);
        return host < 0 ? null : index.match(host, "/");
    }

    @Test
    void findsEveryOneOfManySimilarHostsIgnoringCase() {
        Map<String, String> hosts = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            hosts.put("svc" + i + ".team" + (i % 97) + ".example.com", "h" + i);
        }
        RouteIndex<String> index = index(hosts, Map.of(), null);
        for (int i = 0; i < 5000; i++) {
            String host = "SVC" + i + ".Team" + (i % 97) + ".example.com:8080";
            assertEquals("h" + i, find(index, host, host.indexOf(':')));
        }
        assertNull(find(index, "svc1.team2.example.com", 22));
        assertNull(find(index, "svc1.team1.example.co", 21));
        assertNull(find(index, "svc1.team1.example.comm", 23));
    }

    @Test
    void theWildcardKeyIsHashedWhereItLiesInTheName() {
        // unaligned reads, capitals, key lengths around a word's 8 bytes
        for (String name : new String[] {"Pod7.W4.Example.NET", "Pod7.W4.Example.NETS", "Po.d.e.f.gh", "a.bcdefgh"}) {
            int dot = name.indexOf('.');
            String key = name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
            byte[] copy = Swar.copy(name, name.length());
            assertEquals(Swar.hostHash(Swar.bytesOf(key), 0, key.length(), RouteIndex.WILDCARD_SEED),
                    Swar.hostHash(copy, dot + 1, name.length(), RouteIndex.WILDCARD_SEED), name);
        }
        String host = "Pod7.W4.Example.NET";
        RouteIndex<String> wildcards = index(Map.of(), Map.of("w4.example.net", "wildcard"), null);
        assertEquals("wildcard", find(wildcards, host, host.length()));
    }

    @Test
    void anExactHostBeatsTheWildcardOfTheSameNameAndTheRulesWithoutHost() {
        RouteIndex<String> index = index(Map.of("example.com", "exact", "a.example.com", "a"),
                Map.of("example.com", "wildcard"), "any");
        assertEquals("exact", find(index, "example.com", 11));
        assertEquals("a", find(index, "a.example.com", 13));
        assertEquals("wildcard", find(index, "b.example.com", 13));
        assertEquals("any", find(index, "b.c.example.com", 15));
        assertEquals("any", find(index, "", 0));
    }

    @Test
    void aHostWithACharOutsideLatin1MatchesNoKey() {
        RouteIndex<String> index = index(Map.of("aa.com", "aa"), Map.of(), null);
        // packed a byte a char, U+0161 then U+0060 would read as "aa"
        assertNull(find(index, "\u0161\u0060.com", 6));
        assertEquals("aa", find(index, "AA.com", 6));
    }

    @Test
    void aControlCharIsNoCapitalOfADigitDashOrDot() {
        RouteIndex<String> index = index(Map.of("a-0.com", "a"), Map.of(), null);
        // folded as capitals are (| 0x20), CR would read as '-' and 0x10 as '0'
        assertNull(find(index, "a\r0.com", 7));
        assertNull(find(index, "a-\u0010.com", 7));
        assertEquals("a", find(index, "A-0.COM", 7));
    }

    @Test
    void aHostKeyOutsideDns1123IsRefused() {
        assertThrows(IllegalArgumentException.class, () -> index(Map.of("a_b.com", "a"), Map.of(), null));
    }

    @Test
    void anEmptyIndexFindsNothing() {
        RouteIndex<String> index = index(Map.of(), Map.of(), null);
        assertNull(find(index, "example.com", 11));
        assertNull(find(index, "", 0));
    }
}
