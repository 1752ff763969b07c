package io.jingress.jetty.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLSocket;

import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.hpack.HpackDecoder;

/** A bare HTTP/2 client connection: the preface and an empty SETTINGS sent, frames written and read raw. */
public final class BareHttp2 {
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int GOAWAY = 0x7;
    public static final int CONTINUATION = 0x9;
    public static final int END_STREAM = 0x1;
    public static final int END_HEADERS = 0x4;
    // HPACK, static table: :method GET, :method POST, :scheme https, :path /
    public static final int GET = 0x82;
    public static final int POST = 0x83;
    public static final int HTTPS = 0x87;
    public static final int HTTP = 0x86;
    public static final int ROOT = 0x84;
    public static final int STATUS_200 = 0x88;
    // :authority app.test, a literal without indexing
    public static final int[] AUTHORITY = {0x01, 8, 'a', 'p', 'p', '.', 't', 'e', 's', 't'};

    private final Socket socket;
    private final DataInputStream in;
    /** Decodes the answers' header blocks, in the order they come (see {@link #statusOf}). */
    private final HpackDecoder decoder = new HpackDecoder(64 * 1024, System::nanoTime);

    public BareHttp2(SSLSocket socket) throws IOException {
        this((Socket) socket);
        assertEquals("h2", socket.getApplicationProtocol());
    }

    /** HTTP/2 on {@code socket} as it is: over TLS (h2), or in cleartext with prior knowledge (h2c). */
    public BareHttp2(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        out.write(PREFACE);
        out.flush();
        frame(SETTINGS, 0, 0, new byte[0]);
    }

    /** A HEADERS frame of the fields {@code fields}: each an int (one byte) or an int[] (its bytes). */
    public void headers(int stream, int flags, Object... fields) throws IOException {
        headerBlock(HEADERS, flags, stream, fields);
    }

