package io.jingress.jetty.internal.admin;

import io.jingress.core.route.Backend;
import io.jingress.core.route.Route;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpField;
import io.jingress.jetty.internal.http1.HandedHead;
import io.jingress.jetty.internal.http1.LeanExchanges;
import io.jingress.jetty.internal.http2.Http2ConnectionFactory;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log, one line per request in ingress-nginx's {@code upstreaminfo} format:
 *
 * <pre>
 * $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id
 * </pre>
 *
 * for example
 *
 * <pre>
 * 10.0.0.9 - - [27/Nov/2026:15:04:16 +0000] "GET /kubia?x=1 HTTP/1.1" 200 42 "-" "curl/8.5.0" 78 0.013 [default/kubia:80] [] 10.244.1.7:8080 42 0.012 200 5f0c...
 * </pre>
 *
 * <ul>
 *   <li>{@code $remote_user} is always {@code -}: the proxy does no authentication.</li>
 *   <li>{@code $time_local} is the time the request began, in the log's time zone.</li>
 *   <li>{@code $request} is {@code METHOD path?query PROTOCOL}, with an HTTP/1 target that is not
 *       in origin form (absolute-form {@code http://host/path?query}) as the client sent it, on
 *       any request of a connection; for the request at which the lean HTTP/1 connection handed
 *       its connection to Jetty's (an absolute-form target, a target or head Jetty refuses, odd
 *       syntax) it is the request line as the client sent it, as nginx logs it (Jetty keeps only
 *       the path of an absolute-form target, and a request line it refuses becomes
 *       {@code BAD /badMessage HTTP/1.0}). In quoted fields {@code "}, {@code \},
 *       control characters and bytes above 0x7E are written as {@code \xHH}, as nginx does.</li>
 *   <li>{@code $http_referer} and {@code $http_user_agent} of a request Jetty refused before it
 *       gave it its header fields (a target it cannot take, two Host fields: a 400) are read from
 *       the head as it came, for the request the lean connection handed over.</li>
 *   <li>An HTTP/2 request answered 431 (its headers past the limit) is logged as it was decoded,
 *       its method, path, {@code Referer} and {@code User-Agent}, not as Jetty's stand-in
 *       {@code GET /badRequest} (see {@link Http2ConnectionFactory#refusedRequest}).</li>
 *   <li>{@code $status} is 499 ("client closed request", as nginx) for a request whose client
 *       went away before anything was sent to it (an HTTP/1 connection closed, an HTTP/2 stream
 *       reset, before or after it was routed), and 408 for one whose body stopped coming; the
 *       upstream fields of such a request show the endpoint and how long its try lasted, without
 *       a status. A client gone part way through its answer keeps the endpoint's status, with the
 *       bytes sent.</li>
 *   <li>{@code $request_length} is the request line, header and body in HTTP/1.1 form, counted from
 *       the parsed request; for the request just named, the head as it came, and its body.</li>
 *   <li>{@code $request_time} and {@code $upstream_response_time} are seconds with millisecond
 *       precision ({@code 0.012}).</li>
 *   <li>{@code $proxy_upstream_name} is the route's backend's {@code ns/svc:port}, and
 *       {@code $proxy_alternative_upstream_name} the canary's backend's when the request went to the
 *       route's canary (empty brackets otherwise), as in ingress-nginx: such a request's line
 *       names both, its upstream fields being the canary endpoint's.</li>
 *   <li>{@code $upstream_response_length} is the body length relayed from the upstream.</li>
 * </ul>
 *
 * <p>The upstream fields come from request attributes the proxy sets ({@link #ROUTE},
 * {@link #UPSTREAM_ADDR}, {@link #UPSTREAM_STATUS}, {@link #UPSTREAM_NANOS}, {@link #REQUEST_ID});
 * a field without a value is written as {@code -}. Jetty calls the log once the response is complete,
 * so a line never delays its own response; to keep file I/O off the request threads altogether, give
 * it Jetty's {@link org.eclipse.jetty.server.AsyncRequestLogWriter}, which this log starts and stops
 * with the server.
 *
 * <pre>{@code
 * server.setRequestLog(new AccessLog());                 // SLF4J logger "jingress.access", level INFO
 * server.setRequestLog(new AccessLog(System.out));       // any Appendable, one line per request
 * server.setRequestLog(new AccessLog(new AsyncRequestLogWriter("/var/log/jingress/access.log")));
 * }</pre>
 */
public final class AccessLog extends ContainerLifeCycle implements RequestLog {
    /** Request attribute: the matched {@link Route}; absent when nothing matched. */
    public static final String ROUTE = "jingress.route";
    /** Request attribute: the canary's {@code Backend} when the request went to it; absent otherwise. */
    public static final String CANARY_BACKEND = "jingress.canary.backend";
    /** Request attribute: {@code ip:port} (String) of the last endpoint tried. */
    public static final String UPSTREAM_ADDR = "jingress.upstream.addr";
    /** Request attribute: the upstream's response status (Integer). */
    public static final String UPSTREAM_STATUS = "jingress.upstream.status";
    /** Request attribute: the upstream exchange's duration in nanoseconds (Long). */
    public static final String UPSTREAM_NANOS = "jingress.upstream.nanos";
    /** Request attribute: the request id sent upstream as {@code X-Request-ID} (String). */
    public static final String REQUEST_ID = "jingress.request.id";
    /**
     * The body length of an error answer Jetty wrote itself (a request it refused), which it
     * writes past the response the log is given: set by the server's error handler.
     */
    /** The client's address a trusted proxy named ({@code X-Forwarded-For}), when it differs from the connection's peer. */
    public static final String CLIENT_ADDR = "jingress.client.addr";
    public static final String ERROR_BODY_BYTES = "jingress.error.bytes";

    /** The SLF4J logger name used by {@link #AccessLog()}. */
    public static final String LOGGER_NAME = "jingress.access";

    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    private static final DateTimeFormatter TIME_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final RequestLog.Writer writer;
    private final Logger logger;
    private final ZoneId zone;
    private final LongSupplier nanoClock;
    private final AtomicBoolean failureReported = new AtomicBoolean();
    private volatile FormattedSecond lastSecond = new FormattedSecond(Long.MIN_VALUE, "");

    /** Writes to the SLF4J logger {@value #LOGGER_NAME} at INFO, in the system time zone. */
    public AccessLog() {
        this(LoggerFactory.getLogger(LOGGER_NAME));
    }

    private AccessLog(Logger logger) {
        this(logger::info, logger, ZoneId.systemDefault(), System::nanoTime);
    }

    /** Appends each line, ending in {@code \n}, to {@code out}; lines from many threads never interleave. */
    public AccessLog(Appendable out) {
        this(appending(Objects.requireNonNull(out, "out")), null, ZoneId.systemDefault(), System::nanoTime);
    }

    /**
     * Hands each line to {@code writer} (which ends it), e.g. Jetty's {@code AsyncRequestLogWriter};
     * a writer that is a {@link LifeCycle} is started and stopped
     * with this log.
     */
    public AccessLog(RequestLog.Writer writer) {
        this(Objects.requireNonNull(writer, "writer"), null, ZoneId.systemDefault(), System::nanoTime);
    }

    /** For tests: a fixed time zone and a clock for the end of the request. */
    AccessLog(RequestLog.Writer writer, Logger logger, ZoneId zone, LongSupplier nanoClock) {
        this.writer = writer;
        this.logger = logger;
        this.zone = zone;
        this.nanoClock = nanoClock;
        if (writer instanceof LifeCycle) {
            addBean(writer, true);
        }
    }

    static RequestLog.Writer appending(Appendable out) {
        return line -> {
            synchronized (out) {
                out.append(line).append('\n');
            }
        };
    }

    @Override
    public void log(Request request, Response response) {
        if (logger != null && !logger.isInfoEnabled()) {
            return;
        }
        Route route = request.getAttribute(ROUTE) instanceof Route routed ? routed : null;
        if (route != null && !route.policy().accessLog()) {
            return;  // enable-access-log: "false", nginx's access_log off in the Ingress's locations
        }
        try {
            writer.write(format(request, response, route));
        } catch (IOException | RuntimeException e) {
            if (failureReported.compareAndSet(false, true)) {
                LOG.warn("access log: cannot write a line ({}); further failures are not reported", e.toString());
            }
        }
    }

    /** One line, without its line end, for a request the proxy routed to {@code route} (or null). */
    String format(Request request, Response response, Route route) {
        long endNanos = nanoClock.getAsLong();
        StringBuilder line = new StringBuilder(256);
        HttpFields headers = request.getHeaders();
        String method = request.getMethod();
        String refusedPathQuery = null;
        if (response.getStatus() == HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431) {
            // an HTTP/2 request refused for its headers: the request as decoded, not Jetty's stand-in
            MetaData.Request refused = Http2ConnectionFactory.refusedRequest(request);
            if (refused != null) {
                method = refused.getMethod();
                refusedPathQuery = refused.getHttpURI().getPathQuery();
                headers = refused.getHttpFields();
            }
        }
        String remoteAddr = request.getAttribute(CLIENT_ADDR) instanceof String forwarded
                ? forwarded : Request.getRemoteAddr(request);
        line.append(remoteAddr == null ? "-" : remoteAddr).append(" - - [")
                .append(timeLocal(Request.getTimeStamp(request))).append("] \"");
        // the request line as the client sent it where Jetty's parse of it differs (see HandedHead),
        // else from the parsed request: METHOD path?query PROTOCOL
        HandedHead handed = LeanExchanges.handedHead(request);
        int requestLineLength;
        if (handed != null) {
            appendEscaped(line, handed.requestLine());
            requestLineLength = handed.requestLine().length();
        } else {
            // an absolute-form target whole, as sent, on every request of a connection (see targetNotOrigin)
            String pathQuery = refusedPathQuery != null ? refusedPathQuery : LeanExchanges.targetNotOrigin(request);
            if (pathQuery == null) {
                pathQuery = request.getHttpURI().getPathQuery();
            }
            if (pathQuery == null) {
                pathQuery = "/";
            }
            String protocol = request.getConnectionMetaData().getProtocol();
            line.append(method).append(' ');
            // Jetty decodes an HTTP/1 target from UTF-8, an HTTP/2 one a char a byte
            boolean utf8 = request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_2;
            appendEscaped(line, pathQuery, utf8);
            line.append(' ').append(protocol);
            requestLineLength = method.length() + 1 + byteLength(pathQuery, utf8) + 1 + protocol.length();
        }
        long bodyBytesSent = LeanExchanges.contentBytesWritten(response);
        if (bodyBytesSent == 0 && request.getAttribute(ERROR_BODY_BYTES) instanceof Long errorBytes) {
            bodyBytesSent = errorBytes;
        }
        line.append("\" ").append(response.getStatus()).append(' ').append(bodyBytesSent).append(" \"");
        String referer = headers.get(HttpHeader.REFERER);
        String userAgent = headers.get(HttpHeader.USER_AGENT);
        if (handed != null && headers.size() == 0) {
            // Jetty refused the request without giving it its header fields: as they came
            referer = handed.referer();
            userAgent = handed.userAgent();
        }
        appendQuotedValue(line, referer);
        line.append("\" \"");
        appendQuotedValue(line, userAgent);
        long headLength = handed != null && handed.length() >= 0 ? handed.length() : headLength(requestLineLength, headers);
        line.append("\" ").append(headLength + Math.max(0, LeanExchanges.contentBytesRead(request))).append(' ');
        appendSeconds(line, endNanos - request.getBeginNanoTime());

        line.append(" [");
        appendValue(line, route == null ? null : route.backend().key());
        line.append("] [");
        if (request.getAttribute(CANARY_BACKEND) instanceof Backend canary) {
            line.append(canary.key());
        }
        line.append("] ");
        appendValue(line, request.getAttribute(UPSTREAM_ADDR));
        Object upstreamStatus = request.getAttribute(UPSTREAM_STATUS);
        line.append(' ');
        if (upstreamStatus == null) {
            line.append('-');
        } else {
            line.append(bodyBytesSent);
        }
        line.append(' ');
        if (request.getAttribute(UPSTREAM_NANOS) instanceof Number nanos) {
            appendSeconds(line, nanos.longValue());
        } else {
            line.append('-');
        }
        line.append(' ');
        appendValue(line, upstreamStatus);
        line.append(' ');
        appendValue(line, request.getAttribute(REQUEST_ID));
        return line.toString();
    }

    /**
     * Logs one {@code ssl-passthrough} tunnel as it ends, in the layout of a request's line, so that
     * the same parser reads both:
     *
     * <pre>
     * $remote_addr - - [$time_local] "PASSTHROUGH $ssl_preread_server_name TLS" $status $bytes_sent "-" "-" $bytes_received $session_time [$proxy_upstream_name] [] $upstream_addr $bytes_sent $session_time - -
     * </pre>
     *
     * {@code $status} as nginx's stream module gives it: 200 the tunnel was made (whatever ended it),
     * 502 no endpoint could be connected to, 503 the backend had no endpoint. The bytes are those
     * relayed to the client and from it (the ClientHello included); the time is from the
     * ClientHello to the end. An Ingress with {@code enable-access-log: "false"} is not logged.
     */
    public void logTunnel(Route route, String remoteAddr, long startEpochMillis, String sni, int status, long bytesToClient,
            long bytesFromClient, long nanos, String upstreamAddr) {
        if (route != null && !route.policy().accessLog()) {
            return;
        }
        logStream(remoteAddr, startEpochMillis, "PASSTHROUGH ", sni, " TLS", status, bytesToClient, bytesFromClient, nanos,
                route == null ? null : route.backend().key(), upstreamAddr);
    }

    /**
     * Logs one connection of a TCP service ({@code --tcp-services-configmap}) as it ends, in the
     * layout of {@link #logTunnel}, with {@code "TCP $server_port"} for the request:
     *
     * <pre>
     * $remote_addr - - [$time_local] "TCP $server_port" $status $bytes_sent "-" "-" $bytes_received $session_time [$proxy_upstream_name] [] $upstream_addr $bytes_sent $session_time - -
     * </pre>
     *
     * {@code $status} 200 an endpoint was connected to, 502 none could be, 503 the Service had none
     * ready; {@code $proxy_upstream_name} is the entry's {@code namespace/service:port}; the client
     * address is the one a PROXY protocol header named when the port decodes it.
     */
    public void logTcp(String remoteAddr, long startEpochMillis, int port, String backendKey, int status,
            long bytesToClient, long bytesFromClient, long nanos, String upstreamAddr) {
        logStream(remoteAddr, startEpochMillis, "TCP ", Integer.toString(port), "", status, bytesToClient, bytesFromClient,
                nanos, backendKey, upstreamAddr);
    }

    private void logStream(String remoteAddr, long startEpochMillis, String requestStart, String requestName,
            String requestEnd, int status, long bytesToClient, long bytesFromClient, long nanos, String backendKey,
            String upstreamAddr) {
        if (logger != null && !logger.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder(160);
        line.append(remoteAddr == null ? "-" : remoteAddr).append(" - - [").append(timeLocal(startEpochMillis))
                .append("] \"").append(requestStart);
        appendEscaped(line, requestName);
        line.append(requestEnd).append("\" ").append(status).append(' ').append(bytesToClient).append(" \"-\" \"-\" ")
                .append(bytesFromClient).append(' ');
        appendSeconds(line, nanos);
        line.append(" [");
        appendValue(line, backendKey);
        line.append("] [] ");
        appendValue(line, upstreamAddr);
        line.append(' ');
        if (upstreamAddr == null) {
            line.append("- -");
        } else {
            line.append(bytesToClient).append(' ');
            appendSeconds(line, nanos);
        }
        line.append(" - -");
        try {
            writer.write(line.toString());
        } catch (IOException | RuntimeException e) {
            if (failureReported.compareAndSet(false, true)) {
                LOG.warn("access log: cannot write a line ({}); further failures are not reported", e.toString());
            }
        }
    }

    // the head in HTTP/1.1 form, from the parsed request
    private static long headLength(int requestLineLength, HttpFields headers) {
        long length = requestLineLength + 2L; // CRLF
        for (int i = 0; i < headers.size(); i++) {
            HttpField field = headers.getField(i);
            String value = field.getValue();
            length += field.getName().length() + 2L + (value == null ? 0 : value.length()) + 2L;
        }
        return length + 2L;
    }

    private String timeLocal(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000L);
        FormattedSecond cached = lastSecond;
        if (cached.epochSecond != second) {
            cached = new FormattedSecond(second, TIME_LOCAL.format(Instant.ofEpochSecond(second).atZone(zone)));
            lastSecond = cached;
        }
        return cached.text;
    }

    private static void appendSeconds(StringBuilder line, long nanos) {
        long millis = Math.max(0, nanos) / 1_000_000L;
        long fraction = millis % 1000;
        line.append(millis / 1000).append('.');
        if (fraction < 100) {
            line.append('0');
        }
        if (fraction < 10) {
            line.append('0');
        }
        line.append(fraction);
    }

    private static void appendValue(StringBuilder line, Object value) {
        if (value == null) {
            line.append('-');
        } else {
            appendEscaped(line, value.toString());
        }
    }

    private static void appendQuotedValue(StringBuilder line, String value) {
        if (value == null || value.isEmpty()) {
            line.append('-');
        } else {
            appendEscaped(line, value);
        }
    }

    private static void appendEscaped(StringBuilder line, String value) {
        appendEscaped(line, value, false);
    }

    // the bytes value was decoded from (see appendEscaped)
    private static int byteLength(String value, boolean utf8) {
        int length = value.length();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x80 && (utf8 || c > 0xff)) {
                // 2 bytes up to U+07FF, 3 above, 4 for a surrogate pair (its 2 chars)
                length += c < 0x800 ? 1 : Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return length;
    }

    /**
     * nginx's default log escaping: {@code "}, {@code \}, and bytes below 0x20 or above 0x7E as
     * {@code \xHH}, so a line is ASCII whatever a client sent. A char beyond ASCII is taken for
     * the bytes it was decoded from: its UTF-8 bytes if {@code utf8}, else (header values, which
     * Jetty decodes a char a byte) the byte of a char up to 0xFF, the UTF-8 bytes of one above.
     */
    private static void appendEscaped(StringBuilder line, String value, boolean utf8) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') {
                line.append(c);
            } else if (c < 0x80 || !utf8 && c <= 0xff) {
                appendByte(line, c);
            } else {
                int codePoint = value.codePointAt(i);
                i += Character.charCount(codePoint) - 1;
                if (codePoint < 0x800) {
                    appendByte(line, 0xc0 | codePoint >> 6);
                } else if (codePoint < 0x10000) {
                    appendByte(line, 0xe0 | codePoint >> 12);
                    appendByte(line, 0x80 | (codePoint >> 6) & 0x3f);
                } else {
                    appendByte(line, 0xf0 | codePoint >> 18);
                    appendByte(line, 0x80 | (codePoint >> 12) & 0x3f);
                    appendByte(line, 0x80 | (codePoint >> 6) & 0x3f);
                }
                appendByte(line, 0x80 | codePoint & 0x3f);
            }
        }
    }

    private static void appendByte(StringBuilder line, int b) {
        line.append("\\x").append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }

    /** {@code $time_local} changes once a second; formatting it once per second keeps lines cheap. */
    private record FormattedSecond(long epochSecond, String text) {
    }
}
