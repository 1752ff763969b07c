package io.jingress.jetty.internal.proxy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.LoadBalancer;
import io.jingress.core.route.AnswerRate;
import io.jingress.core.route.Backend;
import io.jingress.core.route.BackendSplit;
import io.jingress.core.route.HttpRouteFilters;
import io.jingress.core.route.ExternalAuth;
import io.jingress.core.route.FallbackBackend;
import io.jingress.core.route.EncodedSlashes;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.NoMatch;
import io.jingress.core.route.ResponseCompression;
import io.jingress.core.route.RouteRetries;
import io.jingress.core.route.CookieRewrite;
import io.jingress.core.route.ProxyRedirect;
import io.jingress.core.route.RequestPaths;
import io.jingress.core.route.Route;
import io.jingress.core.route.TrustedProxies;
import io.jingress.core.route.RouteCors;
import io.jingress.core.route.RoutePolicy;
import io.jingress.core.route.RequestBlocks;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.ServerSettings;
import io.jingress.jetty.internal.tls.ClientCertificateHosts;
import io.jingress.core.route.Router;
import io.jingress.jetty.internal.admin.AccessLog;
import io.jingress.jetty.internal.admin.ProxyMetrics;
import io.jingress.jetty.internal.http1.LeanExchanges;
import io.jingress.jetty.internal.net.LocalAddressFilter;
import io.jingress.jetty.internal.websocket.UpgradeTunnel;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The request path: route, pick, forward, retry, report. Requests without a body or with a short
 * one of known length go out on the proxy's own keep-alive connections ({@link UpstreamForwarder});
 * the rest (longer or chunked bodies, ExternalName Services) with Jetty's {@link ProxyHandler}, whose hooks this class implements; upgrades through
 * {@link UpgradeTunnel}. The decisions both paths share are here: retries, headers, accounting.
 * {@code IngressHandler} is its public face; see its Javadoc for the behaviour and for what is
 * allocated per request.
 */
public final class RoutingProxy extends ProxyHandler implements Exchange.ExchangeListener {
    /**
     * The largest head (status line and fields) of an endpoint's answer read through Jetty's client;
     * the server's response header size leaves room above it for the fields the proxy adds.
     */
    public static final int MAX_UPSTREAM_HEAD_BYTES = 32 * 1024;

    private static final Integer[] STATUS_BOXES = new Integer[600];

    static {
        for (int i = 0; i < STATUS_BOXES.length; i++) {
            STATUS_BOXES[i] = i;
        }
    }

    private static final Predicate<TimeoutException> NOT_WHILE_ANSWERED = timeout -> false;

    private final Router router;
    private final ProxySettings settings;
    /** Set before the server starts; null: no proxy in front is trusted (one null check per request). */
    private TrustedProxies trustedProxies;
    private final ProxyMetrics metrics;
    private final UpgradeTunnel tunnel;
    private final UpstreamOrigins origins = new UpstreamOrigins("http");
    private final UpstreamOrigins tlsOrigins = new UpstreamOrigins("https");
    private final UpstreamPool pool;
    private final UpstreamForwarder forwarder;
    /** The header of answers over TLS, or null when it is off. */
    private final HttpField strictTransportSecurity;
    // the controller ConfigMap's HSTS as a field, made once per value (see strictTransportSecurity)
    private volatile HttpField configuredStrictTransportSecurity;
    /** The largest request body of a route whose Ingress sets none; 0: no limit. */
    private final long maxRequestBodyBytes;
    /** The smallest body limit in force, by the table it was found in (see {@link #smallestBodyLimit}). */
    private volatile SmallestLimit smallestLimit;
    private volatile int httpsRedirectPort;
    /** auth-tls: the hosts of the current table that ask for client certificates (ClientCertificateCheck). */
    private final ClientCertificateHosts.Cache clientCertificateHosts = new ClientCertificateHosts.Cache();
    /** Per-client counts of the Ingresses that set limit-rps, limit-rpm or limit-connections. */
    private final ClientLimitCheck clientLimits;
    /** The auth service calls of the Ingresses that set {@code auth-url}. */
    private final ExternalAuthCheck externalAuth;
    private final GatewayAuthCheck gatewayAuth;
    private final RequestMirrors mirrors;
    /** The routes whose Ingress sets auth-type basic. */
    private final BasicAuthCheck basicAuth;
    /** The TLS client sides of the routes whose Ingress sets proxy-ssl-*. */
    private final UpstreamTlsContexts tlsContexts = new UpstreamTlsContexts();
    /** The tunnel's TLS client side for the routes that set no proxy-ssl-*: nothing verified. */
    private final SslContextFactory.Client tunnelTls = UpstreamTls.clientSide();
    /** HTTP/2 to the endpoints of routes that speak it: backend-protocol GRPC or GRPCS, HTTPRoutes to h2c ports. */
    private final GrpcUpstream grpc = new GrpcUpstream(this::newGrpcClient);

    public RoutingProxy(Router router, ProxySettings settings, ProxyMetrics metrics) {
        this.router = Objects.requireNonNull(router, "router");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.httpsRedirectPort = settings.httpsRedirectPort();
        this.tunnel = UpgradeTunnel.builder()
                .connectTimeout(Duration.ofMillis(settings.connectTimeoutMillis()))
                .idleTimeout(Duration.ofMillis(settings.readTimeoutMillis()))
                .localBackendNames(settings.localBackendNames())
                .upstreamTls(tunnelTls)
                .answerFields(RoutingProxy::upgradeAnswerField)
                .build();
        addBean(tunnel);
        this.pool = new UpstreamPool(settings);
        addBean(pool);
        this.forwarder = new UpstreamForwarder(this, pool);
        String hsts = settings.strictTransportSecurity();
        this.strictTransportSecurity = hsts == null ? null : new PreEncodedHttpField(HttpHeader.STRICT_TRANSPORT_SECURITY, hsts);
        this.maxRequestBodyBytes = settings.maxRequestBodyBytes();
        this.clientLimits = new ClientLimitCheck(router, System::nanoTime, ClientLimits.CAPACITY);
        this.externalAuth = new ExternalAuthCheck(this::getHttpClient, settings.connectTimeoutMillis(),
                settings.readTimeoutMillis(), this::toEndpoint);
        this.gatewayAuth = new GatewayAuthCheck(this::getHttpClient, tlsContexts, settings.connectTimeoutMillis(),
                settings.readTimeoutMillis(), this::toEndpoint);
        this.basicAuth = new BasicAuthCheck(this);
        this.mirrors = new RequestMirrors(this::getHttpClient, settings.connectTimeoutMillis(),
                settings.readTimeoutMillis(), metrics, RequestMirrors.MAX_IN_FLIGHT);
        addBean(basicAuth);
    }

