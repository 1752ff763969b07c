package io.jingress.jetty.internal.http1;

import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;

/**
 * Parses the head of an HTTP/1.x request in its plainest form, without a body or with a short one
 * of known length, and refuses everything else: {@link #parse} then says {@link #NOT_MINE} and the request goes to Jetty's own HTTP/1
 * parser, which answers it (or rejects it) as it always did. What is taken is a strict subset of
 * what Jetty accepts, so a request cannot mean one thing here and another to Jetty or to the
 * backend (request smuggling):
 *
 * <ul>
 *   <li>the methods {@code GET}, {@code HEAD}, {@code DELETE}, {@code OPTIONS}, {@code POST},
 *       {@code PUT} and {@code PATCH};
 *   <li>an origin-form target: a path of letters, digits and {@code -._~!$&'()*+,=:@/} without
 *       {@code //}, dot segments, {@code ;} or percent escapes (so the path Jingress routes by is
 *       the path the backend receives, character for character), then optionally {@code ?} and a
 *       query of the same characters, {@code ?}, {@code /} and well-formed percent escapes;
 *   <li>{@code HTTP/1.1} or {@code HTTP/1.0};
 *   <li>header lines {@code name: value} ended by CRLF: a token name, the colon right after it,
 *       visible ASCII and inner spaces or tabs in the value; no line folding, no bare LF or CR,
 *       no control or non-ASCII bytes;
 *   <li>exactly one {@code Host}: a host name or IPv4 address and an optional port from 1 to
 *       65535; no {@code Transfer-Encoding}, {@code Upgrade}, {@code Expect} or
 *       {@code HTTP2-Settings}; at most one {@code Content-Length}, of plain digits without
 *       leading zeros, up to {@link #MAX_BODY} (the body is the connection's to read, see
 *       {@link #contentLength()}); {@code Expect} only as one {@code 100-continue} on an HTTP/1.1
 *       request with a body (see {@link #expectsContinue()});
 *   <li>at most {@link #MAX_FIELDS} header lines, and a head no longer than the limit given.
 * </ul>
 *
 * <p>A connection keeps one parser. Header lines equal to the ones of the previous request on the
 * connection (a client repeats most of them) reuse its {@link HttpField}s instead of new strings.
 * Not thread-safe.
 */
final class RequestHeadParser {
    /** The head is not complete yet: read more. */
    static final int INCOMPLETE = 0;
    /** Not a request this parser takes: Jetty's parser gets it. */
    static final int NOT_MINE = -1;
    /** No end of the head within the limit (Jetty answers that with 431 too). */
    static final int TOO_LARGE = -2;
    /** No end of the request line within the limit (Jetty answers that with 414). */
    static final int LINE_TOO_LONG = -3;

    static final int MAX_FIELDS = 100;
    /**
     * The longest body taken: as much as the proxy reads whole before it sends a request upstream
     * (UpstreamForwarder). The connection also needs the head and the body to fit its read buffer,
     * which holds the longest head allowed (16 KB in IngressServer): longer ones stream through
     * Jetty's connection.
     */
    static final int MAX_BODY = 16 * 1024;

    private static final String[] METHODS = {"GET ", "HEAD ", "DELETE ", "OPTIONS ", "POST ", "PUT ", "PATCH "};
    private static final byte[] HTTP_1_1 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_1_0 = "HTTP/1.0".getBytes(StandardCharsets.US_ASCII);

    // Character classes, a bit each.
    private static final byte PATH = 2;        // path characters taken (see the class comment)
    private static final byte QUERY = 4;       // query characters taken, '%' checked apart
    private static final byte HOST = 8;        // Host header value
    private static final byte[] CLASSES = new byte[256];

    static {
        for (int c = 0; c < 128; c++) {
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            byte classes = 0;
            if (alnum || "-._~!$&'()*+,=:@/".indexOf(c) >= 0) {
                classes |= PATH | QUERY;
            }
            if (c == '?' || c == '%') {
                classes |= QUERY;
            }
            if (alnum || c == '-' || c == '.') {
                classes |= HOST;
            }
            CLASSES[c] = classes;
        }
    }

    // What the last successful parse found.
    private String method;
    private HttpVersion version;
    private String target;
    private int queryStart;
    private HttpFields.Mutable fields;
    private HttpField hostField;
    private boolean closeRequested;
    private boolean keepAliveRequested;
    private int contentLength;
    private boolean expectsContinue;

    // The previous request's target and header lines, to reuse their strings.
    private byte[] lastTarget = new byte[0];
    private final HeaderLines lines = new HeaderLines(MAX_FIELDS);

