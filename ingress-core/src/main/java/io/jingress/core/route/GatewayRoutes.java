package io.jingress.core.route;

import io.jingress.core.internal.route.PathTrie;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.GrpcRoute;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.PathType;
import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Compiles the HTTPRoutes and GRPCRoutes attached to our Gateways into the tables of paths the
 * Ingresses compiled into, with the Gateway API's precedence (a GRPCRoute's method match is a path,
 * see {@link GatewayRules}).
 *
 * <p>Each match of each rule, under each host the route is attached with, is a {@link Route} of
 * kind HTTPRoute (or GRPCRoute). Routes of the same host, path type and path (of every HTTPRoute, and the
 * Ingress route there, if any) are tried in this order: a method first, then more headers, then
 * more query parameters, then the oldest route, then namespace/name, then rule and match order.
 * Two with the same conditions conflict: the older serves and the other is reported (as between
 * Ingresses); an Ingress path and an HTTPRoute match without conditions conflict the same way.
 *
 * <p>A path whose routes all have conditions gets, as its value in the index, a route whose
 * {@link Route#candidates()} are its own routes followed by those of every less specific path of
 * the host that also matches its requests (an Exact path's PathPrefix of the same path, then the
 * shorter prefixes), up to the first that takes every request. So a request that the most specific
 * path's conditions refuse falls to the next less specific match, as the Gateway API asks, while
 * the index still finds one value by host and path. Hosts of Ingress routes alone are compiled as
 * before.
 */
final class GatewayRoutes {
    private final ClusterState state;
    private final List<Problem> problems;
    private final Function<String, PathTrie<Route>> pathsOf;
    private final Predicate<String> regexHost;
    private final List<Route> routes;
    private final GatewayListeners listeners;
    private final GatewayRules rules;
    private final Map<String, Instant> ingressAges = new HashMap<>();
    // host (null: any) to path key ("E/..." or "P/...") to the entries there
    private final Map<String, Map<String, List<Entry>>> hosts = new LinkedHashMap<>();
    private final List<GatewayStatus.RouteVerdict> verdicts = new ArrayList<>();
    private final BackendTlsPolicies tlsPolicies;

    /** One match of one rule of one route, under one host. */
    private record Entry(GatewayRoute route, int rule, String host, GatewayRules.Match match, Route compiled) {
        String field() {
            return "spec.rules[" + rule + "]" + (match.index() < 0 ? "" : ".matches[" + match.index() + "]");
        }
    }

    GatewayRoutes(ClusterState state, String controllerName, List<Problem> problems, Map<String, TlsSecret> certificates,
            Function<String, PathTrie<Route>> pathsOf, Predicate<String> regexHost, List<Route> routes,
            GatewayRules.Backends backends) {
        this.state = state;
        this.problems = problems;
        this.pathsOf = pathsOf;
        this.regexHost = regexHost;
        this.routes = routes;
        this.listeners = new GatewayListeners(state, controllerName, problems, certificates);
        this.tlsPolicies = new BackendTlsPolicies(state, problems, backends::service);
        this.rules = new GatewayRules(problems, state.referenceGrants(), backends, tlsPolicies);
        for (Ingress ingress : state.ingresses()) {
            ingressAges.put(ingress.key(), ingress.creationTimestamp());
        }
    }

    /** Compiles; returns the names after {@code *.} of the wildcard hosts served, which take any number of labels. */
    Set<String> compile() {
        List<GatewayRoute> sorted = new ArrayList<>();
        for (HttpRoute route : state.httpRoutes()) {
            sorted.add(GatewayRoute.of(route));
        }
        for (GrpcRoute route : state.grpcRoutes()) {
            sorted.add(GatewayRoute.of(route));
        }
        sorted.sort(GatewayRoute.OLDEST_FIRST);
        for (GatewayRoute route : sorted) {
            add(route);
        }
        Set<String> wildcards = new java.util.HashSet<>();
        for (Map.Entry<String, Map<String, List<Entry>>> host : hosts.entrySet()) {
            place(host.getKey(), host.getValue());
            if (host.getKey() != null && host.getKey().startsWith("*.")) {
                wildcards.add(host.getKey().substring(2));
            }
        }
        return wildcards;
    }

    private void add(GatewayRoute source) {
        HttpRoute route = source.route();
        String kind = source.kind();
        List<String> hostnames = new ArrayList<>();
        for (int i = 0; i < route.hostnames().size(); i++) {
            String name = route.hostnames().get(i);
            if (!GatewayHostnames.valid(name)) {
                problems.add(Problem.warning(kind, route.key(), "spec.hostnames[" + i + "]", "\"" + name
                        + "\" is not a DNS name or *. wildcard; it is not served"));
                continue;
            }
            hostnames.add(name.toLowerCase(Locale.ROOT));
        }
        if (!route.hostnames().isEmpty() && hostnames.isEmpty()) {
            judge(source, listeners.refused(route, "UnsupportedValue", "spec.hostnames: no DNS name or *. wildcard among"
                    + " them; the route is not served"), null);
            return;
        }
        List<GatewayListeners.Attachment> attachments = new ArrayList<>();
        Set<String> attached = listeners.hostsOf(source, hostnames, attachments);
        if (attached.isEmpty()) {
            judge(source, attachments, null);
            return;
        }
        rules.presenting(clientCertificateOf(source, attachments));
        GatewayRules.Findings findings = new GatewayRules.Findings();
        for (int r = 0; r < route.rules().size(); r++) {
            GatewayRules.Rule rule = rules.read(source, r, findings);
            if (rule == null) {
                continue;
            }
            for (String host : attached) {
                if (regexHost.test(host == null ? "*" : host)) {
                    problems.add(Problem.warning(kind, route.key(), "spec.rules[" + r + "]", "host "
                            + (host == null ? "(any)" : host) + " has regex paths (use-regex or rewrite-target on one"
                            + " of its Ingresses); " + kind + "s are not served there"));
                    continue;
                }
                for (GatewayRules.Match match : rule.matches()) {
                    Route compiled = new Route(kind, route.key(), host, match.path(), match.type(), r, match.index(),
                            rule.policy(), rule.backend(), match.conditions(), rule.split(), rule.filters(), null);
                    hosts.computeIfAbsent(host, h -> new LinkedHashMap<>())
                            .computeIfAbsent(key(match.type(), match.path()), k -> new ArrayList<>())
                            .add(new Entry(source, r, host, match, compiled));
                }
            }
        }
        judge(source, attachments, findings);
    }

    /**
     * The backend client certificate the route's requests present (to endpoints a BackendTLSPolicy
     * applies to): that of the Gateways it is attached to, when they agree; when they name different
     * ones, none, with a WARNING (one table serves every Gateway: a request does not say which it came by).
     */
    private TlsSecret clientCertificateOf(GatewayRoute source, List<GatewayListeners.Attachment> attachments) {
        java.util.Map<String, TlsSecret> byGateway = new LinkedHashMap<>();
        for (GatewayListeners.Attachment attachment : attachments) {
            if (attachment.reason() == null) {
                byGateway.putIfAbsent(attachment.gateway().key(), listeners.backendClientCertificate(attachment.gateway().key()));
            }
        }
        Set<TlsSecret> distinct = new java.util.HashSet<>(byGateway.values());
        if (distinct.size() <= 1) {
            return distinct.isEmpty() ? null : distinct.iterator().next();
        }
        problems.add(Problem.warning(source.kind(), source.route().key(), "spec.parentRefs", "attached to Gateways "
                + String.join(", ", byGateway.keySet()) + ", which present different backend client certificates"
                + " (spec.tls.backend): none is presented for this route's requests"));
        return null;
    }

    /**
     * The route's verdict for each distinct parentRef to a Gateway of ours: Accepted as its listeners
     * took it (and False with UnsupportedValue when none of its rules is served), PartiallyInvalid
     * when some rules are dropped, ResolvedRefs once its rules were read ({@code findings} not null).
     */
    private void judge(GatewayRoute source, List<GatewayListeners.Attachment> attachments, GatewayRules.Findings findings) {
        HttpRoute route = source.route();
        Set<HttpRoute.ParentRef> seen = new java.util.HashSet<>();
        for (GatewayListeners.Attachment attachment : attachments) {
            if (!seen.add(attachment.ref())) {
                continue;
            }
            List<GatewayStatus.Condition> conditions = new ArrayList<>();
            boolean dropped = findings != null && !findings.droppedRules.isEmpty();
            String droppedWhy = dropped ? String.join("; ", findings.droppedWhy) : "";
            if (attachment.reason() != null) {
                conditions.add(GatewayStatus.Condition.isFalse(GatewayStatus.ACCEPTED, attachment.reason(), attachment.message()));
            } else if (dropped && findings.droppedRules.size() == route.rules().size()) {
                conditions.add(GatewayStatus.Condition.isFalse(GatewayStatus.ACCEPTED, "UnsupportedValue",
                        "no rule is served: " + droppedWhy));
            } else {
                conditions.add(GatewayStatus.Condition.isTrue(GatewayStatus.ACCEPTED, "Accepted", attachment.message()));
                listeners.attach(attachment, source);
                if (findings != null) {
                    String gateway = (attachment.ref().namespace() == null ? route.namespace() : attachment.ref().namespace())
                            + "/" + attachment.ref().name();
                    for (String policy : findings.tlsPolicies) {
                        tlsPolicies.usedBy(policy, gateway);
                    }
                }
            }
            if (findings != null) {
                conditions.add(findings.unresolvedReasons.isEmpty()
                        ? GatewayStatus.Condition.isTrue(GatewayStatus.RESOLVED_REFS, "ResolvedRefs", "every backendRef resolved")
                        : GatewayStatus.Condition.isFalse(GatewayStatus.RESOLVED_REFS, findings.unresolvedReasons.get(0),
                                String.join("; ", findings.unresolvedWhy)));
            }
            if (dropped && conditions.get(0).status()) {
                // the spec's "Drop Rule(s)" approach: Accepted stays True, the message starts "Dropped Rule"
                conditions.add(GatewayStatus.Condition.isTrue(GatewayStatus.PARTIALLY_INVALID, "UnsupportedValue",
                        "Dropped Rule" + (findings.droppedRules.size() == 1 ? " " : "s ")
                        + String.join(", ", findings.droppedRules.stream().map(String::valueOf).toList()) + ": " + droppedWhy));
            }
            verdicts.add(new GatewayStatus.RouteVerdict(source.kind(), route.namespace(), route.name(), attachment.ref(),
                    conditions));
        }
    }

    /** The verdicts on our Gateways and the routes attached to them; after {@link #compile()}. */
    GatewayStatus status() {
        return new GatewayStatus(listeners.verdicts(), verdicts, tlsPolicies.verdicts());
    }

    private static String key(PathType type, String path) {
        return (type == PathType.EXACT ? "E" : "P") + path;
    }

    // the Gateway API's order among the routes of one path (the path itself is the same); a
    // RegularExpression path match (PathPrefix / with a path condition) comes before the other
    // matches of /, as a narrower path (the spec leaves regex precedence to implementations)
    private static final Comparator<Entry> PRECEDENCE = Comparator
            .comparingInt((Entry e) -> e.match().conditions() == null || e.match().conditions().pathRegex() == null ? 1 : 0)
            .thenComparingInt(e -> e.match().conditions() == null || e.match().conditions().method() == null ? 1 : 0)
            .thenComparingInt(e -> e.match().conditions() == null || e.match().conditions().grpcMethod() == null ? 1 : 0)
            .thenComparingInt(e -> -(e.match().conditions() == null ? 0 : e.match().conditions().headerCount()))
            .thenComparingInt(e -> -(e.match().conditions() == null ? 0 : e.match().conditions().queryParamCount()))
            .thenComparing(e -> e.route().creationTimestamp())
            .thenComparing(e -> e.route().namespace())
            .thenComparing(e -> e.route().name())
            .thenComparingInt(Entry::rule)
            .thenComparingInt(e -> e.match().index());

    private void place(String host, Map<String, List<Entry>> paths) {
        PathTrie<Route> trie = pathsOf.apply(host);
        Map<String, List<Route>> own = new HashMap<>();  // each path's routes in order, up to one without conditions
        for (Map.Entry<String, List<Entry>> path : paths.entrySet()) {
            own.put(path.getKey(), ordered(host, path.getKey(), path.getValue(), trie));
        }
        for (Map.Entry<String, List<Route>> path : own.entrySet()) {
            List<Route> candidates = new ArrayList<>(path.getValue());
            boolean takesAll = candidates.get(candidates.size() - 1).conditions() == null;
            if (!takesAll) {
                for (String less : lessSpecific(path.getKey())) {
                    List<Route> theirs = own.get(less);
                    if (theirs == null) {
                        Route there = trie.findPrefix(less.substring(1));
                        theirs = there == null ? List.of() : List.of(there);
                    }
                    candidates.addAll(theirs);
                    if (!theirs.isEmpty() && theirs.get(theirs.size() - 1).conditions() == null) {
                        break;
                    }
                }
            }
            Route first = candidates.get(0);
            Route value = candidates.size() == 1 && takesAll ? first
                    : new Route(first.kind(), first.ingress(), host, first.path(), first.pathType(), first.ruleIndex(), first.pathIndex(),
                            first.policy(), first.backend(), null, null, null, candidates.toArray(Route[]::new));
            String key = path.getKey();
            Route replaced = key.charAt(0) == 'E' ? trie.putExact(key.substring(1), value) : trie.putPrefix(key.substring(1), value);
            if (replaced != null && !candidates.contains(replaced)) {
                routes.remove(replaced);  // an Ingress route that lost to an older HTTPRoute, or the host's defaultBackend
            }
        }
    }

    // This path's HTTPRoute matches in precedence order, with the Ingress route there (if any) where its
    // age puts it; dropped: what conflicts with an earlier one, and what comes after one without conditions
    private List<Route> ordered(String host, String key, List<Entry> entries, PathTrie<Route> trie) {
        entries.sort(PRECEDENCE);
        String path = key.substring(1);
        Route ingress = key.charAt(0) == 'E' ? trie.findExact(path) : trie.findPrefix(path);
        List<Route> out = new ArrayList<>();
        List<Entry> kept = new ArrayList<>();
        boolean ingressPlaced = ingress == null;
        for (Entry entry : entries) {
            RouteConditions conditions = entry.match().conditions();
            if (conditions == null && !ingressPlaced) {
                ingressPlaced = true;
                if (!ingress.isDefaultBackend()) {
                    Instant ingressAge = ingressAges.getOrDefault(ingress.ingress(), Instant.EPOCH);
                    if (!entry.route().creationTimestamp().isBefore(ingressAge)) {
                        reportTaken(entry, "the older Ingress " + ingress.ingress() + " (spec.rules[" + ingress.ruleIndex()
                                + "].http.paths[" + ingress.pathIndex() + "])");
                        out.add(ingress);
                        break;
                    }
                    problems.add(Problem.warning("Ingress", ingress.ingress(), "spec.rules[" + ingress.ruleIndex()
                            + "].http.paths[" + ingress.pathIndex() + "]", "host " + (host == null ? "(any)" : host)
                            + " path \"" + path + "\" (" + ingress.pathType().apiName() + ") is already served by the"
                            + " older " + entry.route() + " (" + entry.field() + "); this path is not served"));
                }
            }
            Entry same = null;
            for (Entry earlier : kept) {
                RouteConditions theirs = earlier.match().conditions();
                if (conditions == null ? theirs == null : theirs != null && conditions.sameAs(theirs)) {
                    same = earlier;
                }
            }
            if (same != null) {
                reportTaken(entry, (same.route() == entry.route() ? "an earlier match of this " + entry.route().kind()
                        : "the older " + same.route()) + " (" + same.field() + ")");
                continue;
            }
            kept.add(entry);
            out.add(entry.compiled());
            routes.add(entry.compiled());
            if (conditions == null) {
                return out;
            }
        }
        if (!ingressPlaced && !out.isEmpty() && out.get(out.size() - 1).conditions() != null) {
            out.add(ingress);  // unconditional: after every HTTPRoute match with conditions
        }
        return out;
    }

    private void reportTaken(Entry entry, String winner) {
        GatewayRules.Match match = entry.match();
        problems.add(Problem.warning(entry.route().kind(), entry.route().key(), entry.field(), "host "
                + (entry.host() == null ? "(any)" : entry.host()) + " path \"" + match.path() + "\" ("
                + (match.type() == PathType.EXACT ? "Exact" : "PathPrefix")
                + (match.conditions() == null ? "" : ", " + match.conditions().describe()) + ") is already served by "
                + winner + "; this match is not served"));
    }

    // the keys of the less specific paths that match every request a path matches, most specific first
    private static List<String> lessSpecific(String key) {
        List<String> out = new ArrayList<>();
        String path = key.substring(1);
        if (key.charAt(0) == 'E') {
            out.add("P" + path);
        }
        while (!path.equals("/")) {
            int slash = path.lastIndexOf('/');
            path = slash == 0 ? "/" : path.substring(0, slash);
            out.add("P" + path);
        }
        return out;
    }
}
