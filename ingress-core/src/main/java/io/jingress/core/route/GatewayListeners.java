package io.jingress.core.route;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Gateway;
import io.jingress.core.model.GatewayClass;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.Problem;
import io.jingress.core.model.ReferenceGrant;
import io.jingress.core.model.TlsSecret;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Gateways of our GatewayClasses and what their listeners accept: which HTTPRoutes attach
 * (parentRef, sectionName, port, protocol, allowedRoutes) and under which hostnames (the listener's
 * and the route's, intersected with Gateway API wildcards). HTTPS listeners' certificateRefs give
 * the certificate of the listener's hostname.
 */
final class GatewayListeners {
    static final String GROUP = "gateway.networking.k8s.io";
    private static final String KIND = "Gateway";

    private final Map<String, Gateway> gateways = new HashMap<>();  // ours, by namespace/name
    private final List<Problem> problems;

    GatewayListeners(ClusterState state, String controllerName, List<Problem> problems, Map<String, TlsSecret> certificates) {
        this.problems = problems;
        Set<String> ourClasses = new HashSet<>();
        for (GatewayClass gatewayClass : state.gatewayClasses()) {
            if (gatewayClass.controllerName().equals(controllerName)) {
                ourClasses.add(gatewayClass.name());
            }
        }
        Map<String, TlsSecret> secrets = new HashMap<>();
        for (TlsSecret secret : state.secrets()) {
            secrets.put(secret.namespace() + "/" + secret.name(), secret);
        }
        for (Gateway gateway : state.gateways()) {
            if (!ourClasses.contains(gateway.gatewayClassName())) {
                continue;  // another controller's
            }
            gateways.put(gateway.key(), gateway);
            for (int i = 0; i < gateway.listeners().size(); i++) {
                check(gateway, i, state.referenceGrants(), secrets, certificates);
            }
        }
    }

    private void check(Gateway gateway, int index, List<ReferenceGrant> grants, Map<String, TlsSecret> secrets,
            Map<String, TlsSecret> certificates) {
        Gateway.Listener listener = gateway.listeners().get(index);
        String field = "spec.listeners[" + index + "]";
        if (!servedProtocol(listener)) {
            problems.add(Problem.warning(KIND, gateway.key(), field + ".protocol", "\"" + listener.protocol()
                    + "\" is not served by Jingress (HTTP and HTTPS are); this listener takes no routes"));
            return;
        }
        if (!fromKnown(listener)) {
            problems.add(Problem.warning(KIND, gateway.key(), field + ".allowedRoutes.namespaces.from", "\""
                    + listener.allowedRoutesFrom() + "\" is not served by Jingress (Same and All are); this listener"
                    + " takes no routes"));
            return;
        }
        if (listener.hostname() != null && !GatewayHostnames.valid(listener.hostname())) {
            problems.add(Problem.warning(KIND, gateway.key(), field + ".hostname", "\"" + listener.hostname()
                    + "\" is not a DNS name or *. wildcard; this listener takes no routes"));
            return;
        }
        if (!Gateway.HTTPS.equals(listener.protocol())) {
            return;
        }
        if (listener.certificateRefs().isEmpty()) {
            problems.add(Problem.warning(KIND, gateway.key(), field + ".tls.certificateRefs", "an HTTPS listener without"
                    + " certificateRefs: its hosts get the default certificate"));
            return;
        }
        Gateway.SecretRef ref = listener.certificateRefs().get(0);
        String namespace = ref.namespace() == null ? gateway.namespace() : ref.namespace();
        String refField = field + ".tls.certificateRefs[0]";
        if (!namespace.equals(gateway.namespace()) && !granted(grants, KIND, gateway.namespace(), namespace, "Secret", ref.name())) {
            problems.add(Problem.warning(KIND, gateway.key(), refField, "Secret " + namespace + "/" + ref.name()
                    + " is in another namespace and no ReferenceGrant there allows it; its hosts get the default certificate"));
            return;
        }
        TlsSecret secret = secrets.get(namespace + "/" + ref.name());
        if (secret == null) {
            problems.add(Problem.warning(KIND, gateway.key(), refField, "Secret " + namespace + "/" + ref.name()
                    + " not found; its hosts get the default certificate"));
            return;
        }
        if (listener.hostname() == null) {
            problems.add(Problem.warning(KIND, gateway.key(), field + ".hostname", "an HTTPS listener without hostname:"
                    + " its certificate is chosen by no name (SNI), so clients get the default certificate"));
            return;
        }
        TlsSecret older = certificates.putIfAbsent(listener.hostname().toLowerCase(Locale.ROOT), secret);
        if (older != null && older != secret) {
            problems.add(Problem.warning(KIND, gateway.key(), refField, "host " + listener.hostname()
                    + " already has the certificate of Secret " + older.namespace() + "/" + older.name()
                    + "; this one is not used for it"));
        }
    }

    private static boolean servedProtocol(Gateway.Listener listener) {
        return Gateway.HTTP.equals(listener.protocol()) || Gateway.HTTPS.equals(listener.protocol());
    }

    private static boolean fromKnown(Gateway.Listener listener) {
        return Gateway.FROM_SAME.equals(listener.allowedRoutesFrom()) || Gateway.FROM_ALL.equals(listener.allowedRoutesFrom());
    }

    /** Whether a ReferenceGrant in {@code toNamespace} lets {@code fromKind} objects of {@code fromNamespace} refer to it. */
    static boolean granted(List<ReferenceGrant> grants, String fromKind, String fromNamespace, String toNamespace,
            String toKind, String toName) {
        for (ReferenceGrant grant : grants) {
            if (grant.namespace().equals(toNamespace)
                    && grant.allows(GROUP, fromKind, fromNamespace, "", toKind, toName)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The hosts (lower case, exact or {@code *.} wildcard; {@code null} for any host) under which
     * {@code route} is served: over every parentRef that names a Gateway of ours, the hostnames its
     * accepting listeners and the route share. Empty when it attaches nowhere; a parentRef to a
     * Gateway of ours that no listener accepts is a WARNING.
     */
    Set<String> hostsOf(HttpRoute route, List<String> routeHostnames) {
        Set<String> hosts = new LinkedHashSet<>();
        for (int i = 0; i < route.parentRefs().size(); i++) {
            HttpRoute.ParentRef ref = route.parentRefs().get(i);
            String namespace = ref.namespace() == null ? route.namespace() : ref.namespace();
            Gateway gateway = gateways.get(namespace + "/" + ref.name());
            if (gateway == null) {
                continue;  // not ours (or not there): another controller's to report
            }
            List<String> why = new ArrayList<>();
            boolean accepted = false;
            for (Gateway.Listener listener : gateway.listeners()) {
                if (ref.sectionName() != null && !ref.sectionName().equals(listener.name())
                        || ref.port() != null && ref.port() != listener.port()) {
                    continue;
                }
                if (!servedProtocol(listener) || !fromKnown(listener)
                        || listener.hostname() != null && !GatewayHostnames.valid(listener.hostname())) {
                    why.add("listener " + listener.name() + " is not served");
                    continue;
                }
                if (Gateway.FROM_SAME.equals(listener.allowedRoutesFrom()) && !gateway.namespace().equals(route.namespace())) {
                    why.add("listener " + listener.name() + " takes routes of namespace " + gateway.namespace() + " only");
                    continue;
                }
                List<String> shared = GatewayHostnames.intersect(
                        listener.hostname() == null ? null : listener.hostname().toLowerCase(Locale.ROOT), routeHostnames);
                if (shared.isEmpty()) {
                    why.add("listener " + listener.name() + "'s hostname " + listener.hostname()
                            + " shares no name with the route's hostnames");
                    continue;
                }
                accepted = true;
                hosts.addAll(shared);
            }
            if (!accepted) {
                problems.add(Problem.warning(HttpRoute.KIND, route.key(), "spec.parentRefs[" + i + "]", "not attached to"
                        + " Gateway " + gateway.key() + ": " + (why.isEmpty() ? "it has no listener"
                        + (ref.sectionName() != null ? " named " + ref.sectionName() : "")
                        + (ref.port() != null ? " on port " + ref.port() : "") : String.join("; ", why))));
            }
        }
        return hosts;
    }
}
