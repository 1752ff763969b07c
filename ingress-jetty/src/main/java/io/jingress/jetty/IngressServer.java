package io.jingress.jetty;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

import io.jingress.core.model.Problem;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;
import io.jingress.jetty.internal.admin.AccessLog;
import io.jingress.jetty.internal.proxy.RoutingProxy;
import io.jingress.jetty.internal.admin.AdminHandler;
import io.jingress.jetty.internal.admin.ExtraMetric;
import io.jingress.jetty.internal.admin.ProxyMetrics;
import io.jingress.jetty.internal.http1.IdleConnections;
import io.jingress.jetty.internal.http1.LeanConnectionFactory;
import io.jingress.jetty.internal.http2.Http2ConnectionFactory;
import io.jingress.jetty.internal.http2.Http2cConnectionFactory;
import io.jingress.jetty.internal.passthrough.PassthroughTunnels;
import io.jingress.jetty.internal.proxy.ConnectionLimit;
import io.jingress.jetty.internal.proxy.ProxyConnector;
import io.jingress.jetty.internal.proxy.RequiredProxyProtocol;
import io.jingress.jetty.internal.proxy.ResumingExecutor;
import io.jingress.jetty.internal.proxy.TlsOnly;
import io.jingress.jetty.internal.tcp.TcpListeners;
import io.jingress.jetty.internal.tls.TimedSslConnectionFactory;
import io.jingress.jetty.internal.tls.TlsCertificates;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ready-to-run Ingress proxy: an HTTP listener, an optional HTTPS listener, and the admin
 * listener, serving whatever table its {@link Router} holds. Hand the router a new table at any
 * time; requests in flight finish on the table they started with.
 *
 * <pre>{@code
 * Balancers balancers = Balancers.create();
 * Router router = Router.create();
 * router.swap(RouteCompiler.create(balancers).compile(clusterState));
 *
 * try (IngressServer server = IngressServer.builder(router)
 *         .httpPort(8080)
 *         .httpsPort(8443)                        // TLS Secrets of the table, chosen by SNI
 *         .adminPort(10254)                       // 127.0.0.1 by default
 *         .connectTimeout(Duration.ofSeconds(5))
 *         .accessLog(true)
 *         .build()
 *         .start()) {
 *     System.out.println("serving on " + server.httpPort() + " and " + server.httpsPort());
 *     router.swap(compiler.compile(newerClusterState));   // served from the next request on
 *     ...
 * } // close() stops gracefully: no new connections, in-flight requests drain until the deadline
 * }</pre>
 *
 * <p>Listeners: HTTP/1.1 on the HTTP port, and HTTP/2 in cleartext for clients that open with its
 * preface (prior knowledge: gRPC without TLS; an HTTP/1.1 {@code Upgrade: h2c} is not taken);
 * HTTP/2 (ALPN) and HTTP/1.1 on the HTTPS port, with the
 * certificates of the served table's TLS Secrets chosen by SNI and, for other names, the table's
 * {@code defaultCertificate()} or a generated self-signed one, reloaded on every table swap (plain HTTP sent to the HTTPS port is answered 400,
 * in plain text saying so; answers over TLS carry {@code Strict-Transport-Security}, see
 * {@link Builder#hsts}); the admin endpoints ({@code /healthz},
 * {@code /metrics}, {@code /status}, {@code /routes}) on their own port and thread pool. With
 * {@link Builder#proxyProtocol} both proxy listeners require a PROXY protocol header first, and
 * take the client's address from it. A TLS connection whose SNI names a host of the table's
 * {@link RouteTable#sslPassthroughHosts()} ({@code ssl-passthrough}) is not decrypted: it is relayed
 * to an endpoint of the host's backend, and logged and counted as a tunnel. The request handling is {@link IngressHandler}'s.
 * Connections past {@link Builder#maxConnections} (client sockets, however many protocols take
 * turns on one) are refused at once; request headers past {@link Builder#maxRequestHeaderBytes}
 * get 431; a silent client connection is closed after {@link Builder#clientIdleTimeout}, and one
 * whose request head has not arrived whole after {@link Builder#requestHeadTimeout}.
 *
 * <p>The table's {@link RouteTable#tcpServices()} ({@code --tcp-services-configmap}) are served too:
 * a listener per port, on the HTTP listener's address, whose connections are relayed to an
 * endpoint of the entry's Service; ports come and go with the table, without touching the other
 * ports' connections (see docs/tcp-services.md).
 */
public final class IngressServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngressServer.class);

    private final String httpHost;
    private final String httpsHost;
    private final String adminHost;
    private final int httpsRedirectPort;
    private final Server server;
    private final IngressHandler handler;
    private final ProxyConnector httpConnector;
    private final ProxyConnector httpsConnector;
    private final TlsCertificates certificates;
    private final Consumer<RouteTable> certificateUpdater;
    private final Server adminServer;
    private final ServerConnector adminConnector;
    private final ConnectionLimit connectionLimit;
    private final TcpListeners tcpListeners;
    private volatile List<Problem> tlsProblems = List.of();
    private final String serverHsts;  // the server's Strict-Transport-Security (Builder.hsts), or null
    private volatile String refusalHsts;  // what the refusals before routing carry: the table's, else the server's
    private LeanConnectionFactory leanOverTls;  // the HTTPS listener's, or null

    private IngressServer(Builder config) {
        this.httpHost = config.httpHost;
        this.httpsHost = config.httpsHost;
        this.adminHost = config.adminHost;
        this.httpsRedirectPort = config.httpsRedirectPort;
        QueuedThreadPool threads = new QueuedThreadPool(config.maxThreads);
        threads.setName("jingress");
        this.server = new Server(threads);
        server.setStopAtShutdown(false);
        server.setStopTimeout(config.stopTimeout.toMillis());
        String hsts = config.handler.strictTransportSecurity();
        this.serverHsts = hsts;
        this.refusalHsts = hsts;
        server.setErrorHandler(plainErrors(() -> refusalHsts));

        this.handler = config.handler.httpsRedirectPort(Math.max(0, config.httpsRedirectPort)).build();
        ProxyMetrics metrics = handler.metrics();
        this.connectionLimit = new ConnectionLimit(config.maxConnections);
        metrics.refusedConnectionsFrom(connectionLimit::refused);
        HttpConfiguration http = httpConfiguration(config);
        AccessLog accessLog = !config.accessLog ? null
                : config.accessLogOut == null ? new AccessLog() : new AccessLog(config.accessLogOut);

        // Client connections resumed by the end of a proxied exchange read their next request on
        // the completing thread (see ResumingExecutor), not on another thread of the pool.
        ResumingExecutor executor = new ResumingExecutor(threads);
        LeanConnectionFactory lean = new LeanConnectionFactory(new HttpConnectionFactory(http));
        lean.setRequestHeadTimeout(config.requestHeadTimeout);
        lean.setContinueUpTo(handler::smallestBodyLimit);
        // HTTP/2 in cleartext for clients that open with its preface (gRPC without TLS): the HTTP/1
        // connection that reads the preface hands over to it; Upgrade: h2c is not taken
        Http2cConnectionFactory h2c = new Http2cConnectionFactory(http);
        h2c.setConnectProtocolEnabled(false);
        this.httpConnector = config.proxyProtocol
                ? new ProxyConnector(server, executor, connectionLimit,
                        connectionLimit.wrap(new RequiredProxyProtocol(lean.getProtocol()), true), lean, h2c)
                : new ProxyConnector(server, executor, connectionLimit, connectionLimit.wrap(lean, true), h2c);
        configure(httpConnector, "http", config.httpHost, config.httpPort, config, metrics);
        httpConnector.setHttp2HeadDeadline(config.requestHeadTimeout);
        if (config.proxyProtocol) {
            httpConnector.setProxyHeaderDeadline(config.requestHeadTimeout);
        }

        if (config.httpsPort >= 0) {
            this.certificates = TlsCertificates.create();
            HttpConfiguration https = new HttpConfiguration(http);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // A request without SNI, or for another name than its SNI, is routed by Host, not refused.
            secure.setSniHostCheck(false);
            https.addCustomizer(secure);
            HttpConnectionFactory http11 = new HttpConnectionFactory(https);
            Http2ConnectionFactory http2 = new Http2ConnectionFactory(https);
            // No WebSockets over HTTP/2 streams (RFC 8441): the proxy tunnels HTTP/1.1 upgrades
            // only, so a browser must not be told it may send extended CONNECTs
            http2.setConnectProtocolEnabled(false);
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
            alpn.setDefaultProtocol(http11.getProtocol());
            // the TLS handshake, and HTTP/2 request heads, have the request head deadline too
            TimedSslConnectionFactory tls = new TimedSslConnectionFactory(certificates.sslContextFactory(), alpn.getProtocol(),
                    config.requestHeadTimeout);
            // auth-tls: a client certificate is asked for on connections whose SNI names a host that wants one
            tls.setClientAuthEngines(certificates.clientAuthEngines(handler.router()::current));
            // HTTP/1.1 over TLS is read by the lean connection too (it does what `secure` would)
            LeanConnectionFactory leanOverTls = new LeanConnectionFactory(http11);
            this.leanOverTls = leanOverTls;
            leanOverTls.setRequestHeadTimeout(config.requestHeadTimeout);
            leanOverTls.setContinueUpTo(handler::smallestBodyLimit);
            leanOverTls.setStrictTransportSecurity(hsts);
            // plain HTTP sent to this port is answered 400 in plain text, not with a TLS alert
            TlsOnly tlsOnly = new TlsOnly(tls, config.requestHeadTimeout);
            // ssl-passthrough: connections whose SNI names a passed-through host of the table are relayed, not decrypted
            PassthroughTunnels passthrough = new PassthroughTunnels(handler.router()::current, executor, config.connectTimeout,
                    config.clientIdleTimeout, config.localBackendNames, metrics, accessLog);
            server.addBean(passthrough);
            tlsOnly.setPassthrough(passthrough);
            this.httpsConnector = config.proxyProtocol
                    ? new ProxyConnector(server, executor, connectionLimit,
                            connectionLimit.wrap(new RequiredProxyProtocol(tlsOnly.getProtocol()), false), tlsOnly, tls, alpn,
                            http2, leanOverTls)
                    : new ProxyConnector(server, executor, connectionLimit, connectionLimit.wrap(tlsOnly, false), tls, alpn,
                            http2, leanOverTls);
            configure(httpsConnector, "https", config.httpsHost, config.httpsPort, config, metrics);
            if (config.proxyProtocol) {
                httpsConnector.setProxyHeaderDeadline(config.requestHeadTimeout);
            }
            this.certificateUpdater = this::updateCertificates;
        } else {
            this.certificates = null;
            this.httpsConnector = null;
            this.certificateUpdater = null;
        }

        // TCP services: a tunnel may idle as long as ingress-nginx's proxy-stream-timeout (600 s)
        this.tcpListeners = new TcpListeners(server, config.httpHost, executor, config.connectTimeout,
                Duration.ofMinutes(10), config.stopTimeout, config.localBackendNames, metrics.tcp(), accessLog);

        server.setHandler(new GracefulHandler(handler));
        server.addBean(new IdleConnections(httpsConnector == null ? List.of(httpConnector)
                : List.of(httpConnector, httpsConnector)));
        if (accessLog != null) {
            server.setRequestLog(accessLog);
        }

        if (config.adminPort >= 0) {
            QueuedThreadPool adminThreads = new QueuedThreadPool(8, 2);
            adminThreads.setName("jingress-admin");
            this.adminServer = new Server(adminThreads);
            adminServer.setStopAtShutdown(false);
            adminServer.setErrorHandler(plainErrors((String) null));
            HttpConfiguration admin = new HttpConfiguration();
            admin.setSendServerVersion(false);  // as the proxy's listeners: no "Server: Jetty(12...)"
            admin.setSendXPoweredBy(false);
            this.adminConnector = new ServerConnector(adminServer, 1, 1, new HttpConnectionFactory(admin));
            adminConnector.setName("admin");
            adminConnector.setHost(config.adminHost);
            adminConnector.setPort(config.adminPort);
            adminServer.addConnector(adminConnector);
            adminServer.setHandler(new AdminHandler(handler.router(), metrics, this::servingProblems, config.extraMetrics));
        } else {
            this.adminServer = null;
            this.adminConnector = null;
        }
    }

    private void configure(ServerConnector connector, String name, String host, int port, Builder config, ProxyMetrics metrics) {
        connector.setName(name);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(config.clientIdleTimeout.toMillis());
        // Requests in flight keep their client's idle timeout until the stop deadline (Jetty's
        // default cuts them after 1 s); connections with none are closed (IdleConnections).
        connector.setShutdownIdleTimeout(config.stopTimeout.toMillis());
        connector.addBean(metrics.connectionListener());
        server.addConnector(connector);
    }

    /**
     * Jetty's own error answers (a request it refuses before the handler sees it) in plain text,
     * as the proxy's own are, whatever the client accepts: Jetty would pick HTML for a browser
     * or for curl's {@code Accept: *}{@code /*}.
     */
    static ErrorHandler plainErrors(String hsts) {  // package-private for PlainErrorsTest
        return plainErrors(() -> hsts);
    }

    /** As {@link #plainErrors(String)}, with the {@code Strict-Transport-Security} of the moment. */
    static ErrorHandler plainErrors(java.util.function.Supplier<String> currentHsts) {
        ErrorHandler errors = new ErrorHandler() {
            @Override
            protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                    String contentType, List<Charset> charsets, int code, String message, Throwable cause)
                    throws IOException {
                // over TLS with HSTS, as every answer there (ingress-nginx's add_header ... always)
                String hsts = currentHsts.get();
                if (hsts != null && request.getConnectionMetaData().isSecure()) {
                    response.getHeaders().put(HttpHeader.STRICT_TRANSPORT_SECURITY, hsts);
                }
                return super.generateAcceptableResponse(request, response, callback, MimeTypes.Type.TEXT_PLAIN.asString(),
                        charsets, code, message, cause);
            }

            // One line, as the proxy's own answers: "400 Bad Request: Duplicate Host Header". Jetty's
            // has four, echoes the URI, and escapes the message for HTML even in plain text. A 5xx
            // here is a failure inside the server (a handler threw, a callback failed): its message
            // is the exception's text (class, addresses, internals), for the log, which Jetty's
            // Response logger writes at WARN with the stack; the client gets the status alone.
            @Override
            protected void writeErrorPlain(Request request, PrintWriter writer, int code, String message, Throwable cause) {
                String reason = code == HttpStatus.INTERNAL_SERVER_ERROR_500
                        ? "Internal Server Error" : HttpStatus.getMessage(code);  // Jetty says "Server Error"
                String detail = message == null || code >= 500 ? "" : message.replace("&apos;", "'")
                        .replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
                String line = code + " " + reason + (detail.isEmpty() || detail.equals(reason) ? "" : ": " + detail) + "\n";
                writer.write(line);
                request.setAttribute(AccessLog.ERROR_BODY_BYTES, (long) line.getBytes(StandardCharsets.UTF_8).length);
            }
        };
        errors.setShowStacks(false);
        errors.setShowCauses(false);
        errors.setDefaultResponseMimeType("text/plain");
        return errors;
    }

    /**
     * Loads the table's certificates; logs each problem once, when it appears, and once more when
     * it is gone. The admin port lists the problems with the table's.
     */
    private synchronized void updateCertificates(RouteTable table) {
        List<Problem> problems = certificates.update(table.certificates(), table.defaultCertificate());
        certificates.tlsPolicy(table.serverSettings().tlsProtocols(), table.serverSettings().tlsCipherSuites());
        // the controller ConfigMap's hsts* for the refusals made before a request is routed too
        String configured = table.serverSettings().strictTransportSecurity();
        String hsts = configured == null ? serverHsts : configured.isEmpty() ? null : configured;
        if (!java.util.Objects.equals(hsts, refusalHsts)) {
            refusalHsts = hsts;
            leanOverTls.setStrictTransportSecurity(hsts);
        }
        for (Problem problem : problems) {
            if (!tlsProblems.contains(problem)) {
                LOG.warn("TLS Secret: {}", problem);
            }
        }
        for (Problem problem : tlsProblems) {
            if (!problems.contains(problem)) {
                LOG.info("cleared: TLS Secret: {}", problem);
            }
        }
        tlsProblems = List.copyOf(problems);
    }

    /** What the live table asks that cannot be served: TLS Secrets that do not load, TCP ports in use. */
    private List<Problem> servingProblems() {
        List<Problem> tcp = tcpListeners.problems();
        if (tcp.isEmpty()) {
            return tlsProblems;
        }
        List<Problem> all = new ArrayList<>(tlsProblems);
        all.addAll(tcp);
        return all;
    }

    /** The TLS Secrets of the live table that cannot be served, as warnings. */
    List<Problem> tlsProblems() {
        return tlsProblems;
    }

    private static HttpConfiguration httpConfiguration(Builder config) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(config.maxRequestHeaderBytes);
        // room for the largest endpoint head the proxy reads, plus the fields it adds to it
        http.setResponseHeaderSize(Math.max(config.maxRequestHeaderBytes, RoutingProxy.MAX_UPSTREAM_HEAD_BYTES + 8 * 1024));
        // "//" is merged by RequestPaths (as nginx does); "%2F" is routed by EncodedSlashes, only
        // where decoding it would not change the route; every other ambiguity stays a 400. Chars
        // a path may not hold raw (beyond ASCII, "<", "{"...) are taken, as nginx takes them, and
        // go on escaped (RequestPaths.normalize(rawPath, utf8)).
        http.setUriCompliance(UriCompliance.DEFAULT.with("jingress", UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT,
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS));
        // An absolute-form target's authority overrides Host (RFC 9112 section 3.2.2), as nginx
        // takes it: routed by the target, forwarded with its host (ProxyHeaders.hostFor).
        http.setHttpCompliance(HttpCompliance.RFC9110.with("jingress", HttpCompliance.Violation.MISMATCHED_AUTHORITY));
        return http;
    }

    /** A builder for a server serving {@code router}'s tables. */
    public static Builder builder(Router router) {
        return new Builder(Objects.requireNonNull(router, "router"));
    }

    /**
     * Binds the listeners and starts serving. A stopped server may be started again.
     *
     * @return this server
     * @throws UncheckedIOException when a port cannot be bound
     * @throws IllegalStateException when it is running already
     */
    public IngressServer start() {
        if (server.isRunning()) {
            throw new IllegalStateException("Jingress is running already: stop it before starting it again");
        }
        try {
            if (certificates != null) {
                handler.router().addListener(certificateUpdater);
                updateCertificates(handler.router().current());
            }
            server.start();
            handler.router().addListener(tcpListeners);
            tcpListeners.accept(handler.router().current());
            if (httpsConnector != null && httpsRedirectPort < 0) {
                handler.httpsRedirectPort(httpsConnector.getLocalPort());
            }
            if (adminServer != null) {
                adminServer.start();
            }
        } catch (IOException e) {
            stopQuietly();
            throw new UncheckedIOException("cannot start Jingress: " + e.getMessage(), e);
        } catch (Exception e) {
            stopQuietly();
            throw new IllegalStateException("cannot start Jingress: " + e.getMessage(), e);
        }
        LOG.info("Jingress serving http on {}:{}{}{}", hostText(httpHost), httpPort(),
                httpsConnector == null ? "" : ", https on " + hostText(httpsHost) + ":" + httpsPort(),
                adminConnector == null ? "" : ", admin on " + hostText(adminHost) + ":" + adminPort());
        return this;
    }

    /**
     * Stops gracefully: the listeners stop accepting, requests in flight may finish until the
     * {@linkplain Builder#stopTimeout(Duration) stop timeout}, then everything is closed. The admin
     * listener stops last, so health checks see the proxy go. Requests still in flight at the
     * timeout are cut, and a warning says so: that is not an error.
     *
     * @throws IllegalStateException when a listener cannot be stopped (the others are stopped)
     */
    public void stop() {
        if (certificateUpdater != null) {
            handler.router().removeListener(certificateUpdater);
        }
        handler.router().removeListener(tcpListeners);
        Exception failure = null;
        try {
            server.stop();  // the TCP ports' connectors too: they stop accepting, their tunnels drain
        } catch (Exception e) {
            // Jetty closes everything, then reports the graceful stop that ran out of time
            if (isTimeout(e)) {
                LOG.warn("Jingress stop: requests still in flight after the stop timeout ({} ms) were cut",
                        server.getStopTimeout());
            } else {
                failure = e;
            }
        }
        tcpListeners.stopped();
        try {
            if (adminServer != null) {
                adminServer.stop();
            }
        } catch (Exception e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw new IllegalStateException("cannot stop Jingress cleanly: " + failure, failure);
        }
        LOG.info("Jingress stopped");
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return true;
            }
            for (Throwable suppressed : cause.getSuppressed()) {
                if (isTimeout(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void stopQuietly() {
        try {
            if (certificateUpdater != null) {
                handler.router().removeListener(certificateUpdater);
            }
            handler.router().removeListener(tcpListeners);
            server.stop();
            tcpListeners.stopped();
            if (adminServer != null) {
                adminServer.stop();
            }
        } catch (Exception ignored) {
            // Already failing to start: the start failure is the one to report.
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** The router whose current table is served. */
    public Router router() {
        return handler.router();
    }

    /** The proxy handler this server mounts. */
    public IngressHandler handler() {
        return handler;
    }

    /** The bound HTTP port (the actual one when configured as 0); -1 before start. */
    public int httpPort() {
        return httpConnector.getLocalPort();
    }

    /** The bound HTTPS port; -1 when there is no HTTPS listener or before start. */
    public int httpsPort() {
        return httpsConnector == null ? -1 : httpsConnector.getLocalPort();
    }

    /** The ports of the TCP services listened on now (see {@link RouteTable#tcpServices()}). */
    public List<Integer> tcpPorts() {
        return tcpListeners.ports();
    }

    /** The bound admin port; -1 when the admin listener is disabled or before start. */
    public int adminPort() {
        return adminConnector == null ? -1 : adminConnector.getLocalPort();
    }

    /** Open client connections now, across listeners. */
    public int openConnections() {
        return connectionLimit.open();
    }

    /** The Jetty server of the HTTP and HTTPS listeners: for tests that look at its connections. */
    Server jettyServer() {
        return server;
    }

    // an IPv6 address in brackets, so that "[::1]:10254" reads as an address and a port
    private static String hostText(String host) {
        if (host == null) {
            return "0.0.0.0";
        }
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Builds an {@link IngressServer}. Every setting has a default; only the router is required. */
    public static final class Builder {
        private final IngressHandler.Builder handler;
        private String httpHost;
        private int httpPort = 8080;
        private String httpsHost;
        private int httpsPort = -1;
        private String adminHost = "127.0.0.1";
        private int adminPort = 10254;
        private boolean accessLog;
        private Appendable accessLogOut;
        private boolean proxyProtocol;
        private Duration clientIdleTimeout = Duration.ofSeconds(60);
        private Duration requestHeadTimeout = Duration.ofSeconds(60);
        private int maxConnections = 10_000;
        private int maxRequestHeaderBytes = 16 * 1024;
        private int maxThreads = 200;
        private Duration stopTimeout = Duration.ofSeconds(30);
        private int httpsRedirectPort = -1;
        private final List<ExtraMetric> extraMetrics = new ArrayList<>();
        private Duration connectTimeout = Duration.ofSeconds(5);  // the handler's, for ssl-passthrough tunnels
        private boolean localBackendNames;  // likewise

        private Builder(Router router) {
            this.handler = IngressHandler.builder(router);
        }

        /** The HTTP port; 0 picks a free one (see {@link IngressServer#httpPort()}). Default 8080. */
        public Builder httpPort(int port) {
            this.httpPort = port(port, "httpPort");
            return this;
        }

        /** The address the HTTP listener binds; default all interfaces. */
        public Builder httpBindAddress(String address) {
            this.httpHost = Objects.requireNonNull(address, "httpBindAddress");
            return this;
        }

        /**
         * Adds the HTTPS listener on {@code port} (0 picks a free one): HTTP/2 over ALPN and
         * HTTP/1.1, certificates of the served tables' TLS Secrets chosen by SNI (swapped with each
         * table), and for every other name the table's {@code defaultCertificate()} Secret, else a generated
         * self-signed certificate. Default: no HTTPS.
         */
        public Builder httpsPort(int port) {
            this.httpsPort = port(port, "httpsPort");
            return this;
        }

        /** The address the HTTPS listener binds; default all interfaces. */
        public Builder httpsBindAddress(String address) {
            this.httpsHost = Objects.requireNonNull(address, "httpsBindAddress");
            return this;
        }

        /**
         * The admin listener's port ({@code /healthz}, {@code /metrics}, {@code /status},
         * {@code /routes}); 0 picks a free one. Default 10254.
         */
        public Builder adminPort(int port) {
            this.adminPort = port(port, "adminPort");
            return this;
        }

        /** The address the admin listener binds. Default 127.0.0.1: keep it off public networks. */
        public Builder adminBindAddress(String address) {
            this.adminHost = Objects.requireNonNull(address, "adminBindAddress");
            return this;
        }

        /** No admin listener. */
        public Builder disableAdmin() {
            this.adminPort = -1;
            return this;
        }

        /**
         * Whether both listeners require the PROXY protocol (v1 or v2), as behind a load balancer in
         * TCP mode that sends it (off by default). The client address, in the forwarded headers and
         * the access log, is then the one in the header; a connection that does not start with
         * one, or whose header has not arrived whole within the {@link #requestHeadTimeout}, is
         * closed.
         */
        public Builder proxyProtocol(boolean required) {
            this.proxyProtocol = required;
            return this;
        }

        /**
         * Writes an access log line per request, in ingress-nginx's {@code upstreaminfo} format,
         * through the SLF4J logger {@code jingress.access} at INFO. Default off.
         */
        public Builder accessLog(boolean enabled) {
            this.accessLog = enabled;
            this.accessLogOut = null;
            return this;
        }

        /** Writes the access log to {@code out}, one line per request. */
        public Builder accessLog(Appendable out) {
            this.accessLogOut = Objects.requireNonNull(out, "accessLog");
            this.accessLog = true;
            return this;
        }

        /** See {@link IngressHandler.Builder#connectTimeout(Duration)}. Default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            handler.connectTimeout(timeout);
            this.connectTimeout = timeout;
            return this;
        }

        /** See {@link IngressHandler.Builder#readTimeout(Duration)}. Default 60 s. */
        public Builder readTimeout(Duration timeout) {
            handler.readTimeout(timeout);
            return this;
        }

        /** See {@link IngressHandler.Builder#upstreamKeepAlive(Duration)}. Default 60 s. */
        public Builder upstreamKeepAlive(Duration timeout) {
            handler.upstreamKeepAlive(timeout);
            return this;
        }

        /** See {@link IngressHandler.Builder#maxConnectionsPerEndpoint(int)}. Default 256. */
        public Builder maxConnectionsPerEndpoint(int max) {
            handler.maxConnectionsPerEndpoint(max);
            return this;
        }

        /**
         * See {@link IngressHandler.Builder#hsts(Duration, boolean)}: the {@code Strict-Transport-Security}
         * header on the HTTPS listener's answers. Default one year and {@code includeSubDomains}, as
         * ingress-nginx sends it.
         */
        public Builder hsts(Duration maxAge, boolean includeSubDomains) {
            handler.hsts(maxAge, includeSubDomains);
            return this;
        }

        /** See {@link IngressHandler.Builder#disableHsts()}: no {@code Strict-Transport-Security} from the proxy. */
        public Builder disableHsts() {
            handler.disableHsts();
            return this;
        }

        /**
         * See {@link IngressHandler.Builder#maxRequestBodyBytes(long)}: the largest request body of
         * a route whose Ingress sets no {@code proxy-body-size}. Default 0, no limit.
         */
        public Builder maxRequestBodyBytes(long bytes) {
            handler.maxRequestBodyBytes(bytes);
            return this;
        }

        /**
         * See {@link IngressHandler.Builder#trustedProxies(List)}: the load balancers in front whose
         * {@code X-Forwarded-Proto} and {@code X-Forwarded-For} are believed. Default empty.
         */
        public Builder trustedProxies(List<String> cidrs) {
            handler.trustedProxies(cidrs);
            return this;
        }

        /** See {@link IngressHandler.Builder#maxTries(int)}. Default 3. */
        public Builder maxTries(int tries) {
            handler.maxTries(tries);
            return this;
        }

        /**
         * Whether a backend given by DNS name (ExternalName Service, FQDN EndpointSlice) may be
         * connected to at a loopback, any-local or link-local address it resolves to. Default false:
         * an Ingress author picks the name, and a name that resolves to 127.0.0.1 (such as
         * {@code localtest.me}) would otherwise reach this server's own admin port and whatever else
         * listens on loopback (169.254.169.254: the cloud's metadata). Such a name's request gets 502,
         * as a name that does not resolve; IP addresses are not checked. Set true in a test or on a
         * laptop that routes to {@code localhost} by name. See
         * {@link IngressHandler.Builder#localBackendNames(boolean)}.
         *
         * <pre>{@code
         * IngressServer.builder(router).localBackendNames(true)   // FQDN endpoint "localhost" in a test
         * }</pre>
         */
        public Builder localBackendNames(boolean allowed) {
            handler.localBackendNames(allowed);
            this.localBackendNames = allowed;
            return this;
        }

        /**
         * The port in the 308 redirect of plain-HTTP requests to TLS hosts, when it is not this
         * server's HTTPS port (a NodePort, or TLS terminated in front); 0 switches the redirect
         * off. Default: this server's HTTPS port, or no redirect without an HTTPS listener.
         */
        public Builder httpsRedirectPort(int port) {
            this.httpsRedirectPort = port(port, "httpsRedirectPort");
            return this;
        }

        /** How long a client connection may stay silent before it is closed. Default 60 s. */
        public Builder clientIdleTimeout(Duration timeout) {
            this.clientIdleTimeout = IngressHandler.Builder.positive(timeout, "clientIdleTimeout");
            return this;
        }

        /**
         * How long a request head may take to arrive whole, from its first bytes; then the
         * connection is closed (as nginx's {@code client_header_timeout}). The idle timeout alone
         * does not end a head sent a byte at a time ("slowloris"). It holds for HTTP/1 heads, for
         * HTTP/2 heads (a {@code HEADERS} frame and its {@code CONTINUATION} frames, and the
         * connection preface) and, from the connection's start, for the TLS handshake and a
         * {@linkplain #proxyProtocol PROXY protocol} header. Default 60 s.
         */
        public Builder requestHeadTimeout(Duration timeout) {
            this.requestHeadTimeout = IngressHandler.Builder.positive(timeout, "requestHeadTimeout");
            return this;
        }

        /**
         * The most client connections open at once, across listeners; past it a new connection
         * is answered {@code 503} (plain HTTP) or closed (TLS) at once. Default 10000.
         */
        public Builder maxConnections(int max) {
            this.maxConnections = IngressHandler.Builder.atLeast(max, 1, "maxConnections");
            return this;
        }

        /**
         * The largest request line plus headers, in bytes; past it 431. Default 16 KiB. Over HTTP/2
         * the headers are counted as RFC 9113 counts them (32 bytes more a field) and the 431 ends
         * that stream alone; a header block past four times this (64 KiB at least, the
         * {@code SETTINGS_MAX_HEADER_LIST_SIZE} advertised) ends the connection.
         */
        public Builder maxRequestHeaderBytes(int bytes) {
            this.maxRequestHeaderBytes = IngressHandler.Builder.atLeast(bytes, 1024, "maxRequestHeaderBytes");
            return this;
        }

        /** The most request threads. Default 200. */
        public Builder maxThreads(int threads) {
            this.maxThreads = IngressHandler.Builder.atLeast(threads, 8, "maxThreads");
            return this;
        }

        /** How long {@link IngressServer#stop()} lets requests in flight finish. Default 30 s. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = IngressHandler.Builder.positive(timeout, "stopTimeout");
            return this;
        }

        /**
         * Adds a gauge to the admin port's {@code /metrics}, read at each scrape: what the source of
         * routes knows and the proxy does not, e.g.
         * {@code adminGauge("myapp_leader", "1 while this replica leads.", () -> leader ? 1 : 0)}.
         * A NaN value writes the family without a sample (not known yet).
         *
         * @throws IllegalArgumentException if {@code name} is not a Prometheus metric name, or is
         *     taken by Jingress's own ({@code jingress_} names other than {@code jingress_kubernetes_*}
         *     and {@code jingress_manifests_*}) or by one added before
         */
        public Builder adminGauge(String name, String help, DoubleSupplier value) {
            return extraMetric(new ExtraMetric(name, "gauge", help, value));
        }

        /** As {@link #adminGauge}, for a count that only grows. */
        public Builder adminCounter(String name, String help, LongSupplier value) {
            Objects.requireNonNull(value, "value");
            return extraMetric(new ExtraMetric(name, "counter", help, () -> value.getAsLong()));
        }

        private Builder extraMetric(ExtraMetric metric) {
            String name = metric.name();
            if (name.startsWith("jingress_") && !name.startsWith("jingress_kubernetes_")
                    && !name.startsWith("jingress_manifests_")) {
                throw new IllegalArgumentException("metric " + name + ": jingress_ names are the proxy's own"
                        + " (jingress_kubernetes_ and jingress_manifests_ are left to the sources)");
            }
            for (ExtraMetric added : extraMetrics) {
                if (added.name().equals(name)) {
                    throw new IllegalArgumentException("metric " + name + " is added twice");
                }
            }
            extraMetrics.add(metric);
            return this;
        }

        public IngressServer build() {
            return new IngressServer(this);
        }

        private static int port(int port, String name) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + ": must be 0..65535, got " + port);
            }
            return port;
        }
    }
}
