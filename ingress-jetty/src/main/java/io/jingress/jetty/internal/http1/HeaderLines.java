package io.jingress.jetty.internal.http1;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * What the lean request and response head parsers share: finding the end of a head while
 * refusing bytes they never take, and header lines turned into {@link HttpField}s, a line equal
 * to the one in the same place of the previous head on the connection giving back the previous
 * field (a client repeats most of its lines, an upstream most of its own), so that a repeated
 * head costs a byte comparison per line and no strings. One per connection; not thread-safe.
 */
final class HeaderLines {
    /** The head's end is not within the bytes yet. */
    static final int INCOMPLETE = 0;
    /** A byte no lean parser takes. */
    static final int BAD = -1;

    /** Header name characters (RFC 9110 token). */
    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = 0; c < 128; c++) {
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            TCHAR[c] = alnum || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    /** The most bytes of header lines kept for the next head, per connection. */
    static final int MAX_CACHED_BYTES = 4096;

    private final byte[][] lastLines;
    private final HttpField[] lastFields;
    private int cachedBytes;

    HeaderLines(int maxLines) {
        lastLines = new byte[maxLines][];
        lastFields = new HttpField[maxLines];
    }

    /**
     * Where the head's empty line ends, {@link #INCOMPLETE} if not within {@code [from, to)}, or
     * {@link #BAD} at the first byte that a lean parser never takes in a head: a control byte
     * other than CR, LF and tab, DEL, a non-ASCII byte, or a CR and LF not in a pair.
     */
    static int headEnd(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            int b = bytes[i];
            if (b >= 0x20 && b != 0x7f) {
                continue;
            }
            if (b == '\t') {
                continue;
            }
            if (b != '\r') {
                return BAD;  // bare LF, a control byte, DEL or a byte above 0x7F (negative)
            }
            // CR: it must be followed by LF; CRLF CRLF ends the head
            if (i + 1 >= to) {
                return INCOMPLETE;
            }
            if (bytes[i + 1] != '\n') {
                return BAD;
            }
            if (i + 2 < to && bytes[i + 2] == '\r') {
                if (i + 3 >= to) {
                    return INCOMPLETE;
                }
                if (bytes[i + 3] != '\n') {
                    return BAD;
                }
                return i + 4;
            }
            i++;
        }
        return INCOMPLETE;
    }
    /** The header line {@code bytes[from, to)} as a field, the previous request's when equal; null if not taken. */
    HttpField field(byte[] bytes, int from, int to, int index) {
        byte[] last = lastLines[index];
        if (last != null && last.length == to - from && regionEquals(bytes, from, last)) {
            return lastFields[index];
        }
        int colon = from;
        while (colon < to && TCHAR[bytes[colon] & 0xff]) {
            colon++;
        }
        if (colon == from || colon == to || bytes[colon] != ':') {
            return null;
        }
        int valueStart = colon + 1;
        while (valueStart < to && (bytes[valueStart] == ' ' || bytes[valueStart] == '\t')) {
            valueStart++;
        }
        int valueEnd = to;
        while (valueEnd > valueStart && (bytes[valueEnd - 1] == ' ' || bytes[valueEnd - 1] == '\t')) {
            valueEnd--;
        }
        HttpHeader header = HttpHeader.CACHE.getBest(bytes, from, colon - from);
        if (header != null && header.asString().length() != colon - from) {
            header = null;  // a longer name that starts like a known one
        }
        String name = header != null && exactly(bytes, from, header.asString())
                ? header.asString()
                : new String(bytes, from, colon - from, StandardCharsets.US_ASCII);
        String value = new String(bytes, valueStart, valueEnd - valueStart, StandardCharsets.US_ASCII);
        HttpField field = header != null ? new HttpField(header, name, value) : new HttpField(name, value);
        // Kept for the next head up to a bound, so that a connection sitting idle between requests
        // holds little more than Jetty's own would (which gives its buffers back).
        int freed = last == null ? 0 : last.length;
        if (cachedBytes - freed + (to - from) <= MAX_CACHED_BYTES) {
            byte[] line = new byte[to - from];
            System.arraycopy(bytes, from, line, 0, line.length);
            lastLines[index] = line;
            lastFields[index] = field;
            cachedBytes += line.length - freed;
        } else if (last != null) {
            lastLines[index] = null;
            lastFields[index] = null;
            cachedBytes -= freed;
        }
        return field;
    }
    static boolean exactly(byte[] bytes, int at, String text) {
        int n = text.length();
        if (at + n > bytes.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (bytes[at + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }
    static boolean regionEquals(byte[] bytes, int at, byte[] expected) {
        if (at + expected.length > bytes.length) {
            return false;
        }
        return Arrays.equals(bytes, at, at + expected.length, expected, 0, expected.length);
    }
}