    /**
     * Parses the head at {@code bytes[from, to)}: returns the head's length (through its empty
     * line) when it is complete and taken, {@link #INCOMPLETE} when more bytes may make it so, or
     * {@link #NOT_MINE}, or when {@code maxHead} bytes hold no complete head {@link #TOO_LARGE}
     * ({@link #LINE_TOO_LONG} if they hold not even the request line).
     */
    int parse(byte[] bytes, int from, int to, int maxHead) {
        int end = HeaderLines.headEnd(bytes, from, Math.min(to, from + maxHead));
        if (end == HeaderLines.BAD) {
            return NOT_MINE;
        }
        if (end == HeaderLines.INCOMPLETE) {
            if (!plausibleStart(bytes, from, to)) {
                return NOT_MINE;
            }
            if (to - from < maxHead) {
                return INCOMPLETE;
            }
            for (int i = from; i < from + maxHead; i++) {
                if (bytes[i] == '\r') {
                    return TOO_LARGE;
                }
            }
            return LINE_TOO_LONG;
        }
        return parseHead(bytes, from, end) ? end - from : NOT_MINE;
    }


    /** Whether an incomplete head starts with a method this parser takes (else Jetty gets it now). */
    private static boolean plausibleStart(byte[] bytes, int from, int to) {
        int n = Math.min(to - from, 8);
        for (String candidate : METHODS) {
            int m = Math.min(n, candidate.length());
            boolean same = true;
            for (int i = 0; i < m && same; i++) {
                same = bytes[from + i] == candidate.charAt(i);
            }
            if (same) {
                return true;
            }
        }
        return false;
    }

    private boolean parseHead(byte[] bytes, int from, int end) {
        // the request line
        int i = from;
        String m;
        if (startsWith(bytes, i, "GET ")) {
            m = HttpMethod.GET.asString();
        } else if (startsWith(bytes, i, "HEAD ")) {
            m = HttpMethod.HEAD.asString();
        } else if (startsWith(bytes, i, "DELETE ")) {
            m = HttpMethod.DELETE.asString();
        } else if (startsWith(bytes, i, "OPTIONS ")) {
            m = HttpMethod.OPTIONS.asString();
        } else if (startsWith(bytes, i, "POST ")) {
            m = HttpMethod.POST.asString();
        } else if (startsWith(bytes, i, "PUT ")) {
            m = HttpMethod.PUT.asString();
        } else if (startsWith(bytes, i, "PATCH ")) {
            m = HttpMethod.PATCH.asString();
        } else {
            return false;
        }
        i += m.length() + 1;
        int targetStart = i;
        int query = -1;
        if (bytes[i] != '/') {
            return false;
        }
        int segmentStart = i + 1;
        for (; bytes[i] != ' '; i++) {
            int c = bytes[i] & 0xff;
            if (query < 0) {
                if (c == '?') {
                    if (!segmentOk(bytes, segmentStart, i)) {
                        return false;
                    }
                    query = i;
                } else if ((CLASSES[c] & PATH) == 0) {
                    return false;
                } else if (c == '/') {
                    if (!segmentOk(bytes, segmentStart, i) || bytes[i - 1] == '/') {
                        return false;
                    }
                    segmentStart = i + 1;
                }
            } else if ((CLASSES[c] & QUERY) == 0) {
                return false;
            } else if (c == '%' && !(isHex(bytes[i + 1]) && isHex(bytes[i + 2]))) {
                return false;
            }
        }
        if (query < 0 && !segmentOk(bytes, segmentStart, i)) {
            return false;
        }
        int targetEnd = i;
        i++;
        HttpVersion v;
        if (HeaderLines.regionEquals(bytes, i, HTTP_1_1)) {
            v = HttpVersion.HTTP_1_1;
        } else if (HeaderLines.regionEquals(bytes, i, HTTP_1_0)) {
            v = HttpVersion.HTTP_1_0;
        } else {
            return false;
        }
        i += 8;
        if (bytes[i] != '\r') {
            return false;
        }
        i += 2;

        // the header lines
        HttpFields.Mutable parsed = HttpFields.build(16);
        HttpField host = null;
        boolean close = false;
        boolean keepAlive = false;
        int length = -1;
        boolean expect = false;
        int line = 0;
        while (i < end - 2) {
            if (line == MAX_FIELDS) {
                return false;
            }
            int lineEnd = i;
            while (bytes[lineEnd] != '\r') {
                lineEnd++;
            }
            HttpField field = lines.field(bytes, i, lineEnd, line);
            if (field == null) {
                return false;
            }
            HttpHeader header = field.getHeader();
            if (header != null) {
                switch (header) {
                    case HOST -> {
                        if (host != null || !validHost(field.getValue())) {
                            return false;
                        }
                        host = field;
                    }
                    case TRANSFER_ENCODING, UPGRADE, HTTP2_SETTINGS -> {
                        return false;
                    }
                    case EXPECT -> {
                        // HTTP/1.0 has no 100 Continue; any other expectation gets Jetty's 417
                        if (expect || v != HttpVersion.HTTP_1_1 || !"100-continue".equalsIgnoreCase(field.getValue())) {
                            return false;
                        }
                        expect = true;
                    }
                    case CONTENT_LENGTH -> {
                        if (length >= 0 || (length = length(field.getValue())) < 0) {
                            return false;
                        }
                    }
                    case CONNECTION -> {
                        close |= field.contains("close");
                        keepAlive |= field.contains("keep-alive");
                    }
                    default -> {
                    }
                }
            }
            parsed.add(field);
            line++;
            i = lineEnd + 2;
        }
        if (host == null || (expect && length <= 0)) {
            return false;
        }
        method = m;
        version = v;
        target = target(bytes, targetStart, targetEnd);
        queryStart = query < 0 ? -1 : query - targetStart;
        fields = parsed;
        hostField = host;
        closeRequested = close;
        keepAliveRequested = keepAlive;
        contentLength = Math.max(0, length);
        expectsContinue = expect;
        return true;
    }

