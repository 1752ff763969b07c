package io.jingress.jetty.internal.websocket;

import io.jingress.core.lb.Endpoint;
import io.jingress.jetty.internal.net.BackendAddresses;
import io.jingress.jetty.internal.net.ConnectTimeouts;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Proxies an HTTP/1.1 {@code Upgrade} request (WebSocket, or any other protocol) end to end, which
 * Jetty's {@code ProxyHandler} cannot: it opens a connection to the endpoint, sends the request head
 * with {@code Connection: Upgrade} and the client's {@code Upgrade}, and
 * <ul>
 *   <li>on {@code 101 Switching Protocols} answers the client with the 101 (the upstream's end-to-end
 *       headers, such as {@code Sec-WebSocket-Accept}) and then copies bytes both ways, as nginx does,
 *       until either side closes or the tunnel idles out;</li>
 *   <li>on any other status relays it as an ordinary response (status, headers, streamed body) and
 *       closes the upstream connection.</li>
 * </ul>
 *
 * <p>It is a Jetty {@link ContainerLifeCycle} that owns a {@link ClientConnector} of its own (blocking
 * connects must not leak into the proxy's {@code HttpClient}): add it as a bean of the server or
 * handler so that it starts and stops with it.
 *
 * <pre>{@code
 * UpgradeTunnel tunnel = UpgradeTunnel.builder().connectTimeout(Duration.ofSeconds(5)).build();
 * server.addBean(tunnel);
 * // in the handler, for a matched request:
 * if (UpgradeTunnel.isUpgradeRequest(clientToProxyRequest)) {
 *     if (tunnel.handle(clientToProxyRequest, proxyToClientResponse, callback, endpoint, pathAndQuery, headers)) {
 *         return true;
 *     }
 *     // could not connect: try another endpoint, or answer 502
 * }
 * }</pre>
 *
 * <p>Only HTTP/1.1 client connections can be upgraded; an HTTP/2 client cannot send
 * {@code Connection}/{@code Upgrade} (RFC 9113 8.2.2), so its requests take the ordinary proxy path.
 * The connect is made on the calling thread, bounded by the connect timeout, so that a refused or
 * unreachable endpoint is known before {@link #handle} returns; everything after it is non-blocking.
 *
 * <p>The endpoint's request accounting ({@link Endpoint#onStart()}/{@link Endpoint#onEnd}) covers the
 * handshake: it ends when the upstream's response head arrives (success) or when connecting or
 * reading that head fails, so a WebSocket that stays open for hours does not count as an hours-long
 * request in the endpoint's latency.
 */
public final class UpgradeTunnel extends ContainerLifeCycle {
    private static final int CONNECTING = 0;
    private static final int CONNECTED = 1;
    private static final int FAILED_AT_ONCE = 2;

    private final ClientConnector connector;
    private final int maxResponseHeadBytes;
    private final int bufferSize;
    private final boolean localBackendNames;
    private final BiFunction<Request, HttpField, HttpField> answerFields;

    private UpgradeTunnel(Builder builder) {
        connector = new ConnectTimeouts.Connector();
        connector.setConnectTimeout(builder.connectTimeout);
        connector.setIdleTimeout(builder.idleTimeout);
        // A blocking connect tells handle()'s caller at once that the endpoint is down (see class doc).
        connector.setConnectBlocking(true);
        if (builder.executor != null) {
            connector.setExecutor(builder.executor);
        }
        if (builder.upstreamTls != null) {
            connector.setSslContextFactory(builder.upstreamTls);
        }
        addBean(connector, true);
        maxResponseHeadBytes = builder.maxResponseHeadBytes;
        bufferSize = builder.bufferSize;
        localBackendNames = builder.localBackendNames;
        answerFields = builder.answerFields;
    }

    /** The field of the endpoint's answer as the client gets it (see {@link Builder#answerFields}). */
    HttpField answerField(Request clientToProxyRequest, HttpField serverToProxyField) {
        return answerFields == null ? serverToProxyField : answerFields.apply(clientToProxyRequest, serverToProxyField);
    }

    /** A tunnel with the defaults: connect timeout 5 s, idle timeout 60 s, response head up to 8 KiB. */
    public static UpgradeTunnel create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether {@code request} can and should be tunnelled: HTTP/1.1, {@code Connection} naming
     * {@code upgrade}, a non-empty {@code Upgrade}, and no request body.
     */
    public static boolean isUpgradeRequest(Request request) {
        Objects.requireNonNull(request, "request");
        HttpFields headers = request.getHeaders();
        if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_1_1
                || request.getTunnelSupport() == null
                || !headers.contains(HttpHeader.CONNECTION, "upgrade")) {
            return false;
        }
        String upgrade = headers.get(HttpHeader.UPGRADE);
        if (upgrade == null || upgrade.isBlank() || headers.contains(HttpHeader.TRANSFER_ENCODING)) {
            return false;
        }
        if (headers.contains(HttpHeader.UPGRADE, "h2c") || headers.contains(HttpHeader.UPGRADE, "h2")) {
            // Never tunnelled ("h2c smuggling"): a backend that took it would speak HTTP/2 to the
            // client on a connection the route table no longer sees, reaching any path behind it.
            // Sent on as a plain request, without the hop-by-hop Upgrade and HTTP2-Settings.
            return false;
        }
        long length = headers.getLongField(HttpHeader.CONTENT_LENGTH);
        return length <= 0;
    }

    /**
     * Tunnels one upgrade request to {@code endpoint}.
     *
     * @param clientToProxyRequest the client's request; must satisfy {@link #isUpgradeRequest}, else
     *     it is answered 400
     * @param proxyToClientResponse its response
     * @param callback its callback, completed by the tunnel whenever this method returns true
     * @param endpoint where to connect; {@code onStart}/{@code onEnd} are called here
     * @param pathAndQuery the request target to send, e.g. {@code /chat?room=1}
     * @param proxyToServerHeaders the headers to send (Host, X-Forwarded-*, hop-by-hop removed); any
     *     {@code Connection} and {@code Upgrade} among them are replaced by the tunnel's own
     * @return false only when the connection to the endpoint could not be made (refused, unreachable,
     *     connect timeout, a name that does not resolve or resolves only to local addresses, see
     *     {@link Builder#localBackendNames}): nothing was written and the callback is untouched, so
     *     the caller may try another endpoint or answer 502; true when the tunnel took over the
     *     exchange
     */
    public boolean handle(Request clientToProxyRequest, Response proxyToClientResponse, Callback callback,
            Endpoint endpoint, String pathAndQuery, HttpFields proxyToServerHeaders) {
        return handle(clientToProxyRequest, proxyToClientResponse, callback, endpoint, pathAndQuery, proxyToServerHeaders,
                connector.getConnectTimeout().toMillis(), idleTimeoutMillis());
    }

    /**
     * Tunnels one upgrade request as {@link #handle(Request, Response, Callback, Endpoint, String, HttpFields)}
     * does, with timeouts of its own in place of the builder's (a route's {@code proxy-connect-timeout}
     * and {@code proxy-read-timeout}).
     *
     * @param connectTimeoutMillis how long the connect to the endpoint may take
     * @param idleTimeoutMillis how long the endpoint may stay silent before its response head, and
     *     how long the tunnel may carry no bytes either way
     */
    public boolean handle(Request clientToProxyRequest, Response proxyToClientResponse, Callback callback,
            Endpoint endpoint, String pathAndQuery, HttpFields proxyToServerHeaders, long connectTimeoutMillis,
            long idleTimeoutMillis) {
        return handle(clientToProxyRequest, proxyToClientResponse, callback, endpoint, pathAndQuery, proxyToServerHeaders,
                connectTimeoutMillis, idleTimeoutMillis, false);
    }

    /**
     * Tunnels one upgrade request as {@link #handle(Request, Response, Callback, Endpoint, String, HttpFields, long, long)}
     * does, over TLS to the endpoint when {@code tls} (a route's {@code backend-protocol: HTTPS}),
     * with the client side given to {@link Builder#upstreamTls}. A handshake that fails is answered
     * 502, as a connection that breaks before the upstream's answer is.
     */
    public boolean handle(Request clientToProxyRequest, Response proxyToClientResponse, Callback callback,
            Endpoint endpoint, String pathAndQuery, HttpFields proxyToServerHeaders, long connectTimeoutMillis,
            long idleTimeoutMillis, boolean tls) {
        if (tls && connector.getSslContextFactory() == null) {
            throw new IllegalStateException("UpgradeTunnel has no TLS client side: see Builder.upstreamTls");
        }
        return handle(clientToProxyRequest, proxyToClientResponse, callback, endpoint, pathAndQuery, proxyToServerHeaders,
                connectTimeoutMillis, idleTimeoutMillis, tls ? (SslContextFactory.Client) connector.getSslContextFactory() : null);
    }

    /**
     * Tunnels one upgrade request as {@link #handle(Request, Response, Callback, Endpoint, String, HttpFields, long, long)}
     * does, over TLS with the client side {@code tls} when it is not null (a route's
     * {@code backend-protocol: HTTPS} with its {@code proxy-ssl-*}: it must be started, and decides
     * the certificate checks and SNI).
     */
    public boolean handle(Request clientToProxyRequest, Response proxyToClientResponse, Callback callback,
            Endpoint endpoint, String pathAndQuery, HttpFields proxyToServerHeaders, long connectTimeoutMillis,
            long idleTimeoutMillis, SslContextFactory.Client tls) {
        Objects.requireNonNull(clientToProxyRequest, "clientToProxyRequest");
        Objects.requireNonNull(proxyToClientResponse, "proxyToClientResponse");
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        Objects.requireNonNull(proxyToServerHeaders, "proxyToServerHeaders");
        if (!isStarted()) {
            throw new IllegalStateException("UpgradeTunnel is not started: add it as a bean of the server");
        }
        if (!isUpgradeRequest(clientToProxyRequest)) {
            writePlainError(proxyToClientResponse, callback, HttpStatus.BAD_REQUEST_400);
            return true;
        }
        ByteBuffer head = requestHead(clientToProxyRequest, pathAndQuery, proxyToServerHeaders);

        long start = endpoint.onStart();
        AtomicInteger state = new AtomicInteger(CONNECTING);
        Map<String, Object> context = new HashMap<>();
        context.put(Transport.CONTEXT_KEY, Transport.TCP_IP);
        context.put(ConnectTimeouts.CONTEXT_KEY, connectTimeoutMillis);
        ClientConnectionFactory handshake = (endPoint, ignored) -> {
            endPoint.setIdleTimeout(idleTimeoutMillis);
            return new UpstreamHandshake(endPoint, connector.getExecutor(), connector.getByteBufferPool(), this,
                    clientToProxyRequest, proxyToClientResponse, callback, endpoint, start, head, idleTimeoutMillis);
        };
        if (tls != null) {
            // the handshake's bytes then go through TLS, to the address connected to (Jetty takes the
            // peer from the connect's context); the client side's SNI provider decides the SNI
            handshake = connector.newSslClientConnectionFactory(tls, handshake);
        }
        context.put(ClientConnectionFactory.CONTEXT_KEY, handshake);
        context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<Connection>() {
            @Override
            public void failed(Throwable failure) {
                endpoint.onEnd(start, false);
                if (!state.compareAndSet(CONNECTING, FAILED_AT_ONCE)) {
                    // failed after handle() returned true: the answer is ours to give
                    writePlainError(proxyToClientResponse, callback, HttpStatus.BAD_GATEWAY_502);
                }
            }
        });
        InetSocketAddress address;
        try {
            address = BackendAddresses.resolve(endpoint.address(), endpoint.port(), localBackendNames);
        } catch (UnknownHostException | RuntimeException e) {
            endpoint.onEnd(start, false);
            return false;
        }
        connector.connect(address, context);
        return state.compareAndSet(CONNECTING, CONNECTED);
    }

    static ByteBuffer requestHead(Request clientToProxyRequest, String pathAndQuery, HttpFields proxyToServerHeaders) {
        if (!pathAndQuery.startsWith("/") || !isVisibleAscii(pathAndQuery)) {
            throw new IllegalArgumentException("pathAndQuery must be an origin-form target: " + pathAndQuery);
        }
        StringBuilder head = new StringBuilder(512);
        head.append(clientToProxyRequest.getMethod()).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n");
        boolean hasHost = false;
        for (HttpField field : proxyToServerHeaders) {
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.CONNECTION || header == HttpHeader.UPGRADE) {
                continue;
            }
            String name = field.getName();
            String value = field.getValue() == null ? "" : field.getValue();
            if (hasLineBreak(name) || hasLineBreak(value)) {
                // cannot be sent without splitting the head; Jetty's parser never produces such a field
                continue;
            }
            hasHost |= header == HttpHeader.HOST;
            head.append(name).append(": ").append(value).append("\r\n");
        }
        if (!hasHost) {
            String authority = clientToProxyRequest.getHttpURI().getAuthority();
            if (authority != null && !hasLineBreak(authority)) {
                head.append("Host: ").append(authority).append("\r\n");
            }
        }
        head.append("Connection: Upgrade\r\n");
        head.append("Upgrade: ").append(clientToProxyRequest.getHeaders().get(HttpHeader.UPGRADE)).append("\r\n");
        head.append("\r\n");
        return ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean hasLineBreak(String text) {
        return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0;
    }

    private static boolean isVisibleAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** A short plain-text error, never a stack trace. */
    static void writePlainError(Response response, Callback callback, int status) {
        if (response.isCommitted()) {
            callback.failed(new IllegalStateException("response committed before error " + status));
            return;
        }
        response.reset();
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, status + " " + HttpStatus.getMessage(status) + "\n", callback);
    }

    int maxResponseHeadBytes() {
        return maxResponseHeadBytes;
    }

    int bufferSize() {
        return bufferSize;
    }

    long idleTimeoutMillis() {
        return connector.getIdleTimeout().toMillis();
    }

    /** Settings of an {@link UpgradeTunnel}. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private int maxResponseHeadBytes = 8 * 1024;
        private int bufferSize = 8 * 1024;
        private Executor executor;
        private boolean localBackendNames;
        private SslContextFactory.Client upstreamTls;
        private BiFunction<Request, HttpField, HttpField> answerFields;

        private Builder() {
        }

        /**
         * Rewrites each end-to-end field of the endpoint's answer (its 101, or its refusal) on the
         * way to the client, given the upgrade request: returns the field to send. None by default
         * (the endpoint's fields as they came).
         */
        public Builder answerFields(BiFunction<Request, HttpField, HttpField> answerFields) {
            this.answerFields = Objects.requireNonNull(answerFields, "answerFields");
            return this;
        }

        /**
         * The TLS client side for endpoints spoken to over TLS (see {@link UpgradeTunnel#handle(Request,
         * Response, Callback, Endpoint, String, HttpFields, long, long, boolean)}); none by default.
         */
        public Builder upstreamTls(SslContextFactory.Client tls) {
            this.upstreamTls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** How long to wait for the TCP connection to the endpoint; default 5 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * How long the upstream may stay silent before its response head, and how long an upgraded
         * connection may carry no bytes either way before both sides are closed; default 60 s, as
         * ingress-nginx's {@code proxy-read-timeout}.
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = positive(idleTimeout, "idleTimeout");
            return this;
        }

        /** The largest upstream response head accepted (a larger one is answered 502); default 8 KiB. */
        public Builder maxResponseHeadBytes(int maxResponseHeadBytes) {
            if (maxResponseHeadBytes < 256) {
                throw new IllegalArgumentException("maxResponseHeadBytes must be at least 256: " + maxResponseHeadBytes);
            }
            this.maxResponseHeadBytes = maxResponseHeadBytes;
            return this;
        }

        /** The size of each read buffer while tunnelling; default 8 KiB. */
        public Builder bufferSize(int bufferSize) {
            if (bufferSize < 512) {
                throw new IllegalArgumentException("bufferSize must be at least 512: " + bufferSize);
            }
            this.bufferSize = bufferSize;
            return this;
        }

        /** The threads for upstream I/O, e.g. the server's thread pool; by default the connector makes its own. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Whether an endpoint given by DNS name may be connected to at a loopback, any-local or
         * link-local address it resolves to (see {@link BackendAddresses}); default false: such a
         * name's other addresses are used, and a name with none fails the connect.
         */
        public Builder localBackendNames(boolean allowed) {
            this.localBackendNames = allowed;
            return this;
        }

        public UpgradeTunnel build() {
            return new UpgradeTunnel(this);
        }

        private static Duration positive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + duration);
            }
            return duration;
        }
    }
}
