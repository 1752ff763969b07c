package io.jingress.jetty.internal.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the SNI host name from a TLS ClientHello not yet handed to an {@code SSLEngine}, so that the
 * engine can be made for that host (client certificates are asked for per host, and JSSE fixes
 * that before it reads the hello). Defensive: it reads only within the buffer given (never moving
 * its position), at most {@link #LIMIT} bytes, and anything that is not a well-formed ClientHello
 * with a host name gives {@link #NONE}; it never throws.
 */
final class ClientHelloSni {
    /** The most bytes looked at: a hello longer than this (or not complete within it) is read as having no SNI. */
    static final int LIMIT = 16 * 1024;
    /** No host name: no SNI, or not a ClientHello that could be read. */
    static final String NONE = "";
    /** The hello is not complete yet: read again with more bytes. */
    static final String INCOMPLETE = new String("incomplete");  // compared by identity

    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_NAME = 0;

    private ClientHelloSni() {
    }

    /** The SNI host name (lower case), {@link #NONE} or {@link #INCOMPLETE}, from the bytes between position and limit. */
    static String read(ByteBuffer buffer) {
        try {
            return parse(buffer);
        } catch (RuntimeException malformed) {
            return NONE;
        }
    }

    private static String parse(ByteBuffer buffer) {
        int start = buffer.position();
        int end = Math.min(buffer.limit(), start + LIMIT);
        // the handshake message may span records: gather their payloads until it is whole
        byte[] message = null;
        int have = 0;
        int needed = -1;
        int at = start;
        while (true) {
            if (at + 5 > end) {
                return end - start >= LIMIT ? NONE : INCOMPLETE;
            }
            if ((buffer.get(at) & 0xff) != HANDSHAKE || (buffer.get(at + 1) & 0xff) != 3) {
                return NONE;
            }
            int recordLength = ((buffer.get(at + 3) & 0xff) << 8) | (buffer.get(at + 4) & 0xff);
            if (recordLength == 0 || recordLength > 16384 + 2048) {
                return NONE;
            }
            int payload = at + 5;
            int available = Math.min(recordLength, end - payload);
            if (message == null) {
                if (available < 4) {
                    return available < recordLength ? incomplete(end, start) : NONE;
                }
                if ((buffer.get(payload) & 0xff) != CLIENT_HELLO) {
                    return NONE;
                }
                int length = ((buffer.get(payload + 1) & 0xff) << 16) | ((buffer.get(payload + 2) & 0xff) << 8)
                        | (buffer.get(payload + 3) & 0xff);
                if (length > LIMIT) {
                    return NONE;
                }
                needed = 4 + length;
                message = new byte[needed];
            }
            int take = Math.min(available, needed - have);
            for (int i = 0; i < take; i++) {
                message[have + i] = buffer.get(payload + i);
            }
            have += take;
            if (have == needed) {
                return serverName(message);
            }
            if (available < recordLength) {
                return incomplete(end, start);
            }
            at = payload + recordLength;
        }
    }

    private static String incomplete(int end, int start) {
        return end - start >= LIMIT ? NONE : INCOMPLETE;
    }

    /** The host name of a whole ClientHello message (type and length first). */
    private static String serverName(byte[] hello) {
        ByteBuffer in = ByteBuffer.wrap(hello);
        in.position(4 + 2 + 32);  // type, length; client_version, random
        skip(in, in.get() & 0xff);  // session_id
        skip(in, in.getShort() & 0xffff);  // cipher_suites
        skip(in, in.get() & 0xff);  // compression_methods
        if (!in.hasRemaining()) {
            return NONE;  // no extensions
        }
        int extensionsEnd = (in.getShort() & 0xffff) + in.position();
        if (extensionsEnd > in.limit()) {
            return NONE;
        }
        while (in.position() + 4 <= extensionsEnd) {
            int type = in.getShort() & 0xffff;
            int length = in.getShort() & 0xffff;
            if (type != SERVER_NAME) {
                skip(in, length);
                continue;
            }
            int listEnd = (in.getShort() & 0xffff) + in.position();
            while (in.position() + 3 <= listEnd) {
                int nameType = in.get() & 0xff;
                int nameLength = in.getShort() & 0xffff;
                if (nameType == 0 && nameLength > 0 && nameLength <= 255) {
                    byte[] name = new byte[nameLength];
                    in.get(name);
                    for (byte b : name) {
                        if (b <= ' ' || b >= 0x7f) {
                            return NONE;
                        }
                    }
                    String host = new String(name, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
                    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
                }
                skip(in, nameLength);
            }
            return NONE;
        }
        return NONE;
    }

    private static void skip(ByteBuffer in, int length) {
        in.position(in.position() + length);  // past the end: IllegalArgumentException, read as malformed
    }
}
