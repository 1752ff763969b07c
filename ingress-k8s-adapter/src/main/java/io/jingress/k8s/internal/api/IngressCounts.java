package io.jingress.k8s.internal.api;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Which of our Ingresses one build serves and which it rejects, counted the same way in cluster
 * and in file mode. Served: the Ingresses of the state the validator passes (the last good version
 * of a rejected edit among them). Rejected: those with an ERROR problem, the validator's or the
 * source's; an Ingress the translator could not carry is among them although it never reached the
 * state. An edit rejected while its last good version serves counts in both.
 *
 * @param served {@code namespace/name} of each Ingress served
 * @param rejected {@code namespace/name} of each Ingress rejected, to its problems in one line
 */
public record IngressCounts(Set<String> served, Map<String, String> rejected) {

    public IngressCounts {
        served = Set.copyOf(served);
        rejected = Map.copyOf(rejected);
    }

    /**
     * Counts a build.
     *
     * @param state what is compiled
     * @param sourceProblems what the source left out or replaced
     * @param validator every problem of one Ingress (the core's validation)
     */
    public static IngressCounts of(ClusterState state, List<Problem> sourceProblems,
            Function<Ingress, List<Problem>> validator) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(sourceProblems, "sourceProblems");
        Objects.requireNonNull(validator, "validator");
        List<Problem> all = new ArrayList<>(sourceProblems);
        Set<String> served = new HashSet<>();
        for (Ingress ingress : state.ingresses()) {
            List<Problem> problems = validator.apply(ingress);
            all.addAll(problems);
            if (problems.stream().noneMatch(p -> p.severity() == Problem.Severity.ERROR)) {
                served.add(ingress.key());
            }
        }
        return new IngressCounts(served, RejectionEvents.rejected(all));
    }

    /** For a load line: {@code 4 Ingresses (19 rejected, 2 ignored for their class)}. */
    public String describe(int ignored) {
        return describe(ignored, 0);
    }

    /** For a load line: {@code 4 Ingresses (19 rejected, 2 ignored for their class, 3 in namespaces not watched)}. */
    public String describe(int ignored, int unwatched) {
        return served.size() + " Ingress" + (served.size() == 1 ? "" : "es") + " (" + rejected.size() + " rejected"
                + (ignored == 0 ? "" : ", " + ignored + " ignored for their class")
                + (unwatched == 0 ? "" : ", " + unwatched + " in namespaces not watched") + ")";
    }
}
