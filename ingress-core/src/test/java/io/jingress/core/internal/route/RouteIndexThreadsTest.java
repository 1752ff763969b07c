package io.jingress.core.internal.route;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class RouteIndexThreadsTest {

    @Test
    void threadsMatchingAtOnceEachReadTheirOwnHostAndPath() throws Exception {
        // a match reads host and path from a copy in a buffer of its thread: threads that match at
        // the same time, with hosts and paths of every length (some past the buffer's first size),
        // must each get the answer to their own request
        Map<String, PathTrie<String>> hosts = new HashMap<>();
        for (int h = 0; h < 64; h++) {
            PathTrie<String> trie = new PathTrie<>();
            for (int p = 0; p < 8; p++) {
                trie.addPrefix(path(h, p), "h" + h + "p" + p);
            }
            hosts.put(host(h), trie);
        }
        RouteIndex<String> index = RouteIndex.of(hosts, Map.of(), null);
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 20_000 && failure.get() == null; i++) {
                        int h = (first * 17 + i) % 64;
                        int p = (first + i) % 8;
                        String name = host(h);
                        String found = index.match(index.host(name, name.length()), path(h, p) + "/rest");
                        if (!("h" + h + "p" + p).equals(found)) {
                            failure.compareAndSet(null, name + path(h, p) + " matched " + found);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join(60_000);
            assertFalse(worker.isAlive(), "a worker did not finish");
        }
        assertNull(failure.get());
    }

    // host names of 5 to 68 chars
    private static String host(int h) {
        return "h" + h + ".x" + "y".repeat(h) + ".example";
    }

    // paths of 1 to 8 segments, some segments longer than 8 chars, some paths past 256 chars
    private static String path(int h, int p) {
        StringBuilder path = new StringBuilder();
        for (int s = 0; s <= p; s++) {
            path.append('/').append("s").append(s).append("-").append("z".repeat((h * 5 + s * 3) % 40));
        }
        return path.toString();
    }
}
