package io.jingress.jetty;

import java.time.Duration;
import java.util.Objects;
import java.util.List;

import io.jingress.core.route.Router;
import io.jingress.core.route.TrustedProxies;
import io.jingress.jetty.internal.admin.AdminHandler;
import io.jingress.jetty.internal.admin.ProxyMetrics;
import io.jingress.jetty.internal.proxy.ProxySettings;
import io.jingress.jetty.internal.proxy.RoutingProxy;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * The Ingress reverse proxy as a Jetty {@link Handler}: routes each request through the
 * {@link Router}'s current table and forwards it to an endpoint of the matched backend.
 * {@link IngressServer} mounts one; an application can mount it in its own handler tree instead:
 *
 * <pre>{@code
 * Router router = Router.create();
 * router.swap(RouteCompiler.create(balancers).compile(clusterState));
 *
 * Server server = new Server(8080);
 * server.setHandler(IngressHandler.builder(router)
 *     .connectTimeout(Duration.ofSeconds(2))
 *     .build());
 * server.start();
 * }</pre>
 *
 * <h2>What a request meets, in order</h2>
 * <ol>
 *   <li>{@code CONNECT}: 405 (this is not a forward proxy; the {@code Allow} header lists what is).
 *       {@code TRACE}: 405, as nginx answers it (an echo of the request would show its cookies and
 *       credentials to a script).</li>
 *   <li>A {@code Transfer-Encoding} naming a coding besides {@code chunked}: 501, and the
 *       connection closes (as nginx answers; the backend would get the coded body as a plain one).
 *       Any {@code Transfer-Encoding} in an HTTP/1.0 request: 400, and the connection closes
 *       (faulty framing, RFC 9112 section 6.1; nginx answers 400 too).</li>
 *   <li>The path is normalised with {@code RequestPaths.normalize}; a path that cannot be
 *       normalised safely (encoded {@code /}, {@code ..} above the root, ...): 400.</li>
 *   <li>The host is the Host header's, or, for an absolute-form target
 *       ({@code GET http://host/path}), the target's authority. It is matched like any other:
 *       only an endpoint of a matching rule can ever receive the request, so the proxy is not
 *       open. An absolute-form target whose authority differs from the Host header is routed by
 *       its authority, which the backend then receives as its Host (RFC 9112 section 3.2.2, as
 *       nginx does): the host routed by is the host forwarded.</li>
 *   <li>No rule and no default backend: 404. A TLS host reached over plain HTTP (and
 *       {@code Route.sslRedirect()}): 308 to {@code https://host[:port]/path?query}. A backend
 *       without ready endpoints: 503.</li>
 *   <li>A route with a canary ({@code Route.canary()}) sends the request to the canary's backend
 *       when its rule chooses it (header, then cookie, then weight) and that backend is ready.</li>
 *   <li>Gateway API HTTPRoutes: where a path's matches have conditions, the first route of
 *       {@code Route.candidates()} whose method, headers and query parameters match takes the
 *       request (none: 404); its rule's filters apply (a RequestRedirect is answered 301/302, a
 *       URLRewrite changes the path and Host sent, header modifiers change the headers sent and
 *       received); weighted backendRefs ({@code Route.split()}) are drawn per request; a backendRef
 *       that is not valid is answered 500 (see docs/gateway-api.md).</li>
 *   <li>The backend's load balancer picks an endpoint; the request is forwarded with the original
 *       method, Host, the normalised path and the original query, the client's headers without
 *       hop-by-hop ones, {@code X-Forwarded-For} (appended), {@code X-Real-IP},
 *       {@code X-Forwarded-Proto/-Host/-Port} and {@code X-Request-ID} (the client's, or 32 random
 *       hex digits); a client's own {@code X-Forwarded-*} are believed only from a proxy named in
 *       {@link Builder#trustedProxies}. No {@code Via} or {@code Forwarded} is added, nor a {@code Content-Type} the
 *       client did not send. {@code Expect: 100-continue} is met here and not passed on: the
 *       client gets its 100 Continue when its body is read. Bodies stream both ways; a request
 *       body longer than the route's limit ({@code proxy-body-size}, else
 *       {@link Builder#maxRequestBodyBytes}; none by default) is answered 413 and never reaches
 *       the endpoint whole. A HEAD answer carries no {@code Content-Length} when the endpoint's had
 *       none.</li>
 *   <li>When the endpoint cannot be reached before any response came back (connection refused,
 *       reset, connect timeout) and the method is idempotent (GET, HEAD, OPTIONS, PUT, DELETE)
 *       and none of the body was sent, another endpoint is tried, up to
 *       {@link Builder#maxTries(int)} tries in all. Then: 502, or 504 when the last failure was a
 *       timeout. A read timeout (an endpoint that accepted the request and went silent) is not
 *       retried: 504. A DNS name that does not resolve, or resolves only to loopback, any-local
 *       or link-local addresses (see {@link Builder#localBackendNames}), is an endpoint that
 *       cannot be reached.</li>
 *   <li>A client that goes away before its answer is complete (it closes or half-closes its
 *       HTTP/1 connection, or resets its HTTP/2 stream) stops the upstream try at once: its
 *       upstream connection is closed, never pooled half-read. A client whose streamed body stops
 *       coming for the server's client idle timeout gets 408 if nothing was sent to it yet (else its
 *       connection closes), and its upstream try is stopped the same way. Either way the request
 *       is the client's doing: the endpoint is not counted as failed (passive health) nor timed,
 *       and the request ends as 499 ("client closed request", as nginx logs it) or 408.</li>
 *   <li>An HTTP/1.1 request with {@code Connection: upgrade} and {@code Upgrade} (WebSocket and the
 *       like), once routed and picked like any other, is tunnelled: the same upstream headers, the
 *       endpoint's {@code 101} relayed, then bytes copied both ways until either side closes (or
 *       stays silent for the read timeout). An endpoint that refuses the connection is replaced by
 *       another, up to the same number of tries; then 502. {@code Upgrade: h2c} (or {@code h2}) is
 *       never tunnelled: such a request goes on as a plain one without its hop-by-hop
 *       {@code Upgrade} and {@code HTTP2-Settings} (a tunnelled h2c connection would reach any path
 *       behind the backend, unrouted).</li>
 * </ol>
 * The endpoint's answer reaches the client without its hop-by-hop headers nor {@code Server} (which
 * names its software; nginx drops it too); its {@code Date} is kept. A {@code Server} field, on the
 * endpoint's answers and the proxy's own, is then the server's, as its {@code HttpConfiguration}
 * says ({@link IngressServer}'s sends none).
 * Every response the proxy makes itself has a one-line plain-text body. Every answer over TLS, the
 * endpoint's (unless it sent its own) and the proxy's, carries {@code Strict-Transport-Security}
 * ({@link Builder#hsts}; by default as ingress-nginx sends it). Each upstream try is
 * reported to its endpoint ({@code onStart}/{@code onEnd}, or {@code onCancel} when the client
 * gave up on it) so balancers and passive health learn;
 * each request is counted for {@link #adminHandler()}'s metrics, and, when the server has a
 * {@link org.eclipse.jetty.server.RequestLog}, the request attributes an access log reads (route,
 * upstream address, status and time, request id) are set.
 *
 * <h2>How requests travel</h2>
 * The handler is non-blocking: Jetty calls it on the thread that parsed the request. An HTTP/1.x
 * request without a body or with one of known length up to 16 KB (most of them; the body is read
 * whole first, as nginx buffers request bodies) to an endpoint given by IP address goes out on the
 * proxy's own HTTP/1.1 keep-alive connection to the endpoint: the request head and body in one write, the response parsed as it arrives and each piece
 * written to the client before the next read (flow control), no thread hand-off. Idle connections
 * are kept per endpoint (up to {@link Builder#maxConnectionsPerEndpoint}, the most recently used
 * first) for {@link Builder#upstreamKeepAlive}; a connection is not reused after
 * {@code Connection: close}, an HTTP/1.0 answer, a body delimited by the close, or any exchange
 * that did not end cleanly; one the endpoint closes while it sits idle is dropped at once, and
 * one that fails as it is reused, before any byte of answer, is replaced by a new connection once,
 * for idempotent requests, without counting as a try. A plain answer with a known length is read
 * by a lean head parser, the rest by Jetty's {@code HttpParser}. Under {@link IngressServer},
 * these connections live on the client connector's own selector, the plain-HTTP listener (and
 * the HTTPS one, for HTTP/1.1) reads plain requests, and bodies of known length that arrive with
 * their head, with a lean HTTP/1 connection of its own (strictly: anything else, from a chunked
 * body to odd syntax, hands the connection to Jetty's HTTP/1 connection with the bytes already
 * read), and the next request of
 * a client connection is read on the thread that finished the previous one, as an nginx worker
 * does. HTTP/2 requests without a body or with a short one of known length go upstream on the
 * same own connections. Longer or chunked bodies (on HTTP/2: without a length) and ExternalName
 * Services (a DNS name, looked up off the selector threads) are forwarded by Jetty's
 * {@code ProxyHandler} and {@code HttpClient} (same headers, retries and accounting), whose
 * connection pool {@link Builder#maxConnectionsPerEndpoint} and {@link Builder#maxQueuedPerEndpoint}
 * bound. With a request log, the end of each request is handed to the thread pool, so that
 * writing the line never stalls a selector.
 *
 * <h2>Per-request cost</h2>
 * No lock and no logging on the request path. Matching allocates nothing. Allocated per request on
 * the own-connection path: one {@code Exchange} (the request wrapper, the balancer's
 * {@code PickContext} and the completion callback in one object, so no attribute lookups and no
 * callback wrappers); the path-and-query string when there is a query; the few header fields the
 * proxy adds (the request head itself is encoded into a buffer the connection keeps); a
 * generated request id when the client sent none; and only with a request log, the map the
 * request attributes are kept in and the boxed upstream latency. The request and response objects
 * come on top: under {@link IngressServer}'s lean connection one of each, the request's header
 * list and its URI only when its target or Host changed on the connection, header fields only
 * for lines that differ from the previous request's. The {@code ProxyHandler} path also allocates Jetty's upstream request, its header fields
 * and response listener, and two small header-writing lambdas. Metrics count on pre-allocated
 * counters. The list of headers named in {@code Connection} is only allocated when a
 * {@code Connection} header names any.
 */
public final class IngressHandler extends Handler.Abstract {
    private final RoutingProxy proxy;

    private IngressHandler(Builder builder) {
        // handle() never blocks (the blocking upgrade connect is handed to the pool, the access
        // log is written from the pool), so Jetty runs it on the thread that parsed the request:
        // on loopback a hand-off to another thread cost as much as the proxying itself.
        super(InvocationType.NON_BLOCKING);
        this.proxy = new RoutingProxy(builder.router, builder.settings(), new ProxyMetrics());
        proxy.trustedProxies(builder.trustedProxies);
        addBean(proxy);
    }

    /** A handler with default settings. */
    public static IngressHandler create(Router router) {
        return builder(router).build();
    }

    /** A builder for a handler serving {@code router}'s tables. */
    public static Builder builder(Router router) {
        return new Builder(Objects.requireNonNull(router, "router"));
    }

    /** The router whose current table this handler serves. */
    public Router router() {
        return proxy.router();
    }

    /** The port plain-HTTP requests to TLS hosts are redirected to; 0 when they are not. */
    public int httpsRedirectPort() {
        return proxy.httpsRedirectPort();
    }

    void httpsRedirectPort(int port) {
        proxy.httpsRedirectPort(port);
    }

    /** Idle keep-alive connections to endpoints kept now (for tests). */
    int idleUpstreamConnections() {
        return proxy.idleUpstreamConnections();
    }

    /** Upstream read buffers held now (for tests): one per exchange in progress. */
    long upstreamBuffersHeld() {
        return proxy.upstreamBuffersHeld();
    }

    /** The smallest request body limit in force on any route, {@link Long#MAX_VALUE} when none. */
    long smallestBodyLimit() {
        return proxy.smallestBodyLimit();
    }

    ProxyMetrics metrics() {
        return proxy.metrics();
    }

    /**
     * The admin endpoints over this handler's router and traffic ({@code /healthz},
     * {@code /metrics}, {@code /status}, {@code /routes}), for an application that mounts this
     * handler itself and wants them on a port of its choosing (keep it off the public network).
     * {@link IngressServer} serves them on its admin port.
     */
    public Handler adminHandler() {
        return new AdminHandler(proxy.router(), proxy.metrics());
    }

    @Override
    public void setServer(Server server) {
        super.setServer(server);
        proxy.setServer(server);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        return proxy.handle(request, response, callback);
    }

    /** Builds an {@link IngressHandler}. Defaults follow ingress-nginx where it has one. */
    public static final class Builder {
        /** ingress-nginx's {@code hsts-max-age}: one year. */
        static final Duration DEFAULT_HSTS_MAX_AGE = Duration.ofSeconds(31_536_000);

        private final Router router;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration upstreamKeepAlive = Duration.ofSeconds(60);
        private int maxConnectionsPerEndpoint = 256;
        private int maxQueuedPerEndpoint = 4096;
        private int maxTries = 3;
        private int httpsRedirectPort = 443;
        private boolean localBackendNames;
        private Duration hstsMaxAge = DEFAULT_HSTS_MAX_AGE;
        private boolean hstsIncludeSubDomains = true;
        private long maxRequestBodyBytes;
        private TrustedProxies trustedProxies;

        private Builder(Router router) {
            this.router = router;
        }

        /**
         * TCP connect timeout to an endpoint, per try. Default 5 s. An Ingress's
         * {@code proxy-connect-timeout} replaces it for its routes.
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Longest silence while waiting for or reading an upstream response; then 504. Also how long
         * a WebSocket (any upgraded connection) may carry nothing. Default 60 s. An Ingress's
         * {@code proxy-read-timeout} replaces it for its routes.
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /** How long an idle pooled connection to an endpoint is kept open. Default 60 s. */
        public Builder upstreamKeepAlive(Duration timeout) {
            this.upstreamKeepAlive = positive(timeout, "upstreamKeepAlive");
            return this;
        }

        /**
         * Idle keep-alive connections kept per endpoint (like nginx's {@code keepalive}); for
         * requests with a body, the most connections per endpoint. Default 256.
         */
        public Builder maxConnectionsPerEndpoint(int max) {
            this.maxConnectionsPerEndpoint = atLeast(max, 1, "maxConnectionsPerEndpoint");
            return this;
        }

        /**
         * Requests with a body that may wait for a connection per endpoint before failing with 502.
         * Default 4096.
         */
        public Builder maxQueuedPerEndpoint(int max) {
            this.maxQueuedPerEndpoint = atLeast(max, 1, "maxQueuedPerEndpoint");
            return this;
        }

        /** Tries per request including the first, like ingress-nginx's proxy-next-upstream-tries. Default 3. */
        public Builder maxTries(int tries) {
            this.maxTries = atLeast(tries, 1, "maxTries");
            return this;
        }

        /**
         * The port in the 308 redirect of plain-HTTP requests to TLS hosts (443 is left out of the
         * URL); 0 switches the redirect off. Default 443. {@link IngressServer} sets its HTTPS port.
         */
        public Builder httpsRedirectPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("httpsRedirectPort: must be 0..65535, got " + port);
            }
            this.httpsRedirectPort = port;
            return this;
        }

        /**
         * Whether a backend given by DNS name (an ExternalName Service's {@code spec.externalName},
         * an address of an EndpointSlice of type FQDN) may be connected to at a loopback
         * ({@code 127.0.0.0/8}, {@code ::1}), any-local ({@code 0.0.0.0}, {@code ::}) or link-local
         * ({@code 169.254.0.0/16}, {@code fe80::/10}) address it resolves to. Default false.
         *
         * <p>Why: an Ingress author chooses the name, and any name can be made to resolve to
         * 127.0.0.1 ({@code localtest.me}, {@code 127.0.0.1.nip.io}, a line in {@code /etc/hosts}).
         * Routed, it would send internet traffic to the proxy's own host: its admin port
         * ({@code /routes}, {@code /metrics}, on 127.0.0.1 by default) and anything else listening on
         * loopback, or a cloud's instance metadata service on 169.254.169.254. The text of an
         * ExternalName is checked when the table is compiled ({@code localhost} is refused there);
         * this is the check of what the name resolves to, made when the proxy connects. A name's
         * local addresses are dropped and its others used; a name with no other address fails the
         * connect, and the request gets the 502 of a name that does not resolve ({@code 502 Bad
         * Gateway: the upstream endpoint could not be reached}), another endpoint being tried first
         * as for any failed connect, and a WARNING names the host and its addresses. Endpoints given
         * as IP addresses are never checked: the API server refuses loopback and link-local
         * EndpointSlice addresses, and manifest files may point at 127.0.0.1 on purpose.
         *
         * <p>Set true where names of the local host are meant, e.g. a test or a laptop routing to
         * {@code localhost} through an FQDN EndpointSlice:
         * <pre>{@code
         * IngressHandler.builder(router).localBackendNames(true).build();
         * }</pre>
         */
        public Builder localBackendNames(boolean allowed) {
            this.localBackendNames = allowed;
            return this;
        }

        /**
         * The {@code Strict-Transport-Security} header (HSTS, RFC 6797) on every answer sent over
         * TLS: a browser that has seen it goes to the host over HTTPS only, for {@code maxAge}, and
         * so never sends a request in the clear that someone on the path could answer instead
         * ("SSL stripping"), nor lets its user click through a bad certificate. With
         * {@code includeSubDomains} the rule covers every name under the host too. Default: one
         * year and {@code includeSubDomains}, as ingress-nginx sends it (its ConfigMap keys
         * {@code hsts}, {@code hsts-max-age}, {@code hsts-include-subdomains}).
         *
         * <p>It goes on the endpoint's answers and on the proxy's own (404, 502, 503...), over
         * HTTP/1.1 and HTTP/2, only on connections that are TLS to this server: never over plain
         * HTTP (RFC 6797 section 7.2), so not on the 308 to HTTPS either. An endpoint's own
         * {@code Strict-Transport-Security} is passed on as it is, and none is added to it.
         * {@link Duration#ZERO} sends {@code max-age=0}, which tells browsers to forget the rule.
         *
         * <pre>{@code
         * builder.hsts(Duration.ofDays(180), false);   // Strict-Transport-Security: max-age=15552000
         * }</pre>
         *
         * @param maxAge how long a browser keeps the rule, in whole seconds; not negative
         * @param includeSubDomains whether the rule covers the host's subdomains
         */
        public Builder hsts(Duration maxAge, boolean includeSubDomains) {
            Objects.requireNonNull(maxAge, "hsts maxAge");
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("hsts maxAge: must not be negative, got " + maxAge);
            }
            this.hstsMaxAge = maxAge;
            this.hstsIncludeSubDomains = includeSubDomains;
            return this;
        }

        /**
         * No {@code Strict-Transport-Security} from the proxy (an endpoint's own still passes).
         * For hosts, or subdomains of them, that must stay reachable over plain HTTP: once a
         * browser has the rule it refuses plain HTTP to them until {@code max-age} runs out.
         */
        public Builder disableHsts() {
            this.hstsMaxAge = null;
            return this;
        }

        /**
         * The largest request body, in bytes, of a route whose Ingress does not say otherwise with
         * {@code proxy-body-size} (nginx's {@code client_max_body_size}; ingress-nginx's ConfigMap
         * key of that name); 0, the default, is no limit. A request whose {@code Content-Length}
         * is larger is answered {@code 413} at once (no {@code 100 Continue} first), no endpoint
         * contacted, and (HTTP/1) its connection closed once what the client still sends of the
         * body was read and dropped (30 s at most, as nginx's {@code lingering_time}); a body without a length (chunked, or HTTP/2 without
         * {@code content-length}) that grows past it is cut off upstream, its endpoint connection
         * closed so the endpoint never takes the part as the whole, and the client gets 413 (its
         * connection or stream closed when the endpoint's answer had begun). A body of exactly the
         * limit passes.
         *
         * <p>Why no limit by default, where ingress-nginx has 1 MB: the proxy streams bodies to
         * the endpoint and holds none of them, so it needs no limit for itself, and one set now
         * would refuse the uploads of applications that work today.
         *
         * <pre>{@code
         * builder.maxRequestBodyBytes(8L << 20);   // 8 MiB, as proxy-body-size: 8m
         * }</pre>
         */
        public Builder maxRequestBodyBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxRequestBodyBytes: must not be negative (0 is no limit), got " + bytes);
            }
            this.maxRequestBodyBytes = bytes;
            return this;
        }

        /**
         * The addresses of the proxies in front (a cloud load balancer that terminates TLS and
         * forwards plain HTTP) whose {@code X-Forwarded-Proto} and {@code X-Forwarded-For} are
         * believed, as ingress-nginx's {@code use-forwarded-headers} with {@code proxy-real-ip-cidr}:
         * IPv4 or IPv6 addresses or CIDR ranges. Only for a request whose connection's peer (after
         * the PROXY protocol, if on) is in one of them: {@code X-Forwarded-Proto: https} makes it
         * count as HTTPS (no redirect to HTTPS, HSTS sent, the affinity cookie {@code Secure},
         * {@code X-Forwarded-Proto: https} upstream); the client is the first address of
         * {@code X-Forwarded-For} from the right that is not in these ranges (nginx's realip
         * module with {@code real_ip_recursive on}), for source ranges, rate limits,
         * {@code X-Real-IP} and the access log; its {@code X-Forwarded-Host} and
         * {@code X-Forwarded-Port} go upstream. From any other peer these headers are replaced as
         * always. Default empty: no proxy is trusted.
         *
         * <pre>{@code
         * builder.trustedProxies(List.of("10.0.0.0/8"));   // the load balancer's subnet
         * }</pre>
         *
         * @throws IllegalArgumentException naming an entry that is no address or range
         */
        public Builder trustedProxies(List<String> cidrs) {
            try {
                this.trustedProxies = TrustedProxies.of(cidrs);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("trustedProxies: " + e.getMessage(), e);
            }
            return this;
        }

        public IngressHandler build() {
            return new IngressHandler(this);
        }

        ProxySettings settings() {
            return new ProxySettings(connectTimeout.toMillis(), readTimeout.toMillis(), upstreamKeepAlive.toMillis(),
                    maxConnectionsPerEndpoint, maxQueuedPerEndpoint, maxTries, httpsRedirectPort, localBackendNames,
                    strictTransportSecurity(), maxRequestBodyBytes);
        }

        /** The header's value, such as {@code max-age=31536000; includeSubDomains}; null when disabled. */
        String strictTransportSecurity() {
            if (hstsMaxAge == null) {
                return null;
            }
            return "max-age=" + hstsMaxAge.getSeconds() + (hstsIncludeSubDomains ? "; includeSubDomains" : "");
        }

        static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + ": must be positive, got " + value);
            }
            return value;
        }

        static int atLeast(int value, int min, String name) {
            if (value < min) {
                throw new IllegalArgumentException(name + ": must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