    @Override
    protected void doStart() throws Exception {
        Server server = getServer();
        if (server != null) {
            pool.executor(server.getThreadPool());
            Request.Handler errors = server.getErrorHandler();
            if (!(errors instanceof ClientClosedErrors)) {
                server.setErrorHandler(new ClientClosedErrors(errors == null ? new ErrorHandler() : errors, metrics));
            }
        }
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        grpc.stop();
        super.doStop();
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** The proxies in front whose X-Forwarded-For and -Proto are believed (see {@link TrustedForwarding}); null: none. */
    public void trustedProxies(TrustedProxies trusted) {
        this.trustedProxies = trusted;
    }

    /** The HTTPS port plain-HTTP requests to TLS hosts are redirected to; 0 = no redirect. */
    public void httpsRedirectPort(int port) {
        this.httpsRedirectPort = port;
    }

    public int httpsRedirectPort() {
        return httpsRedirectPort;
    }

    public Router router() {
        return router;
    }

    /** Idle keep-alive connections to endpoints kept now, over all endpoints. */
    public int idleUpstreamConnections() {
        return pool.idleConnections();
    }

    /** Upstream read buffers held now: one per exchange in progress. */
    public long upstreamBuffersHeld() {
        return pool.buffersHeld();
    }

    /** The HSTS of the answers over TLS: the controller ConfigMap's when it sets one, else the server's; null: none. */
    private HttpField strictTransportSecurity(ServerSettings settings) {
        String configured = settings.strictTransportSecurity();
        if (configured == null) {
            return strictTransportSecurity;
        }
        if (configured.isEmpty()) {
            return null;
        }
        HttpField field = configuredStrictTransportSecurity;
        if (field == null || !field.getValue().equals(configured)) {
            field = new PreEncodedHttpField(HttpHeader.STRICT_TRANSPORT_SECURITY, configured);
            configuredStrictTransportSecurity = field;
        }
        return field;
    }

    @Override
    public boolean handle(Request clientToProxyRequest, Response proxyToClientResponse, Callback proxyToClientCallback) {
        if (HttpMethod.HEAD.is(clientToProxyRequest.getMethod())) {
            proxyToClientResponse = new HeadResponse(clientToProxyRequest, proxyToClientResponse);
        }
        Exchange exchange = new Exchange(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, this);
        Server server = getServer();
        exchange.logged = server != null && server.getRequestLog() != null;
        if (trustedProxies != null) {
            TrustedForwarding.apply(exchange, trustedProxies);
        }
        RouteTable table = router.current();
        exchange.serverSettings = table.serverSettings();
        if (exchange.secure()) {
            // the client's scheme, as for the redirect below: never on an answer over plain HTTP
            exchange.strictTransportSecurity = strictTransportSecurity(exchange.serverSettings);
        }
        metrics.onRequestBegin();
        // the client closing its connection or resetting its stream stops the upstream try at once
        clientToProxyRequest.addFailureListener(exchange::clientFailed);
        // A client idle while its answer is awaited is not failed: the read timeout owns that wait
        // (as the lean connection's idle timeout leaves it). A body that stops coming fails its read.
        clientToProxyRequest.addIdleTimeoutListener(NOT_WHILE_ANSWERED);
        String method = clientToProxyRequest.getMethod();
        if (HttpMethod.CONNECT.is(method)) {
            PlainResponses.write(proxyToClientResponse, exchange, PlainResponses.METHOD_NOT_ALLOWED);
            return true;
        }
        if (HttpMethod.TRACE.is(method)) {
            // As nginx answers it: an endpoint echoing a request back would show the client's
            // cookies and credentials to a script ("cross-site tracing").
            PlainResponses.write(proxyToClientResponse, exchange, PlainResponses.TRACE_NOT_ALLOWED);
            return true;
        }
        HttpVersion version = clientToProxyRequest.getConnectionMetaData().getHttpVersion();
        if (version.getVersion() >= 20 && !MethodTokens.isToken(method)) {
            // HTTP/1's parser refuses it already; HTTP/2's :method is taken as it comes
            PlainResponses.write(proxyToClientResponse, exchange, PlainResponses.BAD_METHOD);
            return true;
        }
        if (version == HttpVersion.HTTP_1_0
                && clientToProxyRequest.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            // RFC 9112 section 6.1: faulty framing, which Jetty's parser takes; nginx answers 400 too
            PlainResponses.write(proxyToClientResponse, exchange, PlainResponses.HTTP_1_0_TRANSFER_ENCODING);
            return true;
        }
        if (hasCodingOtherThanChunked(clientToProxyRequest.getHeaders())) {
            // Jetty removes the chunked framing; a gzip (or other) coding under it would reach the
            // backend as a plain body with no word of its coding. nginx answers 501 too.
            PlainResponses.write(proxyToClientResponse, exchange, PlainResponses.NOT_IMPLEMENTED);
            return true;
        }
        RequestBlocks blocks = exchange.serverSettings.requestBlocks();
        if (!blocks.isNone()) {
            // the controller ConfigMap's block-*: refused on every host, before any route is matched
            HttpFields clientHeaders = clientToProxyRequest.getHeaders();
            if (blocks.refusal(exchange.clientAddress(), clientHeaders.get(HttpHeader.USER_AGENT),
                    clientHeaders.get(HttpHeader.REFERER)) != null) {
                PlainResponses.write(proxyToClientResponse, exchange, PlainResponses.BLOCKED);
                return true;
            }
        }
        HttpURI uri = clientToProxyRequest.getHttpURI();
        // What a URI may not hold raw is escaped as the bytes sent: every writer of the upstream
        // target (our request line, Jetty's client, the WebSocket handshake, a Location) writes a
        // char a byte. Jetty decodes an HTTP/1 request line from UTF-8 (LeanRequest's is ASCII),
        // HTTP/2's HPACK strings a char a byte.
        boolean utf8 = clientToProxyRequest.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_2;
        // an encoded slash stays in the path, and routes only where decoding it would not change the route
        String path = EncodedSlashes.normalize(uri.getPath(), utf8);
        if (path == null) {
            PlainResponses.write(proxyToClientResponse, exchange, PlainResponses.BAD_REQUEST);
            return true;
        }
        // The URI's host is the absolute-form target's authority when there is one, else the Host
        // header's: either way the only thing that can choose an upstream is the route table.
        String host = uri.getHost();
        if (host == null) {
            // an HTTP/2 request may name its host in a Host field in place of :authority (RFC 9113
            // 8.3.1): it is routed by the Host it is forwarded with (ProxyHeaders.hostFor)
            host = clientToProxyRequest.getHeaders().get(HttpHeader.HOST);
        }
        MatchResult match = EncodedSlashes.match(table, host == null ? "" : host, path);
        if (!(match instanceof Route route)) {
            PlainResponses.write(proxyToClientResponse, exchange, match == NoMatch.REGEX_FAILED ? PlainResponses.REGEX_FAILED
                    : match == NoMatch.ENCODED_SLASH ? PlainResponses.ENCODED_SLASH : PlainResponses.NOT_FOUND);
            return true;
        }
        if (route.hasCandidates()) {
            // HTTPRoute (GRPCRoute) matches with a method, headers or query parameters: the first whose conditions hold
            HttpFields clientHeaders = clientToProxyRequest.getHeaders();
            route = route.select(method, path, name -> joinedValues(clientHeaders, name), uri.getQuery());
            if (route == null) {
                PlainResponses.write(proxyToClientResponse, exchange, PlainResponses.NOT_FOUND);
                return true;
            }
        }
        exchange.route = route;
        if (exchange.logged) {
            clientToProxyRequest.setAttribute(AccessLog.ROUTE, route);
        }
        String query = uri.getQuery();
        if (query != null) {
            query = RequestPaths.escapeQuery(query, utf8);
            if (query == null) {
                PlainResponses.write(proxyToClientResponse, exchange, PlainResponses.BAD_QUERY);
                return true;
            }
        }
        exchange.pathAndQuery = query == null ? path : path + '?' + query;
        HttpRouteFilters filters = route.filters();
        if (filters != null && GatewayFilters.answered(exchange, filters, host, path, query, proxyToClientResponse)) {
            return true;
        }
        if (!route.policy().isNone() && redirectedByPolicy(exchange, route.policy(), host, path, proxyToClientResponse)) {
            return true;
        }

        int redirectPort = httpsRedirectPort;
        // The connection's security (or a trusted proxy's X-Forwarded-Proto), not Request.isSecure():
        // Jetty answers that from the target's scheme too, and an absolute-form "https://" target
        // over plain TCP must not skip the redirect.
        if (route.sslRedirect() && redirectPort > 0 && !exchange.secure()) {
            PlainResponses.redirect(proxyToClientResponse, exchange, httpsLocation(host, redirectPort, exchange.pathAndQuery),
                    exchange.serverSettings.httpsRedirectStatus());
            return true;
        }
        // auth-tls: by the host's setting, whichever Ingress the route is of; ahead of the policy's checks
        if (ClientCertificateCheck.answered(exchange, clientCertificateHosts.of(table), host, proxyToClientResponse)) {
            return true;
        }
        if (!route.policy().isNone() && answeredByPolicy(exchange, route.policy(), proxyToClientResponse)) {
            return true;
        }
        // the server's body limit, for routes whose Ingress asks nothing (answeredByPolicy: the rest)
        if (maxRequestBodyBytes > 0 && route.policy().isNone()
                && RequestBodyLimit.answered(exchange, maxRequestBodyBytes, proxyToClientResponse)) {
            return true;
        }
        toEndpoint(exchange);
        return true;
    }

    /**
     * Sends the request to an endpoint of its route: from {@link #handle}, or, for a route with
     * external authentication, once the auth service let it through ({@link ExternalAuthCheck}, on
     * the thread that read its answer). Nothing here blocks.
     */
    private void toEndpoint(Exchange exchange) {
        Route route = exchange.route;
        Response proxyToClientResponse = exchange.proxyToClientResponse();
        BackendSplit split = route.split();
        Backend backend = split != null ? split.pick(ThreadLocalRandom.current().nextInt(split.totalWeight()))
                : route.canary() == null ? route.backend() : canaryOrMain(exchange, route);
        exchange.backend = backend;
        if (backend.filters() != null) {
            GatewayFilters.applyBackend(exchange, backend.filters());  // an HTTPRoute backendRef's, after its rule's
        }
        if ((backend.tls() != null || route.policy().proxySsl() != null) && tlsContexts.refused(exchange, proxyToClientResponse)) {
            return;
        }
        Endpoint endpoint = backend.status() == Backend.Status.READY ? backend.balancer().pick(exchange) : null;
        if (endpoint == null) {
            // default-backend: only here, where the answer would be a 503 (NONE's fallback is null)
            FallbackBackend fallback = route.policy().fallback();
            endpoint = fallback == null || !fallback.takesUnavailable() ? null : DefaultBackendFallback.take(exchange, fallback);
            if (endpoint == null) {
                PlainResponses.write(proxyToClientResponse, exchange, PlainResponses.unavailable(backend.status(),
                        route.kind() == Route.KIND_GRPC_ROUTE));
                return;
            }
        }
        exchange.endpoint = endpoint;
        exchange.tries = 1;
        AnswerRate answerRate = route.policy().answerRate();  // limit-rate: NONE's is null
        if (answerRate != null && exchange.pacedResponse == null) {
            exchange.pacedResponse = AnswerPacer.paced(exchange, proxyToClientResponse, answerRate, getServer().getScheduler(),
                    getServer().getThreadPool());
        }
        if (exchange.getHeaders().contains(HttpHeader.UPGRADE) && UpgradeTunnel.isUpgradeRequest(exchange)) {
            // The tunnel connects on the calling thread, which must not be the one parsing requests.
            getServer().getThreadPool().execute(() -> tunnel(exchange));
            return;
        }
        ResponseCompression compression = exchange.serverSettings.compression();  // use-gzip: null by default
        if (compression != null && exchange.compressedResponse == null && !GrpcUpstream.isCall(exchange)) {
            Response answer = exchange.answerResponse();
            Response compressed = CompressedAnswer.of(exchange, answer, compression);
            if (compressed != answer) {
                exchange.compressedResponse = compressed;
            }
        }
        if (!route.policy().isNone()) {
            RouteTimeouts.start(exchange, route.policy(), getServer().getScheduler());  // an HTTPRoute's timeouts
        }
        // an HTTP/2 body without a Content-Length shows as Transfer-Encoding: chunked from here on
        exchange.announceFramedBody();
        if (UpstreamForwarder.fits(exchange, endpoint)) {
            forwarder.start(exchange);  // mirrors once the body is read
            return;
        }
        if (exchange.mirrorUri != null && !exchange.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)
                && exchange.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) <= 0) {
            mirror(exchange);  // a streamed body is not mirrored (RequestMirrors)
        }
        exchange.meetExpectation();
        super.handle(exchange, exchange.answerResponse(), exchange);
    }

    /** The backend of a route with a canary that this request goes to (see {@link CanarySplit}). */
    private static Backend canaryOrMain(Exchange exchange, Route route) {
        Backend backend = CanarySplit.backendFor(route, exchange);
        if (exchange.logged && backend != route.backend()) {
            exchange.setAttribute(AccessLog.CANARY_BACKEND, backend);
        }
        return backend;
    }

    /**
     * The redirects the route's Ingress asks the proxy to answer itself, before the redirect to
     * HTTPS (as ingress-nginx's {@code return} runs before its Lua one); true when one answered.
     */
    private boolean redirectedByPolicy(Exchange exchange, RoutePolicy policy, String host, String path,
            Response proxyToClientResponse) {
        exchange.responseHeaders = PolicyResponseHeaders.of(policy);  // custom-headers: first, so the redirects carry them too
        return PolicyRedirects.answered(exchange, policy, host, path, proxyToClientResponse);
    }

    /**
     * Applies what the route's Ingress asks by its annotations before an endpoint is picked; true
     * when that answered the request itself, or took it over: a route with external authentication
     * goes on to {@link #toEndpoint} once its auth service lets the request through.
     */
    private boolean answeredByPolicy(Exchange exchange, RoutePolicy policy, Response proxyToClientResponse) {
        exchange.proxyRedirect = policy.proxyRedirect();
        exchange.cookieRewrite = policy.cookieRewrite();
        exchange.errorPages = ErrorPages.of(policy);  // custom-http-errors
        exchange.statusRetries = policy.retries().onAnyStatus();
        // first, as nginx's limit_req and limit_conn (preaccess) come before allow/deny (access)
        if (clientLimits.refused(exchange, policy, proxyToClientResponse)) {
            return true;
        }
        boolean authenticate = true;  // satisfy: any and an allowlisted client: false, no authentication is asked
        if (policy.satisfyAny()) {
            SatisfyAny.Access access = SatisfyAny.check(exchange, policy, proxyToClientResponse);
            if (access == SatisfyAny.Access.REFUSED) {
                return true;
            }
            authenticate = access == SatisfyAny.Access.AUTHENTICATE;
        } else if (ClientAccessCheck.refused(exchange, policy, proxyToClientResponse)) {
            return true;
        }
        if (UpstreamTls.refused(exchange, policy, proxyToClientResponse)) {
            return true;
        }
        if (RequestBodyLimit.answered(exchange, RequestBodyLimit.of(policy, maxRequestBodyBytes), proxyToClientResponse)) {
            return true;
        }
        // CORS after the checks above: a preflight is answered only for a request they let through
        RouteCors cors = policy.cors();
        if (cors != null && PolicyCors.answered(exchange, cors, proxyToClientResponse)) {
            return true;
        }
        // After CORS, as ingress-nginx's preflight answer (rewrite phase) comes before auth_basic (access
        // phase): a browser's preflight carries no credentials. A slow hash is checked on another thread,
        // which goes on with resumeAfterAuth.
        if (authenticate && policy.basicAuth() != null && basicAuth.answered(exchange, policy.basicAuth(), proxyToClientResponse)) {
            return true;
        }
        return answeredAfterBasicAuth(exchange, policy, proxyToClientResponse, authenticate);
    }

    /**
     * What {@link #answeredByPolicy} does after basic authentication: the path rewrite, then external
     * authentication unless {@code authenticate} is false ({@link SatisfyAny}).
     */
    private boolean answeredAfterBasicAuth(Exchange exchange, RoutePolicy policy, Response proxyToClientResponse,
            boolean authenticate) {
        // for a request that goes upstream: its path as the endpoint is to receive it
        String requestUri = exchange.pathAndQuery;
        if (policy.mirror() != null && !exchange.getHeaders().contains(RequestMirrors.MARK)) {
            exchange.mirrorUri = requestUri;  // mirror-target's $request_uri; a copy is not copied again
        }
        if (PathRewrites.answered(exchange, policy, proxyToClientResponse)) {
            return true;
        }
        // last, as nginx's auth_request runs after its rewrites: the request goes on (toEndpoint)
        // only once the auth service lets it through, asked with what the client asked (requestUri)
        if (policy.gatewayAuth() != null) {  // an HTTPRoute's ExternalAuth filter
            return gatewayAuth.started(exchange, policy, policy.gatewayAuth(), proxyToClientResponse);
        }
        ExternalAuth auth = policy.externalAuth();
        return authenticate && auth != null && externalAuth.started(exchange, policy, auth, requestUri, proxyToClientResponse);
    }

    /** Sends the copy of a request of a mirrored route ({@link RequestMirrors}). */
    void mirror(Exchange exchange) {
        mirrors.send(exchange);
    }

    /**
     * Goes on with a request that a password check on another thread let through ({@link BasicAuthCheck}):
     * what {@link #handle} does after that check.
     */
    void resumeAfterAuth(Exchange exchange) {
        if (!answeredAfterBasicAuth(exchange, exchange.route.policy(), exchange.proxyToClientResponse(), true)) {
            toEndpoint(exchange);
        }
    }

    /**
     * The smallest request body limit of the current table's routes and the server; {@link Long#MAX_VALUE}
     * when there is none: a connection that meets {@code Expect: 100-continue} before the request
     * is routed may do so only for a body no longer (see {@code LeanConnectionFactory}).
     */
    public long smallestBodyLimit() {
        RouteTable table = router.current();
        SmallestLimit known = smallestLimit;
        if (known == null || known.table() != table) {
            known = new SmallestLimit(table, RequestBodyLimit.smallest(table, maxRequestBodyBytes));
            smallestLimit = known;
        }
        return known.bytes();
    }

    private record SmallestLimit(RouteTable table, long bytes) {
    }

    /** A header's values by name (any case), its fields joined by ","; null when absent (HTTPRoute header matches). */
    static String joinedValues(HttpFields headers, String name) {
        String first = null;
        StringBuilder joined = null;
        for (HttpField field : headers) {
            if (!field.is(name)) {
                continue;
            }
            if (first == null) {
                first = field.getValue();
            } else {
                if (joined == null) {
                    joined = new StringBuilder(first);
                }
                joined.append(',').append(field.getValue());
            }
        }
        return joined != null ? joined.toString() : first;
    }

    /** Whether a Transfer-Encoding names any coding but {@code chunked}. */
    static boolean hasCodingOtherThanChunked(HttpFields headers) {
        for (HttpField field : headers) {
            if (field.getHeader() == HttpHeader.TRANSFER_ENCODING && hasCodingOtherThanChunked(field)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a Transfer-Encoding field names any coding but {@code chunked}. */
    static boolean hasCodingOtherThanChunked(HttpField transferEncoding) {
        for (String coding : transferEncoding.getValues()) {
            if (!coding.isBlank() && !HttpHeaderValue.CHUNKED.is(coding.trim())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends the exchange of an error page ({@link ErrorPages}), endpoint picked, on the path it
     * fits: the own connections, or Jetty's client (an ExternalName default backend).
     */
    void sendErrorPage(Exchange page) {
        if (UpstreamForwarder.fits(page, page.endpoint)) {
            forwarder.start(page);
        } else {
            super.handle(page, page.proxyToClientResponse(), page);
        }
    }

    /**
     * Picks another endpoint when the failed try may be repeated (see {@link #mayRetry}) and the
     * request's own time has not run out ({@link RouteTimeouts}); false when none.
     */
    boolean retryElsewhere(Exchange exchange, Throwable failure) {
        if (exchange.requestTimedOut() != null || !mayRetry(exchange, failure)) {
            return false;
        }
        Endpoint next = nextUntried(exchange);
        if (next == null) {
            return false;
        }
        exchange.endpoint = next;
        exchange.tries++;
        return true;
    }

    /**
     * Runs the next try of a request: at once, or after its route's backoff (an HTTPRoute's
     * {@code retry.backoff}, {@link RouteRetries#backoffMillis()}) on a thread of the server's pool.
     * A client that goes away meanwhile, or a request timeout that passes, stops that try as it begins.
     */
    void afterBackoff(Exchange exchange, Runnable nextTry) {
        RoutePolicy policy = exchange.route.policy();
        long backoff = policy.isNone() ? 0 : policy.retries().backoffMillis();
        if (backoff <= 0) {
            nextTry.run();
            return;
        }
        Server server = getServer();
        server.getScheduler().schedule(() -> server.getThreadPool().execute(nextTry), backoff, TimeUnit.MILLISECONDS);
    }

    /**
     * WebSocket and other HTTP/1.1 upgrades, which {@link ProxyHandler} cannot carry: the same
     * headers as any proxied request, then {@link UpgradeTunnel}; an endpoint that cannot be
     * connected to is replaced by another, as for any idempotent request.
     */
    private void tunnel(Exchange exchange) {
        HttpFields.Mutable proxyToServerHeaders = HttpFields.build();
        ProxyHeaders.copyClientHeaders(exchange, exchange.getHeaders(), proxyToServerHeaders);
        ProxyHeaders.addForwardedHeaders(exchange, proxyToServerHeaders, ProxyHeaders.localPort(exchange));
        if (exchange.logged) {
            exchange.setAttribute(AccessLog.REQUEST_ID, exchange.requestId);
        }
        Response proxyToClientResponse = exchange.proxyToClientResponse();
        if (exchange.authCookiesAlways) {
            // on the tunnel's answer, whatever it is (its 101 is no status nginx's add_header takes without always)
            ExternalAuthCheck.addCookies(exchange, 0, proxyToClientResponse.getHeaders());
        }
        RoutePolicy policy = exchange.route.policy();
        long connectTimeout = UpstreamTimeouts.connectMillis(policy, settings.connectTimeoutMillis());
        long idleTimeout = UpstreamTimeouts.readMillis(policy, settings.readTimeoutMillis());
        HttpField affinityCookie = null;
        while (true) {
            if (exchange.logged) {
                exchange.setAttribute(AccessLog.UPSTREAM_ADDR, exchange.endpoint.id());
            }
            if (affinityCookie != null || exchange.affinityCookie != null) {
                // cookie affinity: on the 101 too, naming the endpoint now tried (a retry picks anew)
                affinityCookie = AffinityCookies.onUpgradeAnswer(exchange, proxyToClientResponse.getHeaders(), affinityCookie);
            }
            if (tunnel.handle(exchange, proxyToClientResponse, exchange, exchange.endpoint, exchange.pathAndQuery,
                    proxyToServerHeaders, connectTimeout, idleTimeout,
                    UpstreamTls.wanted(exchange) ? tlsContexts.clientSide(exchange, tunnelTls) : null)) {
                return;
            }
            Endpoint next = exchange.tries < maxTries(exchange) ? nextUntried(exchange) : null;
            if (next == null) {
                PlainResponses.write(proxyToClientResponse, exchange, PlainResponses.BAD_GATEWAY);
                return;
            }
            exchange.endpoint = next;
            exchange.tries++;
        }
    }

    /**
     * A field of the endpoint's answer to an upgrade as the client gets it: the route's
     * {@code proxy-redirect-from/-to} and {@code proxy-cookie-*} apply, as on any answer
     * ({@link #copyServerHeaders}); nginx's rewrite every answer of the endpoint, a 101's too.
     */
    private static HttpField upgradeAnswerField(Request clientToProxyRequest, HttpField serverToProxyField) {
        if (!(clientToProxyRequest instanceof Exchange exchange)) {
            return serverToProxyField;
        }
        return rewritten(exchange.proxyRedirect, exchange.cookieRewrite, serverToProxyField);
    }

    /** A field of an endpoint's answer with the route's {@code proxy-redirect-from/-to} and {@code proxy-cookie-*} applied. */
    private static HttpField rewritten(ProxyRedirect proxyRedirect, CookieRewrite cookieRewrite, HttpField field) {
        if (proxyRedirect != null) {
            field = PolicyHeaders.redirected(proxyRedirect, field);
        }
        if (cookieRewrite != null && field.getHeader() == HttpHeader.SET_COOKIE) {
            field = PolicyCookies.rewritten(cookieRewrite, field);
        }
        return field;
    }

    /**
     * Marks the current endpoint tried and picks another, or returns null; under an HTTPRoute's
     * retry ({@link RouteRetries#anyEndpoint()}) one tried already once every endpoint was.
     */
    private Endpoint nextUntried(Exchange exchange) {
        int maxTries = maxTries(exchange);
        exchange.markTried(maxTries);
        Endpoint next = pickUntried(exchange);
        RoutePolicy policy = exchange.route.policy();
        if (next == null && !policy.isNone() && policy.retries().anyEndpoint()) {
            // an HTTPRoute's retry: every endpoint was tried; another round, another than the last if there is one
            exchange.forgetTried();
            exchange.markTried(maxTries);
            next = pickUntried(exchange);
            if (next == null) {
                exchange.forgetTried();
                next = pickUntried(exchange);
            }
        }
        return next;
    }

    /** Tries in all for this request: the server's, or its route's {@code proxy-next-upstream-tries} ({@link NextUpstream}). */
    private int maxTries(Exchange exchange) {
        RoutePolicy policy = exchange.route.policy();
        return policy.isNone() ? settings.maxTries() : NextUpstream.maxTries(exchange, policy.retries(), settings.maxTries());
    }

    /** Whether an answer of {@code status} is dropped and the request moved on (see {@link NextUpstream#movesOn}). */
    boolean movesOn(Exchange exchange, int status) {
        return NextUpstream.movesOn(exchange, status, settings.maxTries());
    }

    static String httpsLocation(String host, int port, String pathAndQuery) {
        StringBuilder location = new StringBuilder(16 + host.length() + pathAndQuery.length());
        location.append("https://").append(host);
        if (port != 443) {
            location.append(':').append(port);
        }
        return location.append(pathAndQuery).toString();
    }

    @Override
    protected HttpURI rewriteHttpURI(Request clientToProxyRequest) {
        Exchange exchange = (Exchange) clientToProxyRequest;
        String scheme = UpstreamTls.wanted(exchange) ? "https" : "http";
        return HttpURI.from(scheme, uriHost(exchange.endpoint), exchange.endpoint.port(), exchange.pathAndQuery);
    }

    static String uriHost(Endpoint endpoint) {
        String address = endpoint.address();
        return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientToProxyRequest, HttpURI newHttpURI) {
        // From the endpoint's parsed origin: HttpClient.newRequest(host, port) formats and parses
        // "http://host:port" again for every request.
        Exchange exchange = (Exchange) clientToProxyRequest;
        RoutePolicy policy = exchange.route.policy();
        UpstreamOrigins byScheme = UpstreamTls.wanted(exchange) ? tlsOrigins : origins;
        UpstreamTlsContexts.Tag tlsTag = null;
        if (byScheme == tlsOrigins && UpstreamTls.setting(exchange) != null) {
            tlsTag = tlsContexts.tag(exchange);
            if (tlsTag == null) {
                // checked in toEndpoint: never send such a request with the unverified client side
                throw new IllegalStateException("no TLS client side for the TLS setting of " + exchange.backend);
            }
        }
        long readMillis = UpstreamTimeouts.readMillis(policy, settings.readTimeoutMillis());
        if (GrpcUpstream.wanted(exchange)) {
            return grpc.newRequest(exchange, byScheme == tlsOrigins, tlsTag, newHttpURI.getPathQuery())
                    .method(clientToProxyRequest.getMethod())
                    .idleTimeout(readMillis, TimeUnit.MILLISECONDS);
        }
        org.eclipse.jetty.client.Request proxyToServerRequest = getHttpClient().newRequest(byScheme.of(exchange.endpoint))
                .path(newHttpURI.getPathQuery())
                .method(clientToProxyRequest.getMethod())
                .idleTimeout(readMillis, TimeUnit.MILLISECONDS);
        if (tlsTag != null) {
            proxyToServerRequest.tag(tlsTag);
        } else if (!policy.isNone() && policy.connectTimeoutMillis() > 0) {
            proxyToServerRequest.tag(new UpstreamTimeouts.ConnectTag(policy.connectTimeoutMillis()));
        }
        return proxyToServerRequest;
    }

    @Override
    protected void copyRequestHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        Exchange exchange = (Exchange) clientToProxyRequest;
        HttpFields clientToProxyHeaders = clientToProxyRequest.getHeaders();
        boolean streamedBody = clientToProxyHeaders.contains(HttpHeader.TRANSFER_ENCODING);
        proxyToServerRequest.headers(proxyToServerHeaders -> {
            ProxyHeaders.copyClientHeaders(exchange, clientToProxyHeaders, proxyToServerHeaders);
            if (streamedBody) {
                // A body of unknown length (chunked, or HTTP/2 DATA without content-length, see
                // Exchange.announceFramedBody) must go chunked. The client's Transfer-Encoding is
                // hop-by-hop and not copied, and without a Content-Type Jetty's client frames no
                // body on a method other than POST and PUT: it would write the body bytes after a
                // head that announces none, and the endpoint would read them as the next request
                // on the pooled connection (a GET smuggling a request past every check here).
                // This field is the client's hint to chunk; it writes the field itself.
                proxyToServerHeaders.put(HttpHeader.TRANSFER_ENCODING, HttpHeaderValue.CHUNKED.asString());
            }
        });
    }

    @Override
    protected void addProxyHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        Exchange exchange = (Exchange) clientToProxyRequest;
        String localPort = ProxyHeaders.localPort(clientToProxyRequest);
        proxyToServerRequest.headers(proxyToServerHeaders ->
                ProxyHeaders.addForwardedHeaders(exchange, proxyToServerHeaders, localPort));
        if (exchange.logged && exchange.tries == 1) {
            clientToProxyRequest.setAttribute(AccessLog.REQUEST_ID, exchange.requestId);
        }
    }

    @Override
    protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(Request clientToProxyRequest,
            Response proxyToClientResponse, org.eclipse.jetty.client.Request proxyToServerRequest) {
        Exchange exchange = (Exchange) clientToProxyRequest;
        if (GrpcUpstream.wanted(exchange)) {
            GrpcUpstream.Replay kept = exchange.grpcReplay;
            if (kept != null && exchange.staleRetried) {
                // the call again, after its stream went unprocessed: its body as kept
                return kept.content(exchange.getHeaders().get(HttpHeader.CONTENT_TYPE));
            }
            exchange.grpcReplay = new GrpcUpstream.Replay();
        }
        return new ReplayGuardedContent(exchange);
    }

    @Override
    protected void sendProxyToServerRequest(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            Response proxyToClientResponse, Callback proxyToClientCallback) {
        Exchange exchange = (Exchange) clientToProxyRequest;
        if (exchange.logged) {
            clientToProxyRequest.setAttribute(AccessLog.UPSTREAM_ADDR, exchange.endpoint.id());
        }
        exchange.upstreamStart = exchange.endpoint.onStart();
        exchange.upstreamOpen = true;
        exchange.tryStartNanos = System.nanoTime();
        RouteTimeouts.tryBegins(exchange);
        exchange.upstreamBegins((aborted, cause) -> proxyToServerRequest.abort(cause));
        HttpFields headers = clientToProxyRequest.getHeaders();
        if (!headers.contains(HttpHeader.TRANSFER_ENCODING) && headers.getLongField(HttpHeader.CONTENT_LENGTH) <= 0) {
            LeanExchanges.watchForClose(clientToProxyRequest);  // no body to read: the answer is awaited
        }
        if (GrpcUpstream.wanted(exchange)) {
            proxyToServerRequest.headers(GrpcUpstream::finishHeaders);
        }
        super.sendProxyToServerRequest(clientToProxyRequest, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback);
    }

    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(Request clientToProxyRequest,
            org.eclipse.jetty.client.Request proxyToServerRequest, Response proxyToClientResponse, Callback proxyToClientCallback) {
        Exchange exchange = (Exchange) clientToProxyRequest;
        if (exchange.errorPages != null) {
            return new ErrorPageResponseListener(exchange, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback);
        }
        return new UpstreamResponseListener(exchange, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback);
    }

    /**
     * An endpoint's {@code 103 Early Hints} is dropped, as nginx (ingress-nginx's) and the proxy's
     * own connections drop every 1xx but a 101: Jetty's passed it on, so the client got it or not
     * by the path its request took; its fields would also skip the route's header policy.
     */
    @Override
    protected void onServerToProxyResponse103EarlyHints(Request clientToProxyRequest,
            org.eclipse.jetty.client.Request proxyToServerRequest, HttpFields serverToProxyResponseHeaders,
            Response proxyToClientResponse) {
    }

    @Override
    protected void onProxyToClientResponseComplete(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.Response serverToProxyResponse, Response proxyToClientResponse, Callback proxyToClientCallback) {
        Exchange exchange = (Exchange) clientToProxyRequest;
        endUpstream(exchange, true);
        if (exchange.bodyConsumed && !exchange.bodyEnded && proxyToClientCallback == exchange
                && exchange.getConnectionMetaData().getHttpVersion().getVersion() < 20) {
            // The endpoint answered before the body ended, then the upload to it failed (it closed
            // the connection): nothing reads the rest of the body now. Read and dropped, as nginx
            // does, so a client still writing it gets to read the answer.
            BodyDiscard.afterAnswer(exchange);
            return;
        }
        proxyToClientCallback.succeeded();
    }

    @Override
    protected void onProxyToClientResponseFailure(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.Response serverToProxyResponse, Response proxyToClientResponse, Callback proxyToClientCallback,
            Throwable failure) {
        // The upstream answered; it is the client that went away.
        endUpstream((Exchange) clientToProxyRequest, true);
        proxyToClientCallback.failed(failure);
    }

    @Override
    protected void onServerToProxyResponseFailure(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.Response serverToProxyResponse, Response proxyToClientResponse, Callback proxyToClientCallback,
            Throwable failure) {
        Exchange exchange = (Exchange) clientToProxyRequest;
        Throwable clientFailure = exchange.clientFailure();
        // Not when it is the try's own failure, handed to the client's body while it was being sent
        // (ReplayGuardedContent.fail) and so to the client's request: a read timeout, a TLS handshake
        // the endpoint refused, are the endpoint's doing.
        if (clientFailure != null && !(proxyToServerRequest.getBody() instanceof ReplayGuardedContent content
                && content.isUpstreamFailure(clientFailure))) {
            // the client's doing (gone, or its body stopped or broke), not the endpoint's
            cancelUpstream(exchange);
            answerClientFailure(proxyToClientResponse, proxyToClientCallback, clientFailure, exchange.strictTransportSecurity);
            return;
        }
        // an answer dropped for its status (NextUpstream) began, but nothing of it went to the client
        boolean responseBegan = serverToProxyResponse != null && serverToProxyResponse.getStatus() > 0
                && !(failure instanceof NextUpstream.StatusAnswer);
        if (!responseBegan && !proxyToClientResponse.isCommitted() && !exchange.staleRetried
                && (exchange.grpcReplay != null ? exchange.grpcReplay.whole() : !exchange.bodyConsumed)
                && GrpcUpstream.unprocessed(failure)) {
            // The HTTP/2 endpoint did not process the request (a GOAWAY crossed it, or REFUSED_STREAM):
            // not its fault, and safe to send again whatever the method (RFC 9113 section 8.7), with a
            // gRPC call's kept body, or a body none of which was read yet; once, on a new connection.
            exchange.staleRetried = true;
            endUpstream(exchange, true);
            proxyToClientResponse.reset();
            super.handle(exchange, proxyToClientResponse, proxyToClientCallback);
            return;
        }
        if (!responseBegan && !proxyToClientResponse.isCommitted() && !exchange.staleRetried && !exchange.bodyConsumed
                && CheckedReuseConnection.reused(proxyToServerRequest) && !isTimeout(failure)
                && !(failure instanceof NextUpstream.StatusAnswer) && isIdempotent(exchange.getMethod())) {
            // The endpoint closed a pooled connection as it was reused: not its fault, and its
            // answer never began; once per request, on another connection (as the own connections do).
            exchange.staleRetried = true;
            endUpstream(exchange, true);
            proxyToClientResponse.reset();
            super.handle(exchange, proxyToClientResponse, proxyToClientCallback);
            return;
        }
        endUpstream(exchange, NextUpstream.answered(failure));
        if (proxyToClientResponse.isCommitted()) {
            proxyToClientCallback.failed(failure);
            return;
        }
        if (!responseBegan && retryElsewhere(exchange, failure)) {
            proxyToClientResponse.reset();
            afterBackoff(exchange, () -> super.handle(exchange, proxyToClientResponse, proxyToClientCallback));
            return;
        }
        proxyToClientResponse.reset();
        if (exchange.bodyConsumed && !exchange.bodyEnded && exchange.getConnectionMetaData().getHttpVersion().getVersion() < 20) {
            // the try failed part way through the client's body (a TLS handshake refused after the
            // body began to go): the rest of it, unread, must never be taken for its next request
            proxyToClientResponse.getHeaders().put(HttpFields.CONNECTION_CLOSE);
        }
        PlainResponses.Body answer = UpstreamTls.inTermsOf(exchange, failureAnswer(failure));
        if ((answer == PlainResponses.BAD_ANSWER || answer == PlainResponses.UPSTREAM_CLOSED) && GrpcUpstream.isCall(exchange)
                && !GrpcUpstream.wanted(exchange)) {
            // the usual first mistake with a gRPC Service: its endpoints spoken to in HTTP/1.1
            answer = PlainResponses.NOT_A_GRPC_ROUTE;
        }
        if ((exchange.errorPages != null || exchange.errorPageFor != 0) && ErrorPages.replaced(this, exchange, answer)) {
            return;
        }
        PlainResponses.write(proxyToClientResponse, proxyToClientCallback, answer, exchange.strictTransportSecurity);
    }

    /** An endpoint this request has not tried yet, or null. */
    private static Endpoint pickUntried(Exchange exchange) {
        LoadBalancer balancer = exchange.backend.balancer();
        // A balancer honours PickContext.excluded; the loop guards against one that does not.
        for (int i = balancer.endpoints().size(); i > 0; i--) {
            Endpoint candidate = balancer.pick(exchange);
            if (candidate == null) {
                return null;
            }
            if (!exchange.excluded(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Another endpoint may be tried when nothing of the client's body went upstream, the method is
     * idempotent, tries are left, and the failure is not a read timeout (the request reached an
     * endpoint that is slow: sending it again elsewhere doubles the load and rarely helps).
     */
    private boolean mayRetry(Exchange exchange, Throwable failure) {
        RoutePolicy policy = exchange.route.policy();
        if (!policy.isNone()) {
            // the route's proxy-next-upstream: the same as below when it sets none
            return NextUpstream.mayRetry(exchange, policy.retries(), failure, settings.maxTries());
        }
        if (exchange.bodyConsumed || exchange.tries >= settings.maxTries()) {
            return false;
        }
        if (!isIdempotent(exchange.getMethod())) {
            return false;
        }
        return !(failure instanceof TimeoutException);
    }

    static boolean isIdempotent(String method) {
        return HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method) || HttpMethod.OPTIONS.is(method)
                || HttpMethod.PUT.is(method) || HttpMethod.DELETE.is(method);
    }

    /**
     * Ends an exchange whose client gave up ({@link Exchange#clientFailed}): a 408 when its body
     * stopped coming and nothing was sent to it yet, a 400 when the body's framing broke, a 413
     * when it grew past the route's limit ({@link RequestBodyLimit}), else
     * nothing more can be said (the exchange ends as 499, see {@code Exchange}; a response under
     * way is cut short). Over TLS the answer carries {@code strictTransportSecurity} (null: none).
     */
    static void answerClientFailure(Response proxyToClientResponse, Callback proxyToClientCallback, Throwable clientFailure,
            HttpField strictTransportSecurity) {
        if (!proxyToClientResponse.isCommitted()) {
            if (clientFailure instanceof RequestBodyLimit.TooLarge && proxyToClientCallback instanceof Exchange exchange) {
                proxyToClientResponse.reset();
                RequestBodyLimit.refuse(exchange, proxyToClientResponse);
                return;
            }
            if (isTimeout(clientFailure)) {
                proxyToClientResponse.reset();
                PlainResponses.write(proxyToClientResponse, proxyToClientCallback, PlainResponses.REQUEST_TIMEOUT,
                        strictTransportSecurity);
                return;
            }
            if (clientFailure instanceof HttpException) {
                proxyToClientResponse.reset();
                PlainResponses.write(proxyToClientResponse, proxyToClientCallback, PlainResponses.BAD_REQUEST_BODY,
                        strictTransportSecurity);
                return;
            }
        }
        proxyToClientCallback.failed(clientFailure);
    }

    /**
     * The answer to a client whose request failed upstream with {@code failure}: 504 when the
     * endpoint did not answer in time, a 502 saying so when its answer could not be read (a port
     * that speaks TLS or another protocol), a 400 when the client's own body was malformed (a bad
     * chunk), a 502 saying the endpoint closed the connection when it was reached but the
     * connection broke (reset, closed before the answer ended: a crashing app), else a 502 saying
     * the endpoint could not be reached (connection refused, no route, a name that does not resolve
     * or resolves only to local addresses).
     */
    static PlainResponses.Body failureAnswer(Throwable failure) {
        if (isTimeout(failure)) {
            return PlainResponses.GATEWAY_TIMEOUT;
        }
        boolean broken = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UpstreamConnection.BadAnswer || t instanceof HttpResponseException) {
                return PlainResponses.BAD_ANSWER;
            }
            if (t instanceof HttpException) {
                // not under a response's failure: the client's body, streamed on, broke its framing
                return PlainResponses.BAD_REQUEST_BODY;
            }
            if (t instanceof SSLException) {
                return UpstreamTls.handshakeAnswer(t);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
                // an UnknownHostException is also a name that resolves only to local addresses
                return PlainResponses.BAD_GATEWAY;
            }
            broken |= t instanceof IOException;
        }
        return broken ? PlainResponses.UPSTREAM_CLOSED : PlainResponses.BAD_GATEWAY;
    }

    static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return true;
            }
            if (t instanceof ConnectException) {
                return false;
            }
        }
        return false;
    }

    /** Ends the current upstream try, once: on the upstream's last byte, or on its failure. */
    static void endUpstream(Exchange exchange, boolean success) {
        if (!exchange.upstreamOpen) {
            return;
        }
        exchange.upstreamOpen = false;
        RouteTimeouts.tryEnds(exchange);
        long now = System.nanoTime();
        exchange.endpoint.onEnd(exchange.upstreamStart, success);
        addUpstreamTime(exchange, now);
    }

    /**
     * Ends the current upstream try, once, because the client gave up on it: the endpoint is
     * neither failed (passive health) nor timed (its latency average); the access log still shows
     * how long the try lasted, as nginx's {@code $upstream_response_time} of a 499.
     */
    static void cancelUpstream(Exchange exchange) {
        if (!exchange.upstreamOpen) {
            return;
        }
        exchange.upstreamOpen = false;
        RouteTimeouts.tryEnds(exchange);
        exchange.upstreamCancelled = true;
        exchange.endpoint.onCancel();
        addUpstreamTime(exchange, System.nanoTime());
    }

    private static void addUpstreamTime(Exchange exchange, long now) {
        long spent = Math.max(0, now - exchange.tryStartNanos);
        exchange.upstreamNanos = exchange.upstreamNanos < 0 ? spent : exchange.upstreamNanos + spent;
    }

    /**
     * Copies the upstream's response headers, leaving out hop-by-hop ones both by definition and by
     * name, {@code Server} (unless the controller ConfigMap's {@code allow-backend-server-header}) and
     * those its {@code hide-headers} name, and adds the exchange's {@code Strict-Transport-Security} unless the
     * upstream sent its own. On a route with CORS, the route's {@code Access-Control-*} headers
     * replace the endpoint's ({@link PolicyCors}); its {@code proxy-redirect-from/-to} rewrite
     * {@code Location} and {@code Refresh} ({@link PolicyHeaders}); its {@code proxy-cookie-domain}
     * and {@code proxy-cookie-path} the {@code Set-Cookie} fields ({@link PolicyCookies}); its
     * {@code custom-headers} replace the endpoint's fields of their names ({@link PolicyResponseHeaders}).
     */
    static void copyServerHeaders(Exchange exchange, HttpFields serverToProxyHeaders, HttpFields.Mutable proxyToClientHeaders) {
        String[] connectionNamed = ProxyHeaders.connectionNamed(serverToProxyHeaders);
        PolicyCors.Fields cors = exchange.cors;
        ProxyRedirect proxyRedirect = exchange.proxyRedirect;
        CookieRewrite cookieRewrite = exchange.cookieRewrite;
        PolicyResponseHeaders.Fields responseHeaders = exchange.responseHeaders;
        ServerSettings settings = exchange.serverSettings;
        boolean hiding = !settings.hiddenResponseHeaders().isEmpty();
        for (HttpField field : serverToProxyHeaders) {
            if (ProxyHeaders.isHopByHop(field) || ProxyHeaders.isNamedIn(connectionNamed, field)) {
                continue;
            }
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.SERVER && !settings.backendServerHeader()) {
                // names the endpoint's software and version to anyone who asks; nginx drops it too
                // (unless the controller ConfigMap's allow-backend-server-header says otherwise)
                continue;
            }
            if (hiding && settings.hides(field.getName())) {
                continue;  // the controller ConfigMap's hide-headers
            }
            if (header == HttpHeader.CONTENT_LENGTH && exchange.proxyToClientResponse().getStatus() == HttpStatus.NO_CONTENT_204) {
                // A 204 has no body and must not say a length (RFC 9110 section 8.6), as nginx
                // drops it: over HTTP/2 Jetty failed the answer for the body it never got (a 500).
                continue;
            }
            if (cors != null && PolicyCors.isReplaced(header)) {
                continue;
            }
            if (responseHeaders != null && responseHeaders.replaces(field)) {
                continue;
            }
            field = rewritten(proxyRedirect, cookieRewrite, field);
            if (header == HttpHeader.DATE) {
                // The server may have set its own already: one, the endpoint's (when it was made).
                proxyToClientHeaders.put(field);
            } else {
                proxyToClientHeaders.add(field);
            }
        }
        if (exchange.affinityCookie != null) {
            proxyToClientHeaders.add(HttpHeader.SET_COOKIE, exchange.affinityCookie);
        }
        if (exchange.authCookies != null) {
            // the status was set before the headers are copied, on either path
            ExternalAuthCheck.addCookies(exchange, exchange.proxyToClientResponse().getStatus(), proxyToClientHeaders);
        }
        if (cors != null) {
            cors.addTo(proxyToClientHeaders, exchange.corsOrigin);
        }
        if (responseHeaders != null) {
            responseHeaders.putOn(proxyToClientHeaders);
        }
        if (exchange.gatewayResponseHeaders != null) {
            GatewayFilters.apply(exchange.gatewayResponseHeaders, proxyToClientHeaders);
        }
        if (exchange.backendResponseHeaders != null) {
            GatewayFilters.apply(exchange.backendResponseHeaders, proxyToClientHeaders);
        }
        // over TLS only: a plain-HTTP answer pays one null check
        HttpField hsts = exchange.strictTransportSecurity;
        if (hsts != null && !proxyToClientHeaders.contains(HttpHeader.STRICT_TRANSPORT_SECURITY)) {
            proxyToClientHeaders.add(hsts);
        }
    }

    /** The boxed status for a request attribute, without allocating for the usual ones. */
    static Integer statusBox(int status) {
        return status >= 0 && status < STATUS_BOXES.length ? STATUS_BOXES[status] : status;
    }

    @Override
    public Executor executor() {
        Server server = getServer();
        Executor executor = server == null ? null : server.getThreadPool();
        return executor == null ? Runnable::run : executor;
    }

    @Override
    public void onExchangeEnd(Exchange exchange, int status) {
        ClientLimitCheck.release(exchange, status);
        if (exchange.logged && exchange.requestId != null) {
            exchange.setAttribute(AccessLog.REQUEST_ID, exchange.requestId);
        }
        if (exchange.logged && exchange.upstreamNanos >= 0) {
            exchange.setAttribute(AccessLog.UPSTREAM_NANOS, exchange.upstreamNanos);
        }
        // a try the client cut short says nothing of how fast the endpoint answers
        metrics.onRequest(exchange.route, exchange.backend, exchange.getMethod(), status, exchange.upstreamCancelled ? -1 : exchange.upstreamNanos);
        if (exchange.route != null && GrpcUpstream.wanted(exchange) && GrpcUpstream.isCall(exchange)) {
            int code = GrpcUpstream.clientStatus(exchange.grpcStatus, status);
            metrics.onGrpcCall(exchange.route, exchange.backend, GrpcUpstream.CODES[code]);
        }
        metrics.onRequestEnd();
    }

    @Override
    protected HttpClient newHttpClient() {
        ClientConnector clientConnector = new AnswerFirstEndPoint.Connector();
        Server server = getServer();
        Executor executor = server == null ? null : server.getThreadPool();
        if (executor == null) {
            QueuedThreadPool upstreamThreads = new QueuedThreadPool();
            upstreamThreads.setName("jingress-upstream");
            executor = upstreamThreads;
        }
        // Sharing the server's pool saves a thread hop per response chunk, as nginx shares a worker.
        clientConnector.setExecutor(executor);
        // for endpoints whose route asks for backend-protocol HTTPS (or AUTO_HTTP, from a TLS client)
        clientConnector.setSslContextFactory(UpstreamTls.clientSide());
        return new UpstreamClient(UpstreamTlsContexts.transport(clientConnector));
    }

    /**
     * The HTTP/2 client of the gRPC routes ({@link GrpcUpstream}), started: made as the HTTP/1 one
     * is, on the same executor, with what {@code ProxyHandler} does to its own (no content decoding,
     * no protocol handlers: an interim answer is not passed on).
     */
    private HttpClient newGrpcClient() {
        ClientConnector connector = new UpstreamTimeouts.Connector();
        connector.setExecutor(getHttpClient().getExecutor());
        connector.setSslContextFactory(UpstreamTls.clientSide());
        HttpClient client = new UpstreamClient(GrpcUpstream.transport(connector));
        configureHttpClient(client);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP/2 client for gRPC endpoints did not start", e);
        }
        client.getContentDecoderFactories().clear();
        client.getProtocolHandlers().clear();
        return client;
    }

    @Override
    protected void configureHttpClient(HttpClient httpClient) {
        super.configureHttpClient(httpClient);
        httpClient.setUserAgentField(null);
        // A body without a Content-Type goes on without one, as a short body does (and nginx):
        // not with HttpClient's invented application/octet-stream.
        httpClient.setDefaultRequestContentType(null);
        // an endpoint's head larger than this is its fault, answered 502 as nginx answers a head past
        // proxy_buffer_size; left unbounded, it passed here and the server refused to write it (500)
        httpClient.setMaxResponseHeadersSize(MAX_UPSTREAM_HEAD_BYTES);
        httpClient.setConnectTimeout(settings.connectTimeoutMillis());
        httpClient.setIdleTimeout(settings.upstreamKeepAliveMillis());
        httpClient.setMaxConnectionsPerDestination(settings.maxConnectionsPerEndpoint());
        httpClient.setMaxRequestsQueuedPerDestination(settings.maxQueuedPerEndpoint());
        // Endpoints come and go with Pods: forget the pool of one that has been unused for a while.
        httpClient.setDestinationIdleTimeout(settings.upstreamKeepAliveMillis() * 5);
        if (!settings.localBackendNames()) {
            // DNS names (ExternalName, FQDN endpoints) come this way only: the own connections take IP literals
            httpClient.setSocketAddressResolver(new LocalAddressFilter(httpClient));
        }
    }

    /**
     * Streams the client's body upstream and remembers whether any of it was touched: once it was,
     * the request cannot be replayed on another endpoint.
     */
    private static final class ReplayGuardedContent extends ProxyRequestContent {
        private final Exchange exchange;
        /** The upstream try's failure handed to the client's body (see {@link #fail(Throwable, boolean)}), or null. */
        private volatile Throwable upstreamFailure;

        ReplayGuardedContent(Exchange exchange) {
            super(exchange);
            this.exchange = exchange;
        }

        @Override
        public Content.Chunk read() {
            exchange.bodyConsumed = true;
            Content.Chunk chunk = super.read();
            GrpcUpstream.Replay replay = exchange.grpcReplay;
            if (replay != null && chunk != null && !Content.Chunk.isFailure(chunk)) {
                replay.keep(chunk);
            }
            if (exchange.bodyLimit > 0 && chunk != null && !Content.Chunk.isFailure(chunk)) {
                Content.Chunk tooLarge = RequestBodyLimit.overflowed(exchange, chunk);
                if (tooLarge != null) {
                    return tooLarge;
                }
            }
            if (Content.Chunk.isFailure(chunk) && !isUpstreamFailure(chunk.getFailure())) {
                // the client's body stopped (idle timeout), broke, or its client went away: the
                // upstream try fails with it, and that is the client's doing
                exchange.clientFailed(chunk.getFailure());
            } else if (chunk != null && chunk.isLast()) {
                exchange.bodyEnded = true;
                LeanExchanges.watchForClose(exchange);
            }
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            exchange.bodyConsumed = true;
            super.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            fail(failure, true);
        }

        @Override
        public void fail(Throwable failure, boolean last) {
            // An untouched body stays readable for a retry on another endpoint. Once the upstream
            // has answered, the upload's end is not the client's failure: failing the client's
            // request would reset its stream and lose the answer.
            // Nor is a body cut off for its size: the client is answered 413, and what it still
            // sends is read and dropped (RequestBodyLimit.refuse), which a failed request could not.
            // Nor is a gRPC call whose stream went unprocessed and that is sent again from its kept body.
            GrpcUpstream.Replay replay = exchange.grpcReplay;
            if (replay != null && replay.whole() && GrpcUpstream.unprocessed(failure)) {
                return;
            }
            if (exchange.bodyConsumed && !exchange.answered && !(failure instanceof RequestBodyLimit.TooLarge)) {
                if (exchange.clientFailure() == null) {
                    upstreamFailure = failure;  // the try's own, not the client's handed back to it
                }
                super.fail(failure, last);
            }
        }

        /**
         * Whether a failed read of the client's body gives back the upstream try's own failure (its
         * read timeout, a TLS handshake the endpoint refused), handed to the body by {@link #fail}
         * while the body was being sent: that is the endpoint's doing, answered 504 or 502, not
         * the client's (a 408, or a 499).
         */
        boolean isUpstreamFailure(Throwable failure) {
            Throwable upstream = upstreamFailure;
            for (Throwable t = failure; upstream != null && t != null; t = t.getCause()) {
                if (t == upstream) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Why the rest of a request's body was not sent: the upstream had answered already. One shared
     * instance: no stack trace, no suppressed exceptions, so nothing in it changes.
     */
    private static final class EarlyAnswer extends Exception {
        static final EarlyAnswer INSTANCE = new EarlyAnswer();

        private EarlyAnswer() {
            super("the endpoint answered before the request's body ended", null, false, false);
        }
    }

    /** Copies the upstream response to the client. */
    private class UpstreamResponseListener extends ProxyResponseListener {
        final Exchange exchange;  // for ErrorPageResponseListener too
        private final org.eclipse.jetty.client.Request proxyToServerRequest;
        final Response proxyToClientResponse;
        UpstreamResponseListener(Exchange exchange, org.eclipse.jetty.client.Request proxyToServerRequest,
                Response proxyToClientResponse, Callback proxyToClientCallback) {
            super(exchange, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback);
            this.exchange = exchange;
            this.proxyToServerRequest = proxyToServerRequest;
            this.proxyToClientResponse = proxyToClientResponse;
        }

        @Override
        public void onBegin(org.eclipse.jetty.client.Response serverToProxyResponse) {
            int status = serverToProxyResponse.getStatus();
            if (movedOn(serverToProxyResponse)) {
                return;
            }
            super.onBegin(serverToProxyResponse);
            // a call whose answer began is never sent again: its kept body can go
            exchange.grpcReplay = null;
            if (exchange.logged) {
                exchange.setAttribute(AccessLog.UPSTREAM_STATUS, statusBox(status));
            }
        }

        /**
         * Whether the answer's status moves the request to the next endpoint ({@code proxy-next-upstream}):
         * then it is dropped, and the failure goes to onServerToProxyResponseFailure, which tries the next
         * endpoint. Before an error page ({@code custom-http-errors}) is considered, as in nginx.
         */
        final boolean movedOn(org.eclipse.jetty.client.Response serverToProxyResponse) {
            int status = serverToProxyResponse.getStatus();
            if (exchange.statusRetries && movesOn(exchange, status)) {
                serverToProxyResponse.abort(new NextUpstream.StatusAnswer(status));
                return true;
            }
            return false;
        }

        /**
         * The upstream's answer is whole. An endpoint may answer before the request's body has
         * ended (a 413 for an upload, an early redirect); the answer is then the exchange's
         * outcome, even if the upload fails after it.
         *
         * <p>Over HTTP/2 the rest of the body is not sent upstream either (that connection closes,
         * as it cannot carry another request): Jetty resets the client's stream once the response
         * is complete, which tells the client to stop (RFC 9113 section 8.1; Jetty says CANCEL where
         * the RFC suggests NO_ERROR). Over HTTP/1.x the body goes on to the endpoint until it ends:
         * the only way to stop an HTTP/1 client is to close its connection, and a client that
         * writes its whole body before it reads (most libraries) then fails on a broken pipe and
         * never reads the answer. (nginx reads and drops the rest instead; not done here.)
         */
        @Override
        public void onSuccess(org.eclipse.jetty.client.Response serverToProxyResponse) {
            exchange.answered = true;
            if (GrpcUpstream.wanted(exchange)) {
                exchange.grpcStatus = GrpcUpstream.status(serverToProxyResponse);
            }
            super.onSuccess(serverToProxyResponse);
            stopUploadOverHttp2();
        }

        /** Over HTTP/2, an upload still under way when the answer is whole is not sent on (see {@link #onSuccess}). */
        final void stopUploadOverHttp2() {
            // Only a body still coming from the client: a request whose last bytes are being
            // written may not be marked complete yet, and aborting it would close a connection
            // that can carry the next request.
            if (exchange.bodyConsumed && !exchange.bodyEnded
                    && exchange.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_2) {
                proxyToServerRequest.abort(EarlyAnswer.INSTANCE);
            }
        }

        @Override
        public void onComplete(org.eclipse.jetty.client.Result result) {
            if (result.getResponseFailure() == null && result.getResponse() != null && exchange.answered) {
                // The upstream's part is over, even if the upload was cut short after its answer;
                // the last write to the client may still be pending.
                endUpstream(exchange, true);
                result = new org.eclipse.jetty.client.Result(result.getRequest(), result.getResponse());
            }
            super.onComplete(result);
        }

        @Override
        public void onHeaders(org.eclipse.jetty.client.Response serverToProxyResponse) {
            if (hasCodingOtherThanChunked(serverToProxyResponse.getHeaders())) {
                // as on the own connections (UpstreamConnection.headerComplete): the chunks come off, the
                // coding under them would reach the client unsaid; 502, as nginx
                serverToProxyResponse.abort(new HttpResponseException("a Transfer-Encoding other than chunked from upstream",
                        serverToProxyResponse));
                return;
            }
            copyServerHeaders(exchange, serverToProxyResponse.getHeaders(), proxyToClientResponse.getHeaders());
            if (GrpcUpstream.wanted(exchange)) {
                GrpcUpstream.passTrailers(serverToProxyResponse, proxyToClientResponse);
            }
        }
    }

    /**
     * The listener of a route with {@code custom-http-errors} ({@link ErrorPages}): an answer with a
     * listed status is kept from the client, its body read and dropped (past
     * {@link ErrorPages#MAX_DISCARDED} bytes, cut short), and the error page fetched in its place. Only
     * such routes get it: the others pay nothing for it.
     */
    private final class ErrorPageResponseListener extends UpstreamResponseListener {
        /** The body bytes of an answer an error page replaces, read and dropped so far. */
        private long dropped;

        ErrorPageResponseListener(Exchange exchange, org.eclipse.jetty.client.Request proxyToServerRequest,
                Response proxyToClientResponse, Callback proxyToClientCallback) {
            super(exchange, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback);
        }

        @Override
        public void onBegin(org.eclipse.jetty.client.Response serverToProxyResponse) {
            int status = serverToProxyResponse.getStatus();
            if (movedOn(serverToProxyResponse)) {
                return;
            }
            if (ErrorPages.intercepts(exchange, status)) {
                if (exchange.logged) {
                    exchange.setAttribute(AccessLog.UPSTREAM_STATUS, statusBox(status));
                }
                return;  // nothing of it goes to the client
            }
            super.onBegin(serverToProxyResponse);
        }

        @Override
        public void onHeaders(org.eclipse.jetty.client.Response serverToProxyResponse) {
            if (exchange.interceptedStatus == 0) {
                super.onHeaders(serverToProxyResponse);
            }
        }

        @Override
        public void onContent(org.eclipse.jetty.client.Response serverToProxyResponse, Content.Chunk chunk,
                Runnable demander) {
            if (exchange.interceptedStatus == 0) {
                super.onContent(serverToProxyResponse, chunk, demander);
                return;
            }
            dropped += chunk.remaining();
            if (dropped > ErrorPages.MAX_DISCARDED) {
                // not worth reading to keep the connection: the error page is fetched at once
                serverToProxyResponse.abort(EarlyAnswer.INSTANCE);
                return;
            }
            demander.run();
        }

        @Override
        public void onSuccess(org.eclipse.jetty.client.Response serverToProxyResponse) {
            if (exchange.interceptedStatus == 0) {
                super.onSuccess(serverToProxyResponse);
            } else {
                exchange.answered = true;
                stopUploadOverHttp2();
            }
        }

        /**
         * The endpoint's answer, kept from the client, is over (read and dropped, or cut short): its
         * try ends as answered, and the error page is fetched, unless the client gave up meanwhile.
         */
        @Override
        public void onComplete(org.eclipse.jetty.client.Result result) {
            if (exchange.interceptedStatus == 0) {
                super.onComplete(result);
                return;
            }
            Throwable clientFailure = exchange.clientFailure();
            if (clientFailure != null) {
                cancelUpstream(exchange);
                answerClientFailure(proxyToClientResponse, exchange, clientFailure, exchange.strictTransportSecurity);
                return;
            }
            endUpstream(exchange, true);
            ErrorPages.fetch(RoutingProxy.this, exchange);
        }
    }
}
