package io.jingress.jetty.internal.http1;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;

/**
 * Parses an upstream's response head when it is plain and its body's end is known from the head
 * alone, as most answers are: a status line {@code HTTP/1.1} or {@code HTTP/1.0}, a final status
 * (not 1xx), header lines as {@link RequestHeadParser} takes them, and either no body (a response
 * to HEAD, 204, 304) or exactly one {@code Content-Length} and no {@code Transfer-Encoding}.
 * Everything else ({@link #NOT_MINE}: interim responses, chunked or close-delimited bodies, odd
 * syntax, a head not yet read whole) is left to Jetty's {@code HttpParser}, from the head's first
 * byte: nothing is consumed here.
 *
 * <p>One per upstream connection: header lines repeated from the previous response on it give
 * back the previous {@link HttpField}s. Not thread-safe.
 */
public final class ResponseHeadParser {
    /** Not a response this parser takes, or not read whole yet: Jetty's parser gets it. */
    public static final int NOT_MINE = -1;

    private static final int MAX_FIELDS = 100;

    private final HeaderLines lines = new HeaderLines(MAX_FIELDS);
    private int status;
    private boolean keepAlive;
    private long bodyLength;

    /**
     * Parses the head at the start of {@code buffer} into {@code fields} (cleared first) without
     * consuming it; returns its length, or {@link #NOT_MINE} (then {@code fields} is empty).
     * {@code headRequest}: the request was a HEAD, so the response has no body whatever it says.
     */
    public int parse(ByteBuffer buffer, boolean headRequest, HttpFields.Mutable fields) {
        fields.clear();
        int length = parseHead(buffer, headRequest, fields);
        if (length <= 0) {
            fields.clear();
            return NOT_MINE;
        }
        return length;
    }

    private int parseHead(ByteBuffer buffer, boolean headRequest, HttpFields.Mutable fields) {
        if (!buffer.hasArray()) {
            return NOT_MINE;
        }
        byte[] bytes = buffer.array();
        int from = buffer.arrayOffset() + buffer.position();
        int end = HeaderLines.headEnd(bytes, from, buffer.arrayOffset() + buffer.limit());
        if (end <= 0) {
            return NOT_MINE;
        }
        // "HTTP/1.x 200 OK\r\n": the reason phrase is anything headEnd let through
        int i = from;
        HttpVersion version;
        if (HeaderLines.exactly(bytes, i, "HTTP/1.1 ")) {
            version = HttpVersion.HTTP_1_1;
        } else if (HeaderLines.exactly(bytes, i, "HTTP/1.0 ")) {
            version = HttpVersion.HTTP_1_0;
        } else {
            return NOT_MINE;
        }
        i += 9;
        int code = 0;
        for (int k = 0; k < 3; k++, i++) {
            byte b = bytes[i];
            if (b < '0' || b > '9') {
                return NOT_MINE;
            }
            code = code * 10 + (b - '0');
        }
        if (code < 200 || code > 599 || (bytes[i] != ' ' && bytes[i] != '\r')) {
            return NOT_MINE;
        }
        while (bytes[i] != '\r') {
            i++;
        }
        i += 2;

        boolean close = false;
        boolean persist = false;
        long announced = -1;
        int line = 0;
        while (i < end - 2) {
            if (line == MAX_FIELDS) {
                return NOT_MINE;
            }
            int lineEnd = i;
            while (bytes[lineEnd] != '\r') {
                lineEnd++;
            }
            HttpField field = lines.field(bytes, i, lineEnd, line);
            if (field == null) {
                return NOT_MINE;
            }
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.CONTENT_LENGTH) {
                if (announced >= 0) {
                    return NOT_MINE;
                }
                announced = digits(field.getValue());
                if (announced < 0) {
                    return NOT_MINE;
                }
            } else if (header == HttpHeader.TRANSFER_ENCODING) {
                return NOT_MINE;
            } else if (header == HttpHeader.CONNECTION) {
                close |= field.contains(HttpHeaderValue.CLOSE.asString());
                persist |= field.contains(HttpHeaderValue.KEEP_ALIVE.asString());
            }
            fields.add(field);
            line++;
            i = lineEnd + 2;
        }
        boolean noBody = headRequest || code == HttpStatus.NO_CONTENT_204 || code == HttpStatus.NOT_MODIFIED_304;
        if (!noBody && announced < 0) {
            return NOT_MINE;  // the body ends when the connection does: Jetty's parser knows that case
        }
        status = code;
        keepAlive = !close && (version == HttpVersion.HTTP_1_1 || persist);
        bodyLength = noBody ? 0 : announced;
        return end - from;
    }

    /** A Content-Length value: 1 to 18 digits, else -1. */
    private static long digits(String value) {
        int n = value.length();
        if (n == 0 || n > 18) {
            return -1;
        }
        long result = 0;
        for (int k = 0; k < n; k++) {
            char c = value.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            result = result * 10 + (c - '0');
        }
        return result;
    }

    /** The status of the last head parsed. */
    public int status() {
        return status;
    }

    /** Whether the upstream connection may carry another request after this response. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** The body's length: 0 for a response without one. */
    public long bodyLength() {
        return bodyLength;
    }
}
