package io.jingress.jetty.internal.http2;

import java.io.EOFException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.jingress.jetty.internal.tls.TimedSslConnectionFactory;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.api.server.ServerSessionListener;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's HTTP/2 server connections, with three fixes: a request whose stream Jetty itself resets
 * is failed, as one whose stream the client resets is; over a {@link TimedSslConnectionFactory}
 * the request heads have a deadline, as HTTP/1 heads do; and request headers past the limit are
 * answered 431 on their stream, not with the end of the connection.
 *
 * <p>Jetty resets a stream whose DATA run past its {@code Content-Length} (a malformed request,
 * RFC 9113 section 8.1.1), but does not tell the request: a handler waiting for the rest of the
 * body, or for its upstream, waited forever, past the stream's idle timeout (the stream is gone)
 * and the connection's close. Any client could leave such requests behind, each holding its
 * exchange and keeping a graceful stop waiting for its timeout. Here a stream closed after a reset
 * the client did not send fails its request with an {@link EOFException}, the failure a client's
 * reset brings.
 *
 * <p>Request headers past the configuration's {@linkplain HttpConfiguration#getRequestHeaderSize()
 * request header size} are answered 431 on their own stream, as HTTP/1 answers them; other streams
 * of the connection go on. Jetty's HPACK decoder (12.1) takes the request header size as its limit
 * and throws a {@code HpackException.SessionException} past it ("Header fields size too large" for
 * an encoded block longer than the limit, "Header size %d > %d" for a decoded one), which its
 * {@code HeaderBlockParser} turns into a GOAWAY PROTOCOL_ERROR ({@code invalid_hpack_block}): one
 * oversized cookie failed every request a browser had in flight on the connection. It has to be a
 * connection error there, as the decoder stops part way through the block and its dynamic table no
 * longer matches the client's (RFC 9113 section 4.3). So the decoder is given a higher limit,
 * {@link #decodeLimit}, and decodes such a block whole, and a request past the request header size
 * (counted as RFC 9113 section 6.5.2 counts it) is failed here with 431 (RFC 9113 section 10.5.1).
 * A header block past {@link #decodeLimit} is still a connection error: Jetty buffers a block whole
 * before decoding it, and that has to end somewhere.
 *
 * <p>SETTINGS_MAX_HEADER_LIST_SIZE advertises {@link #decodeLimit}, not the request header size:
 * Jetty sets its decoder's limit to the value it advertises as it sends its SETTINGS, and it is the
 * size past which the connection fails, the one a client does well to keep under. Below it, a
 * client learns of the request header size from the 431, as over HTTP/1.
 */
public class Http2ConnectionFactory extends HTTP2ServerConnectionFactory {
    /** Connection attribute: the last request refused with 431 on the connection, for the request log. */
    private static final String REFUSED = "jingress.http2.refused";

    /** The header list size past which a request is answered 431: the configuration's request header size. */
    private final int maxHeaderListSize;

    public Http2ConnectionFactory(HttpConfiguration configuration) {
        this(configuration, "h2");
    }

    /** HTTP/2 under {@code protocols} ({@code h2}, ALPN's name; {@code h2c} for cleartext). */
    protected Http2ConnectionFactory(HttpConfiguration configuration, String... protocols) {
        // Jetty's parser, and the SETTINGS it sends, take the HPACK decoder's limit from the
        // configuration's request header size, so the connections get a copy with the higher limit
        super(withHeaderSize(configuration, decodeLimit(configuration.getRequestHeaderSize())), protocols);
        this.maxHeaderListSize = configuration.getRequestHeaderSize();
        // Jetty's factory adds a customizer advertising an HTTP/3 listener (Alt-Svc) to every HTTP/2
        // answer; there is none here, and it would look for one on each request. (It adds it to the
        // configuration it is given, here the copy; without the copy, to one an HTTPS listener
        // shares with HTTP/1.1.)
        for (HttpConfiguration http : new HttpConfiguration[] {configuration, getHttpConfiguration()}) {
            HttpConfiguration.Customizer altSvc = http.getCustomizer(AltSvcCustomizer.class);
            if (altSvc != null) {
                http.removeCustomizer(altSvc);
            }
        }
    }

    /** The largest header block decoded, for a request header size of {@code requestHeaderSize}: four times it, at least 64 KiB. */
    static int decodeLimit(int requestHeaderSize) {
        return Math.max(64 * 1024, (int) Math.min(Integer.MAX_VALUE, 4L * requestHeaderSize));
    }

    private static HttpConfiguration withHeaderSize(HttpConfiguration configuration, int requestHeaderSize) {
        HttpConfiguration copy = new HttpConfiguration(configuration);
        copy.setRequestHeaderSize(requestHeaderSize);
        return copy;
    }

    /** The size of a request's header list as RFC 9113 section 6.5.2 counts it: each field's name and value, and 32. */
    static long headerListSize(MetaData.Request request) {
        long size = field(":method", request.getMethod()) + field(":path", request.getHttpURI().getPathQuery());
        if (request.getHttpURI().getScheme() != null) {
            size += field(":scheme", request.getHttpURI().getScheme());
        }
        if (request.getHttpURI().getAuthority() != null) {
            size += field(":authority", request.getHttpURI().getAuthority());
        }
        if (request.getProtocol() != null) {
            size += field(":protocol", request.getProtocol());
        }
        for (HttpField header : request.getHttpFields()) {
            size += field(header.getName(), header.getValue());
        }
        return size;
    }

    /**
     * The request, decoded, that a {@code request} of Jetty's stands in for (its
     * {@code GET /badRequest}) when its headers were refused with 431 here; else null. Only the
     * connection's latest such request is kept, and only while the server has a request log: one
     * logged while another refusal on the same connection awaits its line gets null.
     */
    public static MetaData.Request refusedRequest(Request request) {
        ConnectionMetaData connection = request.getConnectionMetaData();
        if (connection.getHttpVersion() != HttpVersion.HTTP_2
                || !(connection.getAttribute(REFUSED) instanceof Refused refused) || !refused.streamId().equals(request.getId())) {
            return null;
        }
        connection.removeAttribute(REFUSED);
        return refused.request();
    }

    /** A refused request and the id (its stream's) of the request Jetty makes in its place. */
    private record Refused(String streamId, MetaData.Request request) {
    }

    private static long field(String name, String value) {
        return name.length() + (value == null ? 0 : value.length()) + 32;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        TimedSslConnectionFactory.timeHttp2Heads(endPoint);
        return super.newConnection(connector, endPoint);
    }

    @Override
    protected ServerSessionListener newSessionListener(Connector connector, EndPoint endPoint) {
        return new ResetFailingListener(connector, endPoint);
    }

    private final class ResetFailingListener extends HTTPServerSessionListener {
        /** Streams whose request was told of their failure already (a client's reset, a failure frame). */
        private final Set<Integer> failed = ConcurrentHashMap.newKeySet();
        private final Connector connector;
        private final EndPoint endPoint;

        ResetFailingListener(Connector connector, EndPoint endPoint) {
            super(endPoint);
            this.connector = connector;
            this.endPoint = endPoint;
        }

        @Override
        public Stream.Listener onNewStream(Stream stream, HeadersFrame frame) {
            if (frame.getMetaData() instanceof MetaData.Request request && headerListSize(request) > maxHeaderListSize) {
                if (connector.getServer().getRequestLog() != null && endPoint.getConnection() instanceof ConnectionMetaData connection) {
                    // Jetty logs the request it makes in this one's place as "GET /badRequest"
                    connection.setAttribute(REFUSED, new Refused(String.valueOf(stream.getId()), request));
                }
                // as Jetty answers a request head its decoder fails (with 400): a failure of the
                // stream, which its error handler answers with the failure's status, on this stream alone
                onFailure(stream, ErrorCode.PROTOCOL_ERROR.code, "request_header_fields_too_large",
                        new HttpException.RuntimeException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431,
                                "the request headers are larger than allowed"), Callback.NOOP);
                return this;
            }
            return super.onNewStream(stream, frame);
        }

        @Override
        public void onReset(Stream stream, ResetFrame frame, Callback callback) {
            failed.add(stream.getId());
            super.onReset(stream, frame, callback);
        }

        @Override
        public void onFailure(Stream stream, int error, String reason, Throwable failure, Callback callback) {
            failed.add(stream.getId());
            super.onFailure(stream, error, reason, failure, callback);
        }

        @Override
        public void onClosed(Stream stream) {
            if (!failed.remove(stream.getId()) && stream.isReset()) {
                super.onReset(stream, new ResetFrame(stream.getId(), ErrorCode.PROTOCOL_ERROR.code), Callback.NOOP);
            }
        }
    }
}
