package io.jingress.jetty.internal.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One request rate kept per client, as nginx's {@code limit_req zone=... burst=N nodelay} keeps it
 * (a leaky bucket): each request adds one to the client's excess, which drains at the rate; a
 * request that would make the excess greater than the burst is refused and not counted. A client
 * seen for the first time starts with no excess, so {@code burst + 1} requests pass at once.
 *
 * <p>Per client one {@code long}: the time its excess will have drained ({@code last + excess /
 * rate}), updated by CAS, so a request costs one map lookup and one CAS. Time comes from the
 * injected clock (nanoseconds), so tests need not wait.
 *
 * <p>Memory is bounded: at most {@code capacity} clients are kept. When that many are kept and a
 * new client comes, the clients whose excess has drained (which a new entry would treat alike) are
 * dropped, at most once per {@link #SWEEP_GAP_NANOS}; if none can be, the new client is refused
 * until some drain. nginx instead drops the least recently used client even if it is still over
 * its rate, which forgives it; a flood of addresses could then reset everyone's count.
 */
final class RequestRate {
    /** How often a full map is swept for drained clients, at most. */
    static final long SWEEP_GAP_NANOS = 100_000_000L;

    private final long intervalNanos;  // one request's share of time
    private final long burstNanos;  // the largest excess, as time
    private final int capacity;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, AtomicLong> drainedAt = new ConcurrentHashMap<>();
    private final ReentrantLock sweeping = new ReentrantLock();
    private long lastSweep;  // under sweeping
    private boolean swept;  // under sweeping

    /**
     * @param requests requests per {@code periodNanos}; positive
     * @param burst    requests beyond the rate taken at once (nginx's {@code burst})
     * @param capacity the most clients kept
     * @param clock    nanoseconds, as {@link System#nanoTime}
     */
    RequestRate(int requests, long periodNanos, long burst, int capacity, LongSupplier clock) {
        if (requests <= 0 || burst < 0 || capacity <= 0) {
            throw new IllegalArgumentException("requests " + requests + ", burst " + burst + ", capacity " + capacity);
        }
        this.intervalNanos = Math.max(1, periodNanos / requests);
        this.burstNanos = burst > Long.MAX_VALUE / 4 / intervalNanos ? Long.MAX_VALUE / 4 : burst * intervalNanos;
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Counts a request of {@code client}; false: it is over the rate (not counted). */
    boolean tryAcquire(String client) {
        long now = clock.getAsLong();
        AtomicLong state = drainedAt.get(client);
        if (state == null) {
            if (drainedAt.size() >= capacity && !makeRoom(now)) {
                return false;
            }
            state = drainedAt.putIfAbsent(client, new AtomicLong(now));
            if (state == null) {
                return true;
            }
        }
        while (true) {
            long drained = state.get();
            // nginx: excess = max(excess - elapsed * rate + 1, 0), refused when > burst
            long excess = Math.max(drained - now + intervalNanos, 0);
            if (excess > burstNanos) {
                return false;
            }
            if (state.compareAndSet(drained, now + excess)) {
                return true;
            }
        }
    }

    /** Takes back one request counted by {@link #tryAcquire} (a later limit refused it, as nginx counts none then). */
    void refund(String client) {
        AtomicLong state = drainedAt.get(client);
        if (state != null) {
            state.addAndGet(-intervalNanos);
        }
    }

    /** Clients kept now. */
    int clients() {
        return drainedAt.size();
    }

    /**
     * Drops the clients whose excess has drained, whose next request would pass as a new client's;
     * whether there is room now. A request racing the drop of its own client's entry may go
     * uncounted: that client had drained anyway.
     */
    private boolean makeRoom(long now) {
        if (sweeping.tryLock()) {
            try {
                if (!swept || now - lastSweep >= SWEEP_GAP_NANOS) {
                    swept = true;
                    lastSweep = now;
                    long drainedBefore = now - intervalNanos;
                    drainedAt.values().removeIf(state -> state.get() - drainedBefore <= 0);
                }
            } finally {
                sweeping.unlock();
            }
        }
        return drainedAt.size() < capacity;
    }
}
