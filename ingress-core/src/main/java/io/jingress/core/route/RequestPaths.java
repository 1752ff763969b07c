package io.jingress.core.route;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one normalisation of a request path, shared by the matcher and the proxy, so that the rule
 * that matched is the rule the backend serves.
 *
 * <pre>{@code
 * String path = RequestPaths.normalize(rawPath);   // e.g. "/a/./b/%7euser" -> "/a/b/~user"
 * if (path == null) { respond 400; return; }
 * MatchResult result = router.current().match(host, path);
 * // forward `path` (not rawPath) to the backend
 * }</pre>
 *
 * <p>Steps, in this order:
 * <ol>
 *   <li>Percent-escapes of unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) are decoded
 *       ({@code %7E} becomes {@code ~}); every other escape is kept, with its hex digits in
 *       upper case ({@code %c3%a9} becomes {@code %C3%A9}).</li>
 *   <li>Runs of {@code /} are merged into one ({@code //a} becomes {@code /a}), as nginx does,
 *       before dot segments are removed.</li>
 *   <li>Dot segments are removed (RFC 3986, section 5.2.4): {@code /a/./b} becomes {@code /a/b},
 *       {@code /a/b/../c} becomes {@code /a/c}; a path ending in {@code /.} or {@code /..} keeps
 *       a trailing slash.</li>
 * </ol>
 *
 * <p>The path cannot be normalised safely, and {@code null} is returned, when it: does not start
 * with {@code /}; contains an encoded {@code /} ({@code %2F}), an encoded {@code \} ({@code %5C})
 * or an encoded NUL ({@code %00}), which backends decode differently ({@link EncodedSlashes} routes
 * an encoded {@code /} where that is safe); contains a raw {@code \};
 * contains a malformed escape ({@code %} not followed by two hex digits); contains a raw character
 * outside printable ASCII (a control character, space, DEL or anything non-ASCII: escape them);
 * or has a {@code ..} that climbs above the root ({@code /../etc}). Escaped non-ASCII bytes such as
 * {@code %C3%A9} are fine and stay escaped.
 *
 * <p>An already normal path is returned as the very same instance, without allocation.
 */
public final class RequestPaths {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** The printable ASCII chars a path's escaping escapes: not RFC 3986 path chars ({@code \} is refused). */
    private static final boolean[] NOT_IN_PATH = new boolean[0x80];

    static {
        for (char c : "\"<>[]^`{|}".toCharArray()) {
            NOT_IN_PATH[c] = true;
        }
    }

    private RequestPaths() {
    }

    /**
     * Normalises a path as a client sent it, decoded from the request's bytes, which may hold what
     * a URI may not hold raw: chars beyond ASCII, and the printable ASCII chars RFC 3986 does not
     * allow in a path ({@code " < > [ ] ^ ` { | }}). Some clients send them unescaped, and nginx
     * takes them. They are escaped first, as the same bytes ({@code /caf\u00e9} from UTF-8 becomes
     * {@code /caf%C3%A9}, as an Ingress path must write it), then the path is normalised as by
     * {@link #normalize(String)}: the path matched is the path forwarded.
     *
     * @param rawPath the path, decoded from the request's bytes
     * @param utf8 whether {@code rawPath} was decoded from UTF-8 (as Jetty decodes an HTTP/1
     *     request line), else a char a byte (ISO-8859-1, as HPACK strings are)
     * @return as {@link #normalize(String)}; also {@code null} when {@code rawPath} was decoded from
     *     UTF-8 and holds U+FFFD, the char of bytes that were not UTF-8 (their values are lost)
     */
    public static String normalize(String rawPath, boolean utf8) {
        return rawPath == null ? null : normalize(escapePath(rawPath, utf8));
    }

    // rawPath with what a URI may not hold raw escaped (see normalize(String, boolean)); null for a U+FFFD from UTF-8
    static String escapePath(String rawPath, boolean utf8) {
        return escape(rawPath, utf8, true);
    }

    /**
     * A query as a client sent it, with its chars beyond ASCII escaped as the same bytes
     * ({@code q=caf\u00e9} from UTF-8 becomes {@code q=caf%C3%A9}); its ASCII stays as it is. A
     * proxy writes a target a char a byte, so a char beyond ASCII would reach the backend as
     * another byte.
     *
     * @param rawQuery the query, decoded from the request's bytes
     * @param utf8 as for {@link #normalize(String, boolean)}
     * @return {@code rawQuery} itself when it is ASCII; else a new string; or {@code null} when it
     *     was decoded from UTF-8 and holds U+FFFD
     */
    public static String escapeQuery(String rawQuery, boolean utf8) {
        Objects.requireNonNull(rawQuery, "rawQuery");
        return escape(rawQuery, utf8, false);
    }

    private static boolean escaped(char c, boolean path) {
        return c >= 0x80 || path && NOT_IN_PATH[c];
    }

    private static String escape(String text, boolean utf8, boolean path) {
        int n = text.length();
        int i = 0;
        while (i < n && !escaped(text.charAt(i), path)) {
            i++;
        }
        if (i == n) {
            return text;
        }
        if (utf8 && text.indexOf('\uFFFD', i) >= 0) {
            return null;
        }
        StringBuilder encoded = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (!escaped(c, path)) {
                encoded.append(c);
            } else if (c < 0x80 || !utf8 && c <= 0xFF) {
                appendEscaped(encoded, c);
            } else {
                int codePoint = text.codePointAt(i);
                i += Character.charCount(codePoint) - 1;
                for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
                    appendEscaped(encoded, b & 0xFF);
                }
            }
        }
        return encoded.toString();
    }

    private static void appendEscaped(StringBuilder encoded, int b) {
        encoded.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
    }

    /**
     * Normalises a raw request path (without the query).
     *
     * @param rawPath the path as sent by the client, e.g. {@code /a/%7Eb/../c}
     * @return {@code rawPath} itself when already normal, a new normal string, or {@code null}
     *     when the path cannot be normalised safely
     */
    public static String normalize(String rawPath) {
        return normalized(rawPath, false);
    }

    // keepEncodedSlashes: %2F stays, as an ordinary char of its segment (EncodedSlashes routes it)
    static String normalized(String rawPath, boolean keepEncodedSlashes) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return null;
        }
        int n = rawPath.length();
        boolean normal = true;
        for (int i = 0; i < n; i++) {
            char c = rawPath.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\') {
                return null;
            }
            if (c == '%') {
                if (i + 2 >= n) {
                    return null;
                }
                char h1 = rawPath.charAt(i + 1);
                char h2 = rawPath.charAt(i + 2);
                int hi = hexValue(h1);
                int lo = hexValue(h2);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                int value = hi * 16 + lo;
                if (value == 0 || value == '\\' || value == '/' && !keepEncodedSlashes) {
                    return null;
                }
                if (isUnreserved(value) || isLowerHex(h1) || isLowerHex(h2)) {
                    normal = false;
                }
                i += 2;
            } else if (c == '/') {
                if (i + 1 < n && rawPath.charAt(i + 1) == '/') {
                    normal = false;
                }
            } else if (c == '.' && rawPath.charAt(i - 1) == '/' && isDotSegment(rawPath, i)) {
                normal = false;
            }
        }
        return normal ? rawPath : rewrite(rawPath);
    }

    /** Whether {@code path} is already what {@link #normalize} would return for it. */
    public static boolean isNormal(String path) {
        return path != null && normalize(path) == path;
    }

    // "." or ".." starting at i and ending at the next '/' or the end
    private static boolean isDotSegment(String path, int i) {
        int n = path.length();
        int end = i + 1;
        if (end < n && path.charAt(end) == '.') {
            end++;
        }
        return end == n || path.charAt(end) == '/';
    }

    private static String rewrite(String rawPath) {
        StringBuilder decoded = new StringBuilder(rawPath.length());
        int n = rawPath.length();
        for (int i = 0; i < n; i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                int value = hexValue(rawPath.charAt(i + 1)) * 16 + hexValue(rawPath.charAt(i + 2));
                if (isUnreserved(value)) {
                    decoded.append((char) value);
                } else {
                    decoded.append('%').append(Character.toUpperCase(rawPath.charAt(i + 1)))
                            .append(Character.toUpperCase(rawPath.charAt(i + 2)));
                }
                i += 2;
            } else {
                decoded.append(c);
            }
        }
        List<String> segments = new ArrayList<>();
        boolean trailingSlash = false;
        int i = 1;
        int len = decoded.length();
        while (i <= len) {
            int slash = decoded.indexOf("/", i);
            int end = slash < 0 ? len : slash;
            String segment = decoded.substring(i, end);
            boolean last = slash < 0;
            if (segment.isEmpty()) {
                trailingSlash = last || trailingSlash;
            } else if (segment.equals(".")) {
                trailingSlash = true;
            } else if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.remove(segments.size() - 1);
                trailingSlash = true;
            } else {
                segments.add(segment);
                trailingSlash = false;
            }
            i = end + 1;
        }
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder(len);
        for (String segment : segments) {
            out.append('/').append(segment);
        }
        if (trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static boolean isLowerHex(char c) {
        return c >= 'a' && c <= 'f';
    }

    static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
