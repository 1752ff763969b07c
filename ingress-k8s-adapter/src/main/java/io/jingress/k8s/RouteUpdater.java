package io.jingress.k8s;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Problem;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;
import io.jingress.k8s.internal.translate.ProblemLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usual {@link RouteSink}: compiles each state with a {@link RouteCompiler} and swaps the table
 * into a {@link Router}. It logs each problem (the source's and the table's) once, when it appears
 * (a WARN line, {@code rejected: } first when it is an ERROR), and once when it is gone (an INFO line,
 * {@code cleared: } and the same text), not on every rebuild; and it neither compiles nor swaps a
 * state equal to the last one.
 *
 * <pre>{@code
 * Router router = Router.create();
 * RouteUpdater updater = RouteUpdater.create(router);
 * updater.accept(state, List.of());   // router.current() now serves state
 * }</pre>
 *
 * <p>Thread-safe: updates are serialised.
 */
public final class RouteUpdater implements RouteSink {

    private static final Logger LOG = LoggerFactory.getLogger(RouteUpdater.class);

    private final Router router;
    private final RouteCompiler compiler;
    private final Function<Problem, String> describer;
    private final ProblemLog problemLog = new ProblemLog();
    private ClusterState lastState;
    private RouteTable compiled;   // the table compiled from lastState, without the source's problems
    private List<Problem> sourceProblems = List.of();
    private RouteTable served;
    private long builds;

    private RouteUpdater(Builder builder) {
        this.router = Objects.requireNonNull(builder.router, "router");
        this.compiler = builder.compiler != null ? builder.compiler : RouteCompiler.create(Balancers.create());
        this.describer = builder.describer;
    }

    /** An updater of {@code router} with a compiler over a fresh {@link Balancers}. */
    public static RouteUpdater create(Router router) {
        return builder().router(router).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void accept(ClusterState state, List<Problem> problems) {
        update(state, problems);
    }

    /**
     * Compiles {@code state} and swaps the table in, unless the state equals the last one.
     *
     * @param state our Ingresses and the objects they refer to
     * @param problems what the source left out, reported with the table's own problems
     * @return the table now served
     */
    public synchronized RouteTable update(ClusterState state, List<Problem> problems) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(problems, "problems");
        List<Problem> fromSource = List.copyOf(problems);
        boolean compile = !state.equals(lastState) || served == null;
        if (compile) {
            compiled = compiler.compile(state);
            lastState = state;
            builds++;
        }
        // The same routes with other source problems (a file broke, the last good version still
        // served) are swapped in too, so that what the admin port reports stays true.
        if (compile || !fromSource.equals(sourceProblems)) {
            served = compiled.withSourceProblems(fromSource);
            router.swap(served);
        }
        sourceProblems = fromSource;
        log(sourceProblems, compiled.problems());
        return served;
    }

    /** The table served since the last update; {@code null} before the first. */
    @Override
    public synchronized RouteTable table() {
        return served;
    }

    /** The current problems: the source's, then the table's; what the served table lists. */
    public synchronized List<Problem> problems() {
        return served == null ? List.of() : served.problems();
    }

    /** How many tables this updater compiled and swapped in. */
    public synchronized long builds() {
        return builds;
    }

    public Router router() {
        return router;
    }

    private void log(List<Problem> source, List<Problem> table) {
        List<String> lines = new ArrayList<>();
        List<Problem> all = new ArrayList<>(source);
        all.addAll(table);
        Map<String, Problem> byLine = new HashMap<>();
        for (Problem problem : all) {
            String line = describer.apply(problem);
            lines.add(line);
            byLine.putIfAbsent(line, problem);
        }
        ProblemLog.Changes changes = problemLog.update(lines);
        for (String line : changes.added()) {
            if (byLine.get(line).severity() == Problem.Severity.ERROR) {
                LOG.warn("rejected: {}", line);
            } else {
                LOG.warn("{}", line);
            }
        }
        // so that a fix shows in the log as its problem did (an object deleted clears its problems too)
        for (String line : changes.cleared()) {
            LOG.info("cleared: {}", line);
        }
    }

    /** Builds a {@link RouteUpdater}. */
    public static final class Builder {
        private Router router;
        private RouteCompiler compiler;
        private Function<Problem, String> describer = Problem::toString;

        private Builder() {
        }

        /** The router to swap tables into (required). */
        public Builder router(Router router) {
            this.router = Objects.requireNonNull(router, "router");
            return this;
        }

        /** The compiler; by default one over a fresh {@link Balancers}. */
        public Builder compiler(RouteCompiler compiler) {
            this.compiler = Objects.requireNonNull(compiler, "compiler");
            return this;
        }

        /** How a problem reads in the log (by default {@link Problem#toString()}); e.g. to add where it was read. */
        public Builder describer(Function<Problem, String> describer) {
            this.describer = Objects.requireNonNull(describer, "describer");
            return this;
        }

        public RouteUpdater build() {
            return new RouteUpdater(this);
        }
    }
}