    public void headerBlock(int type, int flags, int stream, Object... fields) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (Object field : fields) {
            for (int b : field instanceof int[] bytes ? bytes : new int[] {(Integer) field}) {
                block.write(b);
            }
        }
        frame(type, flags, stream, block.toByteArray());
    }

    public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(payload.length >>> 16);
        frame.write(payload.length >>> 8);
        frame.write(payload.length);
        frame.write(type);
        frame.write(flags);
        frame.write(ByteBuffer.allocate(4).putInt(stream).array());
        frame.write(payload);
        socket.getOutputStream().write(frame.toByteArray());
        socket.getOutputStream().flush();
    }

    /** A field {@code name: value} as an HPACK literal without indexing, with a new name. */
    public static int[] literal(String name, String value) {
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        field.write(0x00);
        string(field, name);
        string(field, value);
        return unsigned(field.toByteArray());
    }

    private static void string(ByteArrayOutputStream out, String text) {
        // not Huffman-coded: a 7-bit prefix integer (RFC 7541 section 5.1), then the octets
        int length = text.length();
        if (length < 127) {
            out.write(length);
        } else {
            out.write(127);
            for (length -= 127; length >= 128; length >>>= 7) {
                out.write((length & 0x7F) | 0x80);
            }
            out.write(length);
        }
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static int[] unsigned(byte[] bytes) {
        int[] values = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = bytes[i] & 0xFF;
        }
        return values;
    }

    /**
     * A header block of {@code fields} (as {@link #headers}) sent as a HEADERS frame and as many
     * CONTINUATION frames as frames of 16 KB need; {@code flags} may hold END_STREAM.
     */
    public void longHeaders(int stream, int flags, Object... fields) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (Object field : fields) {
            for (int b : field instanceof int[] bytes ? bytes : new int[] {(Integer) field}) {
                block.write(b);
            }
        }
        byte[] bytes = block.toByteArray();
        int max = 16 * 1024;
        for (int at = 0; at < bytes.length || at == 0; at += max) {
            int end = Math.min(bytes.length, at + max);
            int endHeaders = end == bytes.length ? END_HEADERS : 0;
            frame(at == 0 ? HEADERS : CONTINUATION, at == 0 ? (flags & END_STREAM) | endHeaders : endHeaders, stream,
                    Arrays.copyOfRange(bytes, at, end));
        }
    }

    /**
     * The status answering {@code stream}, or -1 if the stream is reset, or the connection ends
     * (GOAWAY or closed) before. It decodes the answers' header blocks with one HPACK decoder, so
     * on one connection use this, not {@link #answerTo}; frames of other streams are dropped.
     */
    public int statusOf(int stream) throws IOException {
        while (true) {
            int length;
            try {
                length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
            } catch (EOFException closed) {
                return -1;
            }
            int type = in.readUnsignedByte();
            in.readUnsignedByte();
            int id = in.readInt() & 0x7FFFFFFF;
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) {
                return -1;
            }
            if (type == GOAWAY || (type == RST_STREAM && id == stream)) {
                return -1;
            }
            if (type == HEADERS) {
                try {
                    MetaData answer = decoder.decode(ByteBuffer.wrap(payload));
                    if (id == stream && answer instanceof MetaData.Response response) {
                        return response.getStatus();
                    }
                } catch (Exception e) {
                    throw new IOException("an answer's header block does not decode", e);
                }
            }
        }
    }

    public boolean tryFrame(int type, int flags, int stream, byte[] payload) {
        try {
            frame(type, flags, stream, payload);
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /**
     * A request head that trickles in: a HEADERS frame of {@code fields} on {@code stream} without
     * END_HEADERS, then CONTINUATION frames of one byte (a literal header field), ten a second, until
     * the proxy closes the connection or {@code limit} passes. Returns how many frames went out
     * before the close, or -1 when the connection was still open at the limit.
     */
    public int trickleHeadUntilClosed(int stream, java.time.Duration limit, Object... fields) throws IOException {
        headers(stream, END_STREAM, fields);
        socket.setSoTimeout(100);
        long start = System.nanoTime();
        int frames = 0;
        while (System.nanoTime() - start < limit.toNanos()) {
            if (!tryFrame(CONTINUATION, 0, stream, new byte[] {(byte) 0x40}) || closedWithin()) {
                return frames;
            }
            frames++;
        }
        return -1;
    }

    /** Whether the proxy closed the connection; reads (and drops) the frames it sends meanwhile. */
    public boolean closedWithin() {
        try {
            byte[] header = new byte[9];
            in.readFully(header);
            in.skipNBytes(((header[0] & 0xFF) << 16) | ((header[1] & 0xFF) << 8) | (header[2] & 0xFF));
            return false;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException closed) {
            return true;
        }
    }

    /** Reads (and drops) the frames the proxy sends up to the first of {@code type}. */
    public void awaitFrame(int type) throws IOException {
        while (true) {
            int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
            int read = in.readUnsignedByte();
            in.skipNBytes(5L + length);  // flags, stream id, payload
            if (read == type) {
                return;
            }
        }
    }

    /** The types of the frames the proxy sends until it closes the connection (the socket's timeout applies). */
    public java.util.List<Integer> framesUntilClosed() throws IOException {
        java.util.List<Integer> types = new java.util.ArrayList<>();
        while (true) {
            int first = in.read();
            if (first < 0) {
                return types;
            }
            int length = first << 16 | in.readUnsignedShort();
            types.add(in.readUnsignedByte());
            in.skipNBytes(5L + length);  // flags, stream id, payload
        }
    }

    /** The first field of the header block answering {@code stream}: 0x88 for status 200. */
    public int answerTo(int stream) throws IOException {
        while (true) {
            int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
            int type = in.readUnsignedByte();
            in.readUnsignedByte();
            int id = in.readInt() & 0x7FFFFFFF;
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) {
                throw new EOFException("connection closed part way through a frame");
            }
            if (type == HEADERS && id == stream) {
                int at = 0;
                while ((payload[at] & 0xE0) == 0x20) {
                    // a dynamic table size update (the first block of a connection has one): skipped
                    if ((payload[at++] & 0x1F) == 0x1F) {
                        while ((payload[at++] & 0x80) != 0) {
                            // the integer's next byte
                        }
                    }
                }
                return payload[at] & 0xFF;
            }
        }
    }
}
