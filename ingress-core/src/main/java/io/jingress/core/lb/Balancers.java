package io.jingress.core.lb;

import io.jingress.core.internal.lb.BalancerContext;
import io.jingress.core.internal.lb.BalancerFactory;
import io.jingress.core.internal.lb.EndpointState;
import io.jingress.core.internal.lb.RandomSource;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>Tests inject time and randomness:
 * <pre>{@code
 * AtomicLong nanos = new AtomicLong();
 * Balancers balancers = Balancers.builder().nanoClock(nanos::get).passiveHealth(PassiveHealth.DEFAULT).seed(42).build();
 * }</pre>
 *
 * <p>Asking twice for the balancer of one backend key with the same policy and the same endpoint
 * instances returns the same balancer, so its tables are not rebuilt and its position continues.
 * The round-robin position of a backend key is kept even when its endpoints change.
 */
public final class Balancers {
    private final BalancerContext context;
    private final ConcurrentMap<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, BackendEntry> backends = new ConcurrentHashMap<>();

    private Balancers(Builder builder) {
        this.context = new BalancerContext(builder.nanoClock, new RandomSource(builder.seed), builder.passiveHealth,
                new AtomicLong());
    }

    /** Balancers on the system's monotonic clock, with {@link PassiveHealth#DEFAULT}. */
    public static Balancers create() {
        return builder().build();
    }

    /** Balancers reading time from {@code nanoClock} (tests pass a fake clock). */
    public static Balancers withClock(LongSupplier nanoClock) {
        return builder().nanoClock(nanoClock).build();
    }

    /** A builder: system clock, {@link PassiveHealth#DEFAULT} and a seed from the clock unless told. */
    public static Builder builder() {
        return new Builder();
    }

    /** The passive health settings every endpoint of this registry follows. */
    public PassiveHealth passiveHealth() {
        return context.health();
    }

    /**
     * The endpoint at {@code address:port}, the same instance for as long as it is retained. When
     * its zone, Pod name or weight changed, a new instance is returned that keeps the old one's live
     * state (counters, latency, ejection).
     *
     * @throws IllegalArgumentException when {@code port} is not 1 to 65535 (the route compiler
     *     reports and skips such a port of a Service, EndpointSlice or Endpoints before it gets here)
     */
    public Endpoint endpoint(String address, int port, String zone, String targetName, int weight) {
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
        }
        String id = Endpoint.idOf(address, port);
        return endpoints.compute(id, (key, existing) -> {
            if (existing == null) {
                return new Endpoint(address, port, zone, targetName, weight, newState());
            }
            if (Objects.equals(existing.zone(), zone) && Objects.equals(existing.targetName(), targetName)
                    && existing.weight() == Math.max(1, weight)) {
                return existing;
            }
            return new Endpoint(address, port, zone, targetName, weight, existing.state());
        });
    }

    private EndpointState newState() {
        return new EndpointState(context.nanoClock(), context.health(), context.ejectionEpoch());
    }

    /** A balancer for one backend over {@code endpoints}, following {@code policy}. */
    public LoadBalancer balancer(String backendKey, BalancerPolicy policy, List<Endpoint> endpoints) {
        Objects.requireNonNull(backendKey, "backendKey");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(endpoints, "endpoints");
        for (int i = 0; i < endpoints.size(); i++) {
            Objects.requireNonNull(endpoints.get(i), "endpoints[" + i + "]");
        }
        List<Endpoint> copy = List.copyOf(endpoints);
        return backends.compute(backendKey, (key, previous) -> {
            if (previous != null && previous.policy.equals(policy) && previous.endpoints.equals(copy)) {
                return previous;
            }
            AtomicLong position = previous == null ? new AtomicLong() : previous.position;
            Endpoint[] array = copy.toArray(new Endpoint[0]);
            EndpointState[] states = new EndpointState[array.length];
            for (int i = 0; i < array.length; i++) {
                states[i] = array[i].state();
            }
            LoadBalancer balancer = BalancerFactory.create(key, policy, array, states, context, position);
            return new BackendEntry(policy, copy, position, balancer);
        }).balancer;
    }

    /**
     * Forgets every endpoint not in {@code live}, and the state of every backend that balanced over
     * an endpoint now forgotten or replaced; call after a table swap.
     */
    public void retain(Collection<Endpoint> live) {
        Objects.requireNonNull(live, "live");
        Set<String> keep = new HashSet<>();
        for (Endpoint endpoint : live) {
            keep.add(endpoint.id());
        }
        endpoints.keySet().retainAll(keep);
        backends.values().removeIf(entry -> {
            for (Endpoint endpoint : entry.endpoints) {
                if (endpoints.get(endpoint.id()) != endpoint) {
                    return true;
                }
            }
            return false;
        });
    }

    private static final class BackendEntry {
        final BalancerPolicy policy;
        final List<Endpoint> endpoints;
        final AtomicLong position;
        final LoadBalancer balancer;

        BackendEntry(BalancerPolicy policy, List<Endpoint> endpoints, AtomicLong position, LoadBalancer balancer) {
            this.policy = policy;
            this.endpoints = endpoints;
            this.position = position;
            this.balancer = balancer;
        }
    }

    /** Builds {@link Balancers}. */
    public static final class Builder {
        private LongSupplier nanoClock = System::nanoTime;
        private PassiveHealth passiveHealth = PassiveHealth.DEFAULT;
        private long seed = System.nanoTime() ^ 0x5DEECE66DL;

        private Builder() {
        }

        /** The monotonic clock, in nanoseconds, for latency and ejection times. */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        public Builder passiveHealth(PassiveHealth passiveHealth) {
            this.passiveHealth = Objects.requireNonNull(passiveHealth, "passiveHealth");
            return this;
        }

        /** The seed of the random choices (random, power of two choices, requests without a hash key). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Balancers build() {
            return new Balancers(this);
        }
    }
}
