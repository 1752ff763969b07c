package io.jingress.jetty.internal.proxy;

import java.nio.charset.StandardCharsets;

/**
 * A request's path and query as they go upstream: ASCII, what the client sent beyond ASCII (and,
 * in a path, the ASCII chars RFC 3986 does not allow there) percent-encoded. Every writer of the
 * upstream target (the request line of the proxy's own connections, Jetty's HTTP client, the
 * WebSocket handshake, a redirect's {@code Location}) writes a char a byte, so a char beyond
 * ASCII would reach the endpoint as another byte, or as {@code ?}. The path is escaped before it
 * is normalised and matched, so the route is chosen by the path the endpoint gets.
 *
 * <p>Jetty gives path and query decoded, and not the same way for every protocol: from an HTTP/1
 * request line as UTF-8, bytes that are not UTF-8 becoming U+FFFD (their values are lost); from
 * HTTP/2 a char a byte (ISO-8859-1). So a client's {@code q=caf\xC3\xA9} arrives as
 * {@code q=caf\u00E9} over HTTP/1 and as {@code q=caf\u00C3\u00A9} over HTTP/2, and goes upstream
 * as {@code q=caf%C3%A9} from both: the same bytes, as the escapes every server decodes them
 * from. (nginx passes such bytes on unescaped.)
 */
final class UpstreamTarget {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** The printable ASCII chars escaped in a path: not RFC 3986 path chars. ({@code \} is refused.) */
    private static final boolean[] NOT_IN_PATH = new boolean[0x80];

    static {
        for (char c : "\"<>[]^`{|}".toCharArray()) {
            NOT_IN_PATH[c] = true;
        }
    }

    private UpstreamTarget() {
    }

    /**
     * {@code path} ready to normalise and send (see {@link #query}): also its printable ASCII chars
     * that RFC 3986 does not allow in a path ({@code " < > [ ] ^ ` { | }}) escaped, as they are in
     * the Ingress paths that can match them.
     */
    static String path(String path, boolean utf8) {
        return escape(path, utf8, true);
    }

    /**
     * {@code query} ready to send: the same instance when it is ASCII; else its bytes beyond ASCII
     * percent-encoded, taking {@code query} as decoded from UTF-8 ({@code utf8}) or a char a byte;
     * {@code null} when it was decoded from UTF-8 and holds U+FFFD, which may stand for bytes
     * that were lost.
     */
    static String query(String query, boolean utf8) {
        return escape(query, utf8, false);
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
}
