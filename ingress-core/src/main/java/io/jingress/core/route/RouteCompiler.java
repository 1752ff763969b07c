package io.jingress.core.route;

import io.jingress.core.internal.lb.AnnotationPolicy;
import io.jingress.core.internal.route.BackendResolver;
import io.jingress.core.internal.route.PathTrie;
import io.jingress.core.internal.route.Resolution;
import io.jingress.core.lb.BalancerPolicy;
import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.LoadBalancer;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.GatewayClass;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressValidator;
import io.jingress.core.model.OpaqueSecret;
import io.jingress.core.model.PathType;
import io.jingress.core.model.PortRef;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;
import io.jingress.core.model.TlsSecret;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Compiles a {@link ClusterState} into an immutable {@link RouteTable}.
 *
 * <pre>{@code
 * Balancers balancers = Balancers.create();
 * RouteCompiler compiler = RouteCompiler.create(balancers);
 * RouteTable table = compiler.compile(ClusterState.builder()
 *     .ingress(ingress).service(service).endpointSlice(slice)
 *     .build());
 * table.problems().forEach(System.out::println);
 * }</pre>
 *
 * <p>Ingresses are taken oldest first ({@code creationTimestamp}, then namespace/name). Each is
 * validated ({@link IngressValidator}); one with an ERROR is left out whole and its problems are
 * reported. Rules of one host merge across Ingresses; for the same host, path and type the oldest
 * Ingress wins and the loser is reported as a WARNING ({@code ImplementationSpecific} counts as
 * {@code Prefix}, and a Prefix path's trailing slash does not make it a different path). A canary
 * Ingress ({@code nginx.ingress.kubernetes.io/canary: "true"}) is no such loser: its paths become the
 * {@link Route#canary()} of the main routes of the same host, path and type (see {@link Canary}),
 * and a canary path without a main route is not served and is reported as a WARNING. An
 * Ingress's {@code defaultBackend} serves the requests to the hosts of its own rules that no path
 * matches (the rules without host count as one host): per host the oldest such Ingress wins, and a
 * younger one with another backend is reported as a WARNING. Only the {@code defaultBackend} of an
 * Ingress without rules is the catch-all for hosts without rules (the oldest wins). This is
 * ingress-nginx's behaviour, and keeps one tenant's Ingress from taking the unmatched traffic of
 * every other tenant's hosts; see {@link RouteTable}. Each backend is resolved to ready endpoints;
 * one that cannot serve is kept (its requests get 503) and reported as a WARNING. TLS hosts map to
 * their Secret (oldest Ingress wins); a missing Secret is reported and the host gets the default
 * certificate. A rule host that none of its Ingress's {@code spec.tls} entries lists is served with
 * the first of that Ingress's TLS Secrets whose certificate covers it (its DNS names, else its
 * CN), as ingress-nginx does: this is how an entry without {@code hosts} is served. An entry
 * without hosts that covers none of them, or whose Secret is missing or holds no certificate, is
 * reported as a WARNING. A port number outside 1 to 65535 in a Service, EndpointSlice or Endpoints
 * is reported as a WARNING naming the object, field and value, and only that port is left out.
 * At the end, endpoints in no backend are released from the {@link Balancers}.
 *
 * <p>A host where {@code use-regex} or {@code rewrite-target} is on for any of its Ingresses has
 * its {@code Prefix} and {@code ImplementationSpecific} paths, of every Ingress, compiled as
 * case-insensitive regexes ({@link Route#pathPattern()}), as ingress-nginx does; its {@code Exact}
 * paths stay exact. A path that is not a valid (Java) regex is a WARNING on its {@code .path}, and
 * only that path is not served.
 */
public final class RouteCompiler {
    /** ingress-nginx's switch for the HTTP to HTTPS redirect of TLS hosts. */
    public static final String NGINX_SSL_REDIRECT = "nginx.ingress.kubernetes.io/ssl-redirect";
    /** Jingress's own spelling of the same switch. */
    public static final String SSL_REDIRECT = "jingress.io/ssl-redirect";

    private static final String KIND = "Ingress";
    private static final String ANY_HOST = "*";  // no host name is "*"
    private static final String NGINX_PREFIX = RouteAnnotations.NGINX_PREFIX;
    private static final String OUR_PREFIX = RouteAnnotations.OUR_PREFIX;
    // The annotations of these two prefixes that are read; any other of them is reported, not
    // ignored in silence: an Ingress written for ingress-nginx (a rewrite-target, regex paths)
    // would otherwise be served as if the annotation were not there, with no word of why.
    private static final Set<String> READ_ANNOTATIONS = readAnnotations();
    private static final Comparator<Ingress> OLDEST_FIRST = Comparator.comparing(Ingress::creationTimestamp)
            .thenComparing(Ingress::namespace).thenComparing(Ingress::name);

    private final Balancers balancers;
    private final Set<String> allowedResponseHeaders;  // lower case
    private final String gatewayController;
    private final boolean sslPassthrough;
    private final String defaultCertificate;  // namespace/name of a TLS Secret, or null
    private final TcpServiceCompiler tcpServices;  // null: no TCP services
    private final String configMap;  // namespace/name of the controller's ConfigMap, or null
    private final String defaultBackendService;  // namespace/name of the default backend Service, or null
    private final BasicAuthAnnotations.Memos authMemos = new BasicAuthAnnotations.Memos();

    private static Set<String> readAnnotations() {
        Set<String> read = new HashSet<>(AnnotationPolicy.READ);
        read.add(NGINX_SSL_REDIRECT);
        read.add(SSL_REDIRECT);
        read.addAll(RouteAnnotations.READ);
        read.addAll(ControllerConfigMap.readAnnotations());
        return Set.copyOf(read);
    }

    private RouteCompiler(Balancers balancers, Set<String> allowedResponseHeaders, String gatewayController,
            boolean sslPassthrough, String defaultCertificate, TcpServiceCompiler tcpServices, String configMap,
            String defaultBackendService) {
        this.balancers = balancers;
        this.allowedResponseHeaders = allowedResponseHeaders;
        this.gatewayController = gatewayController;
        this.sslPassthrough = sslPassthrough;
        this.defaultCertificate = defaultCertificate;
        this.tcpServices = tcpServices;
        this.configMap = configMap;
        this.defaultBackendService = defaultBackendService;
    }

    /** A compiler whose backends get their endpoints and balancers from {@code balancers}. */
    public static RouteCompiler create(Balancers balancers) {
        return new RouteCompiler(Objects.requireNonNull(balancers, "balancers"), Set.of(), GatewayClass.JINGRESS_CONTROLLER, false,
                null, null, null, null);
    }

    /**
     * A compiler like this one that serves the Gateways of the GatewayClasses whose
     * {@code spec.controllerName} is {@code controllerName} ({@link GatewayClass#JINGRESS_CONTROLLER}
     * by default), and the HTTPRoutes attached to them.
     *
     * <pre>{@code
     * RouteCompiler compiler = RouteCompiler.create(balancers).withGatewayController("example.com/gateway");
     * }</pre>
     */
    public RouteCompiler withGatewayController(String controllerName) {
        Objects.requireNonNull(controllerName, "controllerName");
        if (controllerName.isBlank()) {
            throw new IllegalArgumentException("controllerName must not be blank");
        }
        return new RouteCompiler(balancers, allowedResponseHeaders, controllerName, sslPassthrough, defaultCertificate, tcpServices,
                configMap, defaultBackendService);
    }

    /** The {@code spec.controllerName} of the GatewayClasses this compiler serves. */
    public String gatewayController() {
        return gatewayController;
    }

    /**
     * A compiler like this one (same balancers) whose Ingresses' {@code custom-headers} may set the
     * response headers {@code names} (compared without case), ingress-nginx's
     * {@code global-allowed-response-headers}; none by default. The fields the proxy writes itself
     * ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection} and the other hop-by-hop
     * ones) and {@code Set-Cookie} are never set, listed or not.
     *
     * <pre>{@code
     * RouteCompiler compiler = RouteCompiler.create(balancers)
     *     .withAllowedResponseHeaders(List.of("X-Frame-Options", "Content-Security-Policy"));
     * }</pre>
     *
     * @throws IllegalArgumentException when a name is no header name (RFC 9110 token)
     */
    public RouteCompiler withAllowedResponseHeaders(Collection<String> names) {
        Objects.requireNonNull(names, "names");
        Set<String> lower = new HashSet<>();
        for (String name : names) {
            Objects.requireNonNull(name, "name");
            if (!CustomHeadersAnnotation.TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("\"" + name + "\" is no header name");
            }
            lower.add(name.toLowerCase(Locale.ROOT));
        }
        return new RouteCompiler(balancers, Set.copyOf(lower), gatewayController, sslPassthrough, defaultCertificate, tcpServices,
                configMap, defaultBackendService);
    }

    /**
     * A compiler like this one whose {@code ssl-passthrough: "true"} Ingresses have their hosts in
     * {@link RouteTable#sslPassthroughHosts()}, ingress-nginx's {@code --enable-ssl-passthrough}: TLS
     * connections naming such a host are passed to its backend undecrypted by the HTTPS listener.
     * Off by default: then each Ingress with the annotation gets a WARNING and is served as usual.
     *
     * <pre>{@code
     * RouteCompiler compiler = RouteCompiler.create(balancers).withSslPassthrough(true);
     * }</pre>
     */
    public RouteCompiler withSslPassthrough(boolean enabled) {
        return new RouteCompiler(balancers, allowedResponseHeaders, gatewayController, enabled, defaultCertificate, tcpServices,
                configMap, defaultBackendService);
    }

    /**
     * A compiler like this one whose tables name the TLS Secret {@code secret} ({@code namespace/name})
     * as {@link RouteTable#defaultCertificate()}, ingress-nginx's {@code --default-ssl-certificate}: the
     * certificate the HTTPS listener serves to names without one of their own and to clients that send
     * no SNI, in place of a self-signed one. A state without that Secret gives a table without it, and
     * a WARNING on the Secret. {@code null}: none (the default).
     *
     * <pre>{@code
     * RouteCompiler compiler = RouteCompiler.create(balancers).withDefaultCertificate("ingress/wildcard-tls");
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code secret} is not {@code namespace/name}
     */
    public RouteCompiler withDefaultCertificate(String secret) {
        if (secret != null && !isNamespacedName(secret)) {
            throw new IllegalArgumentException("\"" + secret + "\" is not namespace/name");
        }
        return new RouteCompiler(balancers, allowedResponseHeaders, gatewayController, sslPassthrough, secret, tcpServices,
                configMap, defaultBackendService);
    }

    /** The {@code namespace/name} of the default certificate's Secret, or null (see {@link #withDefaultCertificate}). */
    public String defaultCertificate() {
        return defaultCertificate;
    }

    /**
     * A compiler like this one whose tables carry the TCP services of the ConfigMap
     * {@code configMap} ({@code namespace/name}) in {@link RouteTable#tcpServices()}, ingress-nginx's
     * {@code --tcp-services-configmap}: each {@code data} key is a port to listen on, each value
     * {@code namespace/service:port[:PROXY[:PROXY]]} (see {@link TcpService#parse}). An entry on one
     * of {@code reservedPorts} (the ports the proxy listens on itself, each with what it is, e.g.
     * {@code 8080 -> "the HTTP port"}) is not served, with a WARNING.
     *
     * <pre>{@code
     * RouteCompiler compiler = RouteCompiler.create(balancers)
     *     .withTcpServices("ingress/tcp-services", Map.of(80, "the HTTP port", 443, "the HTTPS port"));
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code configMap} is not {@code namespace/name}
     */
    public RouteCompiler withTcpServices(String configMap, Map<Integer, String> reservedPorts) {
        Objects.requireNonNull(configMap, "configMap");
        Objects.requireNonNull(reservedPorts, "reservedPorts");
        return new RouteCompiler(balancers, allowedResponseHeaders, gatewayController, sslPassthrough, defaultCertificate,
                new TcpServiceCompiler(configMap, reservedPorts), this.configMap, defaultBackendService);
    }

    /**
     * A compiler like this one that reads the ConfigMap {@code configMap} ({@code namespace/name}) of
     * each state as the controller's configuration, ingress-nginx's {@code --configmap}: its keys
     * named as an annotation ({@code proxy-read-timeout}, {@code proxy-body-size}, {@code ssl-redirect},
     * {@code whitelist-source-range}, {@code load-balance}, ...) are that annotation's default for every
     * Ingress (an Ingress's own wins); {@code global-auth-url} and its companions authenticate every
     * Ingress without an {@code auth-url} of its own (unless it says {@code enable-global-auth: "false"})
     * but for the paths {@code no-auth-locations} lists; {@code no-tls-redirect-locations} lists the paths
     * never redirected to HTTPS. HTTPRoutes and GRPCRoutes are not affected. A value that cannot be used,
     * a missing ConfigMap and the keys not read are WARNINGs on the ConfigMap. {@code null}: none (the
     * default; then {@code no-tls-redirect-locations} and {@code no-auth-locations} have ingress-nginx's
     * default, {@code /.well-known/acme-challenge}).
     *
     * <pre>{@code
     * RouteCompiler compiler = RouteCompiler.create(balancers).withConfigMap("ingress-nginx/ingress-nginx-controller");
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code configMap} is not {@code namespace/name}
     */
    public RouteCompiler withConfigMap(String configMap) {
        if (configMap != null && !isNamespacedName(configMap)) {
            throw new IllegalArgumentException("\"" + configMap + "\" is not namespace/name");
        }
        return new RouteCompiler(balancers, allowedResponseHeaders, gatewayController, sslPassthrough, defaultCertificate,
                tcpServices, configMap, defaultBackendService);
    }

    /**
     * The ConfigMaps ({@code namespace/name}) that the controller's ConfigMap {@code controller} names
     * in {@code add-headers} and {@code proxy-set-headers}: what a source must carry with it.
     */
    public static Set<String> configMapsNamedBy(ConfigMap controller) {
        return ControllerConfigMap.configMapsNamedBy(Objects.requireNonNull(controller, "controller"));
    }

    /** The {@code namespace/name} of the controller's ConfigMap, or null (see {@link #withConfigMap}). */
    public String configMap() {
        return configMap;
    }

    /**
     * A compiler like this one whose tables send the requests no rule takes to the Service {@code service}
     * ({@code namespace/name}, at its first port, {@code spec.ports[0]}), ingress-nginx's
     * {@code --default-backend-service}: the requests for a host without rules (when no Ingress without
     * rules has a {@code defaultBackend}, which wins, as in ingress-nginx) and those for a path that none
     * of an Ingress host's paths matches (when no Ingress of the host has a {@code defaultBackend}), as
     * they came, with none of the Ingresses' annotations ({@link Route#isDefaultBackendService()}). The
     * hosts of Gateway API routes alone are not served by it: their unmatched requests get 404, as the
     * Gateway API asks. It also serves the error pages of an Ingress's {@code custom-http-errors} (or the
     * controller ConfigMap's) without a {@code default-backend} of its own. A missing Service, or one
     * without ports, is a WARNING on it, as is one without a ready endpoint: until it has one, those
     * requests get the 404 they get without it. {@code null}: none (the default).
     *
     * <pre>{@code
     * RouteCompiler compiler = RouteCompiler.create(balancers).withDefaultBackendService("ingress/default-http-backend");
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code service} is not {@code namespace/name}
     */
    public RouteCompiler withDefaultBackendService(String service) {
        if (service != null && !isNamespacedName(service)) {
            throw new IllegalArgumentException("\"" + service + "\" is not namespace/name");
        }
        return new RouteCompiler(balancers, allowedResponseHeaders, gatewayController, sslPassthrough, defaultCertificate,
                tcpServices, configMap, service);
    }

    /** The {@code namespace/name} of the default backend Service, or null (see {@link #withDefaultBackendService}). */
    public String defaultBackendService() {
        return defaultBackendService;
    }

    // exactly one '/' between two parts without blanks
    static boolean isNamespacedName(String text) {
        return text.matches("[^/\\s]+/[^/\\s]+");
    }

    /** Compiles {@code state}; never throws for bad input, which is reported in {@link RouteTable#problems()}. */
    public RouteTable compile(ClusterState state) {
        Objects.requireNonNull(state, "state");
        return new Compilation(state).run();
    }

    /**
     * The balancer policy of one Ingress's backends. Round robin for every Ingress until
     * {@code BalancerPolicy.fromAnnotations} exists; then this reads the Ingress's annotations.
     */
    private static BalancerPolicy balancerPolicyOf(Ingress ingress) {
        return BalancerPolicy.fromAnnotations(ingress.annotations());
    }

    private static boolean sslRedirectSwitchedOff(Ingress ingress) {
        return SslRedirectAnnotation.switchedOff(ingress.annotations());
    }

    // a rule's host, lower case; null for a rule without host
    static String hostOf(IngressRule rule) {
        return rule.host() == null || rule.host().isEmpty() ? null : rule.host().toLowerCase(Locale.ROOT);
    }

    // the key of a host in maps of hosts: the rule's host, or ANY_HOST for the rules without host
    private static String hostKey(String host) {
        return host == null ? ANY_HOST : host;
    }

    // namespace/service:port (or namespace/resource:...), the key of Backend
    private static String backendKey(Ingress ingress, IngressBackend ingressBackend) {
        return ingressBackend.isService()
                ? ingress.namespace() + "/" + ingressBackend.serviceName() + ":" + ingressBackend.servicePort()
                : ingress.namespace() + "/resource:" + ingressBackend.resource();
    }

    /** The state of one compile run. */
    private final class Compilation {
        private final ClusterState state;
        private final BackendResolver resolver;
        private final List<Problem> problems = new ArrayList<>();
        private final Map<String, Backend> backends = new LinkedHashMap<>();
        private final Map<String, RoutePolicy> policies = new HashMap<>();  // by Ingress key
        private final Map<String, PathTrie<Route>> exactHosts = new LinkedHashMap<>();
        private final Map<String, PathTrie<Route>> wildcardHosts = new LinkedHashMap<>();
        private PathTrie<Route> anyHost;
        private final TlsHosts tls;
        private final List<Route> routes = new ArrayList<>();
        // host (ANY_HOST for the rules without host) to the oldest Ingress with a rule for it and a defaultBackend
        private final Map<String, Ingress> hostDefaults = new LinkedHashMap<>();
        private Route defaultRoute;  // the catch-all: the defaultBackend of the oldest Ingress without rules
        private Backend serverDefault;  // the default backend Service's (withDefaultBackendService), or null
        // host (not the rules without host) to the oldest Ingress with a path for it: the hosts the
        // default backend Service is the fallback of
        private final Map<String, Ingress> ruleHosts = new LinkedHashMap<>();
        private final RegexHosts regexHosts = new RegexHosts();
        private final CanaryRoutes canaries;
        private Map<String, OpaqueSecret> opaqueSecrets;  // by namespace/name, made when an Ingress has annotations
        private Map<String, ConfigMap> configMaps;  // likewise
        private Set<String> gatewayWildcards = Set.of();  // the hosts after "*." of HTTPRoutes' wildcards
        private GatewayStatus gatewayStatus = GatewayStatus.empty();
        private ControllerConfigMap controllerConfig = ControllerConfigMap.NONE;
        // by Ingress key: the annotations (full names) the controller's ConfigMap gave it
        private final Map<String, Set<String>> merged = new HashMap<>();
        // by Ingress key: its policy without the ConfigMap's global authentication (no-auth-locations)
        private final Map<String, RoutePolicy> withoutGlobalAuth = new HashMap<>();

        Compilation(ClusterState state) {
            this.state = state;
            this.resolver = new BackendResolver(state, balancers);
            this.tls = new TlsHosts(problems);
            this.canaries = new CanaryRoutes(this::backendFor, problems);
        }

        RouteTable run() {
            List<Ingress> served = new ArrayList<>();
            List<Ingress> sorted = new ArrayList<>(state.ingresses());
            sorted.sort(OLDEST_FIRST);
            serverDefault = resolveServerDefault();
            controllerConfig = ControllerConfigMap.read(configMap, state, serverDefault, problems);
            for (Ingress written : sorted) {
                List<Problem> found = IngressValidator.validate(written);
                problems.addAll(found);
                if (!IngressValidator.isRejected(found)) {
                    Ingress ingress = withConfigMap(written);
                    for (String problem : BalancerPolicy.problemsIn(ingress.annotations())) {
                        annotationProblem(ingress, problem);
                    }
                    if (!ingress.annotations().isEmpty() || controllerConfig.setsHeaders()) {
                        reportAnnotationsNotRead(ingress);
                        if (canaries.add(ingress)) {
                            continue;  // its paths join main routes (CanaryRoutes)
                        }
                        reportBadSslRedirect(ingress);
                        readPolicy(ingress);
                    }
                    served.add(ingress);
                }
            }
            tls.collect(state.secrets(), served, this::policyOf);
            AuthTlsHosts.report(served, this::policyOf, problems);
            for (Ingress ingress : served) {
                RoutePolicy policy = policyOf(ingress);
                if (policy.regexPaths()) {
                    for (IngressRule rule : ingress.rules()) {
                        if (makesRegexHost(policy, rule)) {
                            regexHosts.add(hostKey(hostOf(rule)));
                        }
                    }
                }
            }
            canaries.index(host -> regexHosts.contains(hostKey(host)));  // a canary's path on a regex host is its regex
            for (Ingress ingress : served) {
                addDefaultBackend(ingress);
                for (int r = 0; r < ingress.rules().size(); r++) {
                    addRule(ingress, r);
                }
            }
            addHostDefaults();
            addServerDefaults();
            if (!state.httpRoutes().isEmpty() || !state.grpcRoutes().isEmpty() || !state.gateways().isEmpty()) {
                GatewayRoutes gatewayRoutes = new GatewayRoutes(state, gatewayController, problems, tls.certificates(),
                        this::pathsOf, regexHosts::contains, routes, gatewayBackends());
                gatewayWildcards = gatewayRoutes.compile();
                gatewayStatus = gatewayRoutes.status();
            }
            regexHosts.addMarkers(key -> pathsOf(key.equals(ANY_HOST) ? null : key));
            canaries.reportUnmerged();
            HostAliases hostAliases = new HostAliases(problems, tls.certificates(), tls::claim);
            hostAliases.apply(served, this::policyOf, exactHosts, wildcardHosts, routes);
            tls.reportUnclaimed();
            if (defaultRoute != null) {
                routes.add(defaultRoute);
            }
            problems.addAll(resolver.problems());
            Set<Endpoint> live = new LinkedHashSet<>();
            for (Backend backend : backends.values()) {
                live.addAll(backend.endpoints());
            }
            Map<String, Route> passthrough = SslPassthroughHosts.collect(served, routes, sslPassthrough, problems);
            TcpServices tcp = tcpServices == null ? TcpServices.none()
                    : tcpServices.compile(state, resolver, balancers, problems);
            tcp.routes().forEach(route -> live.addAll(route.backend().endpoints()));
            TlsSecret fallbackCertificate = defaultCertificateSecret();
            RouteTable table = new RouteTable(exactHosts, wildcardHosts, anyHost, defaultRoute, routes, problems, tls.certificates(),
                    List.copyOf(backends.values()), hostAliases.aliases(), gatewayWildcards).withSslPassthroughHosts(passthrough)
                    .withDefaultCertificate(fallbackCertificate).withGatewayStatus(gatewayStatus).withTcpServices(tcp)
                    .withServerSettings(controllerConfig.serverSettings()).withConfigMapDefaults(mergedNames());
            balancers.retain(live);
            authMemos.compiled();
            return table;
        }

        // what the ConfigMap gave each Ingress, by annotation name without its prefix
        private Map<String, Set<String>> mergedNames() {
            Map<String, Set<String>> names = new HashMap<>();
            merged.forEach((ingress, full) -> {
                Set<String> shortNames = new TreeSet<>();
                for (String name : full) {
                    shortNames.add(name.startsWith(NGINX_PREFIX) ? name.substring(NGINX_PREFIX.length()) : name);
                }
                names.put(ingress, shortNames);
            });
            return names;
        }

        private TlsSecret defaultCertificateSecret() {
            if (defaultCertificate == null) {
                return null;
            }
            for (TlsSecret secret : state.secrets()) {
                if (secret.key().equals(defaultCertificate)) {
                    return secret;
                }
            }
            problems.add(Problem.warning("Secret", defaultCertificate, "",
                    "the default certificate's Secret (of type kubernetes.io/tls) is not found: names without a"
                            + " certificate of their own get the self-signed one"));
            return null;
        }

        // ingress-nginx's enforceRegexModifier: use-regex, or a rewrite-target that is not the path itself
        // (a rewrite-target "/" on a path "/" changes nothing, and makes no host a regex host)
        private boolean makesRegexHost(RoutePolicy policy, IngressRule rule) {
            if (policy.useRegex() || policy.rewrite() == null) {
                return true;  // use-regex, or a refused rewrite-target: its paths were written as regexes
            }
            for (HttpIngressPath path : rule.paths()) {
                String written = path.path() == null || path.path().isEmpty() ? "/" : path.path();
                if (!written.equals(policy.rewrite().target())) {
                    return true;
                }
            }
            return false;
        }

        private void reportBadSslRedirect(Ingress ingress) {
            List<String> found = new ArrayList<>(0);
            SslRedirectAnnotation.check(ingress.annotations(), found);
            for (String problem : found) {
                annotationProblem(ingress, problem);
            }
        }

        // The Ingress with the controller ConfigMap's defaults and global authentication (a canary takes
        // its main route's settings, so it gets none).
        private Ingress withConfigMap(Ingress ingress) {
            if (controllerConfig == ControllerConfigMap.NONE
                    || CanaryAnnotations.isCanary(ingress.annotations(), new ArrayList<>(0))) {
                return ingress;
            }
            Set<String> added = new HashSet<>();
            Ingress applied = controllerConfig.apply(ingress, added, problems);
            if (!added.isEmpty()) {
                merged.put(ingress.key(), added);
            }
            return applied;
        }

        // A problem of the Ingress's annotations; what is wrong with a value the ConfigMap gave it was
        // said once, on the ConfigMap
        private void annotationProblem(Ingress ingress, String problem) {
            Set<String> added = merged.get(ingress.key());
            if (added == null || !ControllerConfigMap.namesMerged(problem, added)) {
                problems.add(Problem.warning(KIND, ingress.key(), "metadata.annotations", problem));
            }
        }

        private void readPolicy(Ingress ingress) {
            RouteAnnotations.Parsed parsed = parsePolicy(ingress, ingress.annotations());
            for (String problem : parsed.problems()) {
                annotationProblem(ingress, problem);
            }
            if (!parsed.policy().isNone()) {
                policies.put(ingress.key(), parsed.policy());
            }
        }

        private RouteAnnotations.Parsed parsePolicy(Ingress ingress, Map<String, String> annotations) {
            return RouteAnnotations.parse(annotations,
                    new BasicAuthAnnotations.Context(ingress.namespace(), opaqueSecrets()::get, authMemos, configMaps()::get,
                            allowedResponseHeaders, controllerConfig.addHeaders(), controllerConfig.proxySetHeaders()),
                    new DefaultBackendAnnotations.Services() {
                        @Override
                        public Backend firstPort(String name, StringBuilder why) {
                            return firstPortBackend(ingress, name, why);
                        }

                        @Override
                        public Backend serverDefault() {
                            return serverDefault;
                        }
                    });
        }

        // --default-backend-service: the Service at its first port, as ingress-nginx takes it, whatever
        // its endpoints (it serves error pages once it has some); null, with a WARNING, when it cannot be
        private Backend resolveServerDefault() {
            if (defaultBackendService == null) {
                return null;
            }
            int slash = defaultBackendService.indexOf('/');
            String namespace = defaultBackendService.substring(0, slash);
            String name = defaultBackendService.substring(slash + 1);
            Service service = resolver.service(namespace, name);
            String why = service == null ? "is not found"
                    : service.ports().isEmpty() ? "has no ports"
                    : service.ports().get(0).port() < 1 || service.ports().get(0).port() > 65535
                            ? "has no valid first port (" + service.ports().get(0).port() + ")" : null;
            if (why != null) {
                problems.add(Problem.warning("Service", defaultBackendService, service == null ? "" : "spec.ports",
                        "the default backend Service (--default-backend-service) " + why + ": the requests no rule takes"
                                + " get 404, and custom-http-errors without a default-backend has no effect"));
                return null;
            }
            Backend backend = gatewayBackends().service(namespace, name, service.ports().get(0).port(), BalancerPolicy.ROUND_ROBIN);
            if (!backend.isReady()) {
                problems.add(Problem.warning("Service", defaultBackendService, "", "the default backend Service"
                        + " (--default-backend-service): " + backend.reason() + ": until it has a ready endpoint, the requests no rule"
                        + " takes get 404"));
            }
            return backend;
        }

        // The policy of the routes of one path as the Ingress writes it: the Ingress's, without the
        // global authentication for the paths no-auth-locations lists.
        private RoutePolicy policyOf(Ingress ingress, String written) {
            Set<String> added = merged.get(ingress.key());
            if (added == null || !ControllerConfigMap.hasGlobalAuth(added) || !controllerConfig.skipsGlobalAuth(written)) {
                return policyOf(ingress);
            }
            return withoutGlobalAuth.computeIfAbsent(ingress.key(), key -> {
                RoutePolicy policy = parsePolicy(ingress, ControllerConfigMap.withoutGlobalAuth(ingress.annotations())).policy();
                return policy.isNone() ? RoutePolicy.NONE : policy;
            });
        }

        private Map<String, OpaqueSecret> opaqueSecrets() {
            if (opaqueSecrets == null) {
                opaqueSecrets = new HashMap<>();
                for (OpaqueSecret secret : state.opaqueSecrets()) {
                    opaqueSecrets.putIfAbsent(secret.key(), secret);
                }
            }
            return opaqueSecrets;
        }

        private Map<String, ConfigMap> configMaps() {
            if (configMaps == null) {
                configMaps = new HashMap<>();
                for (ConfigMap configMap : state.configMaps()) {
                    configMaps.putIfAbsent(configMap.key(), configMap);
                }
            }
            return configMaps;
        }

        // default-backend: a Service of the Ingress's namespace at its first port, as ingress-nginx takes it,
        // resolved as a route's backend is (so it is among the table's backends, and its endpoints retained)
        private Backend firstPortBackend(Ingress ingress, String name, StringBuilder why) {
            Service service = resolver.service(ingress.namespace(), name);
            if (service == null) {
                why.append("service ").append(ingress.namespace()).append('/').append(name).append(" not found");
                return null;
            }
            if (service.ports().isEmpty()) {
                why.append("service ").append(service.key()).append(" has no ports");
                return null;
            }
            int port = service.ports().get(0).port();
            if (port < 1 || port > 65535) {  // reported as a problem of the Service
                why.append("service ").append(service.key()).append("'s first port ").append(port)
                        .append(" is not a port number");
                return null;
            }
            return backendFor(ingress, IngressBackend.service(name, port), null);
        }

        private RoutePolicy policyOf(Ingress ingress) {
            return policies.getOrDefault(ingress.key(), RoutePolicy.NONE);
        }

        private void reportAnnotationsNotRead(Ingress ingress) {
            for (String name : new TreeSet<>(ingress.annotations().keySet())) {
                if (READ_ANNOTATIONS.contains(name)) {
                    continue;
                }
                if (name.startsWith(NGINX_PREFIX)) {
                    problems.add(Problem.warning(KIND, ingress.key(), "metadata.annotations",
                            name + " is not implemented by Jingress: it has no effect"));
                } else if (name.startsWith(OUR_PREFIX)) {
                    problems.add(Problem.warning(KIND, ingress.key(), "metadata.annotations",
                            name + " is no annotation of Jingress: it has no effect"));
                }
            }
        }

        // An Ingress's defaultBackend is the fallback of the hosts of its own rules, as in ingress-nginx:
        // serving it for every host would let any tenant take the unmatched traffic of all others.
        // Only an Ingress without rules sets the catch-all, for the hosts no rule has.
        private void addDefaultBackend(Ingress ingress) {
            if (ingress.defaultBackend() == null) {
                return;
            }
            if (ingress.rules().isEmpty()) {
                if (defaultRoute != null) {
                    problems.add(Problem.warning(KIND, ingress.key(), "spec.defaultBackend",
                            "ignored: the older Ingress " + defaultRoute.ingress() + " has the default backend"));
                    return;
                }
                Backend backend = backendFor(ingress, ingress.defaultBackend(), "spec.defaultBackend");
                defaultRoute = new Route(ingress.key(), null, null, null, -1, -1, true, false, policyOf(ingress),
                        backend);
                return;
            }
            Set<String> seen = new HashSet<>();
            for (IngressRule rule : ingress.rules()) {
                String host = hostOf(rule);
                String key = host == null ? ANY_HOST : host;
                if (!seen.add(key)) {
                    continue;
                }
                Ingress older = hostDefaults.putIfAbsent(key, ingress);
                if (older != null && !backendKey(older, older.defaultBackend())
                        .equals(backendKey(ingress, ingress.defaultBackend()))) {
                    problems.add(Problem.warning(KIND, ingress.key(), "spec.defaultBackend", "host "
                            + (host == null ? "(any)" : host) + " already has the defaultBackend of the older Ingress "
                            + older.key() + " (" + backendKey(older, older.defaultBackend())
                            + "); this defaultBackend is not used for it"));
                }
            }
        }

        // Each host's fallback is the lowest-priority value of its paths, the Prefix "/": a Prefix
        // "/" of a rule beats it, and matching needs no extra step. A host whose own Prefix "/"
        // takes every path has no fallback, and its defaultBackend is not resolved.
        private void addHostDefaults() {
            Map<String, Backend> resolved = new HashMap<>();
            for (Map.Entry<String, Ingress> entry : hostDefaults.entrySet()) {
                String host = entry.getKey().equals(ANY_HOST) ? null : entry.getKey();
                Ingress ingress = entry.getValue();
                PathTrie<Route> paths = pathsOf(host);
                boolean regex = regexHosts.contains(entry.getKey());
                if (regex ? regexHosts.takesAll(entry.getKey()) : paths.findPrefix("/") != null) {
                    continue;
                }
                Backend backend = resolved.get(ingress.key());
                if (backend == null) {
                    backend = backendFor(ingress, ingress.defaultBackend(), "spec.defaultBackend");
                    resolved.put(ingress.key(), backend);
                }
                Route route = new Route(ingress.key(), host, null, null, -1, -1, true, sslRedirect(ingress, host),
                        policyOf(ingress), backend, null, regex ? null : canaries.take(host, "/", false, backend, balancerPolicyOf(ingress)));
                if (regex) {
                    regexHosts.fallback(entry.getKey(), route);
                } else {
                    paths.addPrefix("/", route);
                }
                routes.add(route);
            }
        }

        // The default backend Service is the fallback of each Ingress host without one of its own (a
        // defaultBackend, a Prefix "/"), and the catch-all when no Ingress without rules gives one: where
        // ingress-nginx's root locations and default server send requests to it. Only while it has a
        // ready endpoint: without, ingress-nginx's own 404 answers, as the proxy's does here.
        private void addServerDefaults() {
            if (serverDefault == null || !serverDefault.isReady()) {
                return;
            }
            for (Map.Entry<String, Ingress> entry : ruleHosts.entrySet()) {
                String host = entry.getKey();
                PathTrie<Route> paths = pathsOf(host);
                boolean regex = regexHosts.contains(host);
                if (regex ? regexHosts.takesAll(host) || regexHosts.hasFallback(host) : paths.findPrefix("/") != null) {
                    continue;
                }
                Route route = Route.defaultBackendService(defaultBackendService, host,
                        sslRedirect(entry.getValue(), host) && !controllerConfig.skipsTlsRedirect("/"), serverDefault);
                if (regex) {
                    regexHosts.fallback(host, route);
                } else {
                    paths.addPrefix("/", route);
                }
                routes.add(route);
            }
            if (defaultRoute == null) {
                defaultRoute = Route.defaultBackendService(defaultBackendService, null, false, serverDefault);
            }
        }

        private void addRule(Ingress ingress, int ruleIndex) {
            IngressRule rule = ingress.rules().get(ruleIndex);
            String host = hostOf(rule);
            if (host != null && !rule.paths().isEmpty()) {
                ruleHosts.putIfAbsent(host, ingress);
            }
            boolean sslRedirect = sslRedirect(ingress, host);
            ExternalAuth auth = policyOf(ingress).externalAuth();
            if (host == null && auth != null && auth.hostInUrl() && !rule.paths().isEmpty()) {
                // said once here, where the proxy can only say it per request (ExternalAuthCheck)
                problems.add(Problem.warning(KIND, ingress.key(), "spec.rules[" + ruleIndex + "].host", "the Ingress's"
                        + " auth-url names $host and this rule has no host: the client would choose where the proxy"
                        + " calls, so the rule's requests are answered 500; give the rule a host, or the auth-url a"
                        + " fixed one"));
            }
            for (int p = 0; p < rule.paths().size(); p++) {
                HttpIngressPath path = rule.paths().get(p);
                String field = "spec.rules[" + ruleIndex + "].http.paths[" + p + "]";
                String written = path.path() == null || path.path().isEmpty() ? "/" : path.path();
                if (path.pathType() != PathType.EXACT && regexHosts.contains(hostKey(host))) {
                    addRegexPath(ingress, ruleIndex, p, path, host, written, sslRedirect);
                    continue;
                }
                String normalized = RequestPaths.normalize(written);
                if (normalized == null) {
                    problems.add(Problem.warning(KIND, ingress.key(), field + ".path", "\"" + written
                            + "\" can never match a normalised request path (see RequestPaths); this path is not served"));
                    continue;
                }
                PathTrie<Route> paths = pathsOf(host);
                boolean exact = path.pathType() == PathType.EXACT;
                Route winner = exact ? paths.findExact(normalized) : paths.findPrefix(normalized);
                if (winner != null) {
                    reportTaken(ingress, field, host, written, path, winner);
                    continue;
                }
                Backend backend = backendFor(ingress, path.backend(), field + ".backend");
                Route route = new Route(ingress.key(), host, normalized, path.pathType(), ruleIndex, p, false,
                        sslRedirect && !controllerConfig.skipsTlsRedirect(written), policyOf(ingress, written), backend, null,
                        canaries.take(host, normalized, exact, backend, balancerPolicyOf(ingress)));
                if (exact) {
                    paths.addExact(normalized, route);
                } else {
                    paths.addPrefix(normalized, route);
                }
                routes.add(route);
            }
        }

        private void reportTaken(Ingress ingress, String field, String host, String written, HttpIngressPath path,
                Route winner) {
            problems.add(Problem.warning(KIND, ingress.key(), field, "host " + (host == null ? "(any)" : host)
                    + " path \"" + written + "\" (" + path.pathType().apiName() + ") is already served by "
                    + (winner.ingress().equals(ingress.key()) ? "an earlier path of this Ingress"
                            : "the older Ingress " + winner.ingress())
                    + " (spec.rules[" + winner.ruleIndex() + "].http.paths[" + winner.pathIndex()
                    + "]); this path is not served"));
        }

        // A Prefix or ImplementationSpecific path of a host whose paths are regexes: the path as written is
        // the regex; it is not normalised (it is no path), and only ever matched against a normalised path.
        private void addRegexPath(Ingress ingress, int ruleIndex, int p, HttpIngressPath path, String host, String written,
                boolean sslRedirect) {
            String field = "spec.rules[" + ruleIndex + "].http.paths[" + p + "]";
            StringBuilder problem = new StringBuilder();
            Pattern pattern = RegexHosts.compile(written, problem);
            if (pattern == null) {
                problems.add(Problem.warning(KIND, ingress.key(), field + ".path", problem
                        + " (the paths of host " + (host == null ? "(any)" : host) + " are regular expressions: use-regex"
                        + " or rewrite-target is set on one of its Ingresses); this path is not served"));
                return;
            }
            Route winner = regexHosts.find(hostKey(host), written);
            if (winner != null) {
                reportTaken(ingress, field, host, written, path, winner);
                return;
            }
            Backend backend = backendFor(ingress, path.backend(), field + ".backend");
            Route route = new Route(ingress.key(), host, written, path.pathType(), ruleIndex, p, false,
                    sslRedirect && !controllerConfig.skipsTlsRedirect(written), policyOf(ingress, written), backend, pattern,
                    canaries.takeRegex(host, written, backend, balancerPolicyOf(ingress)));
            regexHosts.add(hostKey(host), route);
            routes.add(route);
        }

        private PathTrie<Route> pathsOf(String host) {
            if (host == null) {
                if (anyHost == null) {
                    anyHost = new PathTrie<>();
                }
                return anyHost;
            }
            if (host.startsWith("*.")) {
                return wildcardHosts.computeIfAbsent(host.substring(2), h -> new PathTrie<>());
            }
            return exactHosts.computeIfAbsent(host, h -> new PathTrie<>());
        }

        private boolean sslRedirect(Ingress ingress, String host) {
            return policyOf(ingress).forceSslRedirect()
                    || host != null && tls.covers(host) && !sslRedirectSwitchedOff(ingress);
        }

        private Backend backendFor(Ingress ingress, IngressBackend ingressBackend, String field) {
            return backendFor(ingress, ingressBackend, field, null);
        }

        // policy: null for the Ingress's own (a canary's backend may follow its main route's affinity)
        private Backend backendFor(Ingress ingress, IngressBackend ingressBackend, String field, BalancerPolicy balancing) {
            String namespace = ingress.namespace();
            BalancerPolicy policy = balancing != null ? balancing : balancerPolicyOf(ingress);
            String key = backendKey(ingress, ingressBackend);
            boolean serviceUpstream = ingressBackend.isService() && policyOf(ingress).serviceUpstream();
            String balancerKey = (policy.equals(BalancerPolicy.ROUND_ROBIN) ? key : key + "|" + policy)
                    + (serviceUpstream ? "|service-upstream" : "");
            if (serviceUpstream) {
                // each Ingress hears why its service-upstream is not followed, also for a Backend built already
                List<String> refusals = new ArrayList<>();
                Resolution clusterIp = resolver.resolveClusterIp(namespace, ingressBackend.serviceName(),
                        ingressBackend.servicePort(), refusals);
                for (String refusal : refusals) {
                    Problem problem = Problem.warning(KIND, ingress.key(), "metadata.annotations", "service-upstream: " + refusal);
                    if (!problems.contains(problem)) {  // once per Ingress and Service, not per path
                        problems.add(problem);
                    }
                }
                if (!backends.containsKey(balancerKey)) {
                    addBackend(balancerKey, key, namespace, ingressBackend, policy, clusterIp);
                }
            }
            Backend backend = backends.get(balancerKey);
            if (backend == null) {
                Resolution resolution = ingressBackend.isService()
                        ? resolver.resolve(namespace, ingressBackend.serviceName(), ingressBackend.servicePort())
                        : new Resolution(Backend.Status.UNSUPPORTED, "resource backend " + ingressBackend.resource()
                                + " is not supported; only service backends are served", List.of());
                LoadBalancer balancer = balancers.balancer(balancerKey, policy, resolution.endpoints());
                backend = new Backend(namespace, ingressBackend.serviceName(), ingressBackend.servicePort(), key,
                        resolution.status(), resolution.reason(), resolution.endpoints(), balancer);
                backends.put(balancerKey, backend);
            }
            if (!backend.isReady() && field != null) {  // null: the caller reports it
                problems.add(Problem.warning(KIND, ingress.key(), field, backend.reason()));
            }
            return backend;
        }

        // the backends of HTTPRoutes: Services resolved as an Ingress's (the same Backend for the same
        // namespace/service:port), and the ones a backendRef cannot name validly, answered 500
        private GatewayRules.Backends gatewayBackends() {
            return new GatewayRules.Backends() {
                @Override
                public Backend service(String namespace, String name, int port, BalancerPolicy balancing) {
                    String key = namespace + "/" + name + ":" + port;
                    // as backendFor keys an Ingress's: one balancer per Service port and balancing
                    String balancerKey = balancing.equals(BalancerPolicy.ROUND_ROBIN) ? key : key + "|" + balancing;
                    Backend backend = backends.get(balancerKey);
                    if (backend == null) {
                        addBackend(balancerKey, key, namespace, IngressBackend.service(name, port), balancing,
                                resolver.resolve(namespace, name, PortRef.number(port)));
                        backend = backends.get(balancerKey);
                    }
                    return backend;
                }

                @Override
                public Backend invalid(String key, String namespace, String name, String reason) {
                    String balancerKey = key + "|invalid";
                    return backends.computeIfAbsent(balancerKey, k -> new Backend(namespace, name, null, key,
                            Backend.Status.INVALID_REFERENCE, reason, List.of(),
                            balancers.balancer(k, BalancerPolicy.ROUND_ROBIN, List.of())));
                }

                @Override
                public Service service(String namespace, String name) {
                    return resolver.service(namespace, name);
                }

                @Override
                public String appProtocol(String namespace, String name, int port) {
                    Service service = resolver.service(namespace, name);
                    if (service != null) {
                        for (Service.Port servicePort : service.ports()) {
                            if (servicePort.port() == port) {
                                return servicePort.appProtocol();
                            }
                        }
                    }
                    return null;
                }
            };
        }

        private void addBackend(String balancerKey, String key, String namespace, IngressBackend ingressBackend,
                BalancerPolicy policy, Resolution resolution) {
            LoadBalancer balancer = balancers.balancer(balancerKey, policy, resolution.endpoints());
            backends.put(balancerKey, new Backend(namespace, ingressBackend.serviceName(), ingressBackend.servicePort(), key,
                    resolution.status(), resolution.reason(), resolution.endpoints(), balancer));
        }
    }
}
