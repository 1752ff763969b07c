package io.jingress.examples.internal.run;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Problem;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;
import io.jingress.k8s.RouteSink;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles each state a source delivers and swaps it into the router; logs a problem once when it
 * appears and once when it is gone, not on every rebuild.
 */
final class CompilingSink implements RouteSink {

    private static final Logger log = LoggerFactory.getLogger("io.jingress.examples.Routes");

    private final RouteCompiler compiler;
    private final Router router;
    private Set<String> lastProblems = Set.of();

    CompilingSink(RouteCompiler compiler, Router router) {
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        this.router = Objects.requireNonNull(router, "router");
    }

    @Override
    public void accept(ClusterState state, List<Problem> sourceProblems) {
        RouteTable table = compiler.compile(state);
        boolean first = !router.hasTable();
        router.swap(table);
        Set<String> problems = new LinkedHashSet<>();
        sourceProblems.forEach(p -> problems.add(p.toString()));
        table.problems().forEach(p -> problems.add(p.toString()));
        for (String problem : problems) {
            if (!lastProblems.contains(problem)) {
                log.warn("{}", problem);
            }
        }
        for (String gone : lastProblems) {
            if (!problems.contains(gone)) {
                log.info("resolved: {}", gone);
            }
        }
        lastProblems = problems;
        log.info("{} {} Ingresses, {} routes, {} problems", first ? "serving" : "updated",
                state.ingresses().size(), table.routes().size(), problems.size());
    }
}
