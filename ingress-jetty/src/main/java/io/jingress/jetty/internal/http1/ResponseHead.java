package io.jingress.jetty.internal.http1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;

/**
 * Encodes an HTTP/1.1 response head (status line, header lines, empty line) and chunk size lines
 * into buffers a connection keeps: one response at a time, each valid until the next call.
 * A CR or LF inside a header value is sent as a space, as Jetty's generator does, so no value can
 * end a header line early.
 */
final class ResponseHead {
    private static final byte[][] STATUS_LINES = new byte[600][];
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int status = 100; status < STATUS_LINES.length; status++) {
            String reason = HttpStatus.getMessage(status);
            STATUS_LINES[status] = ("HTTP/1.1 " + status + " " + (reason == null ? "" : reason) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }
    }

    private byte[] bytes = new byte[512];
    private int length;
    /** A view of {@code bytes} handed out again once its previous response was written. */
    private ByteBuffer headView;
    private final byte[] chunkLine = new byte[20];

    /**
     * The head for {@code status} and {@code headers}, then the header lines the connection adds
     * ({@code server}, {@code poweredBy}, {@code date}, {@code framing}, {@code persistence}; each
     * may be null).
     */
    ByteBuffer encode(int status, HttpFields headers, HttpField server, HttpField poweredBy, HttpField date,
            HttpField framing, HttpField persistence) {
        length = 0;
        append(statusLine(status));
        for (HttpField field : headers) {
            appendField(field);
        }
        appendField(server);
        appendField(poweredBy);
        appendField(date);
        appendField(framing);
        appendField(persistence);
        append(CRLF);
        ByteBuffer view = headView;
        if (view == null || view.array() != bytes) {
            view = ByteBuffer.wrap(bytes);
            headView = view;
        }
        view.limit(length).position(0);
        return view;
    }

    /** The size line of a chunk of {@code size} bytes; after the previous chunk's data when {@code afterChunk}. */
    ByteBuffer chunk(int size, boolean afterChunk) {
        int at = chunkLine.length;
        chunkLine[--at] = '\n';
        chunkLine[--at] = '\r';
        int n = size;
        do {
            chunkLine[--at] = (byte) Character.forDigit(n & 0xF, 16);
            n >>>= 4;
        } while (n != 0);
        if (afterChunk) {
            chunkLine[--at] = '\n';
            chunkLine[--at] = '\r';
        }
        return ByteBuffer.wrap(chunkLine, at, chunkLine.length - at);
    }

    /** The end of a chunked body: the CRLF after the previous chunk's data (when {@code afterChunk}) and the last chunk. */
    static ByteBuffer lastChunk(boolean afterChunk) {
        if (!afterChunk) {
            return ByteBuffer.wrap(LAST_CHUNK);
        }
        byte[] end = new byte[LAST_CHUNK.length + 2];
        end[0] = '\r';
        end[1] = '\n';
        System.arraycopy(LAST_CHUNK, 0, end, 2, LAST_CHUNK.length);
        return ByteBuffer.wrap(end);
    }

    private static byte[] statusLine(int status) {
        if (status < 100 || status >= STATUS_LINES.length) {
            return ("HTTP/1.1 " + status + " \r\n").getBytes(StandardCharsets.US_ASCII);
        }
        return STATUS_LINES[status];
    }

    private void appendField(HttpField field) {
        if (field == null) {
            return;
        }
        appendText(field.getName());
        ensure(2);
        bytes[length++] = ':';
        bytes[length++] = ' ';
        String value = field.getValue();
        if (value != null) {
            appendText(value);
        }
        append(CRLF);
    }

    private void appendText(String text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            bytes[length++] = c == '\r' || c == '\n' ? (byte) ' ' : c > 0xff ? (byte) '?' : (byte) c;
        }
    }

    private void append(byte[] more) {
        ensure(more.length);
        System.arraycopy(more, 0, bytes, length, more.length);
        length += more.length;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
