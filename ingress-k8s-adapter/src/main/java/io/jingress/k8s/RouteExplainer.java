package io.jingress.k8s;

import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.PortRef;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;
import io.jingress.core.route.AuthTls;
import io.jingress.core.route.Backend;
import io.jingress.core.route.HttpRouteFilters;
import io.jingress.core.route.BackendProtocol;
import io.jingress.core.route.BasicAuth;
import io.jingress.core.route.Canary;
import io.jingress.core.route.ExternalAuth;
import io.jingress.core.route.GatewayAuth;
import io.jingress.core.route.FallbackBackend;
import io.jingress.core.route.EncodedSlashes;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.NoMatch;
import io.jingress.core.route.ProxySsl;
import io.jingress.core.route.RequestPaths;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.RouteRedirect;
import io.jingress.core.route.RouteTable;
import io.jingress.k8s.internal.files.ManifestSet;
import io.jingress.k8s.internal.translate.ClassFilter;
import io.jingress.k8s.internal.translate.ClusterStateAssembler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Answers "where does {@code GET http://host/path} go, and why" from manifests or a state, without
 * a cluster or a server: the decision the proxy makes (CONNECT 405, unsafe path 400, no rule 404,
 * redirect by annotation, TLS host over plain HTTP 308, source ranges that refuse every client
 * 403, basic authentication 401 (an explained request has no credentials; 503 when it cannot be
 * done), a rewrite-target that gives no valid path 500, Service without ready endpoints 503 (or its
 * Ingress's default-backend Service), else
 * forwarded, with the path the endpoint receives when a rewrite-target changes it), with the
 * Ingress, rule, Service, port and endpoints involved. For unit tests of Ingress YAML:
 *
 * <pre>{@code
 * RouteExplainer explainer = RouteExplainer.fromManifests(Path.of("k8s/"));
 * RouteExplanation e = explainer.explain("GET", "http://myapp.kubia.com/path");
 * assertEquals(200, e.status(), e.toString());
 * assertEquals("default/ingress-myapp", e.ingress());
 * }</pre>
 *
 * Manifests are read as {@link ManifestSource} reads them, but strictly: a file that does not
 * parse makes {@link #fromManifests} throw. An invalid Ingress is rejected alone, as in the proxy;
 * {@link #problems()} says why, and a 404's reason points at it. An object skipped for its API
 * version (an {@code extensions/v1beta1} Ingress) is among {@link #problems()} as a {@code File}
 * warning. Immutable and thread-safe.
 */
public final class RouteExplainer {

    private final ClusterState state;
    private final RouteTable table;
    private final List<Problem> problems;
    private final List<Ingress> ignored;
    private final ClassFilter classFilter;
    private final int httpsRedirectPort;
    private final List<Problem> sourceProblems;
    private final RouteCompiler compiler;

    private RouteExplainer(ClusterState state, List<Problem> sourceProblems, List<Ingress> ignored,
            ClassFilter classFilter) {
        this(state, sourceProblems, ignored, classFilter, RouteCompiler.create(Balancers.create()));
    }

    private RouteExplainer(ClusterState state, List<Problem> sourceProblems, List<Ingress> ignored,
            ClassFilter classFilter, RouteCompiler compiler) {
        this.state = state;
        this.sourceProblems = List.copyOf(sourceProblems);
        this.compiler = compiler;
        this.table = compiler.compile(state);
        List<Problem> all = new ArrayList<>(sourceProblems);
        all.addAll(table.problems());
        this.problems = List.copyOf(all);
        this.ignored = List.copyOf(ignored);
        this.classFilter = classFilter;
        this.httpsRedirectPort = 443;
    }

    private RouteExplainer(RouteExplainer explainer, int httpsRedirectPort) {
        this.state = explainer.state;
        this.table = explainer.table;
        this.problems = explainer.problems;
        this.ignored = explainer.ignored;
        this.classFilter = explainer.classFilter;
        this.httpsRedirectPort = httpsRedirectPort;
        this.sourceProblems = explainer.sourceProblems;
        this.compiler = explainer.compiler;
    }

    /** An explainer of the manifests under {@code path} (a file or a directory), with the default options. */
    public static RouteExplainer fromManifests(Path path) {
        return fromManifests(path, AdapterOptions.defaults());
    }

    /**
     * An explainer of the manifests under {@code path} (a file or a directory).
     *
     * @throws IllegalArgumentException when the path does not exist or a file does not parse, naming
     *     each file, document, field and reason
     */
    public static RouteExplainer fromManifests(Path path, AdapterOptions options) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        ManifestSet.Scan scan = new ManifestSet(path).scan();
        if (!scan.problems().isEmpty()) {
            throw new IllegalArgumentException("the manifests under " + path + " cannot be read:\n  "
                    + String.join("\n  ", scan.problems()));
        }
        ClusterStateAssembler.Assembly assembly = ClusterStateAssembler.assemble(options, scan.kubernetesObjects());
        List<Problem> sourceProblems = new ArrayList<>(scan.asProblems());  // warnings alone: objects skipped
        sourceProblems.addAll(assembly.problems());
        List<Ingress> notServed = new ArrayList<>(assembly.ignored());
        notServed.addAll(assembly.unwatched());  // ClassFilter.reason says it is for their namespace
        return new RouteExplainer(assembly.state(), sourceProblems, notServed, assembly.classFilter());
    }

    /** An explainer of a state (its Ingresses are taken to be ours). */
    public static RouteExplainer fromState(ClusterState state) {
        Objects.requireNonNull(state, "state");
        return new RouteExplainer(state, List.of(), List.of(), null);
    }

    /**
     * This explainer for a server whose 308 to HTTPS names {@code port}, as
     * {@code IngressServer.Builder.httpsRedirectPort} sets it (default 443, which the
     * {@code Location} leaves out); 0 for a server that redirects nothing (no HTTPS listener), where
     * a TLS host's plain-HTTP request is forwarded like any other.
     */
    public RouteExplainer httpsRedirectPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("httpsRedirectPort: must be 0..65535, got " + port);
        }
        return new RouteExplainer(this, port);
    }

    /**
     * This explainer for a server whose Ingresses' {@code custom-headers} may set the response
     * headers {@code names} ({@code --allowed-response-headers}, see
     * {@link RouteCompiler#withAllowedResponseHeaders}); by default none.
     *
     * @throws IllegalArgumentException when a name is no header name
     */
    public RouteExplainer allowedResponseHeaders(Collection<String> names) {
        return compiledWith(compiler.withAllowedResponseHeaders(names));
    }

    /**
     * This explainer for a server that serves the GatewayClasses whose {@code spec.controllerName} is
     * {@code controllerName} ({@code --gateway-controller}, see {@link RouteCompiler#withGatewayController});
     * by default {@code jingress.io/gateway-controller}.
     *
     * @throws IllegalArgumentException when the name is blank
     */
    public RouteExplainer gatewayController(String controllerName) {
        return compiledWith(compiler.withGatewayController(controllerName));
    }

    /**
     * This explainer with its routes compiled by {@code compiler}, made as the server's is (its
     * allowed response headers, {@link RouteCompiler#withSslPassthrough ssl-passthrough}, its
     * Gateway controller), so that the problems are the server's; its balancers are the compiler's.
     */
    public RouteExplainer compiledWith(RouteCompiler compiler) {
        Objects.requireNonNull(compiler, "compiler");
        RouteExplainer explainer = new RouteExplainer(state, sourceProblems, ignored, classFilter, compiler);
        return httpsRedirectPort == 443 ? explainer : new RouteExplainer(explainer, httpsRedirectPort);
    }

    /** {@link #explain(String, String)} for a GET. */
    public RouteExplanation explain(String url) {
        return explain("GET", url);
    }

    /**
     * Where a request goes, and why.
     *
     * @param method the method, e.g. {@code GET}
     * @param url an absolute {@code http} or {@code https} URL, e.g. {@code http://myapp.kubia.com/path?q=1}
     * @throws IllegalArgumentException when {@code url} is not an absolute http(s) URL
     */
    public RouteExplanation explain(String method, String url) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Target target = Target.parse(url);
        RouteExplanation.Builder result = new RouteExplanation.Builder(method, url, target.host);
        if ("CONNECT".equalsIgnoreCase(method)) {
            return result.status(405, "CONNECT is not supported: Jingress is not a forward proxy").build();
        }
        if ("TRACE".equalsIgnoreCase(method)) {
            return result.status(405, "TRACE is not supported, as with nginx").build();
        }
        // as the proxy takes a path sent with chars a URI may not hold raw (the URL's chars are
        // Unicode, as an HTTP/1 request line decoded from UTF-8)
        String ambiguous = AmbiguousPaths.refusal(target.rawPath);
        if (ambiguous != null) {
            return result.status(400, "the path " + target.rawPath + " is ambiguous (" + ambiguous
                    + "): the proxy's listeners refuse it before routing").build();
        }
        String path = EncodedSlashes.normalize(target.rawPath, true);
        if (path == null) {
            return result.status(400, "the path " + target.rawPath
                    + " cannot be routed safely (dot segments above the root, or an encoded \\ or NUL)").build();
        }
        String query = target.query == null ? null : RequestPaths.escapeQuery(target.query, true);
        if (target.query != null && query == null) {
            return result.status(400, "the query is not UTF-8: percent-encode its bytes").build();
        }
        result.path(path);
        MatchResult match = EncodedSlashes.match(table, target.host, path);
        if (match == NoMatch.ENCODED_SLASH) {
            return result.status(400, NoMatch.ENCODED_SLASH.reason() + " (or would make a dot segment): a backend may read"
                    + " %2F either way, so the proxy answers 400 rather than trust one route with it").build();
        }
        if (match == NoMatch.REGEX_FAILED) {
            return result.status(500, NoMatch.REGEX_FAILED.reason() + ": it overflowed the stack or took more steps"
                    + " than its budget, and the proxy answers 500 rather than try the host's other paths").build();
        }
        if (match instanceof NoMatch noMatch) {
            return result.status(404, noMatch.reason() + hints(target.host)).build();
        }
        Route route = (Route) match;
        if (route.hasCandidates()) {
            // HTTPRoute matches with conditions: explained as for a request without headers
            Route chosen = route.select(method.toUpperCase(Locale.ROOT), path, name -> null, target.query);
            if (chosen == null) {
                List<String> asked = new ArrayList<>();
                for (Route candidate : route.candidates()) {
                    asked.add(candidate.source() + " (" + candidate.conditions().describe() + ")");
                }
                return result.status(404, "the " + route.kind() + " matches of this host and path take only requests with: "
                        + String.join("; ", asked) + " (explained as a request without headers)").build();
            }
            route = chosen;
        }
        Backend backend = route.backend();
        result.route(route, targetPort(backend), backend.endpoints().stream().map(Endpoint::id).toList())
                .fromConfigMap(route.kind() == Route.KIND_INGRESS ? table.configMapDefaults(route.ingress()) : java.util.Set.of());
        if (route.isGatewayRoute()) {
            RouteExplanation answered = httpRouteAnswer(result, route, target, path, query);
            if (answered != null) {
                return answered;
            }
        }
        RouteRedirect redirect = route.policy().redirectFor(path);
        if (redirect != null) {
            // before the redirect to HTTPS, as in the proxy (and in ingress-nginx)
            String location = redirect.locationFor(target.scheme, target.host.toLowerCase(Locale.ROOT), target.authority,
                    path, query == null ? path : path + "?" + query);
            if (location == null) {
                return result.status(400, "the request's host cannot be put in the redirect of annotation "
                        + redirect.annotation()).build();
            }
            return result.redirect(redirect.status(), location, "the Ingress's annotation " + redirect.annotation()
                    + (redirect.rootOnly() ? " redirects a request for /"
                            : redirect.annotation().equals("from-to-www-redirect") ? " redirects every request for "
                                    + route.host() + " to its host " + wwwTarget(route.host())
                            : " redirects every request of its routes")).build();
        }
        if (route.sslRedirect() && target.scheme.equals("http") && httpsRedirectPort != 0) {
            String location = "https://" + target.host + (httpsRedirectPort == 443 ? "" : ":" + httpsRedirectPort)
                    + path + (query == null ? "" : "?" + query);
            return result.redirect(table.serverSettings().httpsRedirectStatus(), location, route.policy().forceSslRedirect()
                    ? "the Ingress's annotation force-ssl-redirect: plain HTTP is redirected to HTTPS"
                    : "the host is listed in an Ingress's spec.tls: plain HTTP is redirected to HTTPS").build();
        }
        String clientCertificates = clientCertificates(route, target.host, target.scheme.equals("https"));
        AuthTls ownAuthTls = route.policy().authTls();
        if (ownAuthTls != null && ownAuthTls.refusal() != null) {
            return result.status(503, "the Ingress's client certificate authentication cannot be done as its annotations"
                    + " ask (" + ownAuthTls.refusal() + "): every request is answered 503").build();
        }
        if (clientCertificates != null) {
            return result.status(clientCertificates.startsWith("no Ingress") ? 503 : 400, clientCertificates).build();
        }
        if (route.policy().clientAccess().refusesEveryClient()) {
            // the one answer of the source ranges that needs no client address to tell
            return result.status(403, "the Ingress's source ranges refuse every client until its annotation is mended")
                    .build();
        }
        BackendProtocol protocol = route.policy().backendProtocol();
        if (!protocol.spoken()) {
            return result.status(502, "the Ingress's backend-protocol " + protocol + " is not supported by Jingress:"
                    + " its routes answer 502").build();
        }
        if (route.policy().proxySsl() != null && route.policy().proxySsl().refusal() != null
                && protocol.upstreamTls(target.scheme.equals("https"))) {
            return result.status(502, "the Ingress asks for TLS to its endpoints that cannot be done ("
                    + route.policy().proxySsl().refusal() + "): a request that would go to its endpoint over TLS"
                    + " (backend-protocol " + protocol + ") is answered 502, and nothing is sent").build();
        }
        ProxySsl backendTls = backend.tls();
        if (backendTls != null && backendTls.refusal() != null) {
            return result.status(502, "BackendTLSPolicy " + backendTls.policy() + " asks for TLS to the endpoints of "
                    + backend.namespace() + "/" + backend.serviceName() + " that cannot be done (" + backendTls.refusal()
                    + "): its requests are answered 502, and nothing is sent").build();
        }
        BasicAuth basicAuth = route.policy().basicAuth();
        if (basicAuth != null && basicAuth.refusesEveryRequest()) {
            return result.status(503, "the Ingress's authentication cannot be done as its annotations ask ("
                    + basicAuth.refusal() + "): every request is answered 503").build();
        }
        if (basicAuth != null) {
            // no credentials come with an explained request: what an anonymous client gets
            return result.status(401, "the Ingress asks for a user name and password (" + basicAuth.describe()
                    + "): without a user's credentials the answer is 401" + satisfyAnyNote(route)
                    + "; with them: " + backend.reason()).build();
        }
        // the proxy's order: the rewrite is the last thing done before an endpoint is picked
        String rewritten = Rewrites.upstreamTarget(route, path, query);
        if (rewritten == null) {
            return result.status(500, "the Ingress's annotation " + route.policy().rewrite().annotation() + ": \""
                    + route.policy().rewrite().target() + "\" gives no valid path for this request").build();
        }
        // then external authentication, the proxy's last check before an endpoint is picked
        ExternalAuth auth = route.policy().externalAuth();
        String authNote = "";
        if (auth != null) {
            if (!auth.usable()) {
                return result.status(503, "the Ingress's external authentication cannot be used (" + auth.refusal()
                        + "): its routes answer 503, never served without it").build();
            }
            if (auth.hostInUrl() && route.host() == null) {
                return result.status(500, "the Ingress's auth-url names $host, and this rule takes any host: the client"
                        + " would choose where the proxy calls, so its requests are answered 500").build();
            }
            String authUrl = auth.urlFor(target.scheme, target.host.toLowerCase(Locale.ROOT), target.authority, path,
                    query == null ? path : path + "?" + query);
            if (authUrl == null) {
                return result.status(500, "this request cannot be put in the Ingress's auth-url").build();
            }
            authNote = "; only if the auth service at " + authUrl + " answers 2xx (auth-url: 401 is answered "
                    + (auth.signin() == null ? "401" : "302 to auth-signin") + ", 403 403, anything else 500)"
                    + satisfyAnyNote(route);
        }
        GatewayAuth gatewayAuth = route.policy().gatewayAuth();
        if (gatewayAuth != null) {
            Backend authBackend = gatewayAuth.backend();
            if (!authBackend.isReady()) {
                boolean invalid = authBackend.status() == Backend.Status.INVALID_REFERENCE;
                return result.status(invalid ? 500 : 503, "the rule's ExternalAuth filter cannot ask its authorization service ("
                        + authBackend.reason() + "): its requests are answered " + (invalid ? "500" : "503")
                        + ", never served without it").build();
            }
            authNote = "; only if the authorization service " + authBackend.key() + " answers 200 to "
                    + gatewayAuth.pathPrefix() + rawPathAndQuery(path, query) + " (ExternalAuth filter: any other answer is"
                    + " passed to the client as it is; no answer: 403)";
        }
        if (backend.status() != Backend.Status.READY) {
            FallbackBackend fallback = route.policy().fallback();
            if (fallback != null && !fallback.takesUnavailable()) {
                fallback = null;  // the default backend Service serves custom-http-errors' pages only
            }
            if (fallback != null && fallback.backend().isReady()) {
                // default-backend: what the proxy does where it would answer 503
                return result.status(200, backend.reason() + "; no ready endpoint: goes to default-backend "
                        + fallback.service() + " (" + fallback.backend().key() + ", " + fallback.backend().reason()
                        + "), with X-Code: 503" + authNote + aliasNote(target.host, route)).build();
            }
            return result.status(503, backend.reason() + (fallback == null ? "" : "; its default-backend "
                    + fallback.service() + " has no ready endpoint either") + canaryNote(route.canary())
                    + aliasNote(target.host, route)).build();
        }
        ProxySsl ssl = route.policy().proxySsl();
        String certificate = ssl != null && ssl.verify()
                ? "verified against " + ssl.secret() + " ca.crt for the name " + ssl.nameFor(backend.namespace(), backend.serviceName())
                : "not verified";
        String scheme = protocol == BackendProtocol.GRPC ? "; spoken to in gRPC, cleartext HTTP/2 (backend-protocol GRPC)"
                : protocol == BackendProtocol.H2C ? "; spoken to in HTTP/2 in cleartext (" + (route.isHttpRoute()
                        ? "the Service port's appProtocol " + Service.Port.H2C : "a GRPCRoute's calls") + ")"
                : protocol == BackendProtocol.GRPCS ? "; spoken to in gRPC over TLS (backend-protocol GRPCS, certificate "
                        + certificate + ")"
                : protocol.upstreamTls(target.scheme.equals("https"))
                ? "; spoken to in HTTPS (backend-protocol " + protocol + ", certificate " + certificate + ")" : "";
        if (backendTls != null) {
            scheme = "; spoken to " + (protocol.http2() ? "in HTTP/2 " : "") + "over TLS (BackendTLSPolicy "
                    + backendTls.policy() + ", certificate verified)";
        }
        return result.status(200, backend.reason() + "; the endpoint is picked by "
                + backend.balancer().strategy().name().toLowerCase(Locale.ROOT) + scheme + canaryNote(route.canary())
                + Rewrites.phrase(route, rewritten) + authNote + aliasNote(target.host, route)).build();
    }

    private static String rawPathAndQuery(String path, String query) {
        return query == null ? path : path + "?" + query;
    }

    // the host a from-to-www-redirect route's name is redirected to: the name with www. added or taken off
    /** With {@code satisfy: "any"}: that a client the allowlist admits needs no authentication; else nothing. */
    /**
     * What the host's client certificate authentication ({@code auth-tls-*}: the oldest Ingress of the
     * host with a usable one decides, as in the proxy) answers an explained request, which carries no
     * certificate: null when it goes on.
     */
    private String clientCertificates(Route route, String host, boolean https) {
        String name = host.toLowerCase(Locale.ROOT);
        AuthTls hostAuth = null;
        AuthTls broken = null;
        for (Route candidate : table.routes()) {  // in Ingress age order
            AuthTls auth = candidate.policy().authTls();
            if (auth != null && name.equals(candidate.host())) {
                if (auth.refusal() == null) {
                    hostAuth = auth;
                    break;
                }
                broken = broken == null ? auth : broken;
            }
        }
        if (hostAuth == null && broken != null) {
            return "no Ingress of the host has a client certificate setting that can be used (" + broken.refusal()
                    + "): every request of the host is answered 503";
        }
        if (hostAuth == null || hostAuth.verifyClient() != AuthTls.VerifyClient.ON) {
            return null;
        }
        return "the host asks for a client certificate (" + hostAuth.describe() + "): a request without one, as an"
                + " explained request is, is answered 400" + (hostAuth.errorPage() == null ? ""
                        : " (a 302 to " + hostAuth.errorPage() + ")") + (https ? ""
                        : "; over plain HTTP none can be sent") + "; with a certificate of its CA: " + route.backend().reason();
    }

    private static String satisfyAnyNote(Route route) {
        return route.policy().satisfyAny() && !route.policy().clientAccess().isAny()
                ? " (satisfy: any: a client whose address the allowlist admits is let in without authentication)" : "";
    }

    private static String wwwTarget(String from) {
        return from.startsWith("www.") ? from.substring(4) : "www." + from;
    }

    // "; NAME is a server-alias of host HOST" when the request's host was matched as an alias, else ""
    private String aliasNote(String host, Route route) {
        String name = host.toLowerCase(Locale.ROOT);
        String aliased = table.hostAliases().get(name);
        int dot = name.indexOf('.');
        if (aliased == null && dot > 0) {
            aliased = table.hostAliases().get("*" + name.substring(dot));
        }
        // a name with rules of its own is matched as itself, even under a wildcard alias
        return aliased == null || !aliased.equals(route.host()) || name.equals(route.host()) ? ""
                : "; " + host + " is a server-alias of host " + aliased;
    }

    // An explanation has no headers, cookies or dice to decide with: it states the canary's rule.
    private static String canaryNote(Canary canary) {
        if (canary == null) {
            return "";
        }
        Backend backend = canary.backend();
        return "; the canary Ingress " + canary.ingress() + " sends to " + backend.key() + " the requests its rule"
                + " chooses (" + String.join("; ", canary.describe()) + ")"
                + (backend.isReady() ? "" : ", but it takes none while " + backend.reason());
    }

    /** What was rejected or is wrong: objects the translator left out, then the table's problems. */
    // What an HTTPRoute match answers itself: its RequestRedirect, or 500 for a backendRef that is
    // not valid (a GRPCRoute's: 503, UNAVAILABLE to gRPC clients; a weighted split is drawn per
    // request: explained by its first backend); null: forwarded
    private static RouteExplanation httpRouteAnswer(RouteExplanation.Builder result, Route route, Target target,
            String path, String query) {
        HttpRouteFilters filters = route.filters();
        if (filters != null && filters.redirect() != null) {
            int colon = target.authority.lastIndexOf(':');
            int port = colon > target.authority.lastIndexOf(']') ? Integer.parseInt(target.authority.substring(colon + 1))
                    : target.scheme.equals("https") ? 443 : 80;
            String location = filters.redirectLocation(target.scheme, target.host.toLowerCase(Locale.ROOT), port, path,
                    query, route);
            Integer code = filters.redirect().statusCode();
            return result.redirect(code != null && code == 301 ? 301 : 302, location, "the HTTPRoute's RequestRedirect"
                    + " filter (" + route.source() + ")").build();
        }
        if (route.split() == null && route.backend().status() == Backend.Status.INVALID_REFERENCE) {
            int status = route.kind() == Route.KIND_GRPC_ROUTE ? 503 : 500;
            return result.status(status, route.backend().reason() + ": the backendRef is not valid, so the request is"
                    + " answered " + status + (status == 503 ? " (UNAVAILABLE to gRPC clients)" : "") + " ("
                    + route.source() + ")").build();
        }
        return null;
    }

    public List<Problem> problems() {
        return problems;
    }

    /** The compiled table the explanations come from. */
    public RouteTable table() {
        return table;
    }

    /** The state the table was compiled from. */
    public ClusterState state() {
        return state;
    }

    private PortRef targetPort(Backend backend) {
        if (backend.serviceName() == null || backend.port() == null) {
            return null;
        }
        String key = backend.namespace() + "/" + backend.serviceName();
        for (Service service : state.services()) {
            if (!service.key().equals(key)) {
                continue;
            }
            for (Service.Port port : service.ports()) {
                boolean same = backend.port().isNumber()
                        ? port.port() == backend.port().number()
                        : backend.port().name().equals(port.name());
                if (same) {
                    return port.effectiveTargetPort();
                }
            }
        }
        return null;
    }

    // Ingresses that mention the host but are not served, and wildcards that look as if they covered
    // it but do not: the usual causes of a surprising 404.
    private String hints(String host) {
        StringBuilder hints = new StringBuilder();
        for (Ingress ingress : ignored) {
            if (mentionsHost(ingress, host)) {
                hints.append("; Ingress ").append(ingress.key()).append(" has a rule for this host but is not served: ")
                        .append(classFilter.reason(ingress));
            }
        }
        String name = host.toLowerCase(Locale.ROOT);
        for (Ingress ingress : state.ingresses()) {
            for (IngressRule rule : ingress.rules()) {
                String wildcard = rule.host();
                if (wildcard == null || !wildcard.startsWith("*.")) {
                    continue;
                }
                String suffix = wildcard.substring(1).toLowerCase(Locale.ROOT);  // ".example.com"
                if (name.equals(suffix.substring(1))) {
                    hints.append("; ").append(wildcard).append(" (Ingress ").append(ingress.key())
                            .append(") does not cover ").append(host).append(" itself, only names one label longer");
                } else if (name.endsWith(suffix) && name.lastIndexOf('.', name.length() - suffix.length() - 1) >= 0) {
                    hints.append("; ").append(wildcard).append(" (Ingress ").append(ingress.key())
                            .append(") covers exactly one label in place of *, and ").append(host).append(" has more");
                }
            }
        }
        for (Ingress ingress : state.ingresses()) {
            if (!mentionsHost(ingress, host)) {
                continue;
            }
            for (Problem problem : problems) {
                if (problem.severity() == Problem.Severity.ERROR && problem.kind().equals("Ingress")
                        && problem.object().equals(ingress.key())) {
                    hints.append("; Ingress ").append(ingress.key()).append(" is rejected: ")
                            .append(problem.field().isEmpty() ? "" : problem.field() + ": ").append(problem.message());
                }
            }
        }
        return hints.toString();
    }

    private static boolean mentionsHost(Ingress ingress, String host) {
        for (IngressRule rule : ingress.rules()) {
            String ruleHost = rule.host();
            if (ruleHost == null || ruleHost.isEmpty() || ruleHost.equalsIgnoreCase(host)) {
                return true;
            }
            int dot = host.indexOf('.');
            if (ruleHost.startsWith("*.") && dot > 0 && host.substring(dot + 1).equalsIgnoreCase(ruleHost.substring(2))) {
                return true;
            }
        }
        return false;
    }

    /** The parts of an absolute URL the proxy looks at. */
    private record Target(String scheme, String host, String authority, String rawPath, String query) {

        static Target parse(String url) {
            int schemeEnd = url.indexOf("://");
            String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("not an absolute http or https URL: " + url);
            }
            String rest = url.substring(schemeEnd + 3);
            int fragment = rest.indexOf('#');
            if (fragment >= 0) {
                rest = rest.substring(0, fragment);
            }
            int authorityEnd = indexOfAny(rest, '/', '?');
            String authority = authorityEnd < 0 ? rest : rest.substring(0, authorityEnd);
            String pathAndQuery = authorityEnd < 0 ? "" : rest.substring(authorityEnd);
            String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
            String host = hostAndPort;
            if (host.startsWith("[")) {
                int close = host.indexOf(']');
                host = close < 0 ? host : host.substring(0, close + 1);
            } else if (host.indexOf(':') >= 0) {
                host = host.substring(0, host.indexOf(':'));
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("no host in URL: " + url);
            }
            int queryStart = pathAndQuery.indexOf('?');
            String rawPath = queryStart < 0 ? pathAndQuery : pathAndQuery.substring(0, queryStart);
            String query = queryStart < 0 ? null : pathAndQuery.substring(queryStart + 1);
            return new Target(scheme, host, hostAndPort, rawPath.isEmpty() ? "/" : rawPath, query);
        }

        private static int indexOfAny(String s, char a, char b) {
            int i = s.indexOf(a);
            int j = s.indexOf(b);
            return i < 0 ? j : j < 0 ? i : Math.min(i, j);
        }
    }
}
