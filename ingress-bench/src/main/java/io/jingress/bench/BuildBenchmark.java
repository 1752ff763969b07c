package io.jingress.bench;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;
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
 * From Ingresses to a served table: validate, compile, resolve backends, swap. Each Ingress has one
 * host and five paths; Services and EndpointSlices are included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BuildBenchmark {

    @Param({"1000", "10000"})
    public int ingresses;

    private ClusterState state;
    private RouteCompiler compiler;
    private Router router;

    @Setup
    public void setUp() {
        RuleSet set = RuleSet.generate(ingresses * 5, 16, 42);
        if (set.ingresses().size() != ingresses) {
            throw new IllegalStateException("generated " + set.ingresses().size() + " Ingresses, wanted " + ingresses);
        }
        state = set.state();
        compiler = RouteCompiler.create(Balancers.create());
        router = Router.create();
        RouteTable table = compiler.compile(state);
        if (table.routes().size() != ingresses * 5) {
            throw new IllegalStateException("table has " + table.routes().size() + " routes, wanted " + ingresses * 5);
        }
    }

    @Benchmark
    public RouteTable compileAndSwap() {
        RouteTable table = compiler.compile(state);
        router.swap(table);
        return table;
    }
}
