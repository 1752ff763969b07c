package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;

/**
 * What an Ingress's annotations ask of every request its routes take, beyond which endpoint
 * answers it (that is the backend's {@link io.jingress.core.lb.BalancerPolicy}). One policy is
 * read per Ingress, and all its routes share it; an annotation whose value is not understood is
 * reported in {@link RouteTable#problems()} (naming the Ingress and the annotation) and the
 * policy says what is done instead. Immutable.
 *
 * <p>{@link #NONE}, the policy of an Ingress without such annotations, lets every request through
 * as it came.
 */
public final class RoutePolicy {
    /** The policy of an Ingress without any of the annotations read here. */
    public static final RoutePolicy NONE = new RoutePolicy(new Builder());

    private RoutePolicy(Builder builder) {
    }

    /** Whether this policy asks nothing: {@link #NONE}. */
    public boolean isNone() {
        return this == NONE;
    }

    /** One phrase per setting that differs from {@link #NONE}, for {@code /routes} and explain. */
    public List<String> describe() {
        List<String> phrases = new ArrayList<>();
        return List.copyOf(phrases);
    }

    @Override
    public String toString() {
        return isNone() ? "RoutePolicy[none]" : "RoutePolicy" + describe();
    }

    /** Collects the settings read from one Ingress's annotations (see {@link RouteAnnotations}). */
    static final class Builder {
        private boolean changed;

        /** The policy, or {@link #NONE} when nothing was set. */
        RoutePolicy build() {
            return changed ? new RoutePolicy(this) : NONE;
        }

        /** Every setter calls this, so a builder with nothing set gives {@link #NONE}. */
        private Builder set() {
            changed = true;
            return this;
        }
    }
}
