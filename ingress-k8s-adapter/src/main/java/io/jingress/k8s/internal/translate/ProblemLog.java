package io.jingress.k8s.internal.translate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Remembers which problem lines are current, so each is logged once when it appears rather than on
 * every rebuild, and once when it is gone; a problem that goes away and comes back is logged again.
 * Not thread-safe.
 */
public final class ProblemLog {

    private Set<String> current = Set.of();

    /** The lines that appeared ({@code added}) and went away ({@code cleared}) with an update, each in its order. */
    public record Changes(List<String> added, List<String> cleared) {
    }

    /** Makes {@code lines} the current problems and returns what changed. */
    public Changes update(Collection<String> lines) {
        Set<String> next = new LinkedHashSet<>(lines);
        List<String> added = new ArrayList<>();
        for (String line : next) {
            if (!current.contains(line)) {
                added.add(line);
            }
        }
        List<String> cleared = new ArrayList<>();
        for (String line : current) {
            if (!next.contains(line)) {
                cleared.add(line);
            }
        }
        current = next;
        return new Changes(List.copyOf(added), List.copyOf(cleared));
    }
}