    /** A Content-Length value of plain digits, no leading zero, at most {@link #MAX_BODY}; else -1. */
    private static int length(String value) {
        int n = value.length();
        if (n == 0 || n > 5 || (n > 1 && value.charAt(0) == '0')) {
            return -1;
        }
        int length = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            length = length * 10 + (c - '0');
        }
        return length <= MAX_BODY ? length : -1;
    }

    /** A path segment other than "." and ".." (the empty one only as the last, as in "/a/"). */
    private static boolean segmentOk(byte[] bytes, int from, int to) {
        int n = to - from;
        return !(n == 1 && bytes[from] == '.') && !(n == 2 && bytes[from] == '.' && bytes[from + 1] == '.');
    }

    private String target(byte[] bytes, int from, int to) {
        int n = to - from;
        byte[] last = lastTarget;
        if (last.length == n && HeaderLines.regionEquals(bytes, from, last)) {
            return target;
        }
        byte[] copy = new byte[n];
        System.arraycopy(bytes, from, copy, 0, n);
        lastTarget = copy;
        return new String(copy, StandardCharsets.US_ASCII);
    }


    /**
     * A host name or IPv4 address of letters, digits, {@code -} and {@code .}, and optionally a
     * port from 1 to 65535 ({@code :0} is refused by Jetty). Bracketed IPv6 literals are left to
     * Jetty, which checks them as addresses.
     */
    private static boolean validHost(String value) {
        int n = value.length();
        int colon = value.indexOf(':');
        int nameEnd = colon < 0 ? n : colon;
        if (nameEnd == 0) {
            return false;
        }
        for (int i = 0; i < nameEnd; i++) {
            char c = value.charAt(i);
            if (c > 0x7f || (CLASSES[c] & HOST) == 0) {
                return false;
            }
        }
        if (colon < 0) {
            return true;
        }
        int digits = n - colon - 1;
        if (digits < 1 || digits > 5) {
            return false;
        }
        int port = 0;
        for (int i = colon + 1; i < n; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port >= 1 && port <= 65535;
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private static boolean startsWith(byte[] bytes, int at, String text) {
        return HeaderLines.exactly(bytes, at, text);
    }



    String method() {
        return method;
    }

    HttpVersion version() {
        return version;
    }

    /** The request target as received: the path, then the query after {@code ?} if any. */
    String target() {
        return target;
    }

    /** Where the query's {@code ?} is in {@link #target()}, or -1. */
    int queryStart() {
        return queryStart;
    }

    /** The header lines, in order; a new list per request. */
    HttpFields.Mutable fields() {
        return fields;
    }

    HttpField host() {
        return hostField;
    }

    /**
     * The length of the body that follows the head (0: none), which the connection reads before
     * it serves the request: bytes {@code [head, head + contentLength())} after the parsed head.
     */
    int contentLength() {
        return contentLength;
    }

    /**
     * Whether the client sent {@code Expect: 100-continue}: it may wait for an interim
     * {@code 100 Continue} before it sends the body, which the connection then writes.
     */
    boolean expectsContinue() {
        return expectsContinue;
    }

    /** Whether the connection stays open after this request's response (HTTP/1.1 unless close; 1.0 with keep-alive). */
    boolean persistent() {
        return version == HttpVersion.HTTP_1_1 ? !closeRequested : keepAliveRequested && !closeRequested;
    }
}
