package io.jingress.bench;

import io.jingress.core.lb.BalancerPolicy;
import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.HashKey;
import io.jingress.core.lb.LoadBalancer;
import io.jingress.core.lb.PickContext;
import io.jingress.core.lb.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one pick, for every strategy, over 10 endpoints, from 1 and from 2 threads sharing
 * the balancer (as request threads do). Requests carry varying client addresses, URIs, a header and
 * a cookie so the hashing strategies hash different keys.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BalancerBenchmark {
    private static final int ENDPOINTS = 10;
    private static final int KEYS = 1024;

    /** The balancer, shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        /** A {@link Strategy}'s name; {@code COOKIE_AFFINITY_BALANCED} is cookie affinity with {@code affinity-mode: balanced}. */
        @Param({"ROUND_ROBIN", "WEIGHTED_ROUND_ROBIN", "RANDOM", "LEAST_REQUEST", "PEAK_EWMA", "RING_HASH", "MAGLEV",
            "COOKIE_AFFINITY", "COOKIE_AFFINITY_BALANCED"})
        public String strategyName;

        LoadBalancer balancer;

        @Setup
        public void setUp() {
            boolean balanced = strategyName.endsWith("_BALANCED");
            Strategy strategy = Strategy.valueOf(balanced ? strategyName.substring(0, strategyName.length() - 9) : strategyName);
            Balancers balancers = Balancers.create();
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < ENDPOINTS; i++) {
                endpoints.add(balancers.endpoint("10.1.0." + (i + 1), 8080, null, "pod-" + i, 1 + i % 3));
            }
            BalancerPolicy policy;
            switch (strategy) {
                case RING_HASH:
                case MAGLEV:
                    policy = BalancerPolicy.hashing(strategy, HashKey.header("x-user"));
                    break;
                case COOKIE_AFFINITY:
                    policy = BalancerPolicy.cookieAffinity("INGRESSCOOKIE", balanced);
                    break;
                default:
                    policy = BalancerPolicy.of(strategy);
            }
            balancer = balancers.balancer("bench/svc:80", policy, endpoints);
            if (balancer.strategy() != strategy
                    || balanced != "balanced".equals(balancer.affinityMode())) {
                throw new IllegalStateException("asked for " + strategyName + ", got " + balancer.strategy() + " "
                        + balancer.affinityMode());
            }
            // Every strategy must pick among all endpoints over a varied set of requests.
            Requests requests = new Requests();
            java.util.Set<Endpoint> seen = new java.util.HashSet<>();
            for (int i = 0; i < 20_000; i++) {
                requests.next();
                Endpoint picked = balancer.pick(requests);
                if (picked == null) {
                    throw new IllegalStateException(strategy + " picked nothing");
                }
                seen.add(picked);
                requests.forgetCookie(); // new clients, so affinity hands out cookies to all endpoints
            }
            if (seen.size() != ENDPOINTS) {
                throw new IllegalStateException(strategy + " reached " + seen.size() + " of " + ENDPOINTS + " endpoints");
            }
        }
    }

    /** One thread's stream of requests: precomputed keys, no allocation per pick. */
    @State(Scope.Thread)
    public static class Requests implements PickContext {
        private final String[] users = new String[KEYS];
        private final String[] addresses = new String[KEYS];
        private final String[] uris = new String[KEYS];
        private int cursor;
        private String cookie;

        public Requests() {
            for (int i = 0; i < KEYS; i++) {
                users[i] = "user-" + i;
                addresses[i] = "192.168." + (i / 256) + "." + (i % 256);
                uris[i] = "/items/" + i;
            }
        }

        void next() {
            cursor = (cursor + 1) & (KEYS - 1);
        }

        void forgetCookie() {
            cookie = null;
        }

        @Override
        public String header(String name) {
            return users[cursor];
        }

        @Override
        public String cookie(String name) {
            return cookie;
        }

        @Override
        public String clientAddress() {
            return addresses[cursor];
        }

        @Override
        public String uri() {
            return uris[cursor];
        }

        @Override
        public void setAffinityCookie(String name, String value) {
            cookie = value;
        }
    }

    @Benchmark
    @Threads(1)
    public Endpoint pickOneThread(Shared shared, Requests requests) {
        requests.next();
        return shared.balancer.pick(requests);
    }

    @Benchmark
    @Threads(2)
    public Endpoint pickTwoThreads(Shared shared, Requests requests) {
        requests.next();
        return shared.balancer.pick(requests);
    }
}
