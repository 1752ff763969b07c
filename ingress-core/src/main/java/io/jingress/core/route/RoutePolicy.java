package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

    private final RouteRedirect redirect;
    private final RouteRedirect appRoot;
    private final ClientAccess clientAccess;

    private RoutePolicy(Builder builder) {
        this.redirect = builder.redirect;
        this.appRoot = builder.appRoot;
        this.clientAccess = builder.clientAccess;
    }

    /** Whether this policy asks nothing: {@link #NONE}. */
    public boolean isNone() {
        return this == NONE;
    }

    /**
     * The redirect of {@code permanent-redirect} or {@code temporal-redirect}, which answers every
     * request of the routes; null when neither is set (or its URL was refused).
     */
    public RouteRedirect redirect() {
        return redirect;
    }

    /** The redirect of {@code app-root}, which answers a request for exactly {@code /}; null when not set. */
    public RouteRedirect appRoot() {
        return appRoot;
    }

    /**
     * The redirect that answers a request for the normalised {@code path}, as ingress-nginx orders
     * them (app-root in the server block, then the location's redirect); null: none, it is proxied.
     */
    public RouteRedirect redirectFor(String path) {
        return appRoot != null && path.equals("/") ? appRoot : redirect;
    }

    /**
     * Which clients, by address, are served ({@code allowlist-source-range},
     * {@code denylist-source-range}); {@link ClientAccess#ANY} when the Ingress names no range.
     */
    public ClientAccess clientAccess() {
        return clientAccess;
    }

    /** One phrase per setting that differs from {@link #NONE}, for {@code /routes} and explain. */
    public List<String> describe() {
        List<String> phrases = new ArrayList<>();
        if (redirect != null) {
            phrases.add(redirect.describe());
        }
        if (appRoot != null) {
            phrases.add(appRoot.describe());
        }
        phrases.addAll(clientAccess.phrases());
        return List.copyOf(phrases);
    }

    @Override
    public String toString() {
        return isNone() ? "RoutePolicy[none]" : "RoutePolicy" + describe();
    }

    /** Collects the settings read from one Ingress's annotations (see {@link RouteAnnotations}). */
    static final class Builder {
        private boolean changed;
        private RouteRedirect redirect;
        private RouteRedirect appRoot;
        private ClientAccess clientAccess = ClientAccess.ANY;

        Builder redirect(RouteRedirect redirect) {
            this.redirect = redirect;
            return set();
        }

        Builder appRoot(RouteRedirect appRoot) {
            this.appRoot = appRoot;
            return set();
        }

        /** The policy, or {@link #NONE} when nothing was set. */
        RoutePolicy build() {
            return changed ? new RoutePolicy(this) : NONE;
        }

        Builder clientAccess(ClientAccess access) {
            this.clientAccess = Objects.requireNonNull(access, "access");
            return set();
        }

        /** Every setter calls this, so a builder with nothing set gives {@link #NONE}. */
        private Builder set() {
            changed = true;
            return this;
        }
    }
}
