package io.jingress.core.lb;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * The balancer state that lives beside the route tables and survives their swaps: interned
 * {@link Endpoint}s (with their in-flight counts, latency and health) and per-backend balancer state.
 *
 * <pre>{@code
 * Balancers balancers = Balancers.create();
 * Endpoint a = balancers.endpoint("10.0.0.1", 8080, null, "kubia-4mcp9", 1);
 * LoadBalancer lb = balancers.balancer("default/kubia:80", BalancerPolicy.ROUND_ROBIN, List.of(a));
 * Endpoint picked = lb.pick(PickContext.NONE);
 * }</pre>
 */
public final class Balancers {
    private final LongSupplier nanoClock;
    private final ConcurrentMap<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    private Balancers(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Balancers on the system's monotonic clock. */
    public static Balancers create() {
        return new Balancers(System::nanoTime);
    }

    /** Balancers reading time from {@code nanoClock} (tests pass a fake clock). */
    public static Balancers withClock(LongSupplier nanoClock) {
        return new Balancers(Objects.requireNonNull(nanoClock, "nanoClock"));
    }

    /** The endpoint at {@code address:port}, the same instance for as long as it is retained. */
    public Endpoint endpoint(String address, int port, String zone, String targetName, int weight) {
        String id = Endpoint.idOf(address, port);
        Endpoint existing = endpoints.get(id);
        if (existing != null && Objects.equals(existing.zone(), zone)
                && Objects.equals(existing.targetName(), targetName) && existing.weight() == Math.max(1, weight)) {
            return existing;
        }
        Endpoint created = new Endpoint(address, port, zone, targetName, weight, nanoClock);
        endpoints.put(id, created);
        return created;
    }

    /** A balancer for one backend over {@code endpoints}. */
    public LoadBalancer balancer(String backendKey, BalancerPolicy policy, List<Endpoint> endpoints) {
        Objects.requireNonNull(backendKey, "backendKey");
        Objects.requireNonNull(policy, "policy");
        List<Endpoint> copy = List.copyOf(endpoints);
        // Placeholder until the strategies land: every policy picks round robin.
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        return new LoadBalancer() {
            @Override
            public Endpoint pick(PickContext context) {
                if (copy.isEmpty()) {
                    return null;
                }
                return copy.get(Math.floorMod(next.getAndIncrement(), copy.size()));
            }

            @Override
            public Strategy strategy() {
                return Strategy.ROUND_ROBIN;
            }

            @Override
            public List<Endpoint> endpoints() {
                return copy;
            }
        };
    }

    /** Forgets every endpoint not in {@code live}; call after a table swap. */
    public void retain(Collection<Endpoint> live) {
        Set<String> keep = new HashSet<>();
        for (Endpoint endpoint : live) {
            keep.add(endpoint.id());
        }
        endpoints.keySet().retainAll(keep);
    }
}
