package io.jingress.jetty.internal.http1;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import io.jingress.jetty.internal.proxy.ProxyConnector;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;

/**
 * Makes the HTTP/1 connections of a connector (plain, or behind TLS): a {@link LeanConnection},
 * which serves plain HTTP/1.x requests (without a body, or with a short one that arrives with the
 * head) itself and hands the connection to Jetty's HTTP/1 connection (made by {@code http}, the
 * factory this one stands in for) at the first request it does not take.
 *
 * <p>Every connection is Jetty's from the start when the HTTP configuration has request
 * customizers, which work on Jetty's own requests, except for one: over TLS, a
 * {@link SecureRequestCustomizer} that neither checks nor requires SNI and sends no
 * {@code Strict-Transport-Security}. What it does then, a secure request of scheme {@code https},
 * the lean connection does itself (its TLS session details, which only servlets read, are not
 * offered).
 */
public final class LeanConnectionFactory extends AbstractConnectionFactory implements HttpConfiguration.ConnectionFactory {
    private final HttpConnectionFactory http;
    private volatile long requestHeadTimeoutNanos = TimeUnit.SECONDS.toNanos(60);
    private volatile LongSupplier continueUpTo = () -> Long.MAX_VALUE;
    private volatile byte[] strictTransportSecurity;  // the header line, or null

    public LeanConnectionFactory(HttpConnectionFactory http) {
        super(Objects.requireNonNull(http, "http").getProtocol());
        this.http = http;
        addBean(http);
        setInputBufferSize(http.getInputBufferSize());
    }

