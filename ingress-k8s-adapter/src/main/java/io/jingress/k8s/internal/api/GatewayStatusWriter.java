package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.route.GatewayStatus.GatewayVerdict;
import io.jingress.core.route.GatewayStatus.ListenerVerdict;
import io.jingress.core.route.GatewayStatus.PolicyVerdict;
import io.jingress.core.route.GatewayStatus.RouteVerdict;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the compilation's verdicts ({@link io.jingress.core.route.GatewayStatus}) into the status
 * of our Gateways ({@code status.conditions}, {@code status.listeners}, {@code status.addresses}
 * when our address is known), of the HTTPRoutes and GRPCRoutes attached to them ({@code status.parents[]}
 * entries whose {@code controllerName} is ours), and of the BackendTLSPolicies their requests go
 * through ({@code status.ancestors[]} entries, one per Gateway of ours, whose {@code controllerName} is ours).
 *
 * <p>As {@link StatusWriter}: {@code editStatus} (a JSON patch of the status subresource, computed
 * against the object as read just before), and only where what we would write differs from what is
 * there. Other controllers' {@code status.parents} entries and conditions of other types are kept
 * as they are; our entries for parentRefs that no longer name a Gateway of ours are removed. A
 * condition keeps its {@code lastTransitionTime} while its status does not change;
 * {@code observedGeneration} is the generation of the object the verdict was compiled from, and an
 * object whose generation has moved on since is left for the next build.
 */
