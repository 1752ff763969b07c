package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The weighted backends of a Gateway API HTTPRoute rule with more than one backendRef: each takes
 * its {@link #weights() weight} of {@link #totalWeight()} of the rule's requests, drawn at random
 * per request. A backend that is not valid (a missing Service, one of another namespace without a
 * ReferenceGrant, a kind other than Service) keeps its share, and those requests are answered 500,
 * as the Gateway API asks. Immutable.
 */
public final class BackendSplit {
    private final Backend[] backends;
    private final int[] cumulative;  // cumulative[i]: the weights of backends 0..i
    private final List<Integer> weights;

    BackendSplit(List<Backend> backends, List<Integer> weights) {
        if (backends.size() != weights.size() || backends.isEmpty()) {
            throw new IllegalArgumentException("one weight per backend, at least one");
        }
        this.backends = backends.toArray(Backend[]::new);
        this.cumulative = new int[weights.size()];
        int total = 0;
        for (int i = 0; i < weights.size(); i++) {
            total += weights.get(i);
            cumulative[i] = total;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("the weights add up to " + total);
        }
        this.weights = List.copyOf(weights);
    }

    /** The backends, in the rule's order. */
    public List<Backend> backends() {
        return List.of(backends);
    }

    /** Each backend's weight, in the same order. */
    public List<Integer> weights() {
        return weights;
    }

    /** The sum of the weights. */
    public int totalWeight() {
        return cumulative[cumulative.length - 1];
    }

    /** The backend of the draw {@code draw}, a number from 0 (inclusive) to {@link #totalWeight()} (exclusive). */
    public Backend pick(int draw) {
        Objects.checkIndex(draw, totalWeight());
        for (int i = 0; i < cumulative.length; i++) {
            if (draw < cumulative[i]) {
                return backends[i];
            }
        }
        return backends[backends.length - 1];
    }

    /** The split in words, e.g. {@code default/a:80 (weight 90), default/b:80 (weight 10)}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < backends.length; i++) {
            Backend backend = backends[i];
            parts.add(backend.key() + " (weight " + weights.get(i)
                    + (backend.tls() != null ? ", over TLS by BackendTLSPolicy " + backend.tls().policy() : "")
                    + (backend.filters() != null ? ", its own filters: " + backend.filters().describe() : "") + ")");
        }
        return String.join(", ", parts);
    }

    @Override
    public String toString() {
        return "BackendSplit[" + describe() + "]";
    }
}
