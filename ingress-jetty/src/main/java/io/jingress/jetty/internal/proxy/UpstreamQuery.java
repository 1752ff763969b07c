package io.jingress.jetty.internal.proxy;

import java.nio.charset.StandardCharsets;

/**
 * A request's query as it goes upstream: ASCII, the bytes the client sent beyond ASCII
 * percent-encoded. Every writer of the upstream target (the request line of the proxy's own
 * connections, Jetty's HTTP client, the WebSocket handshake, a redirect's {@code Location}) writes
 * a char a byte, so a char beyond ASCII would reach the endpoint as another byte, or as {@code ?}.
 *
 * <p>Jetty gives the query decoded, and not the same way for every protocol: from an HTTP/1
 * request line as UTF-8, bytes that are not UTF-8 becoming U+FFFD (their values are lost); from
 * HTTP/2 a char a byte (ISO-8859-1). So a client's {@code q=caf\xC3\xA9} arrives as
 * {@code q=caf\u00E9} over HTTP/1 and as {@code q=caf\u00C3\u00A9} over HTTP/2, and goes upstream
 * as {@code q=caf%C3%A9} from both: the same bytes, as the escapes every query parser decodes them
 * from (nginx passes such bytes on unescaped).
 */
final class UpstreamQuery {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UpstreamQuery() {
    }

    /**
     * {@code query} ready to send: the same instance when it is ASCII; else its bytes beyond ASCII
     * percent-encoded, taking {@code query} as decoded from UTF-8 ({@code utf8}) or a char a byte;
     * {@code null} when it was decoded from UTF-8 and holds U+FFFD, which may stand for bytes
     * that were lost.
     */
    static String of(String query, boolean utf8) {
        int n = query.length();
        int i = 0;
        while (i < n && query.charAt(i) < 0x80) {
            i++;
        }
        if (i == n) {
            return query;
        }
        if (utf8 && query.indexOf('\uFFFD', i) >= 0) {
            return null;
        }
        StringBuilder encoded = new StringBuilder(n + 16).append(query, 0, i);
        for (; i < n; i++) {
            char c = query.charAt(i);
            if (c < 0x80) {
                encoded.append(c);
            } else if (!utf8 && c <= 0xFF) {
                appendEscaped(encoded, c);
            } else {
                int codePoint = query.codePointAt(i);
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