final class GatewayStatusWriter {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayStatusWriter.class);
    private static final String GROUP = "gateway.networking.k8s.io";
    private static final int MAX_MESSAGE = 32_000;  // metav1.Condition allows 32768

    private final KubernetesClient client;
    private final Clock clock;
    private final AtomicLong writes = new AtomicLong();
    // kind namespace/name -> the resourceVersion our write was made on top of, and the status written: while
    // the cache still shows that version, the write has not come back through the watch and is not repeated
    private final Map<String, Written> lastWritten = new HashMap<>();

    private record Written(String resourceVersionBefore, Object status) {
    }

    GatewayStatusWriter(KubernetesClient client, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Brings the status of our Gateways, of the HTTPRoutes and GRPCRoutes and of the BackendTLSPolicies
     * among {@code objects} in line; blocking.
     *
     * @param objects the Gateway API objects as the informers hold them now
     * @param verdicts the verdicts of the last build
     * @param generations {@code Kind namespace/name} to the generation each Gateway, route and policy had
     *     in that build
     * @param controllerName ours, written as each {@code status.parents[]} entry's {@code controllerName}
     * @param addresses our published addresses; empty: {@code status.addresses} is left as it is
     * @return whether every write succeeded (false: try again later)
     */
    boolean apply(List<HasMetadata> objects, io.jingress.core.route.GatewayStatus verdicts, Map<String, Long> generations,
            String controllerName, List<IngressLoadBalancerIngress> addresses) {
        boolean ok = true;
        Set<String> seen = new HashSet<>();
        Map<String, List<RouteVerdict>> byRoute = new HashMap<>();
        for (RouteVerdict verdict : verdicts.routeParents()) {
            byRoute.computeIfAbsent(verdict.kind() + " " + verdict.namespace() + "/" + verdict.name(),
                    k -> new ArrayList<>()).add(verdict);
        }
        for (HasMetadata object : objects) {
            if (object instanceof HTTPRoute route) {
                String key = "HTTPRoute " + key(route);
                Long generation = generations.get(key);
                if (generation == null || generation != generationOf(route)) {
                    continue;  // not in that build (or edited since): the next build has it
                }
                seen.add(key);
                List<RouteVerdict> ours = byRoute.getOrDefault(key, List.of());
                if (ours.isEmpty() && ourParents(route.getStatus() == null ? null : route.getStatus().getParents(),
                        controllerName).isEmpty()) {
                    continue;  // not attached to a Gateway of ours, and never was
                }
                UnaryOperator<HTTPRoute> edit = latest -> {
                    latest.setStatus(withParents(latest, ours, generation, controllerName));
                    return latest;
                };
                ok &= writeIfChanged(key, route, route.getStatus(), withParents(route, ours, generation, controllerName),
                        () -> client.resources(HTTPRoute.class).inNamespace(route.getMetadata().getNamespace())
                                .withName(route.getMetadata().getName()).editStatus(edit));
            } else if (object instanceof GRPCRoute route) {
                String key = "GRPCRoute " + key(route);
                Long generation = generations.get(key);
                if (generation == null || generation != generationOf(route)) {
                    continue;
                }
                seen.add(key);
                List<RouteVerdict> ours = byRoute.getOrDefault(key, List.of());
                if (ours.isEmpty() && ourParents(route.getStatus() == null ? null : route.getStatus().getParents(),
                        controllerName).isEmpty()) {
                    continue;
                }
                UnaryOperator<GRPCRoute> edit = latest -> {
                    latest.setStatus(withParents(latest, ours, generation, controllerName));
                    return latest;
                };
                ok &= writeIfChanged(key, route, route.getStatus(), withParents(route, ours, generation, controllerName),
                        () -> client.resources(GRPCRoute.class).inNamespace(route.getMetadata().getNamespace())
                                .withName(route.getMetadata().getName()).editStatus(edit));
            } else if (object instanceof BackendTLSPolicy policy) {
                String key = "BackendTLSPolicy " + key(policy);
                Long generation = generations.get(key);
                if (generation == null || generation != generationOf(policy)) {
                    continue;
                }
                seen.add(key);
                PolicyVerdict verdict = verdicts.policy("BackendTLSPolicy", policy.getMetadata().getNamespace(),
                        policy.getMetadata().getName());
                List<PolicyAncestorStatus> before = policy.getStatus() == null || policy.getStatus().getAncestors() == null
                        ? List.of() : policy.getStatus().getAncestors();
                if (verdict == null && before.stream().noneMatch(a -> controllerName.equals(a.getControllerName()))) {
                    continue;  // no route of ours goes through it, and none did
                }
                UnaryOperator<BackendTLSPolicy> edit = latest -> {
                    latest.setStatus(withAncestors(latest, verdict, generation, controllerName));
                    return latest;
                };
                ok &= writeIfChanged(key, policy, policy.getStatus(), withAncestors(policy, verdict, generation, controllerName),
                        () -> client.resources(BackendTLSPolicy.class).inNamespace(policy.getMetadata().getNamespace())
                                .withName(policy.getMetadata().getName()).editStatus(edit));
            } else if (object instanceof Gateway gateway) {
                String key = "Gateway " + key(gateway);
                GatewayVerdict verdict = verdicts.gateway(gateway.getMetadata().getNamespace(), gateway.getMetadata().getName());
                Long generation = generations.get(key);
                if (verdict == null || generation == null || generation != generationOf(gateway)) {
                    continue;
                }
                seen.add(key);
                UnaryOperator<Gateway> edit = latest -> {
                    latest.setStatus(withStatus(latest, verdict, generation, addresses));
                    return latest;
                };
                ok &= writeIfChanged(key, gateway, gateway.getStatus(), withStatus(gateway, verdict, generation, addresses),
                        () -> client.resources(Gateway.class).inNamespace(gateway.getMetadata().getNamespace())
                                .withName(gateway.getMetadata().getName()).editStatus(edit));
            }
        }
        lastWritten.keySet().retainAll(seen);
        return ok;
    }

    long writeCount() {
        return writes.get();
    }

    private boolean writeIfChanged(String key, HasMetadata seen, Object current, Object wanted, Runnable write) {
        if (Objects.equals(current, wanted)) {
            return true;
        }
        Written pending = lastWritten.get(key);
        if (pending != null && pending.resourceVersionBefore().equals(seen.getMetadata().getResourceVersion())
                && pending.status().equals(wanted)) {
            return true;  // written already; the watch has not brought it back yet
        }
        try {
            write.run();
            writes.incrementAndGet();
            lastWritten.put(key, new Written(String.valueOf(seen.getMetadata().getResourceVersion()), wanted));
            LOG.info("{}: status written", key);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return true;  // deleted meanwhile
            }
            LOG.warn("{}: status not written ({}): {}", key, e.getCode(), e.getMessage());
            return false;
        }
    }

    private static long generationOf(HasMetadata object) {
        Long generation = object.getMetadata().getGeneration();
        return generation == null ? 0L : generation;
    }

    private static String key(HasMetadata object) {
        return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }

    // ---- HTTPRoute and GRPCRoute: status.parents

    private static List<RouteParentStatus> ourParents(List<RouteParentStatus> parents, String controllerName) {
        if (parents == null) {
            return List.of();
        }
        return parents.stream().filter(p -> controllerName.equals(p.getControllerName())).toList();
    }

    /**
     * The status of {@code route} with our entries of {@code status.parents} made {@code verdicts}, the
     * others' kept: a new object, for {@code route} may be the informer's, never to be changed in place.
     */
    private HTTPRouteStatus withParents(HTTPRoute route, List<RouteVerdict> verdicts, long generation, String controllerName) {
        HTTPRouteStatus status = route.getStatus() == null ? new HTTPRouteStatus()
                : new HTTPRouteStatusBuilder(route.getStatus()).build();
        status.setParents(parents(status.getParents(), route.getSpec() == null ? null : route.getSpec().getParentRefs(),
                verdicts, generation, controllerName));
        return status;
    }

    /** As for an HTTPRoute. */
    private GRPCRouteStatus withParents(GRPCRoute route, List<RouteVerdict> verdicts, long generation, String controllerName) {
        GRPCRouteStatus status = route.getStatus() == null ? new GRPCRouteStatus()
                : new GRPCRouteStatusBuilder(route.getStatus()).build();
        status.setParents(parents(status.getParents(), route.getSpec() == null ? null : route.getSpec().getParentRefs(),
                verdicts, generation, controllerName));
        return status;
    }

    // status.parents: the others' entries of `before` kept, ours made `verdicts` (for the parentRefs `refs` still has)
    private List<RouteParentStatus> parents(List<RouteParentStatus> before, List<ParentReference> refs,
            List<RouteVerdict> verdicts, long generation, String controllerName) {
        before = before == null ? List.of() : before;
        refs = refs == null ? List.of() : refs;
        List<RouteParentStatus> parents = new ArrayList<>();
        for (RouteParentStatus parent : before) {
            if (!controllerName.equals(parent.getControllerName())) {
                parents.add(parent);
            }
        }
        for (RouteVerdict verdict : verdicts) {
            ParentReference ref = refs.stream().filter(r -> same(r, verdict.parentRef())).findFirst().orElse(null);
            if (ref == null) {
                continue;  // the spec moved on since the build
            }
            RouteParentStatus previous = before.stream().filter(p -> controllerName.equals(p.getControllerName())
                    && Objects.equals(p.getParentRef(), ref)).findFirst().orElse(null);
            RouteParentStatus entry = new RouteParentStatus();
            entry.setParentRef(ref);
            entry.setControllerName(controllerName);
            entry.setConditions(conditions(verdict.conditions(), previous == null ? List.of() : previous.getConditions(),
                    generation));
            parents.add(entry);
        }
        return parents;
    }

    private static boolean same(ParentReference written, HttpRoute.ParentRef ref) {
        boolean gateway = (written.getGroup() == null || written.getGroup().equals(GROUP))
                && (written.getKind() == null || written.getKind().equals("Gateway"));
        return gateway && Objects.equals(written.getName(), ref.name())
                && Objects.equals(emptyToNull(written.getNamespace()), ref.namespace())
                && Objects.equals(emptyToNull(written.getSectionName()), ref.sectionName())
                && Objects.equals(written.getPort(), ref.port());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    // ---- BackendTLSPolicy: status.ancestors

    /**
     * The status of {@code policy} with our entries of {@code status.ancestors} one per Gateway of
     * {@code verdict} (none when it is null), the others' kept: a new object, as above.
     */
    private PolicyStatus withAncestors(BackendTLSPolicy policy, PolicyVerdict verdict, long generation, String controllerName) {
        PolicyStatus status = policy.getStatus() == null ? new PolicyStatus() : new PolicyStatusBuilder(policy.getStatus()).build();
        List<PolicyAncestorStatus> before = status.getAncestors() == null ? List.of() : status.getAncestors();
        List<PolicyAncestorStatus> ancestors = new ArrayList<>();
        for (PolicyAncestorStatus ancestor : before) {
            if (!controllerName.equals(ancestor.getControllerName())) {
                ancestors.add(ancestor);
            }
        }
        for (String gateway : verdict == null ? List.<String>of() : verdict.ancestors()) {
            int slash = gateway.indexOf('/');
            ParentReference ref = new ParentReference(GROUP, "Gateway", gateway.substring(slash + 1), gateway.substring(0, slash),
                    null, null);
            PolicyAncestorStatus previous = before.stream().filter(a -> controllerName.equals(a.getControllerName())
                    && ref.equals(a.getAncestorRef())).findFirst().orElse(null);
            PolicyAncestorStatus entry = new PolicyAncestorStatus();
            entry.setAncestorRef(ref);
            entry.setControllerName(controllerName);
            entry.setConditions(conditions(verdict.conditions(), previous == null ? List.of() : previous.getConditions(),
                    generation));
            ancestors.add(entry);
        }
        status.setAncestors(ancestors);
        return status;
    }

    // ---- Gateway: status.conditions, status.listeners, status.addresses

    /** The status of {@code gateway} made {@code verdict}: a new object, as above. */
    private GatewayStatus withStatus(Gateway gateway, GatewayVerdict verdict, long generation,
            List<IngressLoadBalancerIngress> addresses) {
        GatewayStatus status = gateway.getStatus() == null ? new GatewayStatus()
                : new GatewayStatusBuilder(gateway.getStatus()).build();
        List<Condition> before = status.getConditions() == null ? List.of() : status.getConditions();
        List<Condition> ours = conditions(verdict.conditions(), before, generation);
        List<Condition> conditions = new ArrayList<>();
        for (Condition condition : before) {  // ours where they were, the others' kept
            Condition mine = ours.stream().filter(c -> c.getType().equals(condition.getType())).findFirst().orElse(null);
            conditions.add(mine != null ? mine : condition);
        }
        for (Condition mine : ours) {
            if (conditions.stream().noneMatch(c -> c.getType().equals(mine.getType()))) {
                conditions.add(mine);
            }
        }
        status.setConditions(conditions);
        List<ListenerStatus> listenersBefore = status.getListeners() == null ? List.of() : status.getListeners();
        List<ListenerStatus> listeners = new ArrayList<>();
        for (ListenerVerdict listener : verdict.listeners()) {
            ListenerStatus previous = listenersBefore.stream().filter(l -> listener.name().equals(l.getName()))
                    .findFirst().orElse(null);
            ListenerStatus entry = new ListenerStatus();
            entry.setName(listener.name());
            entry.setSupportedKinds(listener.supportedKinds().stream().map(kind -> {
                RouteGroupKind groupKind = new RouteGroupKind();
                groupKind.setGroup(GROUP);
                groupKind.setKind(kind);
                return groupKind;
            }).toList());
            entry.setAttachedRoutes(listener.attachedRoutes());
            entry.setConditions(conditions(listener.conditions(), previous == null ? List.of() : previous.getConditions(),
                    generation));
            listeners.add(entry);
        }
        status.setListeners(listeners);
        if (!addresses.isEmpty()) {
            status.setAddresses(addresses.stream().map(a -> {
                GatewayStatusAddress address = new GatewayStatusAddress();
                boolean ip = a.getIp() != null && !a.getIp().isEmpty();
                address.setType(ip ? "IPAddress" : "Hostname");
                address.setValue(ip ? a.getIp() : a.getHostname());
                return address;
            }).toList());
        }
        return status;
    }

    // ---- conditions

    /** {@code wanted} as metav1 Conditions; each keeps its lastTransitionTime from {@code before} while its status holds. */
    private List<Condition> conditions(List<io.jingress.core.route.GatewayStatus.Condition> wanted, List<Condition> before,
            long generation) {
        List<Condition> out = new ArrayList<>();
        for (io.jingress.core.route.GatewayStatus.Condition condition : wanted) {
            String status = condition.status() ? "True" : "False";
            Condition previous = before == null ? null
                    : before.stream().filter(c -> condition.type().equals(c.getType())).findFirst().orElse(null);
            String since = previous != null && status.equals(previous.getStatus()) && previous.getLastTransitionTime() != null
                    ? previous.getLastTransitionTime() : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
            String message = condition.message().length() > MAX_MESSAGE
                    ? condition.message().substring(0, MAX_MESSAGE) + "..." : condition.message();
            out.add(new ConditionBuilder().withType(condition.type()).withStatus(status).withReason(condition.reason())
                    .withMessage(message).withObservedGeneration(generation).withLastTransitionTime(since).build());
        }
        return out;
    }
}
