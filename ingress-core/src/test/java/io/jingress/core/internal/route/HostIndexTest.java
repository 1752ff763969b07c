package io.jingress.core.internal.route;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HostIndexTest {

    @Test
    void findsEveryOneOfManySimilarHostsIgnoringCase() {
        Map<String, Integer> hosts = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            hosts.put("svc" + i + ".team" + (i % 97) + ".example.com", i);
        }
        HostIndex<Integer> index = new HostIndex<>(hosts);
        for (int i = 0; i < 5000; i++) {
            String host = "SVC" + i + ".Team" + (i % 97) + ".example.com:8080";
            assertEquals(i, index.get(host, 0, host.indexOf(':')));
        }
        assertNull(index.get("svc1.team2.example.com", 0, 22));
        assertNull(index.get("svc1.team1.example.co", 0, 21));
    }

    @Test
    void theSuffixHashIsTheHashOfTheNameAfterTheFirstDot() {
        String host = "Pod7.W4.Example.NET";
        long hashes = HostIndex.hashSuffixes(host, host.length());
        assertEquals(HostIndex.hash(host, 0, host.length()), (int) hashes);
        assertEquals(HostIndex.hash(host, 5, host.length()), (int) (hashes >>> 32));
        HostIndex<String> wildcards = new HostIndex<>(Map.of("w4.example.net", "wildcard"));
        assertEquals("wildcard", wildcards.get(host, 5, host.length(), (int) (hashes >>> 32)));
    }

    @Test
    void anEmptyIndexFindsNothing() {
        HostIndex<String> index = new HostIndex<>(Map.of());
        assertNull(index.get("example.com", 0, 11));
        assertNull(index.get("", 0, 0));
    }
}
