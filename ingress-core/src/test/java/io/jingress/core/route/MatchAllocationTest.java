package io.jingress.core.route;

import org.junit.jupiter.api.Test;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;

import java.lang.management.ManagementFactory;

import static io.jingress.core.model.HttpIngressPath.exact;
import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MatchAllocationTest {

    @Test
    void matchingAllocatesNothing() {
        assertMatchingAllocatesNothing(compile(
                ingress("a", 0, rule("foo.example.com", prefix("/api/v1", backend("web")), exact("/exact/path", backend("web")))),
                ingress("b", 0, rule("*.example.com", prefix("/", backend("web")))),
                ingress("c", 0, rule(null, prefix("/static", backend("web"))))));
    }

    @Test
    void matchingThePlainHostsOfATableWithARegexHostAllocatesNothing() {
        Ingress regex = Ingress.builder("default", "regex").creationTimestamp(java.time.Instant.EPOCH)
                .annotation("nginx.ingress.kubernetes.io/use-regex", "true")
                .rule(rule("regex.example.com", HttpIngressPath.of("/a(.*)", "ImplementationSpecific", backend("web"))))
                .build();
        assertMatchingAllocatesNothing(compile(regex,
                ingress("a", 0, rule("foo.example.com", prefix("/api/v1", backend("web")), exact("/exact/path", backend("web")))),
                ingress("b", 0, rule("*.example.com", prefix("/", backend("web")))),
                ingress("c", 0, rule(null, prefix("/static", backend("web"))))));
    }

    private static void assertMatchingAllocatesNothing(RouteTable table) {
        String[][] requests = {
            {"FOO.example.com:8443", "/api/v1/users/42"},
            {"foo.example.com.", "/exact/path"},
            {"bar.example.com", "/anything/here/"},
            {"other.org", "/static/app.js"},
            {"other.org", "/nothing"},
        };
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        long id = Thread.currentThread().getId();
        int matches = 0;
        for (int i = 0; i < 20_000; i++) {
            for (String[] request : requests) {
                matches += table.match(request[0], request[1]).isMatch() ? 1 : 0;
            }
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            for (String[] request : requests) {
                matches += table.match(request[0], request[1]).isMatch() ? 1 : 0;
            }
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(4 * 120_000, matches);
        // 500,000 matches: even 8 bytes each would be 4 MB; allow only the measurement's own noise
        assertTrue(allocated < 64 * 1024, "matching allocated " + allocated + " bytes");
    }
}
