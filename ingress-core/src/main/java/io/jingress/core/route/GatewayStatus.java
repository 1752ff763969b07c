package io.jingress.core.route;

import io.jingress.core.model.HttpRoute;

import java.util.List;
import java.util.Objects;

/**
 * What compiling decided about the Gateway API objects of our GatewayClasses, in the terms of their
 * {@code status} (Gateway API v1 conventions): a verdict per Gateway of ours (its conditions and one
 * per listener) and one per HTTPRoute (and GRPCRoute) parentRef that names a Gateway of ours. A parentRef to another
 * controller's Gateway (or to none) gets no verdict: it is not ours to report. The messages are
 * those of the table's WARNINGs, naming the field.
 *
 * <pre>{@code
 * RouteTable table = RouteCompiler.create(balancers).compile(state);
 * for (GatewayStatus.RouteVerdict parent : table.gatewayStatus().routeParents("shop", "cart")) {
 *     System.out.println(parent.parentRef() + " " + parent.conditions());
 * }
 * }</pre>
 *
 * @param gateways a verdict per Gateway of our GatewayClasses, in the state's order
 * @param routeParents a verdict per HTTPRoute or GRPCRoute and distinct parentRef to a Gateway of ours
 * @param policies a verdict per BackendTLSPolicy that the requests of a route attached to a Gateway of
 *     ours go through
 */
public record GatewayStatus(List<GatewayVerdict> gateways, List<RouteVerdict> routeParents, List<PolicyVerdict> policies) {
    private static final GatewayStatus EMPTY = new GatewayStatus(List.of(), List.of(), List.of());

    /** Condition type {@code Accepted} (routes, Gateways, listeners). */
    public static final String ACCEPTED = "Accepted";
    /** Condition type {@code Programmed} (Gateways, listeners). */
    public static final String PROGRAMMED = "Programmed";
    /** Condition type {@code ResolvedRefs} (routes, listeners). */
    public static final String RESOLVED_REFS = "ResolvedRefs";
    /** Condition type {@code PartiallyInvalid} (routes): some rules are not served ("Dropped Rule"). */
    public static final String PARTIALLY_INVALID = "PartiallyInvalid";

    public GatewayStatus {
        gateways = List.copyOf(Objects.requireNonNull(gateways, "gateways"));
        routeParents = List.copyOf(Objects.requireNonNull(routeParents, "routeParents"));
        policies = policies == null ? List.of() : List.copyOf(policies);
    }

    /** Verdicts without policies, as before they were carried. */
    public GatewayStatus(List<GatewayVerdict> gateways, List<RouteVerdict> routeParents) {
        this(gateways, routeParents, List.of());
    }

    /** No verdicts: a state without Gateways of ours. */
    public static GatewayStatus empty() {
        return EMPTY;
    }

    /** The verdict of the Gateway {@code namespace/name}, or {@code null} when it is not one of ours. */
    public GatewayVerdict gateway(String namespace, String name) {
        for (GatewayVerdict gateway : gateways) {
            if (gateway.namespace().equals(namespace) && gateway.name().equals(name)) {
                return gateway;
            }
        }
        return null;
    }

    /** The verdicts of the HTTPRoute {@code namespace/name}, one per parentRef to a Gateway of ours; empty when none. */
    public List<RouteVerdict> routeParents(String namespace, String name) {
        return routeParents(HttpRoute.KIND, namespace, name);
    }

    /**
     * The verdicts of the route of {@code kind} ({@code HTTPRoute} or {@code GRPCRoute}) {@code namespace/name},
     * one per parentRef to a Gateway of ours; empty when none.
     */
    public List<RouteVerdict> routeParents(String kind, String namespace, String name) {
        return routeParents.stream().filter(r -> r.kind().equals(kind) && r.namespace().equals(namespace)
                && r.name().equals(name)).toList();
    }

    /** The verdict of the policy of {@code kind} {@code namespace/name}, or {@code null} when it has none. */
    public PolicyVerdict policy(String kind, String namespace, String name) {
        for (PolicyVerdict policy : policies) {
            if (policy.kind().equals(kind) && policy.namespace().equals(namespace) && policy.name().equals(name)) {
                return policy;
            }
        }
        return null;
    }

    /**
     * One condition, as {@code metav1.Condition} carries it (without times and generation, which the
     * writer of the status adds).
     *
     * @param type e.g. {@link #ACCEPTED}
     * @param status {@code True} or {@code False}
     * @param reason the Gateway API's reason, e.g. {@code NoMatchingParent}
     * @param message what a person reads: why, naming the field
     */
    public record Condition(String type, boolean status, String reason, String message) {
        public Condition {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }

