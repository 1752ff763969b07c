package io.jingress.k8s.internal.translate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Remembers which problem lines are current, so each is logged once when it appears rather than on
 * every rebuild; a problem that goes away and comes back is logged again. Not thread-safe.
 */
public final class ProblemLog {

    private Set<String> current = Set.of();

    /** Makes {@code lines} the current problems and returns those that were not current before. */
    public List<String> update(Collection<String> lines) {
        Set<String> next = new LinkedHashSet<>(lines);
        List<String> added = new ArrayList<>();
        for (String line : next) {
            if (!current.contains(line)) {
                added.add(line);
            }
        }
        current = next;
        return added;
    }
}
