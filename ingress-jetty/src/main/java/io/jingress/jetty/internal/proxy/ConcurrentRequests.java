package io.jingress.jetty.internal.proxy;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests in progress per client, at most {@code max} each: nginx's {@code limit_conn}, which
 * ingress-nginx's {@code limit-connections} writes. A client's entry goes when its count returns
 * to zero, so the map holds only clients with a request in progress; when it holds
 * {@code capacity} clients a new one is refused, as nginx refuses when its zone is full.
 */
final class ConcurrentRequests {
    private final int max;
    private final int capacity;
    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

    ConcurrentRequests(int max, int capacity) {
        if (max <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("max " + max + ", capacity " + capacity);
        }
        this.max = max;
        this.capacity = capacity;
    }

    /** Counts a request of {@code client} in progress; false: it has {@code max} already (not counted). */
    boolean tryAcquire(String client) {
        if (counts.size() >= capacity && !counts.containsKey(client)) {
            return false;
        }
        if (counts.merge(client, 1, Integer::sum) > max) {
            release(client);
            return false;
        }
        return true;
    }

    /** Ends one request of {@code client} counted by {@link #tryAcquire}. */
    void release(String client) {
        counts.computeIfPresent(client, (key, count) -> count == 1 ? null : count - 1);
    }

    /** Requests of {@code client} in progress now. */
    int inProgress(String client) {
        Integer count = counts.get(client);
        return count == null ? 0 : count;
    }

    /** Clients with a request in progress. */
    int clients() {
        return counts.size();
    }
}
