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
 * @param requestLine the request line without its line end, a char a byte
 * @param length the head's bytes, or -1 if its end had not arrived when it was handed over
 */
public record HandedHead(String requestLine, int length) {
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
        return new HandedHead(new String(line, StandardCharsets.ISO_8859_1), length);
    }
}