    /**
     * How long a request head may take to arrive whole, from its first bytes (default 60 s, as
     * nginx's {@code client_header_timeout}); then the connection is closed. The idle timeout
     * alone would not end a head sent a byte at a time.
     */
    public void setRequestHeadTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("requestHeadTimeout: must be positive, got " + timeout);
        }
        requestHeadTimeoutNanos = timeout.toNanos();
    }

    /**
     * The longest body (its {@code Content-Length}) the connection writes a {@code 100 Continue}
     * for before the request is routed, asked at each such request (default: any). A longer
     * one may be over its route's body limit, to be answered 413 without a 100: its connection
     * goes to Jetty's HTTP/1 connection, which writes the 100 only when the body is read.
     */
    public void setContinueUpTo(LongSupplier bytes) {
        continueUpTo = Objects.requireNonNull(bytes, "bytes");
    }

    long continueUpTo() {
        return continueUpTo.getAsLong();
    }

    /**
     * The {@code Strict-Transport-Security} value the connection's own refusals (431, 414) carry, as
     * every answer over TLS does; for the factory of the HTTPS listener. Null (the default): none.
     */
    public void setStrictTransportSecurity(String value) {
        strictTransportSecurity = value == null ? null
                : ("Strict-Transport-Security: " + value + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The header line of {@link #setStrictTransportSecurity}, or null. */
    byte[] strictTransportSecurityLine() {
        return strictTransportSecurity;
    }

    long requestHeadTimeoutNanos() {
        return requestHeadTimeoutNanos;
    }

    @Override
    public HttpConfiguration getHttpConfiguration() {
        return http.getHttpConfiguration();
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        if (!leanServes(http.getHttpConfiguration(), endPoint instanceof SslConnection.SslEndPoint)) {
            return http.newConnection(connector, endPoint);
        }
        return configure(new LeanConnection(this, connector, endPoint), connector, endPoint);
    }

    // Whether the lean connection does all the customizers would do. (Jetty's HTTP/2 factory adds
    // an Alt-Svc customizer to the configuration an HTTPS listener shares with HTTP/1.1; ours,
    // Http2ConnectionFactory, removes it.)
    static boolean leanServes(HttpConfiguration configuration, boolean tls) {
        List<HttpConfiguration.Customizer> customizers = configuration.getCustomizers();
        if (customizers.isEmpty()) {
            return true;
        }
        return tls && customizers.size() == 1 && customizers.get(0) instanceof SecureRequestCustomizer secure
                && secure.getClass() == SecureRequestCustomizer.class && !secure.isSniHostCheck()
                && !secure.isSniRequired() && secure.getStsMaxAge() < 0;
    }

    /**
     * Jetty's HTTP/1 connection for an endpoint a lean connection hands over, configured as
     * {@code http} would configure it, but without the connector's listeners: the connection they
     * heard open is still the same one to them, and the lean connection moves them across. Its
     * input buffer holds at least the {@code pending} bytes: Jetty copies the bytes handed over
     * into it and would silently drop what does not fit. The head being read, begun at
     * {@code headStarted} ({@link System#nanoTime()}), and every later one keep the
     * {@linkplain #setRequestHeadTimeout request head timeout}.
     */
    HttpConnection jettyConnection(Connector connector, EndPoint endPoint, ByteBuffer pending, long headStarted) {
        HttpConnection connection = new HeadTimedConnection(http.getHttpConfiguration(), connector, endPoint,
                requestHeadTimeoutNanos, headStarted, HandedHead.of(pending));
        connection.setUseInputDirectByteBuffers(http.isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(http.isUseOutputDirectByteBuffers());
        connection.setTransferEncodingChunkMaxLength(http.getTransferEncodingChunkMaxLength());
        connection.setInputBufferSize(Math.max(http.getInputBufferSize(), pending.remaining()));
        return connection;
    }

    /**
     * Jetty's HTTP/1 connection, with a deadline for each request head as the lean connection
     * keeps it, and the head it was handed for its first request.
     */
    static final class HeadTimedConnection extends HttpConnection {
        private final long timeoutNanos;
        private final HandedHead handed;
        private long headStarted;
        private boolean inHead = true;  // handed over part way through a head, or at its start
        private volatile int requests;  // the requests Jetty began, a refused one included; written by the parse only
        private volatile String targetNotOrigin;  // the target of the request Jetty serves, if not in origin form
        private final CloseWatch closeWatch = new CloseWatch(this, (callback, tryOnly) -> {
            if (tryOnly) {
                super.tryFillInterested(callback);
            } else {
                super.fillInterested(callback);
            }
        });

        HeadTimedConnection(HttpConfiguration configuration, Connector connector, EndPoint endPoint, long timeoutNanos,
                long headStarted, HandedHead handed) {
            super(configuration, connector, endPoint);
            this.timeoutNanos = timeoutNanos;
            this.headStarted = headStarted;
            this.handed = handed;
        }

        /**
         * The head the lean connection handed over, while Jetty serves the request it began (its
         * first, or the one it refused in its place); null for later ones, or if the head's first
         * line had not come whole.
         */
        HandedHead firstHead() {
            return requests == 1 ? handed : null;
        }

        /**
         * The target of the request Jetty serves as the client sent it, when that is not in origin
         * form ({@code http://host/path}, {@code host:port}, {@code *}): Jetty's request keeps
         * only its path. Null for an origin-form target, and for a request refused in place of one.
         * (Jetty logs a request before it reads the next head, so this is the logged request's.)
         */
        String targetNotOrigin() {
            return targetNotOrigin;
        }

        @Override
        protected HttpStreamOverHTTP1 newHttpStream(String method, String uri, HttpVersion version) {
            targetNotOrigin = null;
            // a target Jetty cannot take throws here (as in super.newHttpStream), and the request
            // refused in its place comes next
            HttpStreamOverHTTP1 stream = new AdjustedStream(method, uri, version);
            if (!uri.startsWith("/")) {
                targetNotOrigin = uri;
            }
            requests++;
            return stream;
        }

        /**
         * The bytes read past the head of the request that upgrades the connection (to HTTP/2 in
         * cleartext: the rest of its preface and its first frames) are read by the next connection,
         * which does not fill them again: the socket's HTTP/2 head deadline is told of them here.
         */
        @Override
        public ByteBuffer onUpgradeFrom() {
            ByteBuffer rest = super.onUpgradeFrom();
            ProxyConnector.TimedEndPoint timed = ProxyConnector.TimedEndPoint.of(getEndPoint());
            if (timed != null) {
                timed.readAhead(rest);
            }
            return rest;
        }

        /** Watches for the client's close while the request, its body all read, is answered (see {@link CloseWatch}). */
        void watchForClose(Request request) {
            closeWatch.start(request);
        }

        /** The exchange ends: the watch reads no more (see {@link CloseWatch#stop}). */
        void stopWatching(Request request) {
            closeWatch.stop(request);
        }

        @Override
        public void fillInterested(Callback callback) {
            closeWatch.fillInterested(callback, false);
        }

        @Override
        public void tryFillInterested(Callback callback) {
            closeWatch.fillInterested(callback, true);
        }

        @Override
        public boolean isFillInterested() {
            Boolean asked = closeWatch.isFillInterested();
            return asked != null ? asked : super.isFillInterested();
        }

        /**
         * Jetty's stream, with two changes to what it makes of a request head.
         *
         * <p>A request whose {@code Upgrade} header {@code Connection} does not name is no upgrade
         * request (RFC 9110 section 7.8): it is served as a plain one, without that hop-by-hop
         * header, as nginx serves it. Jetty's stream takes any {@code Upgrade} for an upgrade
         * attempt, and without {@code Connection: upgrade} refuses it: "400 Invalid h2c upgrade
         * headers" and a close. So the field is held back until the head is whole, and passed on
         * only when {@code Connection} names {@code upgrade} (then the proxy tunnels it, or strips
         * an h2c one, as before).
         *
         * <p>The HTTP/2 preface ({@code PRI * HTTP/2.0}) on a connector with an {@code h2c}
         * factory (the plain-HTTP port) hands the connection to HTTP/2. Any other request line of
         * version HTTP/2.0 ({@code GET / HTTP/2.0}, or the preface where there is no h2c) is
         * answered 505 HTTP Version Not Supported, as nginx answers it, and the connection closed.
         * Jetty answered 426 Upgrade Required without the {@code Upgrade} header a 426 must carry
         * (RFC 9110 section 15.5.22), and there is no HTTP/1.x upgrade to HTTP/2 to offer.
         */
        private final class AdjustedStream extends HttpStreamOverHTTP1 {
            private final String method;
            private final String uri;
            private final HttpVersion version;
            private List<HttpField> upgrades;
            private boolean connectionUpgrade;

            AdjustedStream(String method, String uri, HttpVersion version) {
                super(method, uri, version);
                this.method = method;
                this.uri = uri;
                this.version = version;
            }

            @Override
            public void parsedHeader(HttpField field) {
                if (field.getHeader() == HttpHeader.UPGRADE) {
                    if (upgrades == null) {
                        upgrades = new ArrayList<>(1);
                    }
                    upgrades.add(field);
                    return;
                }
                if (field.getHeader() == HttpHeader.CONNECTION && field.contains(HttpHeaderValue.UPGRADE.asString())) {
                    connectionUpgrade = true;
                }
                super.parsedHeader(field);
            }

            @Override
            public Runnable headerComplete() {
                if (version == HttpVersion.HTTP_2 && HttpMethod.PRI.is(method) && "*".equals(uri)
                        && getConnector().getConnectionFactory("h2c") != null) {
                    return super.headerComplete();  // Jetty's stream hands the connection to the h2c factory
                }
                if (version == HttpVersion.HTTP_2) {
                    // as Jetty's stream refuses it (with 426): nothing more of this connection is read
                    getParser().close();
                    throw new HttpException.RuntimeException(HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505);
                }
                if (upgrades != null && connectionUpgrade) {
                    upgrades.forEach(super::parsedHeader);
                }
                return super.headerComplete();
            }

            /**
             * A stop that began while this request was answered: Jetty shuts the connection's
             * output after the answer, or keeps it for a next request if the answer's end had gone
             * out by then, and waits for the client to close; a client that keeps its connection
             * without closing it, as a pool of idle connections does, would hold the stop until its
             * deadline. Closed here, as nginx closes it, unless the client has sent more already.
             */
            @Override
            public void succeeded() {
                super.succeeded();
                if (getConnector().isShutdown() && isRequestBufferEmpty()
                        && (getEndPoint().isOutputShutdown() || getParser().isStart())) {
                    getEndPoint().close();
                }
            }
        }

        @Override
        public void onFillable() {
            super.onFillable();
            // Read after the parse of what arrived: a head still part way through is timed from the
            // read that began it. (The parser's state is read without a lock, as for /status: a
            // head must look unfinished at every read for the whole timeout to be cut short.)
            HttpParser parser = getParser();
            if (parser.inHeaderState() && !parser.isStart()) {
                long now = System.nanoTime();
                if (!inHead) {
                    inHead = true;
                    headStarted = now;
                } else if (now - headStarted > timeoutNanos) {
                    getEndPoint().close(new TimeoutException("request head not complete within the request head timeout"));
                }
            } else {
                inHead = false;
            }
        }
    }
}
