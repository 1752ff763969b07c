package io.jingress.core.route;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Gateway;
import io.jingress.core.model.GatewayClass;
import io.jingress.core.model.GrpcRoute;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.Problem;
import io.jingress.core.model.ReferenceGrant;
import io.jingress.core.model.TlsSecret;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Gateways of our GatewayClasses and what their listeners accept: which HTTPRoutes and
 * GRPCRoutes attach (parentRef, sectionName, port, protocol, allowedRoutes) and under which
 * hostnames (the listener's and the route's, intersected with Gateway API wildcards). HTTPS
 * listeners' certificateRefs give the certificate of the listener's hostname.
 *
 * <p>GRPCRoutes attach to HTTP and HTTPS listeners alike: Jingress speaks HTTP/2 to clients over
 * TLS (ALPN) and in cleartext with prior knowledge. An HTTPRoute and a GRPCRoute may not share a
 * hostname on a listener (the Gateway API's "cross serving" rule): routes attach oldest first, and
 * a route whose hostnames there meet those of an attached route of the other kind is not attached
 * to that listener ({@code Conflicted}).
 */
final class GatewayListeners {
    static final String GROUP = "gateway.networking.k8s.io";
    // the route kinds served, as allowedRoutes.kinds names them
    private static final List<String> SERVED_KINDS = List.of(GROUP + "/" + HttpRoute.KIND, GROUP + "/" + GrpcRoute.KIND);
    private static final String KIND = "Gateway";

    private final Map<String, Gateway> gateways = new LinkedHashMap<>();  // ours, by namespace/name
    // the Gateways' spec.tls.backend.clientCertificateRef, resolved, and the ResolvedRefs of each that names one
    private final Map<String, TlsSecret> clientCertificates = new HashMap<>();
    private final Map<String, GatewayStatus.Condition> clientCertificateConditions = new HashMap<>();
    private final Map<String, Findings[]> findings = new HashMap<>();  // by Gateway key, per listener
    private final List<Problem> problems;

    /** What the compilation found of one listener, for its status: null reasons mean True. */
    private static final class Findings {
        String acceptedReason;
        String acceptedMessage;
        String refsReason;
        String refsMessage;
        final Set<String> routes = new HashSet<>();  // kind namespace/name of the routes attached
        final List<Claim> claims = new ArrayList<>();  // the hosts the attached routes take here

        void notAccepted(String reason, String message) {
            acceptedReason = reason;
            acceptedMessage = message;
        }

        void unresolved(String reason, String message) {
            if (refsReason == null) {  // the first reference that failed names the reason
                refsReason = reason;
                refsMessage = message;
            }
        }
    }

    /** A host (null: any) an attached route of {@code kind} takes on a listener. */
    private record Claim(String kind, String route, String host) {
    }

    /**
     * What one parentRef of a route to a Gateway of ours came to.
     *
     * @param ref the parentRef
     * @param gateway the Gateway it names
     * @param reason {@code null} when some listener accepts the route, else the Gateway API's reason
     * @param message why, as the WARNING says it
     * @param listeners the indexes of the listeners it selects whose allowedRoutes let the route in
     *     (hostnames aside): where it counts as attached once accepted
     * @param hosts by listener index, the hosts the route takes on each listener that accepts it
     */
    record Attachment(HttpRoute.ParentRef ref, Gateway gateway, String reason, String message, List<Integer> listeners,
            Map<Integer, List<String>> hosts) {
    }

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
            Findings[] found = new Findings[gateway.listeners().size()];
            findings.put(gateway.key(), found);
            for (int i = 0; i < gateway.listeners().size(); i++) {
                found[i] = new Findings();
                check(gateway, i, state.referenceGrants(), secrets, certificates, found[i]);
            }
            if (gateway.backendClientCertificate() != null) {
                clientCertificate(gateway, state.referenceGrants(), secrets);
            }
        }
    }

    /**
     * Resolves the Gateway's {@code spec.tls.backend.clientCertificateRef} into {@link #clientCertificates},
     * or reports why it cannot be (a WARNING; the Gateway's {@code ResolvedRefs} False with
     * {@code InvalidClientCertificateRef} or {@code RefNotPermitted}).
     */
    private void clientCertificate(Gateway gateway, List<ReferenceGrant> grants, Map<String, TlsSecret> secrets) {
        Gateway.SecretRef ref = gateway.backendClientCertificate();
        String namespace = ref.namespace() == null ? gateway.namespace() : ref.namespace();
        String field = "spec.tls.backend.clientCertificateRef";
        TlsSecret secret = secrets.get(namespace + "/" + ref.name());
        String reason = null;
        String message = null;
        if (!namespace.equals(gateway.namespace()) && !granted(grants, KIND, gateway.namespace(), namespace, "Secret", ref.name())) {
            reason = "RefNotPermitted";
            message = "Secret " + namespace + "/" + ref.name() + " is in another namespace and no ReferenceGrant there allows it";
        } else if (secret == null || secret.certificateChainPem() == null || secret.privateKeyPem() == null) {
            reason = "InvalidClientCertificateRef";
            message = "Secret " + namespace + "/" + ref.name() + (secret == null ? " not found (of type kubernetes.io/tls)"
                    : " has no tls.crt and tls.key");
        }
        if (reason != null) {
            String text = warn(gateway, field, message + "; no client certificate is presented to the endpoints");
            clientCertificateConditions.put(gateway.key(), GatewayStatus.Condition.isFalse(GatewayStatus.RESOLVED_REFS,
                    reason, text));
            return;
        }
        clientCertificates.put(gateway.key(), secret);
        clientCertificateConditions.put(gateway.key(), GatewayStatus.Condition.isTrue(GatewayStatus.RESOLVED_REFS,
                "ResolvedRefs", "the backend client certificate of Secret " + secret.key() + " is presented"));
    }

    /** The TLS Secret whose certificate the Gateway {@code key} presents to endpoints over TLS; null: none. */
    TlsSecret backendClientCertificate(String key) {
        return clientCertificates.get(key);
    }

    private void check(Gateway gateway, int index, List<ReferenceGrant> grants, Map<String, TlsSecret> secrets,
            Map<String, TlsSecret> certificates, Findings found) {
        Gateway.Listener listener = gateway.listeners().get(index);
        String field = "spec.listeners[" + index + "]";
        if (!servedProtocol(listener)) {
            found.notAccepted("UnsupportedProtocol", warn(gateway, field + ".protocol", "\"" + listener.protocol()
                    + "\" is not served by Jingress (HTTP and HTTPS are); this listener takes no routes"));
            return;
        }
        if (!fromKnown(listener)) {
            found.notAccepted("UnsupportedValue", warn(gateway, field + ".allowedRoutes.namespaces.from", "\""
                    + listener.allowedRoutesFrom() + "\" is not served by Jingress (Same and All are); this listener"
                    + " takes no routes"));
            return;
        }
        if (listener.hostname() != null && !GatewayHostnames.valid(listener.hostname())) {
            found.notAccepted("UnsupportedValue", warn(gateway, field + ".hostname", "\"" + listener.hostname()
                    + "\" is not a DNS name or *. wildcard; this listener takes no routes"));
            return;
        }
        List<String> unknownKinds = listener.allowedKinds().stream().filter(k -> !SERVED_KINDS.contains(k)).toList();
        if (!unknownKinds.isEmpty()) {
            found.unresolved("InvalidRouteKinds", warn(gateway, field + ".allowedRoutes.kinds", String.join(", ", unknownKinds)
                    + (unknownKinds.size() == 1 ? " is not a route kind" : " are not route kinds") + " Jingress serves ("
                    + String.join(" and ", SERVED_KINDS) + " are); " + (kindsTaken(listener).isEmpty()
                    ? "this listener takes no routes" : "it takes " + String.join(" and ", kindsTaken(listener)) + "s")));
        }
        if (!Gateway.HTTPS.equals(listener.protocol())) {
            return;
        }
        if (listener.certificateRefs().isEmpty()) {
            found.unresolved("InvalidCertificateRef", warn(gateway, field + ".tls.certificateRefs", "an HTTPS listener"
                    + " without certificateRefs: its hosts get the default certificate"));
            return;
        }
        Gateway.SecretRef ref = listener.certificateRefs().get(0);
        String namespace = ref.namespace() == null ? gateway.namespace() : ref.namespace();
        String refField = field + ".tls.certificateRefs[0]";
        if (!namespace.equals(gateway.namespace()) && !granted(grants, KIND, gateway.namespace(), namespace, "Secret", ref.name())) {
            found.unresolved("RefNotPermitted", warn(gateway, refField, "Secret " + namespace + "/" + ref.name()
                    + " is in another namespace and no ReferenceGrant there allows it; its hosts get the default certificate"));
            return;
        }
        TlsSecret secret = secrets.get(namespace + "/" + ref.name());
        if (secret == null) {
            found.unresolved("InvalidCertificateRef", warn(gateway, refField, "Secret " + namespace + "/" + ref.name()
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

    // reports a WARNING on the Gateway; returns its text with the field, for a condition's message
    private String warn(Gateway gateway, String field, String message) {
        problems.add(Problem.warning(KIND, gateway.key(), field, message));
        return field + ": " + message;
    }

    /**
     * The route kinds {@code listener} takes: those of its {@code allowedRoutes.kinds} Jingress
     * serves, or without any, both; none when its protocol is not served.
     */
    static List<String> kindsTaken(Gateway.Listener listener) {
        if (!servedProtocol(listener)) {
            return List.of();
        }
        if (listener.allowedKinds().isEmpty()) {
            return List.of(HttpRoute.KIND, GrpcRoute.KIND);
        }
        List<String> kinds = new ArrayList<>();
        for (String kind : SERVED_KINDS) {
            if (listener.allowedKinds().contains(kind)) {
                kinds.add(kind.substring(GROUP.length() + 1));
            }
        }
        return kinds;
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
     * Listener isolation (GEP-1713): of the hostnames {@code shared} that {@code listener} would take
     * for a route, those another served listener of the Gateway on the same port covers with a more
     * specific hostname (an exact name over a wildcard, a longer wildcard over a shorter, any
     * hostname over none) are that listener's alone; they are left out, noted in {@code away} with
     * the listener that takes them, and the others returned.
     */
    private List<String> isolated(Gateway gateway, Gateway.Listener listener, List<String> shared, Map<String, String> away) {
        List<String> kept = new ArrayList<>();
        for (String host : shared) {
            Gateway.Listener owner = null;
            for (Gateway.Listener other : gateway.listeners()) {
                if (other == listener || other.port() != listener.port() || other.hostname() == null
                        || !servedProtocol(other) || !GatewayHostnames.valid(other.hostname())) {
                    continue;
                }
                String otherHost = other.hostname().toLowerCase(Locale.ROOT);
                if (host != null && covers(otherHost, host) && moreSpecific(otherHost, listener.hostname() == null ? null
                        : listener.hostname().toLowerCase(Locale.ROOT))
                        && (owner == null || moreSpecific(otherHost, owner.hostname().toLowerCase(Locale.ROOT)))) {
                    owner = other;  // the most specific of them takes it
                }
            }
            if (owner == null) {
                kept.add(host);
            } else {
                away.putIfAbsent(host, owner.name());
            }
        }
        return kept;
    }

    // whether every name of `host` (exact, or a *. wildcard) is one `pattern` (exact, or a *. wildcard) takes
    private static boolean covers(String pattern, String host) {
        if (pattern.equals(host)) {
            return true;
        }
        return pattern.startsWith("*.") && host.length() > pattern.length() - 1 && host.endsWith(pattern.substring(1))
                && !host.equals(pattern.substring(2));
    }

    // whether listener hostname `a` is more specific than `b` (null: any); both cover one name
    private static boolean moreSpecific(String a, String b) {
        if (b == null) {
            return true;
        }
        if (a.equals(b)) {
            return false;
        }
        boolean aWild = a.startsWith("*.");
        boolean bWild = b.startsWith("*.");
        return aWild == bWild ? a.length() > b.length() : !aWild;
    }

    /**
     * The hosts (lower case, exact or {@code *.} wildcard; {@code null} for any host) under which
     * {@code route} is served: over every parentRef that names a Gateway of ours, the hostnames its
     * accepting listeners and the route share. Empty when it attaches nowhere; a parentRef to a
     * Gateway of ours that no listener accepts is a WARNING. What each such parentRef came to is
     * added to {@code attachments}.
     */
    Set<String> hostsOf(GatewayRoute source, List<String> routeHostnames, List<Attachment> attachments) {
        HttpRoute route = source.route();
        Set<String> hosts = new LinkedHashSet<>();
        for (int i = 0; i < route.parentRefs().size(); i++) {
            HttpRoute.ParentRef ref = route.parentRefs().get(i);
            Gateway gateway = gatewayOf(route, ref);
            if (gateway == null) {
                continue;  // not ours (or not there): another controller's to report
            }
            List<String> why = new ArrayList<>();
            List<Integer> allowing = new ArrayList<>();
            Map<Integer, List<String>> taken = new LinkedHashMap<>();
            boolean selected = false;
            boolean accepted = false;
            boolean conflicted = false;
            List<String> conflicts = new ArrayList<>();
            List<String> acceptedBy = new ArrayList<>();
            Map<String, String> isolatedAway = new LinkedHashMap<>();  // hostname -> the listener that takes it
            for (int l = 0; l < gateway.listeners().size(); l++) {
                Gateway.Listener listener = gateway.listeners().get(l);
                if (ref.sectionName() != null && !ref.sectionName().equals(listener.name())
                        || ref.port() != null && ref.port() != listener.port()) {
                    continue;
                }
                selected = true;
                if (!servedProtocol(listener) || !fromKnown(listener)
                        || listener.hostname() != null && !GatewayHostnames.valid(listener.hostname())) {
                    why.add("listener " + listener.name() + " is not served");
                    continue;
                }
                if (Gateway.FROM_SAME.equals(listener.allowedRoutesFrom()) && !gateway.namespace().equals(route.namespace())) {
                    why.add("listener " + listener.name() + " takes routes of namespace " + gateway.namespace() + " only");
                    continue;
                }
                if (!kindsTaken(listener).contains(source.kind())) {
                    why.add("listener " + listener.name() + " does not take " + source.kind() + "s (allowedRoutes.kinds)");
                    continue;
                }
                allowing.add(l);
                List<String> shared = GatewayHostnames.intersect(
                        listener.hostname() == null ? null : listener.hostname().toLowerCase(Locale.ROOT), routeHostnames);
                if (shared.isEmpty()) {
                    why.add("listener " + listener.name() + "'s hostname " + listener.hostname()
                            + " shares no name with the route's hostnames");
                    continue;
                }
                List<String> kept = isolated(gateway, listener, shared, isolatedAway);
                if (kept.isEmpty()) {
                    why.add("listener " + listener.name() + " shares only " + String.join(", ", shared) + " with the route,"
                            + " which a listener with a more specific hostname takes (listener isolation)");
                    continue;
                }
                shared = kept;
                Claim other = otherKindsClaim(findings.get(gateway.key())[l], source.kind(), shared);
                if (other != null) {
                    String conflict = "listener " + listener.name() + " already has the " + other.kind() + " " + other.route()
                            + " for host " + (other.host() == null ? "(any)" : other.host()) + ", and an HTTPRoute and a"
                            + " GRPCRoute may not share a hostname on a listener (the older is attached)";
                    why.add(conflict);
                    conflicts.add(conflict);
                    allowing.remove(Integer.valueOf(l));
                    conflicted = true;
                    continue;
                }
                accepted = true;
                acceptedBy.add(listener.name());
                taken.put(l, shared);
                hosts.addAll(shared);
            }
            for (Map.Entry<String, String> away : isolatedAway.entrySet()) {
                if (accepted && !taken.values().stream().anyMatch(names -> names.contains(away.getKey()))) {
                    problems.add(Problem.warning(source.kind(), route.key(), "spec.parentRefs[" + i + "]", "hostname "
                            + away.getKey() + " is not served through Gateway " + gateway.key() + ": its listener "
                            + away.getValue() + " has a more specific hostname and takes its requests (listener isolation),"
                            + " and the route is not attached to it"));
                }
            }
            if (!accepted) {
                String field = "spec.parentRefs[" + i + "]";
                String message = "not attached to Gateway " + gateway.key() + ": " + (why.isEmpty() ? "it has no listener"
                        + (ref.sectionName() != null ? " named " + ref.sectionName() : "")
                        + (ref.port() != null ? " on port " + ref.port() : "") : String.join("; ", why));
                problems.add(Problem.warning(source.kind(), route.key(), field, message));
                // the spec's reasons: no listener selected; none lets the route in; none shares a hostname;
                // and for a hostname an attached route of the other kind has, the reason implementations use
                String reason = !selected ? "NoMatchingParent" : conflicted ? "Conflicted"
                        : allowing.isEmpty() ? "NotAllowedByListeners" : "NoMatchingListenerHostname";
                attachments.add(new Attachment(ref, gateway, reason, field + ": " + message, allowing, Map.of()));
            } else {
                if (!conflicts.isEmpty()) {  // attached to other listeners: the one refused is still worth a word
                    problems.add(Problem.warning(source.kind(), route.key(), "spec.parentRefs[" + i + "]", "attached to Gateway "
                            + gateway.key() + " but not to every listener: " + String.join("; ", conflicts)));
                }
                attachments.add(new Attachment(ref, gateway, null, "attached to Gateway " + gateway.key() + " (listener"
                        + (acceptedBy.size() == 1 ? " " : "s ") + String.join(", ", acceptedBy) + ")", allowing, taken));
            }
        }
        return hosts;
    }

    // a host an attached route of another kind than `kind` takes on the listener that meets one of `hosts`
    private static Claim otherKindsClaim(Findings listener, String kind, List<String> hosts) {
        for (Claim claim : listener.claims) {
            if (claim.kind().equals(kind)) {
                continue;
            }
            for (String host : hosts) {
                if (host == null || claim.host() == null || !GatewayHostnames.intersect(host, List.of(claim.host())).isEmpty()) {
                    return claim;
                }
            }
        }
        return null;
    }

    /** The parentRefs of {@code route} that name a Gateway of ours, as not attached for {@code reason}. */
    List<Attachment> refused(HttpRoute route, String reason, String message) {
        List<Attachment> out = new ArrayList<>();
        for (HttpRoute.ParentRef ref : route.parentRefs()) {
            Gateway gateway = gatewayOf(route, ref);
            if (gateway != null) {
                out.add(new Attachment(ref, gateway, reason, message, List.of(), Map.of()));
            }
        }
        return out;
    }

    private Gateway gatewayOf(HttpRoute route, HttpRoute.ParentRef ref) {
        String namespace = ref.namespace() == null ? route.namespace() : ref.namespace();
        return gateways.get(namespace + "/" + ref.name());
    }

    /**
     * Counts {@code route} as attached to the listeners of {@code attachment} (once each, however many
     * parentRefs), where it takes the hosts of {@link Attachment#hosts()}.
     */
    void attach(Attachment attachment, GatewayRoute route) {
        Findings[] found = findings.get(attachment.gateway().key());
        for (int listener : attachment.listeners()) {
            found[listener].routes.add(route.toString());
        }
        for (Map.Entry<Integer, List<String>> taken : attachment.hosts().entrySet()) {
            for (String host : taken.getValue()) {
                found[taken.getKey()].claims.add(new Claim(route.kind(), route.key(), host));
            }
        }
    }

    /** The verdicts of our Gateways and their listeners, once every route is attached. */
    List<GatewayStatus.GatewayVerdict> verdicts() {
        List<GatewayStatus.GatewayVerdict> out = new ArrayList<>();
        for (Gateway gateway : gateways.values()) {
            Findings[] found = findings.get(gateway.key());
            List<GatewayStatus.ListenerVerdict> listeners = new ArrayList<>();
            List<String> invalid = new ArrayList<>();
            for (int i = 0; i < found.length; i++) {
                Gateway.Listener listener = gateway.listeners().get(i);
                Findings f = found[i];
                List<GatewayStatus.Condition> conditions = new ArrayList<>();
                if (f.acceptedReason == null) {
                    conditions.add(GatewayStatus.Condition.isTrue(GatewayStatus.ACCEPTED, "Accepted", "listener "
                            + listener.name() + " is served"));
                    conditions.add(GatewayStatus.Condition.isTrue(GatewayStatus.PROGRAMMED, "Programmed", "served on the "
                            + (Gateway.HTTPS.equals(listener.protocol()) ? "HTTPS" : "HTTP") + " port of Jingress"));
                } else {
                    invalid.add(listener.name());
                    conditions.add(GatewayStatus.Condition.isFalse(GatewayStatus.ACCEPTED, f.acceptedReason, f.acceptedMessage));
                    conditions.add(GatewayStatus.Condition.isFalse(GatewayStatus.PROGRAMMED, "Invalid", f.acceptedMessage));
                }
                conditions.add(f.refsReason == null
                        ? GatewayStatus.Condition.isTrue(GatewayStatus.RESOLVED_REFS, "ResolvedRefs", "every reference resolved")
                        : GatewayStatus.Condition.isFalse(GatewayStatus.RESOLVED_REFS, f.refsReason, f.refsMessage));
                List<String> kinds = kindsTaken(listener);
                listeners.add(new GatewayStatus.ListenerVerdict(listener.name(), kinds, f.routes.size(), conditions));
            }
            List<GatewayStatus.Condition> conditions = new ArrayList<>();
            if (invalid.isEmpty()) {
                conditions.add(GatewayStatus.Condition.isTrue(GatewayStatus.ACCEPTED, "Accepted", "served by Jingress"));
            } else {
                String message = "listener" + (invalid.size() == 1 ? " " : "s ") + String.join(", ", invalid)
                        + " not served (see status.listeners)";
                conditions.add(new GatewayStatus.Condition(GatewayStatus.ACCEPTED, invalid.size() < found.length,
                        "ListenersNotValid", message));
            }
            boolean accepted = conditions.get(0).status();
            conditions.add(accepted
                    ? GatewayStatus.Condition.isTrue(GatewayStatus.PROGRAMMED, "Programmed", "served by Jingress")
                    : GatewayStatus.Condition.isFalse(GatewayStatus.PROGRAMMED, "Invalid", "no listener is served"));
            GatewayStatus.Condition clientCertificate = clientCertificateConditions.get(gateway.key());
            if (clientCertificate != null) {
                conditions.add(clientCertificate);
            }
            out.add(new GatewayStatus.GatewayVerdict(gateway.namespace(), gateway.name(), conditions, listeners));
        }
        return out;
    }
}
