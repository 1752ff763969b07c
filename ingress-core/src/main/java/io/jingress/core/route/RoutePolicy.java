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
    private final RouteCors cors;
    private final boolean regexPaths;
    private final boolean useRegex;
    private final PathRewrite rewrite;
    private final ClientAccess clientAccess;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;
    private final long requestTimeoutMillis;
    private final long backendRequestTimeoutMillis;
    private final RouteRetries retries;
    private final boolean serviceUpstream;
    private final long maxRequestBodyBytes;
    private final RateLimit rateLimit;
    private final BackendProtocol backendProtocol;
    private final ProxySsl proxySsl;
    private final AuthTls authTls;
    private final String upstreamHost;
    private final String forwardedPrefix;
    private final boolean accessLog;
    private final ProxyRedirect proxyRedirect;
    private final CookieRewrite cookieRewrite;
    private final List<String> serverAliases;
    private final boolean fromToWwwRedirect;
    private final ExternalAuth externalAuth;
    private final GatewayAuth gatewayAuth;
    private final BasicAuth basicAuth;
    private final FallbackBackend fallback;
    private final SessionCookie sessionCookie;
    private final boolean forceSslRedirect;
    private final RequestMirror mirror;
    private final boolean satisfyAny;
    private final AnswerRate answerRate;
    private final ResponseHeaders responseHeaders;
    private final RequestHeaders requestHeaders;

    private RoutePolicy(Builder builder) {
        this.redirect = builder.redirect;
        this.appRoot = builder.appRoot;
        this.cors = builder.cors;
        this.regexPaths = builder.regexPaths;
        this.useRegex = builder.useRegex;
        this.rewrite = builder.rewrite;
        this.clientAccess = builder.clientAccess;
        this.connectTimeoutMillis = builder.connectTimeoutMillis;
        this.readTimeoutMillis = builder.readTimeoutMillis;
        this.requestTimeoutMillis = builder.requestTimeoutMillis;
        this.backendRequestTimeoutMillis = builder.backendRequestTimeoutMillis;
        this.retries = builder.retries;
        this.serviceUpstream = builder.serviceUpstream;
        this.maxRequestBodyBytes = builder.maxRequestBodyBytes;
        this.rateLimit = builder.rateLimit;
        this.backendProtocol = builder.backendProtocol;
        this.proxySsl = builder.proxySsl;
        this.authTls = builder.authTls;
        this.upstreamHost = builder.upstreamHost;
        this.forwardedPrefix = builder.forwardedPrefix;
        this.accessLog = builder.accessLog;
        this.proxyRedirect = builder.proxyRedirect;
        this.cookieRewrite = builder.cookieRewrite;
        this.responseHeaders = builder.responseHeaders;
        this.requestHeaders = builder.requestHeaders;
        this.serverAliases = builder.serverAliases;
        this.fromToWwwRedirect = builder.fromToWwwRedirect;
        this.externalAuth = builder.externalAuth;
        this.gatewayAuth = builder.gatewayAuth;
        this.basicAuth = builder.basicAuth;
        this.fallback = builder.fallback;
        this.sessionCookie = builder.sessionCookie;
        this.forceSslRedirect = builder.forceSslRedirect;
        this.mirror = builder.mirror;
        this.satisfyAny = builder.satisfyAny;
        this.answerRate = builder.answerRate;
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
     * Cross-origin resource sharing ({@code enable-cors} and the {@code cors-*} annotations): the
     * preflights the proxy answers and the {@code Access-Control-*} headers of every answer; null
     * when {@code enable-cors} is not {@code "true"}.
     */
    public RouteCors cors() {
        return cors;
    }

    /**
     * Whether the Ingress's paths are case-insensitive regular expressions: {@code use-regex} is
     * true or {@code rewrite-target} is set. This makes every non-{@code Exact} path of its hosts,
     * whatever Ingress it is on, a regex ({@link Route#pathPattern()}); a {@code rewrite-target}
     * alone does so only for the hosts where a path of the Ingress is not the target itself, as
     * in ingress-nginx ({@code rewrite-target: /} on a path {@code /} changes nothing).
     */
    public boolean regexPaths() {
        return regexPaths;
    }

    /** Whether {@code use-regex} itself is true (regexPaths may come from rewrite-target alone). */
    boolean useRegex() {
        return useRegex;
    }

    /** The rewrite of {@code rewrite-target}; null when not set (or its target was refused). */
    public PathRewrite rewrite() {
        return rewrite;
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

    /**
     * How long a connect to an endpoint may take before the try fails (504, or the next endpoint),
     * in milliseconds ({@code proxy-connect-timeout}); 0 when the server's {@code connectTimeout}
     * applies.
     */
    public long connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    /**
     * How long an endpoint may stay silent while its answer is awaited or read, and how long an
     * upgraded connection (WebSocket) may carry nothing, in milliseconds ({@code proxy-read-timeout});
     * 0 when the server's {@code readTimeout} applies.
     */
    public long readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /**
     * The longest a request may take from the moment it is sent on to an endpoint, its body, every
     * try and the whole answer included, in milliseconds (an HTTPRoute rule's {@code timeouts.request});
     * 0: no such limit. Then it is answered 504 and not tried again; an answer under way is cut
     * short (its connection, or its HTTP/2 stream, is closed). Not applied to an upgraded
     * connection (WebSocket).
     */
    public long requestTimeoutMillis() {
        return requestTimeoutMillis;
    }

    /**
     * The longest one try of a request at an endpoint may take, until its answer is whole, in
     * milliseconds (an HTTPRoute rule's {@code timeouts.backendRequest}); 0: no such limit. Then
     * the try fails as a read timeout does (504; the answer, if begun, cut short).
     */
    public long backendRequestTimeoutMillis() {
        return backendRequestTimeoutMillis;
    }

    /**
     * Whether the routes' backends are their Services' ClusterIP and port, one endpoint each
     * ({@code service-upstream: "true"}), in place of the Pods' endpoints.
     */
    public boolean serviceUpstream() {
        return serviceUpstream;
    }

    /**
     * When a failed try moves a request to the next endpoint ({@code proxy-next-upstream},
     * {@code -tries}, {@code -timeout}); {@link RouteRetries#DEFAULT} when the Ingress sets none.
     */
    public RouteRetries retries() {
        return retries;
    }

    /**
     * The largest request body the routes take, in bytes ({@code proxy-body-size}); 0: no limit;
     * -1 when the Ingress does not say, and the server's limit applies. A longer body is answered
     * 413 and never reaches an endpoint whole.
     */
    public long maxRequestBodyBytes() {
        return maxRequestBodyBytes;
    }

    /**
     * How the routes' endpoints are spoken to ({@code backend-protocol}); {@link BackendProtocol#HTTP}
     * when the Ingress does not say (or its value was refused). Over TLS, endpoint certificates are
     * not verified, as ingress-nginx does not by default, unless {@link #proxySsl()} asks for it.
     */
    public BackendProtocol backendProtocol() {
        return backendProtocol;
    }

    /**
     * How the endpoints are spoken to over TLS ({@code proxy-ssl-secret}, {@code proxy-ssl-verify} and
     * the other {@code proxy-ssl-*}), when {@link #backendProtocol()} is {@link BackendProtocol#HTTPS}
     * or {@link BackendProtocol#AUTO_HTTP}; null when none is set (or the endpoints are spoken to in
     * plain HTTP): certificates not verified, no SNI, no client certificate. When its
     * {@link ProxySsl#refusal()} is set, a request that would go to its endpoint over TLS
     * ({@code backendProtocol().upstreamTls(clientOverTls)}) is answered 502 and nothing is sent.
     */
    public ProxySsl proxySsl() {
        return proxySsl;
    }

    /**
     * Client certificate authentication ({@code auth-tls-*}), or null when the Ingress asks none. It
     * applies per host: the proxy asks and checks by the setting of the oldest Ingress of a request's
     * host that has one, for every route of that host; a route whose own {@link AuthTls#refusal()}
     * is set answers 503.
     */
    public AuthTls authTls() {
        return authTls;
    }

    /** Whether {@link #proxySsl()} asks that endpoint certificates be verified ({@code proxy-ssl-verify: "on"}). */
    public boolean proxySslVerify() {
        return proxySsl != null && proxySsl.verify();
    }

    /**
     * How many requests one client may make, and have in progress at once ({@code limit-rps},
     * {@code limit-rpm}, {@code limit-connections}, {@code limit-burst-multiplier},
     * {@code limit-allowlist}); {@link RateLimit#NONE} when the Ingress sets no limit. A client over
     * a limit is answered 503 and no endpoint is contacted.
     */
    public RateLimit rateLimit() {
        return rateLimit;
    }

    /**
     * The {@code Host} sent to the endpoints instead of the client's ({@code upstream-vhost}): a host
     * name or address, optionally with {@code :port}; null when the client's is sent.
     * {@code X-Forwarded-Host} still names the client's.
     */
    public String upstreamHost() {
        return upstreamHost;
    }

    /**
     * The {@code X-Forwarded-Prefix} sent with a request whose path {@link #rewrite()} changes
     * ({@code x-forwarded-prefix}, which ingress-nginx also sends only with a rewrite); null when none
     * is sent. A client's own {@code X-Forwarded-Prefix} is never passed on.
     */
    public String forwardedPrefix() {
        return forwardedPrefix;
    }

    /** Whether the routes' requests are written to the access log ({@code enable-access-log}); true unless it is false. */
    public boolean accessLog() {
        return accessLog;
    }

    /** Request mirroring ({@code mirror-target}); null when requests are not mirrored. */
    public RequestMirror mirror() {
        return mirror;
    }

    /**
     * The rewrite of the endpoints' {@code Location} and {@code Refresh} headers
     * ({@code proxy-redirect-from}, {@code proxy-redirect-to}); null when they are passed unchanged.
     */
    public ProxyRedirect proxyRedirect() {
        return proxyRedirect;
    }

    /**
     * The rewrite of the {@code Domain} and {@code Path} attributes of the endpoints'
     * {@code Set-Cookie} headers ({@code proxy-cookie-domain}, {@code proxy-cookie-path}); null when
     * they are passed unchanged.
     */
    public CookieRewrite cookieRewrite() {
        return cookieRewrite;
    }

    /**
     * The headers {@code custom-headers} (and the controller ConfigMap's {@code add-headers}) set on
     * every answer of the routes, the endpoint's (replacing its fields of those names) and the proxy's
     * own; null when none.
     */
    public ResponseHeaders responseHeaders() {
        return responseHeaders;
    }

    /**
     * The headers the controller ConfigMap's {@code proxy-set-headers} sets on every request the
     * routes send to their endpoints, replacing the client's fields of those names; null when none.
     */
    public RequestHeaders requestHeaders() {
        return requestHeaders;
    }

    /**
     * The names {@code server-alias} asks to serve as the Ingress's host (lower case; {@code *.} and a
     * name for a wildcard), as written, the refused ones left out; empty when not set. They are
     * applied when the table is compiled: {@link RouteTable#hostAliases()} says which are served,
     * and as which host.
     */
    public List<String> serverAliases() {
        return serverAliases;
    }

    /**
     * Whether {@code from-to-www-redirect} is true: the table then answers requests for the
     * {@code www.} name of each host of the Ingress (or for the name without {@code www.}) with a
     * redirect to the host, unless that name has rules (or an alias) of its own.
     */
    public boolean fromToWwwRedirect() {
        return fromToWwwRedirect;
    }

    /**
     * External authentication ({@code auth-url} and its companions): the auth service each request
     * is sent on only after it answers 2xx; null when {@code auth-url} is not set. When its
     * annotations cannot be used as written ({@link ExternalAuth#usable()} false) the routes answer 503.
     */
    public ExternalAuth externalAuth() {
        return externalAuth;
    }

    /**
     * External authorization of an HTTPRoute rule's {@code ExternalAuth} filter (see {@link GatewayAuth});
     * null for every other route.
     */
    public GatewayAuth gatewayAuth() {
        return gatewayAuth;
    }

    /**
     * HTTP basic authentication ({@code auth-type: basic}, {@code auth-secret}, {@code auth-secret-type},
     * {@code auth-realm}): a request without a user's credentials is answered 401 and reaches no
     * endpoint; null when the Ingress asks none.
     */
    public BasicAuth basicAuth() {
        return basicAuth;
    }

    /**
     * {@code satisfy: "any"}: a client whose address the allowlist ({@link #clientAccess()}) admits
     * is let in without authentication ({@link #basicAuth()}, {@link #externalAuth()}), any other
     * client must authenticate; false ({@code "all"}, the default): a request must pass both.
     */
    public boolean satisfyAny() {
        return satisfyAny;
    }

    /**
     * The pace of each answer's body towards the client ({@code limit-rate}, {@code limit-rate-after});
     * null when the answers are not limited.
     */
    public AnswerRate answerRate() {
        return answerRate;
    }

    /**
     * The Service of {@code default-backend}, which takes the requests of routes whose own backend has
     * no ready endpoint; null when not set (or its Service or port was not found).
     */
    public FallbackBackend fallback() {
        return fallback;
    }

    /**
     * The attributes of the cookie that cookie affinity sets ({@code session-cookie-*}); null when
     * none is set (then: {@code Path} of the route, {@code HttpOnly}, {@code Secure} over TLS).
     */
    public SessionCookie sessionCookie() {
        return sessionCookie;
    }

    /**
     * {@code force-ssl-redirect: "true"}: a plain-HTTP request is answered with a 308 to HTTPS
     * whether or not its host is in a {@code spec.tls}, and even with {@code ssl-redirect: "false"}.
     */
    public boolean forceSslRedirect() {
        return forceSslRedirect;
    }

    /**
     * The bytes of a body size as nginx (and {@code proxy-body-size}) writes one: digits, optionally
     * followed by {@code k}/{@code K}, {@code m}/{@code M} or {@code g}/{@code G} (1024, 1024², 1024³);
     * {@code 0} is no limit. -1 when {@code text} is no such size.
     *
     * <pre>{@code
     * RoutePolicy.parseBodySize("8m");   // 8388608
     * }</pre>
     */
    public static long parseBodySize(String text) {
        return BodySizeAnnotation.parseSize(text);
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
        if (cors != null) {
            phrases.add(cors.describe());
        }
        if (regexPaths && rewrite == null) {
            phrases.add("paths are case-insensitive regular expressions");
        }
        if (rewrite != null) {
            phrases.add(rewrite.describe());
        }
        phrases.addAll(clientAccess.phrases());
        UpstreamTimeoutAnnotations.describe(connectTimeoutMillis, readTimeoutMillis, phrases);
        if (requestTimeoutMillis > 0) {
            phrases.add("answered 504 when not done " + GatewayDurations.describe(requestTimeoutMillis)
                    + " after it is sent on (timeouts.request)");
        }
        if (backendRequestTimeoutMillis > 0) {
            phrases.add("a try at an endpoint ends after " + GatewayDurations.describe(backendRequestTimeoutMillis)
                    + " (timeouts.backendRequest)");
        }
        if (retries != RouteRetries.DEFAULT) {
            phrases.add(retries.describe());
        }
        if (serviceUpstream) {
            phrases.add("to the Service's ClusterIP (service-upstream)");
        }
        if (maxRequestBodyBytes == 0) {
            phrases.add("request bodies of any size (proxy-body-size)");
        } else if (maxRequestBodyBytes > 0) {
            phrases.add("request bodies up to " + BodySizeAnnotation.describe(maxRequestBodyBytes) + " (proxy-body-size)");
        }
        phrases.addAll(rateLimit.phrases());
        String protocol = BackendProtocolAnnotation.describe(backendProtocol);
        if (protocol != null && proxySslVerify() && proxySsl.refusal() == null) {
            protocol = protocol.replace(", certificates not verified", "");  // the proxy-ssl-* phrase says how they are
        }
        if (protocol != null) {
            phrases.add(protocol);
        }
        if (proxySsl != null) {
            phrases.add(ProxySslAnnotations.describe(proxySsl, backendProtocol));
        }
        if (authTls != null) {
            phrases.add(authTls.describe());
        }
        if (upstreamHost != null) {
            phrases.add("Host sent upstream: " + upstreamHost + " (upstream-vhost)");
        }
        if (forwardedPrefix != null) {
            phrases.add("X-Forwarded-Prefix: " + forwardedPrefix + " (x-forwarded-prefix)");
        }
        if (!accessLog) {
            phrases.add("not in the access log (enable-access-log)");
        }
        if (proxyRedirect != null) {
            phrases.add(proxyRedirect.describe());
        }
        if (cookieRewrite != null) {
            phrases.add(cookieRewrite.describe());
        }
        if (responseHeaders != null) {
            phrases.add(responseHeaders.describe());
        }
        if (requestHeaders != null) {
            phrases.add(requestHeaders.describe());
        }
        HostAnnotations.describe(serverAliases, fromToWwwRedirect, phrases);
        if (gatewayAuth != null) {
            phrases.add(gatewayAuth.describe());
        }
        if (externalAuth != null) {
            phrases.add(externalAuth.describe());
        }
        if (basicAuth != null) {
            phrases.add(basicAuth.describe());
        }
        if (fallback != null) {
            phrases.addAll(fallback.phrases());
        }
        if (sessionCookie != null) {
            phrases.add(sessionCookie.describe());
        }
        if (forceSslRedirect) {
            phrases.add("plain HTTP redirected to HTTPS, TLS host or not (force-ssl-redirect)");
        }
        if (mirror != null) {
            phrases.add(mirror.describe());
        }
        if (answerRate != null) {
            phrases.add(answerRate.describe());
        }
        if (satisfyAny) {
            phrases.add("clients the allowlist admits need no authentication, others must authenticate (satisfy: any)");
        }
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
        private RouteCors cors;
        private boolean regexPaths;
        private boolean useRegex;
        private PathRewrite rewrite;

        Builder regexPaths(boolean regexPaths) {
            this.regexPaths = regexPaths;
            return set();
        }

        Builder useRegex() {
            this.useRegex = true;
            return regexPaths(true);
        }

        Builder rewrite(PathRewrite rewrite) {
            this.rewrite = rewrite;
            return set();
        }
        private ClientAccess clientAccess = ClientAccess.ANY;
        private long connectTimeoutMillis;
        private long readTimeoutMillis;
        private long requestTimeoutMillis;
        private long backendRequestTimeoutMillis;
        private long maxRequestBodyBytes = -1;
        private RateLimit rateLimit = RateLimit.NONE;
        private BackendProtocol backendProtocol = BackendProtocol.HTTP;

        /** See {@link RoutePolicy#backendProtocol()}. */
        Builder backendProtocol(BackendProtocol protocol) {
            this.backendProtocol = Objects.requireNonNull(protocol, "protocol");
            return set();
        }
        private ProxySsl proxySsl;

        /** See {@link RoutePolicy#proxySsl()}. */
        Builder proxySsl(ProxySsl ssl) {
            this.proxySsl = Objects.requireNonNull(ssl, "ssl");
            return set();
        }
        private AuthTls authTls;

        /** See {@link RoutePolicy#authTls()}. */
        Builder authTls(AuthTls auth) {
            this.authTls = Objects.requireNonNull(auth, "auth");
            return set();
        }
        private String upstreamHost;
        private String forwardedPrefix;
        private boolean accessLog = true;
        private ProxyRedirect proxyRedirect;
        private CookieRewrite cookieRewrite;

        /** See {@link RoutePolicy#upstreamHost()}. */
        Builder upstreamHost(String host) {
            this.upstreamHost = Objects.requireNonNull(host, "host");
            return set();
        }

        /** See {@link RoutePolicy#forwardedPrefix()}. */
        Builder forwardedPrefix(String prefix) {
            this.forwardedPrefix = Objects.requireNonNull(prefix, "prefix");
            return set();
        }

        /** {@code enable-access-log: "false"}. */
        Builder accessLogOff() {
            this.accessLog = false;
            return set();
        }

        /** See {@link RoutePolicy#proxyRedirect()}. */
        Builder proxyRedirect(ProxyRedirect redirect) {
            this.proxyRedirect = Objects.requireNonNull(redirect, "redirect");
            return set();
        }

        /** See {@link RoutePolicy#cookieRewrite()}. */
        Builder cookieRewrite(CookieRewrite rewrite) {
            this.cookieRewrite = Objects.requireNonNull(rewrite, "rewrite");
            return set();
        }

        private ResponseHeaders responseHeaders;
        private RequestHeaders requestHeaders;

        /** See {@link RoutePolicy#responseHeaders()}. */
        Builder responseHeaders(ResponseHeaders headers) {
            this.responseHeaders = Objects.requireNonNull(headers, "headers");
            return set();
        }

        /** See {@link RoutePolicy#requestHeaders()}. */
        Builder requestHeaders(RequestHeaders headers) {
            this.requestHeaders = Objects.requireNonNull(headers, "headers");
            return set();
        }

        private RequestMirror mirror;

        /** See {@link RoutePolicy#mirror()}. */
        Builder mirror(RequestMirror mirror) {
            this.mirror = Objects.requireNonNull(mirror, "mirror");
            return set();
        }

        private ExternalAuth externalAuth;
        private GatewayAuth gatewayAuth;

        /** See {@link RoutePolicy#gatewayAuth()}. */
        Builder gatewayAuth(GatewayAuth auth) {
            this.gatewayAuth = Objects.requireNonNull(auth, "auth");
            return set();
        }

        /** See {@link RoutePolicy#externalAuth()}. */
        Builder externalAuth(ExternalAuth auth) {
            this.externalAuth = Objects.requireNonNull(auth, "auth");
            return set();
        }

        /** {@code proxy-connect-timeout}, in milliseconds; positive. */
        Builder connectTimeoutMillis(long millis) {
            this.connectTimeoutMillis = millis;
            return set();
        }

        /** See {@link RoutePolicy#maxRequestBodyBytes()}: 0 or more. */
        Builder maxRequestBodyBytes(long bytes) {
            this.maxRequestBodyBytes = bytes;
            return set();
        }

        /** See {@link RoutePolicy#rateLimit()}; {@link RateLimit#NONE} sets nothing. */
        Builder rateLimit(RateLimit limit) {
            if (limit.isNone()) {
                return this;
            }
            this.rateLimit = limit;
            return set();
        }

        /** {@code proxy-read-timeout}, in milliseconds; positive. */
        Builder readTimeoutMillis(long millis) {
            this.readTimeoutMillis = millis;
            return set();
        }

        /** An HTTPRoute rule's {@code timeouts.request}, in milliseconds; positive. */
        Builder requestTimeoutMillis(long millis) {
            this.requestTimeoutMillis = millis;
            return set();
        }

        /** An HTTPRoute rule's {@code timeouts.backendRequest}, in milliseconds; positive. */
        Builder backendRequestTimeoutMillis(long millis) {
            this.backendRequestTimeoutMillis = millis;
            return set();
        }

        Builder redirect(RouteRedirect redirect) {
            this.redirect = redirect;
            return set();
        }

        Builder appRoot(RouteRedirect appRoot) {
            this.appRoot = appRoot;
            return set();
        }

        Builder cors(RouteCors cors) {
            this.cors = cors;
            return set();
        }

        private BasicAuth basicAuth;

        /** See {@link RoutePolicy#basicAuth()}. */
        Builder basicAuth(BasicAuth auth) {
            this.basicAuth = Objects.requireNonNull(auth, "auth");
            return set();
        }

        private RouteRetries retries = RouteRetries.DEFAULT;

        /** See {@link RoutePolicy#retries()}. */
        Builder retries(RouteRetries retries) {
            this.retries = Objects.requireNonNull(retries, "retries");
            return set();
        }

        private boolean serviceUpstream;

        /** {@code service-upstream: "true"}. */
        Builder serviceUpstream() {
            this.serviceUpstream = true;
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

        private List<String> serverAliases = List.of();
        private boolean fromToWwwRedirect;

        /** See {@link RoutePolicy#serverAliases()}: at least one name. */
        Builder serverAliases(List<String> names) {
            this.serverAliases = List.copyOf(names);
            return set();
        }

        /** {@code from-to-www-redirect: "true"}. */
        Builder fromToWwwRedirect() {
            this.fromToWwwRedirect = true;
            return set();
        }

        private FallbackBackend fallback;

        /** See {@link RoutePolicy#fallback()}. */
        Builder fallback(FallbackBackend fallback) {
            this.fallback = Objects.requireNonNull(fallback, "fallback");
            return set();
        }

        private SessionCookie sessionCookie;
        private boolean forceSslRedirect;

        /** See {@link RoutePolicy#sessionCookie()}. */
        Builder sessionCookie(SessionCookie cookie) {
            this.sessionCookie = Objects.requireNonNull(cookie, "cookie");
            return set();
        }

        /** {@code force-ssl-redirect: "true"}. */
        Builder forceSslRedirect() {
            this.forceSslRedirect = true;
            return set();
        }

        private boolean satisfyAny;

        /** {@code satisfy: "any"}. */
        Builder satisfyAny() {
            this.satisfyAny = true;
            return set();
        }

        private AnswerRate answerRate;

        /** See {@link RoutePolicy#answerRate()}. */
        Builder answerRate(AnswerRate rate) {
            this.answerRate = Objects.requireNonNull(rate, "rate");
            return set();
        }

        /** Every setter calls this, so a builder with nothing set gives {@link #NONE}. */
        private Builder set() {
            changed = true;
            return this;
        }
    }
}
