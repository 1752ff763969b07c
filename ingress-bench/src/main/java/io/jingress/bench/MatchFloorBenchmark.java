package io.jingress.bench;

import java.util.Random;
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
 * A baseline for {@link MatchBenchmark}, run beside it: what any matcher of the same requests
 * pays at the least. {@code hashOnly} reads every char of a request's host and path once (a
 * rotate and an xor each, no table); {@code threeReads} does that and reads three places, one
 * after the other, in tables as large as the compiled index at that rule count (a 16-byte host
 * slot, a long in a region, a value), as the compiled matcher does, but with no branch on what it
 * reads. Same 4,096 shuffled requests, same fresh strings. It answers nothing: it is the cost of
 * the reads a match cannot skip.
 *
 * <pre>java -jar ingress-bench/target/benchmarks.jar 'MatchFloorBenchmark|MatchBenchmark.compiled' -p rules=10,100000</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MatchFloorBenchmark {
    private static final int REQUESTS = 4096;

    @Param({"10", "1000", "10000", "100000"})
    public int rules;

    private long[] hosts;
    private int hostMask;
    private long[] data;
    private Object[] values;
    private String[] requestHosts;
    private String[] requestPaths;
    private int cursor;

    @Setup
    public void setUp() {
        RuleSet set = RuleSet.generate(rules, REQUESTS, 42);
        // sized as the compiled index: a host per five rules at most half full, 81 bytes a rule
        int slots = Integer.highestOneBit(Math.max(2, rules / 5) * 2) * 2;
        hosts = new long[2 * slots];
        hostMask = slots - 1;
        data = new long[Math.max(64, rules * 10)];
        values = new Object[Math.max(16, rules)];
        Random random = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = new Object();
        }
        for (int i = 0; i < slots; i++) {
            hosts[2 * i] = random.nextInt(data.length - 32) & ~1;
            hosts[2 * i + 1] = random.nextInt(values.length - 8);
        }
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextInt(8);
        }
        String[][] fresh = MatchBenchmark.freshRequestStrings(set.requestHosts(), set.requestPaths());
        requestHosts = fresh[0];
        requestPaths = fresh[1];
    }

    private static int hash(String s) {
        int h = 0;
        for (int i = 0; i < s.length(); i++) {
            h = Integer.rotateLeft(h, 5) ^ (s.charAt(i) | 0x20);
        }
        return h;
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    @Benchmark
    public int hashOnly() {
        int i = cursor++ & (REQUESTS - 1);
        return hash(requestHosts[i]) + hash(requestPaths[i]);
    }

    @Benchmark
    public Object threeReads() {
        int i = cursor++ & (REQUESTS - 1);
        int slot = mix(hash(requestHosts[i])) & hostMask;
        int path = hash(requestPaths[i]);
        int region = (int) hosts[2 * slot];
        int base = (int) hosts[2 * slot + 1];
        return values[base + (int) data[region + (path & 15) * 2]];
    }
}
