package io.jingress.jetty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;

import io.jingress.core.route.Router;
import io.jingress.jetty.internal.proxy.ConnectionLimit;

import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
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
 *         .adminPort(10254)
 *         .connectTimeout(Duration.ofSeconds(5))
 *         .build()
 *         .start()) {
 *     System.out.println("serving on " + server.httpPort());
 *     ...
 * } // close() stops gracefully: no new connections, in-flight requests drain until the deadline
 * }</pre>
 */
public final class IngressServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngressServer.class);

    private final Builder config;
    private final Server server;
    private final IngressHandler handler;
    private final ServerConnector httpConnector;
    private final ConnectionLimit connectionLimit;

    private IngressServer(Builder config) {
        this.config = config;
        QueuedThreadPool threads = new QueuedThreadPool(config.maxThreads);
        threads.setName("jingress");
        this.server = new Server(threads);
        server.setStopAtShutdown(false);
        server.setStopTimeout(config.stopTimeout.toMillis());

        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowCauses(false);
        errors.setDefaultResponseMimeType("text/plain");
        server.setErrorHandler(errors);

        this.connectionLimit = new ConnectionLimit(config.maxConnections);
        HttpConfiguration http = httpConfiguration(config);
        this.httpConnector = new ServerConnector(server,
                connectionLimit.wrap(new HttpConnectionFactory(http), true));
        httpConnector.setName("http");
        httpConnector.setHost(config.httpHost);
        httpConnector.setPort(config.httpPort);
        httpConnector.setIdleTimeout(config.clientIdleTimeout.toMillis());
        server.addConnector(httpConnector);

        this.handler = config.handler.httpsRedirectPort(Math.max(0, config.httpsRedirectPort)).build();
        server.setHandler(new GracefulHandler(handler));
    }

    private static HttpConfiguration httpConfiguration(Builder config) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(config.maxRequestHeaderBytes);
        http.setResponseHeaderSize(Math.max(config.maxRequestHeaderBytes, 32 * 1024));
        // "//" is merged by RequestPaths (as nginx does); every other ambiguity stays a 400.
        http.setUriCompliance(UriCompliance.DEFAULT.with("jingress", UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
        return http;
    }

    /** A builder for a server serving {@code router}'s tables. */
    public static Builder builder(Router router) {
        return new Builder(Objects.requireNonNull(router, "router"));
    }

    /**
     * Binds the listeners and starts serving.
     *
     * @return this server
     * @throws UncheckedIOException when a port cannot be bound
     */
    public IngressServer start() {
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly();
            throw new UncheckedIOException("cannot start Jingress: " + e.getMessage(), e);
        } catch (Exception e) {
            stopQuietly();
            throw new IllegalStateException("cannot start Jingress: " + e.getMessage(), e);
        }
        LOG.info("Jingress serving http on {}:{}", hostText(config.httpHost), httpPort());
        return this;
    }

    /**
     * Stops gracefully: the listeners stop accepting, requests in flight may finish until the
     * {@linkplain Builder#stopTimeout(Duration) stop timeout}, then everything is closed.
     */
    public void stop() {
        try {
            server.stop();
            LOG.info("Jingress stopped");
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Jingress cleanly: " + e.getMessage(), e);
        }
    }

    private void stopQuietly() {
        try {
            server.stop();
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

    /** Open client connections now, across listeners. */
    public int openConnections() {
        return connectionLimit.open();
    }

    private static String hostText(String host) {
        return host == null ? "0.0.0.0" : host;
    }

    /** Builds an {@link IngressServer}. Every setting has a default; only the router is required. */
    public static final class Builder {
        private final IngressHandler.Builder handler;
        private String httpHost;
        private int httpPort = 8080;
        private Duration clientIdleTimeout = Duration.ofSeconds(60);
        private int maxConnections = 10_000;
        private int maxRequestHeaderBytes = 16 * 1024;
        private int maxThreads = 200;
        private Duration stopTimeout = Duration.ofSeconds(30);
        private int httpsRedirectPort = -1;

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

        /** See {@link IngressHandler.Builder#connectTimeout(Duration)}. Default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            handler.connectTimeout(timeout);
            return this;
        }

        /** See {@link IngressHandler.Builder#readTimeout(Duration)}. Default 60 s. */
        public Builder readTimeout(Duration timeout) {
            handler.readTimeout(timeout);
            return this;
        }

        /** See {@link IngressHandler.Builder#maxConnectionsPerEndpoint(int)}. Default 256. */
        public Builder maxConnectionsPerEndpoint(int max) {
            handler.maxConnectionsPerEndpoint(max);
            return this;
        }

        /** See {@link IngressHandler.Builder#maxTries(int)}. Default 3. */
        public Builder maxTries(int tries) {
            handler.maxTries(tries);
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
         * The most client connections open at once, across listeners; past it a new connection
         * is answered {@code 503} (plain HTTP) or closed (TLS) at once. Default 10000.
         */
        public Builder maxConnections(int max) {
            this.maxConnections = IngressHandler.Builder.atLeast(max, 1, "maxConnections");
            return this;
        }

        /** The largest request line plus headers, in bytes; past it 431. Default 16 KiB. */
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
