package io.jingress.core.route;

import io.jingress.core.internal.route.PathTrie;
import io.jingress.core.internal.route.RouteIndex;
import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable, compiled snapshot of every served Ingress rule. Made by {@link RouteCompiler};
 * published through a {@link Router}.
 *
 * <pre>{@code
 * String path = RequestPaths.normalize(rawPath);
 * MatchResult result = router.current().match(request.host(), path);
 * if (result instanceof Route route) {
 *     Endpoint endpoint = route.backend().balancer().pick(PickContext.NONE);
 * } else {
 *     respond(404, ((NoMatch) result).reason());
 * }
 * }</pre>
 *
 * <p>Matching: the host (any {@code :port} and a trailing dot ignored, ASCII case-insensitive)
 * is looked up exactly, then as the wildcard {@code *.} + the host minus its first label, then
 * the rules without host. A host that has rules of its own never falls back to the rules without
 * host (nor an exact host to a wildcard): when none of its paths matches the result is
 * {@link NoMatch#NO_PATH}, as with ingress-nginx, where such a host has its own server block.
 * Within the host an {@code Exact} path equal to the request path wins, else the longest
 * {@code Prefix} (or {@code ImplementationSpecific}) path by whole segments. In a host whose
 * paths are regexes ({@code use-regex} or {@code rewrite-target} on any of its Ingresses) an
 * {@code Exact} path equal to the request path wins, else the first of its other paths, in
 * ingress-nginx's order, whose regex ({@link Route#pathPattern()}) finds a match.
 *
 * <p>A wildcard host of a Gateway API HTTPRoute takes any number of labels ({@code *.example.com}
 * takes {@code a.b.example.com}): when neither the exact host nor the one-label wildcard has routes,
 * the longest such wildcard the host is under is looked up. A path of HTTPRoute matches with
 * conditions returns a route with {@link Route#candidates()}, for {@link Route#select} to choose
 * from per request.
 *
 * <p>Default backends, as ingress-nginx serves them: an Ingress's {@code defaultBackend} is the
 * fallback of the hosts of its own rules, not of every host, so that no tenant can take over the
 * unmatched traffic of another's hosts. When none of a host's paths matches, the result is the
 * {@code defaultBackend} of the oldest Ingress with a rule for that host and a
 * {@code defaultBackend} ({@link #hostDefaultRoutes()}; a {@code Prefix /} path of the host beats
 * it), else {@link NoMatch#NO_PATH}. The rules without host count as one host. A request that
 * only the rules without host could match, and they do not (or there are none), goes to the
 * catch-all, the {@code defaultBackend} of the oldest Ingress without rules ({@link #defaultRoute()}),
 * else gets {@link NoMatch#NO_PATH} (or {@link NoMatch#NO_HOST} without rules without host). With a
 * default backend Service ({@link RouteCompiler#withDefaultBackendService}, ready), the Ingress hosts
 * without a fallback of their own have it as theirs, and it is the catch-all when no Ingress without
 * rules gives one ({@link Route#isDefaultBackendService()}): then only the hosts of Gateway API routes
 * alone get {@link NoMatch#NO_PATH}.
 *
 * <p>{@link #match} takes no lock, allocates nothing and costs time proportional to the length of
 * host and path, whatever the number of rules. It reads them from a copy of their bytes in a
 * buffer of the calling thread: a thread's first match allocates it, 256 bytes, grown when a
 * longer host or path comes, and the thread keeps it; on virtual threads, which are created for
 * a task each, that is an allocation per thread. A host whose paths are regexes is the
 * exception: its regexes are tried one by one, each with a {@link java.util.regex.Matcher} of
 * its own.
 */
public final class RouteTable {
    private static final RouteTable EMPTY = new RouteTable(Map.of(), Map.of(), null, null, List.of(), List.of(),
            Map.of(), List.of());

    private final RouteIndex<Route> index;
    private final Route[] indexed;  // the index's values
    private final int regexBase;    // the values of regex hosts are from here on (see RegexPaths)
    private final Route defaultRoute;
    private final List<Route> routes;
    private final List<Route> hostDefaultRoutes;
    private final List<Problem> problems;
    private final Map<String, TlsSecret> certificates;
    private final List<Backend> backends;
    private final Map<String, String> hostAliases;
    private final int[] deepWildcards;  // sorted hosts of Gateway API wildcards (any number of labels); null: none
    private final Map<String, Route> sslPassthroughHosts;
    private final TlsSecret defaultCertificate;
    private final GatewayStatus gatewayStatus;
    private final TcpServices tcpServices;
    private final ServerSettings serverSettings;
    private final Map<String, Set<String>> configMapDefaults;  // Ingress key to annotation names without prefix

    RouteTable(Map<String, PathTrie<Route>> exactHosts, Map<String, PathTrie<Route>> wildcardHosts,
            PathTrie<Route> anyHost, Route defaultRoute, List<Route> routes, List<Problem> problems,
            Map<String, TlsSecret> certificates, List<Backend> backends) {
        this(exactHosts, wildcardHosts, anyHost, defaultRoute, routes, problems, certificates, backends, Map.of());
    }

    RouteTable(Map<String, PathTrie<Route>> exactHosts, Map<String, PathTrie<Route>> wildcardHosts,
            PathTrie<Route> anyHost, Route defaultRoute, List<Route> routes, List<Problem> problems,
            Map<String, TlsSecret> certificates, List<Backend> backends, Map<String, String> hostAliases) {
        this(exactHosts, wildcardHosts, anyHost, defaultRoute, routes, problems, certificates, backends, hostAliases, Set.of());
    }

    RouteTable(Map<String, PathTrie<Route>> exactHosts, Map<String, PathTrie<Route>> wildcardHosts,
            PathTrie<Route> anyHost, Route defaultRoute, List<Route> routes, List<Problem> problems,
            Map<String, TlsSecret> certificates, List<Backend> backends, Map<String, String> hostAliases,
            Set<String> deepWildcards) {
        this.index = RouteIndex.of(exactHosts, wildcardHosts, anyHost, route -> route.regexPaths() != null);
        if (deepWildcards.isEmpty()) {
            this.deepWildcards = null;
        } else {
            this.deepWildcards = deepWildcards.stream().mapToInt(w -> index.wildcard(w, 0, w.length()))
                    .filter(slot -> slot >= 0).sorted().toArray();
        }
        this.indexed = index.values(Route[]::new);
        this.regexBase = index.lastBase();
        this.defaultRoute = defaultRoute;
        this.routes = List.copyOf(routes);
        this.hostDefaultRoutes = routes.stream().filter(r -> r.isDefaultBackend() && r != defaultRoute).toList();
        this.problems = List.copyOf(problems);
        this.certificates = Map.copyOf(certificates);
        this.backends = List.copyOf(backends);
        this.hostAliases = Collections.unmodifiableMap(new LinkedHashMap<>(hostAliases));
        this.sslPassthroughHosts = Map.of();
        this.defaultCertificate = null;
        this.gatewayStatus = GatewayStatus.empty();
        this.tcpServices = TcpServices.none();
        this.serverSettings = ServerSettings.DEFAULTS;
        this.configMapDefaults = Map.of();
    }

    private RouteTable(RouteTable table, List<Problem> problems, Map<String, Route> sslPassthroughHosts,
            TlsSecret defaultCertificate, GatewayStatus gatewayStatus, TcpServices tcpServices) {
        this(table, problems, sslPassthroughHosts, defaultCertificate, gatewayStatus, tcpServices, table.serverSettings,
                table.configMapDefaults);
    }

    private RouteTable(RouteTable table, List<Problem> problems, Map<String, Route> sslPassthroughHosts,
            TlsSecret defaultCertificate, GatewayStatus gatewayStatus, TcpServices tcpServices, ServerSettings serverSettings,
            Map<String, Set<String>> configMapDefaults) {
        this.index = table.index;
        this.indexed = table.indexed;
        this.regexBase = table.regexBase;
        this.defaultRoute = table.defaultRoute;
        this.routes = table.routes;
        this.hostDefaultRoutes = table.hostDefaultRoutes;
        this.problems = problems;
        this.certificates = table.certificates;
        this.backends = table.backends;
        this.hostAliases = table.hostAliases;
        this.deepWildcards = table.deepWildcards;
        this.sslPassthroughHosts = sslPassthroughHosts;
        this.defaultCertificate = defaultCertificate;
        this.gatewayStatus = gatewayStatus;
        this.tcpServices = tcpServices;
        this.serverSettings = serverSettings;
        this.configMapDefaults = configMapDefaults;
    }

    /** This table with {@link #serverSettings()} {@code settings} (see {@link RouteCompiler#withConfigMap}). */
    RouteTable withServerSettings(ServerSettings settings) {
        return settings.equals(serverSettings) ? this
                : new RouteTable(this, problems, sslPassthroughHosts, defaultCertificate, gatewayStatus, tcpServices, settings,
                        configMapDefaults);
    }

    /** This table with {@link #configMapDefaults(String)} {@code names} (Ingress key to annotation names without prefix). */
    RouteTable withConfigMapDefaults(Map<String, Set<String>> names) {
        if (names.isEmpty()) {
            return this;
        }
        Map<String, Set<String>> copy = new java.util.HashMap<>();
        names.forEach((ingress, set) -> copy.put(ingress, Set.copyOf(set)));
        return new RouteTable(this, problems, sslPassthroughHosts, defaultCertificate, gatewayStatus, tcpServices, serverSettings,
                Map.copyOf(copy));
    }

    /**
     * The annotations (names without prefix, e.g. {@code proxy-read-timeout}) that the controller's
     * ConfigMap ({@link RouteCompiler#withConfigMap}) gave the Ingress {@code namespace/name}, as its
     * defaults or its global authentication, which its routes' policies include as if it had them;
     * empty when none.
     */
    public Set<String> configMapDefaults(String ingress) {
        return configMapDefaults.getOrDefault(ingress, Set.of());
    }

    /**
     * What the controller's ConfigMap sets for the whole proxy: the requests refused before any route
     * is matched, which client header fields go on by their names, the status of the HTTPS redirect
     * and of the rate limits' refusals; {@link ServerSettings#DEFAULTS} (ingress-nginx's) without one.
     */
    public ServerSettings serverSettings() {
        return serverSettings;
    }

    /** This table with {@link #tcpServices()} {@code tcp} (see {@link TcpServiceCompiler}). */
    RouteTable withTcpServices(TcpServices tcp) {
        return tcp == TcpServices.none() ? this
                : new RouteTable(this, problems, sslPassthroughHosts, defaultCertificate, gatewayStatus, tcp);
    }

    /** This table with {@link #sslPassthroughHosts()} {@code hosts} (see {@link SslPassthroughHosts}). */
    RouteTable withSslPassthroughHosts(Map<String, Route> hosts) {
        return hosts.isEmpty() ? this
                : new RouteTable(this, problems, Collections.unmodifiableMap(new LinkedHashMap<>(hosts)), defaultCertificate,
                        gatewayStatus, tcpServices);
    }

    /** This table with {@link #defaultCertificate()} {@code secret} (see {@link RouteCompiler#withDefaultCertificate}). */
    RouteTable withDefaultCertificate(TlsSecret secret) {
        return secret == null ? this : new RouteTable(this, problems, sslPassthroughHosts, secret, gatewayStatus, tcpServices);
    }

    /** This table with {@link #gatewayStatus()} {@code status}. */
    RouteTable withGatewayStatus(GatewayStatus status) {
        return status.gateways().isEmpty() && status.routeParents().isEmpty() ? this
                : new RouteTable(this, problems, sslPassthroughHosts, defaultCertificate, status, tcpServices);
    }

    /**
     * This table, serving the same routes, with the problems of the source it was compiled from
     * listed first in {@link #problems()}: objects the source could not turn into a state (an
     * Ingress it could not read, a manifest file that does not parse, an edit rejected while the
     * last good version is served). The admin endpoints report what the served table lists.
     */
    public RouteTable withSourceProblems(List<Problem> sourceProblems) {
        Objects.requireNonNull(sourceProblems, "sourceProblems");
        for (int i = 0; i < sourceProblems.size(); i++) {
            Objects.requireNonNull(sourceProblems.get(i), "sourceProblems[" + i + "]");
        }
        if (sourceProblems.isEmpty()) {
            return this;
        }
        List<Problem> all = new ArrayList<>(sourceProblems);
        all.addAll(problems);
        return new RouteTable(this, List.copyOf(all), sslPassthroughHosts, defaultCertificate, gatewayStatus, tcpServices);
    }

    /** A table without routes: every request gets {@link NoMatch#NO_HOST}. */
    public static RouteTable empty() {
        return EMPTY;
    }

    /**
     * Matches a request.
     *
     * @param host the request's Host header (or authority), may carry {@code :port}; {@code null}
     *     or empty matches only rules without host
     * @param normalizedPath the path as returned by {@link RequestPaths#normalize}
     * @return the matching {@link Route}, the default backend's route, or why nothing matched
     */
    public MatchResult match(String host, String normalizedPath) {
        Objects.requireNonNull(normalizedPath, "normalizedPath");
        int found = host == null ? index.anyHost() : index.host(host, hostEnd(host));
        if (deepWildcards != null && host != null && (found < 0 || found == index.anyHost())) {
            found = deepWildcardHost(host, found);
        }
        NoMatch why;
        if (found < 0) {
            why = NoMatch.NO_HOST;
        } else {
            // read from an array of routes, the match does not even load the route's class: at
            // 100,000 rules that is a cache miss, which the caller pays only if it uses the route
            int value = index.valueIndex(found, normalizedPath);
            if (value >= 0) {
                if (value < regexBase) {
                    return indexed[value];
                }
                // a host whose paths are regexes: its Exact paths are in the index, the rest is tried in order
                Route route = indexed[value];
                RegexPaths regexes = route.regexPaths();
                if (regexes == null) {
                    return route;
                }
                MatchResult matched = regexes.match(normalizedPath);
                if (matched != null) {
                    return matched;
                }
            }
            if (found != index.anyHost()) {
                // a host with rules of its own: its defaultBackend, if any, was among its paths
                return NoMatch.NO_PATH;
            }
            why = NoMatch.NO_PATH;
        }
        return defaultRoute != null ? defaultRoute : why;
    }

    // A Gateway API wildcard takes any number of labels: *.example.com takes a.b.example.com, which the
    // index (one label, as an Ingress's) did not find; the longest such wildcard wins
    private int deepWildcardHost(String host, int found) {
        int end = hostEnd(host);
        int dot = host.indexOf('.');
        while (dot > 0 && dot < end - 1) {
            dot = host.indexOf('.', dot + 1);
            if (dot < 0 || dot >= end - 1) {
                break;
            }
            int slot = index.wildcard(host, dot + 1, end);
            if (slot >= 0 && java.util.Arrays.binarySearch(deepWildcards, slot) >= 0) {
                return slot;
            }
        }
        return found;
    }

    // the end of the host name: before ":port" (after "]" for an IPv6 literal), without a trailing dot
    private static int hostEnd(String host) {
        int end;
        if (!host.isEmpty() && host.charAt(0) == '[') {
            int close = host.indexOf(']');
            end = close < 0 ? host.length() : close + 1;
        } else {
            int colon = host.indexOf(':');
            end = colon < 0 ? host.length() : colon;
        }
        if (end > 0 && host.charAt(end - 1) == '.') {
            end--;
        }
        return end;
    }

    /** Every served route, default backends included, in Ingress age order. */
    public List<Route> routes() {
        return routes;
    }

    /**
     * The catch-all: the route of the {@code defaultBackend} of the oldest Ingress that has no
     * rules, else of the default backend Service ({@link RouteCompiler#withDefaultBackendService}), or {@code null}. It serves only requests to hosts that have no rules of their own
     * (and that the rules without host do not match); the fallback of a host with rules is in
     * {@link #hostDefaultRoutes()}.
     */
    public Route defaultRoute() {
        return defaultRoute;
    }

    /**
     * The per-host fallbacks, in the order of {@link #routes()}: for each host with rules (exact,
     * wildcard, or {@code null} for the rules without host) the route of the {@code defaultBackend}
     * of the oldest Ingress with a rule for that host and a {@code defaultBackend}, else (an Ingress
     * host) the default backend Service's ({@link RouteCompiler#withDefaultBackendService}). It serves the
     * host's requests that none of its paths matches; a host with a {@code Prefix /} path has none.
     */
    public List<Route> hostDefaultRoutes() {
        return hostDefaultRoutes;
    }

    /**
     * Rejected Ingresses (ERROR), lost conflicts and backends that cannot serve (WARNING); after
     * {@link #withSourceProblems}, the source's problems first.
     */
    public List<Problem> problems() {
        return problems;
    }

    /** TLS host (exact or {@code *.} wildcard, lower case) to its certificate's Secret. */
    public Map<String, TlsSecret> certificates() {
        return certificates;
    }

    /**
     * The names served as another name of a host ({@code server-alias}), each to the host whose
     * paths it serves (lower case; {@code *.} and a name for a wildcard), in Ingress age order. A
     * request for an alias matches exactly as one for its host, and gets the same {@link Route}s.
     */
    public Map<String, String> hostAliases() {
        return hostAliases;
    }

    /**
     * The hosts whose TLS connections go to their backend undecrypted ({@code ssl-passthrough}, with
     * {@link RouteCompiler#withSslPassthrough}): exact host name (lower case) to the route whose
     * backend gets them, the one a request for {@code /} of the host gets. Empty unless switched on.
     * These hosts are still routed by {@link #match} as any other: plain HTTP, and HTTPS requests
     * whose TLS named another host (or none), are served by their routes.
     */
    public Map<String, Route> sslPassthroughHosts() {
        return sslPassthroughHosts;
    }

    /**
     * The TLS Secret served to names without a certificate of their own in {@link #certificates()},
     * and to clients that send no SNI, ingress-nginx's {@code --default-ssl-certificate}; null (the
     * default) for the proxy's self-signed one. Set by {@link RouteCompiler#withDefaultCertificate}.
     */
    public TlsSecret defaultCertificate() {
        return defaultCertificate;
    }

    /**
     * The Gateway API verdicts of this compilation: the status of each Gateway of our GatewayClasses
     * (and its listeners), and of each HTTPRoute for each of its parentRefs to such a Gateway. In a
     * cluster the leader writes them into the objects' {@code status}; empty without Gateways of ours.
     */
    public GatewayStatus gatewayStatus() {
        return gatewayStatus;
    }

    /**
     * The TCP services ({@code --tcp-services-configmap}, with {@link RouteCompiler#withTcpServices}):
     * ports to listen on and the Service ports their connections go to. {@link TcpServices#none()}
     * unless asked for.
     */
    public TcpServices tcpServices() {
        return tcpServices;
    }

    /** Every distinct backend of the served routes. */
    public List<Backend> backends() {
        return backends;
    }

    /** Whether the table serves nothing (no route, no default backend). */
    public boolean isEmpty() {
        return routes.isEmpty();
    }

    @Override
    public String toString() {
        return "RouteTable[" + routes.size() + " routes, " + backends.size() + " backends, " + problems.size()
                + " problems]";
    }
}
