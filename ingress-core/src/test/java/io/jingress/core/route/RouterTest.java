package io.jingress.core.route;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    @Test
    void aNewRouterServesTheEmptyTableAndHasNoTable() {
        Router router = Router.create();
        assertFalse(router.hasTable());
        assertSame(RouteTable.empty(), router.current());
        assertEquals(0, router.swapCount());
        assertNull(router.lastSwap());
    }

    @Test
    void swapPublishesTheTableAndRecordsWhen() {
        Router router = Router.create(Clock.fixed(NOW, ZoneOffset.UTC));
        RouteTable table = compile(ingress("a", 0, rule("a.com", prefix("/", backend("web")))));
        RouteTable previous = router.swap(table);
        assertSame(RouteTable.empty(), previous);
        assertSame(table, router.current());
        assertTrue(router.hasTable());
        assertEquals(1, router.swapCount());
        assertEquals(NOW, router.lastSwap());
        assertTrue(router.current().match("a.com", "/").isMatch());
    }

    @Test
    void swappingAnEmptyTableStillCountsAsHavingATable() {
        Router router = Router.create();
        router.swap(RouteTable.empty());
        assertTrue(router.hasTable());
    }

    @Test
    void listenersHearEveryNewTableInOrderEvenWhenOneFails() {
        Router router = Router.create();
        List<RouteTable> heard = new ArrayList<>();
        router.addListener(t -> {
            throw new IllegalStateException("broken listener");
        });
        router.addListener(heard::add);
        RouteTable first = compile();
        RouteTable second = compile(ingress("a", 0, rule("a.com", prefix("/", backend("web")))));
        router.swap(first);
        router.swap(second);
        assertEquals(List.of(first, second), heard);
        assertEquals(2, router.swapCount());
    }

    @Test
    void aRemovedListenerHearsNothingMore() {
        Router router = Router.create();
        List<RouteTable> heard = new ArrayList<>();
        java.util.function.Consumer<RouteTable> listener = heard::add;
        router.addListener(listener);
        router.removeListener(listener);
        router.swap(compile());
        assertTrue(heard.isEmpty());
    }

    @Test
    void readersSeeEitherTheOldOrTheNewTableWhileTablesAreSwapped() throws Exception {
        Router router = Router.create();
        RouteTable first = compile(ingress("first", 0, rule("a.com", prefix("/", backend("web")))));
        RouteTable second = compile(ingress("second", 0, rule("a.com", prefix("/", backend("web")))));
        router.swap(first);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ConcurrentLinkedQueue<String> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(2);
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread reader = new Thread(() -> {
                started.countDown();
                java.util.Set<String> local = new java.util.HashSet<>();
                while (!stop.get()) {
                    MatchResult result = router.current().match("a.com", "/x");
                    local.add(result instanceof Route route ? route.ingress() : result.toString());
                }
                seen.addAll(local);
            });
            reader.start();
            readers.add(reader);
        }
        started.await();
        for (int i = 0; i < 10_000; i++) {
            router.swap(i % 2 == 0 ? second : first);
        }
        stop.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        assertTrue(java.util.Set.of("default/first", "default/second").containsAll(seen), seen.toString());
        assertEquals(10_001, router.swapCount());
    }
}
