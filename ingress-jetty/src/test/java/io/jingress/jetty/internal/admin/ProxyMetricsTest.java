package io.jingress.jetty.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jingress.core.route.Route;
import io.jingress.core.route.RouteTable;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final RouteTable table = SmallTable.compile();
    private final Route kubia = SmallTable.route(table, "kubia.example.com", "/");
    private final Route api = SmallTable.route(table, "kubia.example.com", "/api");

    @Test
    void everyMethodAndStatusLandsInItsOwnCounter() {
        String[] methods = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"};
        int[] statuses = {101, 200, 301, 404, 500, 0, 999};
        for (String method : methods) {
            for (int status : statuses) {
                metrics.onRequest(kubia, method, status, -1);
            }
        }
        RequestCounters counters = metrics.requestCounters().stream()
                .filter(c -> c.service().equals("default/kubia:80")).findFirst().orElseThrow();
        assertEquals(1, counters.count(RequestCounters.methodIndex("GET"), RequestCounters.statusClassIndex(200)));
        // TRACE and BREW are both "other"; 500, 0 and 999 are all 5xx
        assertEquals(2 * 3, counters.count(RequestCounters.methodIndex("other"), RequestCounters.statusClassIndex(500)));
        assertEquals(2, counters.count(RequestCounters.methodIndex("TRACE"), RequestCounters.statusClassIndex(404)));
        assertEquals("other", RequestCounters.METHODS[RequestCounters.methodIndex("get")]);
    }

    @Test
    void countsFromManyThreadsAddUp() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25_000; i++) {
                        metrics.onRequestBegin();
                        metrics.onRequest(i % 2 == 0 ? kubia : api, "GET", 200, 1_000_000);
                        metrics.onRequestEnd();
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(100_000, metrics.clientRequests());
        assertEquals(0, metrics.writingConnections());
        long routed = metrics.requestCounters().stream()
                .mapToLong(c -> c.count(RequestCounters.methodIndex("GET"), RequestCounters.statusClassIndex(200))).sum();
        assertEquals(100_000, routed);
        assertEquals(50_000, metrics.latencies().get("default/kubia:80").snapshot().count());
    }

    @Test
    void recordingARequestOfAKnownRouteAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        String[] methods = {"GET", "POST", "PROPFIND"};
        for (int i = 0; i < 20_000; i++) {
            metrics.onRequestBegin();
            metrics.onRequest(i % 3 == 0 ? null : kubia, methods[i % 3], 200 + i % 400, i * 1_000L);
            metrics.onRequestEnd();
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 300_000; i++) {
            metrics.onRequestBegin();
            metrics.onRequest(i % 3 == 0 ? null : kubia, methods[i % 3], 200 + i % 400, i * 1_000L);
            metrics.onRequestEnd();
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(320_000, metrics.clientRequests());
        // 300,000 requests: even 8 bytes each would be 2.4 MB; allow only the measurement's own noise
        assertTrue(allocated < 64 * 1024, "recording allocated " + allocated + " bytes");
    }
}
