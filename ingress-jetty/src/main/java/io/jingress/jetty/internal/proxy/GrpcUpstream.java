package io.jingress.jetty.internal.proxy;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.route.RoutePolicy;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.RetryableRequestException;
import org.eclipse.jetty.client.transport.HttpDestination;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.RetryableStreamException;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The endpoints of routes whose Ingress asks {@code backend-protocol: GRPC} or {@code GRPCS}, and of
 * HTTPRoute rules to Service ports with {@code appProtocol: kubernetes.io/h2c}
 * ({@link io.jingress.core.route.BackendProtocol#http2()}): spoken to in HTTP/2 (cleartext with
 * prior knowledge, or TLS with ALPN {@code h2}) through a Jetty client of its own, made when the
 * first such request comes (a proxy without such routes holds no thread for it). What gRPC needs
 * of a proxy, and the HTTP/1 paths do not give:
 * <ul>
 *   <li>the answer's trailers ({@code grpc-status}, {@code grpc-message}) reach the client
 *       ({@link #passTrailers}), which Jetty's {@code ProxyHandler} drops;</li>
 *   <li>{@code TE: trailers} goes to the endpoint, as gRPC servers expect of a client;</li>
 *   <li>the request's {@code :authority} is the host the client asked for (or {@code upstream-vhost}),
 *       as the {@code Host} of an HTTP/1 request is, not the endpoint's address: the request's URI
 *       names that authority and its {@link Tag} the endpoint, which the destination connects to
 *       ({@link HttpDestination#resolveOrigin()}). Connections are then kept per authority and
 *       endpoint; each carries many calls at once.</li>
 * </ul>
 * Bodies stream both ways as they come (a server stream's messages are written to the client one
 * by one), so server, client and bidirectional streaming calls go through; the route's
 * {@code proxy-read-timeout} bounds the silence of a call, as nginx's {@code grpc_read_timeout}.
 */
final class GrpcUpstream {
    private static final HttpField TE_TRAILERS = new PreEncodedHttpField(HttpHeader.TE, "trailers");

    private final Supplier<HttpClient> factory;
    private volatile HttpClient client;

    /** {@code factory} makes the client, configured and started, on the first gRPC request. */
    GrpcUpstream(Supplier<HttpClient> factory) {
        this.factory = factory;
    }

    /**
     * Where a call of the exchange goes: the endpoint ({@code address}, {@code port}), its TLS client
     * side when its route sets {@code proxy-ssl-*} (else null: the client's own, nothing verified),
     * and its route's connect timeout (0: the server's), which {@link UpstreamTimeouts.Connector} reads.
     */
    record Tag(String address, int port, SslContextFactory.Client tls, long connectMillis) {
    }

    /** The gRPC status codes by number, as {@code /metrics} names them. */
    static final String[] CODES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    private static final int UNKNOWN = 2;

    /**
     * The {@code grpc-status} of an endpoint's answer: its trailers', else its head's (a
     * "trailers-only" answer); -1 when it has none; a value that is no code, {@code UNKNOWN}.
     */
    static int status(org.eclipse.jetty.client.Response serverToProxyResponse) {
        HttpFields trailers = serverToProxyResponse.getTrailers();
        String value = trailers == null ? null : trailers.get(GRPC_STATUS);
        if (value == null) {
            value = serverToProxyResponse.getHeaders().get(GRPC_STATUS);
        }
        if (value == null) {
            return -1;
        }
        try {
            int code = Integer.parseInt(value.trim());
            return code >= 0 && code < CODES.length ? code : UNKNOWN;
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
    }

    private static final String GRPC_STATUS = "grpc-status";

    /**
     * The status a gRPC client sees of a call that ended with HTTP {@code httpStatus} and
     * {@code grpcStatus} (-1: none): the endpoint's, else the one gRPC's clients infer from the HTTP
     * status (gRPC's "HTTP to gRPC status code mapping"; 499, a client that went away, is CANCELLED).
     */
    static int clientStatus(int grpcStatus, int httpStatus) {
        if (grpcStatus >= 0) {
            return grpcStatus;
        }
        return switch (httpStatus) {
            case 400 -> 13;  // INTERNAL
            case 401 -> 16;  // UNAUTHENTICATED
            case 403 -> 7;  // PERMISSION_DENIED
            case 404 -> 12;  // UNIMPLEMENTED
            case 429, 502, 503, 504 -> 14;  // UNAVAILABLE
            case 499 -> 1;  // CANCELLED
            default -> UNKNOWN;
        };
    }

    /** Whether the request is a gRPC call: its {@code Content-Type} is {@code application/grpc} or a subtype ({@code +proto}). */
    static boolean isCall(Exchange exchange) {
        String type = exchange.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16)
                && (type.length() == 16 || type.charAt(16) == '+' || type.charAt(16) == ';');
    }

    /** Whether the exchange's endpoints are spoken to in HTTP/2 (gRPC, or an h2c port); its route must be set. */
    static boolean wanted(Exchange exchange) {
        RoutePolicy policy = exchange.route.policy();
        return !policy.isNone() && policy.backendProtocol().http2();
    }

    /**
     * Whether a gRPC call's try failed before anything of it left: the endpoint refused the
     * connection, could not be reached in time or at all, or failed the TLS handshake. Such a call goes to another
     * endpoint whatever its method (every call is a POST), as nginx passes a request it could not
     * send to the next server; once a call may have reached an endpoint it is never sent again.
     */
    static boolean neverSent(Exchange exchange, Throwable failure) {
        if (!wanted(exchange) || exchange.bodyConsumed) {
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // SocketTimeoutException: Jetty's connect timeout (a read timeout is a TimeoutException)
            if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException
                    || t instanceof java.net.SocketTimeoutException || t instanceof javax.net.ssl.SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a call's stream was not processed by the endpoint, and may be sent again as it is:
     * the endpoint's GOAWAY named a last stream below it (it retires the connection, as servers
     * with a maximum connection age do, while the call was on its way), or it reset the stream
     * with REFUSED_STREAM (RFC 9113 section 8.7), or the stream was never opened because the
     * endpoint's GOAWAY had closed the session after Jetty's pool handed out its connection (Jetty's
     * {@code HTTP2Session} then refuses the new stream with {@code IllegalStateException("session
     * closed")}: nothing was sent).
     */
    static boolean unprocessed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RetryableRequestException || t instanceof RetryableStreamException
                    || (t instanceof java.io.IOException && REFUSED_STREAM.equals(t.getMessage()))
                    || (t instanceof IllegalStateException && SESSION_CLOSED.equals(t.getMessage()))) {
                return true;
            }
        }
        return false;
    }

    private static final String REFUSED_STREAM = ErrorCode.toString(ErrorCode.REFUSED_STREAM_ERROR.code, null);
    private static final String SESSION_CLOSED = "session closed";  // HTTP2Session's, for a stream never opened

    /**
     * A call's body as read from the client, kept (up to {@link #MAX_BYTES}) so that the call can be
     * sent again on a new connection when its stream went {@link #unprocessed}. Only a body that has
     * ended is sent again (a unary or server-streaming call's, the usual ones): a stream the client
     * is still writing cannot be taken up again part way.
     */
    static final class Replay {
        /** Bodies longer than this are not kept: a call that big is not sent again. */
        static final int MAX_BYTES = 64 * 1024;

        private byte[] bytes = new byte[0];
        private int size;
        private boolean ended;
        private boolean overflowed;

        /** Keeps a copy of what {@code chunk} holds; its position is left as it was. */
        synchronized void keep(Content.Chunk chunk) {
            ByteBuffer buffer = chunk.getByteBuffer();
            int n = buffer == null ? 0 : buffer.remaining();
            if (!overflowed && n > 0) {
                if (size + n > MAX_BYTES) {
                    overflowed = true;
                    bytes = null;
                } else {
                    if (size + n > bytes.length) {
                        bytes = Arrays.copyOf(bytes, Math.min(MAX_BYTES, Math.max(size + n, bytes.length * 2)));
                    }
                    buffer.slice().get(bytes, size, n);
                    size += n;
                }
            }
            if (chunk.isLast()) {
                ended = true;
            }
        }

        /** Whether the whole body is kept, to be sent again. */
        synchronized boolean whole() {
            return ended && !overflowed;
        }

        /** The body to send again: all of it, as the client sent it. */
        synchronized org.eclipse.jetty.client.Request.Content content(String contentType) {
            return new BytesRequestContent(contentType, Arrays.copyOf(bytes, size));
        }
    }

    /** A request to the exchange's endpoint, for {@code pathAndQuery}; its headers are set later. */
    org.eclipse.jetty.client.Request newRequest(Exchange exchange, boolean tls, UpstreamTlsContexts.Tag tlsTag,
            String pathAndQuery) {
        RoutePolicy policy = exchange.route.policy();
        Endpoint endpoint = exchange.endpoint;
        String scheme = tls ? "https" : "http";
        Tag tag = new Tag(endpoint.address(), endpoint.port(), tlsTag == null ? null : tlsTag.tls(),
                policy.connectTimeoutMillis());
        return client().newRequest(authorityUri(scheme, exchange, policy, endpoint))
                .path(pathAndQuery)
                .tag(tag);
    }

    /**
     * {@code scheme://authority} of the call's {@code :authority}: the Host an HTTP/1 request would
     * be sent with; the endpoint's own when that one cannot be a URI's (a host name with an
     * underscore, say).
     */
    private static URI authorityUri(String scheme, Exchange exchange, RoutePolicy policy, Endpoint endpoint) {
        String authority = policy.upstreamHost();
        if (authority == null) {
            authority = exchange.getHttpURI().getAuthority();
        }
        if (authority != null) {
            try {
                URI uri = new URI(scheme + "://" + authority);
                if (uri.getHost() != null && uri.getRawPath().isEmpty() && uri.getRawUserInfo() == null) {
                    return uri;
                }
            } catch (java.net.URISyntaxException e) {
                // below
            }
        }
        return URI.create(scheme + "://" + RoutingProxy.uriHost(endpoint) + ":" + endpoint.port());
    }

    /**
     * The headers of a call as they go: {@code TE: trailers}, and no {@code Host} beside the
     * {@code :authority} (which names the same), nor the {@code Transfer-Encoding} of a streamed body.
     */
    static void finishHeaders(HttpFields.Mutable proxyToServerHeaders) {
        proxyToServerHeaders.remove(HttpHeader.HOST);
        proxyToServerHeaders.remove(HttpHeader.TRANSFER_ENCODING);
        proxyToServerHeaders.put(TE_TRAILERS);
    }

    /**
     * Hands the endpoint's trailers to the client's answer, as it ends: over HTTP/2 a HEADERS frame
     * ending the stream. Called with the answer's head, before the answer is committed: Jetty takes
     * the trailers' supplier with the head, and asks it once the body is whole. Hop-by-hop fields
     * are left out, as from a head. An HTTP/1.1 client gets none: the proxy's own HTTP/1 connections
     * write no trailers (gRPC clients speak HTTP/2).
     */
    static void passTrailers(org.eclipse.jetty.client.Response serverToProxyResponse, Response proxyToClientResponse) {
        proxyToClientResponse.setTrailersSupplier(() -> passed(serverToProxyResponse.getTrailers()));
    }

    private static HttpFields passed(HttpFields trailers) {
        if (trailers == null || trailers.size() == 0) {
            return null;
        }
        HttpFields.Mutable passed = HttpFields.build(trailers.size());
        for (HttpField field : trailers) {
            if (!ProxyHeaders.isHopByHop(field) && field.getHeader() != HttpHeader.CONTENT_LENGTH) {
                passed.add(field);
            }
        }
        return passed;
    }

    private HttpClient client() {
        HttpClient made = client;
        if (made == null) {
            synchronized (this) {
                made = client;
                if (made == null) {
                    made = factory.get();
                    client = made;
                }
            }
        }
        return made;
    }

    /** Stops the client, if one was made; a proxy started again makes a new one. */
    synchronized void stop() {
        HttpClient made = client;
        client = null;
        if (made != null) {
            LifeCycle.stop(made);
        }
    }

    /**
     * The HTTP/2 transport: a {@link Tag tagged} destination connects to the tag's endpoint (not to
     * the authority its requests name), with the tag's TLS client side when it has one.
     */
    static HttpClientTransportOverHTTP2 transport(ClientConnector connector) {
        return new HttpClientTransportOverHTTP2(new HTTP2Client(connector)) {
            @Override
            public Destination newDestination(Origin origin) {
                if (!(origin.getTag() instanceof Tag tag)) {
                    return super.newDestination(origin);
                }
                Origin endpoint = new Origin(origin.getScheme(), new Origin.Address(tag.address(), tag.port()), tag,
                        origin.getProtocol(), origin.getTransport());
                return new HttpDestination(getHttpClient(), origin) {
                    @Override
                    public Origin resolveOrigin() {
                        return endpoint;
                    }

                    @Override
                    public SslContextFactory.Client resolveSslContextFactory() {
                        return tag.tls() != null && isSecure() ? tag.tls() : super.resolveSslContextFactory();
                    }
                };
            }
        };
    }
}
