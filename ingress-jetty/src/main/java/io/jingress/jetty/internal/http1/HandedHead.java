package io.jingress.jetty.internal.http1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The head of the request a lean connection handed to Jetty's connection, as the client sent it:
 * its request line, and its length up to and with the empty line that ends it. The request log
 * writes these, as nginx writes {@code $request} and counts {@code $request_length}, for a
 * request Jetty took apart differently (an absolute-form target, of which it keeps the path) or
 * refused before it had a request line or header fields to give the request.
 *
 * <p>Its {@code User-Agent} and {@code Referer}, read from the header lines that came whole, are
 * for a request Jetty refused without giving it its header fields (a target it cannot take, two
 * Host fields): the log still says who sent it, as for any other request.
 *
 * @param requestLine the request line without its line end, a char a byte
 * @param length the head's bytes, or -1 if its end had not arrived when it was handed over
 * @param userAgent the first {@code User-Agent} value, trimmed, a char a byte; null if none came
 * @param referer the first {@code Referer} value, likewise
 */
public record HandedHead(String requestLine, int length, String userAgent, String referer) {
    private static final byte[] USER_AGENT = "user-agent".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REFERER = "referer".getBytes(StandardCharsets.US_ASCII);

    /** A head without those two fields. */
    public HandedHead(String requestLine, int length) {
        this(requestLine, length, null, null);
    }

    /** The head at the start of {@code bytes} (position to limit, not moved), or null if its first line had not come whole. */
    static HandedHead of(ByteBuffer bytes) {
        int from = bytes.position();
        int to = bytes.limit();
        int lineEnd = -1;
        for (int i = from; i < to; i++) {
            if (bytes.get(i) == '\n') {
                lineEnd = i;
                break;
            }
        }
        if (lineEnd < 0) {
            return null;
        }
        int textEnd = lineEnd > from && bytes.get(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
        byte[] line = new byte[textEnd - from];
        bytes.get(from, line);
        // the head ends at a line end followed by an empty line (CRLF or, leniently, a bare LF)
        int length = -1;
        for (int i = lineEnd; i < to; i++) {
            if (bytes.get(i) != '\n') {
                continue;
            }
            if (i + 1 < to && bytes.get(i + 1) == '\n') {
                length = i + 2 - from;
                break;
            }
            if (i + 2 < to && bytes.get(i + 1) == '\r' && bytes.get(i + 2) == '\n') {
                length = i + 3 - from;
                break;
            }
        }
        // the header lines that came whole, up to the head's end
        int end = length >= 0 ? from + length : to;
        String userAgent = null;
        String referer = null;
        int lineStart = lineEnd + 1;
        while (lineStart < end) {
            int next = lineStart;
            while (next < end && bytes.get(next) != '\n') {
                next++;
            }
            if (next == end) {
                break;
            }
            if (userAgent == null && isNamed(bytes, lineStart, next, USER_AGENT)) {
                userAgent = value(bytes, lineStart + USER_AGENT.length + 1, next);
            } else if (referer == null && isNamed(bytes, lineStart, next, REFERER)) {
                referer = value(bytes, lineStart + REFERER.length + 1, next);
            }
            lineStart = next + 1;
        }
        return new HandedHead(new String(line, StandardCharsets.ISO_8859_1), length, userAgent, referer);
    }

    // whether the line from..to is the field lowerCaseName (any case), then its colon
    private static boolean isNamed(ByteBuffer bytes, int from, int to, byte[] lowerCaseName) {
        if (to - from <= lowerCaseName.length || bytes.get(from + lowerCaseName.length) != ':') {
            return false;
        }
        for (int i = 0; i < lowerCaseName.length; i++) {
            int b = bytes.get(from + i);
            if ((b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b) != lowerCaseName[i]) {
                return false;
            }
        }
        return true;
    }

    // the field value from..to (the line end excluded), without the whitespace around it
    private static String value(ByteBuffer bytes, int from, int to) {
        int start = from;
        int stop = to;
        while (start < stop && isWhitespace(bytes.get(start))) {
            start++;
        }
        while (stop > start && (isWhitespace(bytes.get(stop - 1)) || bytes.get(stop - 1) == '\r')) {
            stop--;
        }
        byte[] value = new byte[stop - start];
        bytes.get(start, value);
        return new String(value, StandardCharsets.ISO_8859_1);
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }
}
