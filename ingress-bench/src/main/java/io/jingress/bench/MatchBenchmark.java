package io.jingress.bench;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.Problem;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.RouteTable;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one {@code match(host, path)}: the compiled router against a linear scan of the same
 * rules, at 10 to 100,000 rules, over a shuffled mix of hits and misses. At setup both are run on
 * every request and must agree, so a broken router cannot post a good number.
 *
 * <pre>java -jar ingress-bench/target/benchmarks.jar MatchBenchmark -prof gc</pre>
 *
 * <p>On a machine busy with other work, wall-clock ns/op includes the time the thread waits for
 * a CPU; add {@code -prof io.jingress.bench.CpuTimeProfiler} for CPU ns/op, which stays comparable.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MatchBenchmark {
    private static final int REQUESTS = 4096; // a power of two: the cursor wraps with a mask

    @Param({"10", "1000", "10000", "100000"})
    public int rules;

    private RouteTable table;
    private LinearScanRouter linear;
    private String[] hosts;
    private String[] paths;
    private int cursor;

    @Setup
    public void setUp() {
        RuleSet set = RuleSet.generate(rules, REQUESTS, 42);
        table = RouteCompiler.create(Balancers.create()).compile(set.state());
        for (Problem problem : table.problems()) {
            if (problem.severity() == Problem.Severity.ERROR) {
                throw new IllegalStateException("generated configuration rejected: " + problem);
            }
        }
        linear = new LinearScanRouter(set.ingresses());
        hosts = set.requestHosts();
        paths = set.requestPaths();
        int hits = verifyAgreement(table, linear, hosts, paths);
        if (hits < REQUESTS / 2) {
            throw new IllegalStateException("request mix has too few hits: " + hits + " of " + REQUESTS);
        }
        String[][] fresh = freshRequestStrings(hosts, paths);
        hosts = fresh[0];
        paths = fresh[1];
    }

    /**
     * A proxy matches strings it has just parsed from a request: young, each request's host and
     * path next to each other in the thread's allocation buffer. The generated ones were made
     * among the Ingresses, so at 100,000 rules they lie scattered over tens of MB of heap and
     * reading them cost more than the match. Copied last, they lie as a server's do; the same
     * characters, so the requests are unchanged. Returns the hosts' copies, then the paths'.
     */
    static String[][] freshRequestStrings(String[] hosts, String[] paths) {
        char[][] hostChars = new char[hosts.length][];
        char[][] pathChars = new char[paths.length][];
        for (int i = 0; i < hosts.length; i++) {
            hostChars[i] = hosts[i].toCharArray();
            pathChars[i] = paths[i].toCharArray();
        }
        String[] freshHosts = new String[hosts.length];
        String[] freshPaths = new String[paths.length];
        for (int i = 0; i < hosts.length; i++) {
            freshHosts[i] = new String(hostChars[i]);
            freshPaths[i] = new String(pathChars[i]);
        }
        return new String[][] {freshHosts, freshPaths};
    }

    /** Checks that both routers give the same answer to every request; returns the number of hits. */
    static int verifyAgreement(RouteTable table, LinearScanRouter linear, String[] hosts, String[] paths) {
        int hits = 0;
        for (int i = 0; i < hosts.length; i++) {
            MatchResult compiled = table.match(hosts[i], paths[i]);
            int scanned = linear.match(hosts[i], paths[i]);
            boolean agree;
            if (compiled instanceof Route) {
                Route route = (Route) compiled;
                agree = scanned >= 0 && route.ingress().equals(linear.ingressKey(scanned))
                        && route.ruleIndex() == linear.ruleIndex(scanned) && route.pathIndex() == linear.pathIndex(scanned);
                hits++;
            } else {
                agree = scanned < 0;
            }
            if (!agree) {
                throw new IllegalStateException("routers disagree on " + hosts[i] + paths[i] + ": compiled " + compiled
                        + ", linear scan " + (scanned < 0 ? "no match" : linear.ingressKey(scanned) + " rule "
                        + linear.ruleIndex(scanned) + " path " + linear.pathIndex(scanned)));
            }
        }
        return hits;
    }

    @Benchmark
    public MatchResult compiled() {
        int i = cursor++ & (REQUESTS - 1);
        return table.match(hosts[i], paths[i]);
    }

    @Benchmark
    public int linearScan() {
        int i = cursor++ & (REQUESTS - 1);
        return linear.match(hosts[i], paths[i]);
    }
}