        /** {@code type=True} with {@code reason}. */
        public static Condition isTrue(String type, String reason, String message) {
            return new Condition(type, true, reason, message);
        }

        /** {@code type=False} with {@code reason}. */
        public static Condition isFalse(String type, String reason, String message) {
            return new Condition(type, false, reason, message);
        }

        @Override
        public String toString() {
            return type + "=" + (status ? "True" : "False") + " " + reason + ": " + message;
        }
    }

    /**
     * A Gateway of our class: {@code status.conditions} ({@code Accepted}, {@code Programmed}) and
     * {@code status.listeners}, in the order of {@code spec.listeners}.
     */
    public record GatewayVerdict(String namespace, String name, List<Condition> conditions, List<ListenerVerdict> listeners) {
        public GatewayVerdict {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            conditions = List.copyOf(conditions);
            listeners = List.copyOf(listeners);
        }

        /** The condition of {@code type}, or {@code null}. */
        public Condition condition(String type) {
            return find(conditions, type);
        }
    }

    /**
     * One listener's {@code status.listeners[]} entry.
     *
     * @param name the listener's name
     * @param supportedKinds the route kinds it takes (group {@code gateway.networking.k8s.io}): {@code HTTPRoute},
     *     and {@code GRPCRoute} where gRPC is served, or none for a protocol Jingress does not serve
     * @param attachedRoutes how many routes are attached to it: their parentRef selects it, its
     *     {@code allowedRoutes} lets them in, and they are {@code Accepted} (hostnames are not counted in,
     *     as the spec says)
     * @param conditions {@code Accepted}, {@code Programmed}, {@code ResolvedRefs}
     */
    public record ListenerVerdict(String name, List<String> supportedKinds, int attachedRoutes, List<Condition> conditions) {
        public ListenerVerdict {
            Objects.requireNonNull(name, "name");
            supportedKinds = List.copyOf(supportedKinds);
            conditions = List.copyOf(conditions);
        }

        /** The condition of {@code type}, or {@code null}. */
        public Condition condition(String type) {
            return find(conditions, type);
        }
    }

    /**
     * One route's verdict for one of its parentRefs to a Gateway of ours ({@code status.parents[]}).
     *
     * @param kind the route's kind: {@code HTTPRoute} or {@code GRPCRoute}
     * @param namespace the route's namespace
     * @param name the route's name
     * @param parentRef the parentRef, as written
     * @param conditions {@code Accepted}; {@code ResolvedRefs} when it is attached (its rules were read);
     *     {@code PartiallyInvalid=True} when some of its rules are not served
     */
    public record RouteVerdict(String kind, String namespace, String name, HttpRoute.ParentRef parentRef,
            List<Condition> conditions) {
        public RouteVerdict {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(parentRef, "parentRef");
            conditions = List.copyOf(conditions);
        }

        /** An HTTPRoute's verdict. */
        public RouteVerdict(String namespace, String name, HttpRoute.ParentRef parentRef, List<Condition> conditions) {
            this(HttpRoute.KIND, namespace, name, parentRef, conditions);
        }

        /** The condition of {@code type}, or {@code null}. */
        public Condition condition(String type) {
            return find(conditions, type);
        }
    }

    /**
     * A policy's verdict ({@code status.ancestors[]} of a BackendTLSPolicy): the same conditions for
     * each Gateway of ours whose routes send through it.
     *
     * @param kind the policy's kind: {@code BackendTLSPolicy}
     * @param namespace the policy's namespace
     * @param name the policy's name
     * @param ancestors the Gateways, {@code namespace/name}, whose attached routes send to a Service it applies to
     * @param conditions {@code Accepted} ({@code Conflicted}, {@code Invalid}, {@code NoValidCACertificate}
     *     when False) and {@code ResolvedRefs} ({@code InvalidCACertificateRef}, {@code InvalidKind})
     */
    public record PolicyVerdict(String kind, String namespace, String name, List<String> ancestors,
            List<Condition> conditions) {
        public PolicyVerdict {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            ancestors = List.copyOf(ancestors);
            conditions = List.copyOf(conditions);
        }

        /** The condition of {@code type}, or {@code null}. */
        public Condition condition(String type) {
            return find(conditions, type);
        }
    }

    private static Condition find(List<Condition> conditions, String type) {
        for (Condition condition : conditions) {
            if (condition.type().equals(type)) {
                return condition;
            }
        }
        return null;
    }
}
