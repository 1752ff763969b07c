package io.jingress.jetty.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http2HeadsTest {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int SETTINGS = 0x4;
    private static final int PING = 0x6;
    private static final int CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    private final Http2Heads heads = new Http2Heads();

    static byte[] frame(int type, int flags, int stream, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(type);
        out.write(flags);
        out.write(stream >>> 24);
        out.write(stream >>> 16);
        out.write(stream >>> 8);
        out.write(stream);
        for (int i = 0; i < length; i++) {
            out.write(0x40 + (i % 26));  // payload bytes that are not frame headers
        }
        return out.toByteArray();
    }

    /** Reads {@code bytes} at {@code now}, placed in the middle of a larger buffer. */
    private void read(byte[] bytes, long now) {
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 20);
        buffer.position(7);
        buffer.put(bytes);
        heads.read(buffer, 7, 7 + bytes.length, now);
    }

    private void readPreface() {
        read(PREFACE, 1);
        read(frame(SETTINGS, 0, 0, 6), 2);
    }

    @Test
    void fromPartWayThroughThePrefaceTheRestOfItIsAHeadAndFramesFollowIt() {
        // h2c: the HTTP/1 connection read "PRI * HTTP/2.0\r\n\r\n" (18 bytes) before the tracker began
        Http2Heads h2c = new Http2Heads(18, 50);
        assertEquals(50, h2c.headStarted());
        ByteBuffer tail = ByteBuffer.wrap("SM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        h2c.read(tail, 0, 6, 60);
        assertEquals(Http2Heads.NONE, h2c.headStarted());
        ByteBuffer headers = ByteBuffer.wrap(frame(HEADERS, 0, 1, 3));
        h2c.read(headers, 0, headers.limit(), 70);
        assertEquals(70, h2c.headStarted(), "a HEADERS frame without END_HEADERS: a head part way in");
        ByteBuffer end = ByteBuffer.wrap(frame(CONTINUATION, END_HEADERS, 1, 2));
        h2c.read(end, 0, end.limit(), 80);
        assertEquals(Http2Heads.NONE, h2c.headStarted());
        assertEquals(Http2Heads.NONE, new Http2Heads(24, 90).headStarted(), "a preface read whole: no head");
    }

    @Test
    void thePrefaceIsAHeadUntilItIsWhole() {
        assertEquals(Http2Heads.NONE, heads.headStarted());
        read(new byte[] {'P', 'R', 'I'}, 100);
        assertEquals(100, heads.headStarted());
        read(new byte[] {' ', '*'}, 200);
        assertEquals(100, heads.headStarted());
        byte[] rest = new byte[PREFACE.length - 5];
        System.arraycopy(PREFACE, 5, rest, 0, rest.length);
        read(rest, 300);
        assertEquals(Http2Heads.NONE, heads.headStarted());
    }

    @Test
    void aHeaderBlockInOneFrameIsNoHeadPartWayIn() {
        readPreface();
        read(frame(HEADERS, END_HEADERS | END_STREAM, 1, 40), 10);
        assertEquals(Http2Heads.NONE, heads.headStarted());
    }

    @Test
    void aHeadersFrameWhosePayloadIsPartWayInIsAHeadSinceItsFirstByte() {
        readPreface();
        byte[] headers = frame(HEADERS, END_HEADERS, 1, 40);
        read(slice(headers, 0, 3), 10);  // not yet known to be HEADERS
        assertEquals(Http2Heads.NONE, heads.headStarted());
        read(slice(headers, 3, 20), 20);
        assertEquals(10, heads.headStarted());
        read(slice(headers, 20, headers.length), 30);
        assertEquals(Http2Heads.NONE, heads.headStarted());
    }

    @Test
    void aHeaderBlockSentAsContinuationFramesIsAHeadUntilEndHeaders() {
        readPreface();
        read(frame(HEADERS, END_STREAM, 3, 3), 10);
        assertEquals(10, heads.headStarted());
        for (int i = 0; i < 5; i++) {
            read(frame(CONTINUATION, 0, 3, 1), 20 + i);
            assertEquals(10, heads.headStarted());
        }
        read(frame(CONTINUATION, END_HEADERS, 3, 0), 40);  // an empty last frame ends it too
        assertEquals(Http2Heads.NONE, heads.headStarted());
        read(frame(HEADERS, 0, 5, 2), 50);
        assertEquals(50, heads.headStarted());
    }

    @Test
    void otherFramesAreNoHeadsWhateverTheirFlags() {
        readPreface();
        read(slice(frame(DATA, END_HEADERS, 1, 100), 0, 60), 10);  // 0x4 is not END_HEADERS on DATA
        assertEquals(Http2Heads.NONE, heads.headStarted());
        read(frame(PING, 0, 0, 8), 20);  // still the rest of the DATA payload, then not a frame header
        assertEquals(Http2Heads.NONE, heads.headStarted());
    }

    @Test
    void framesAreFollowedAcrossReadsOfAnySize() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(PREFACE);
        stream.writeBytes(frame(SETTINGS, 0, 0, 12));
        stream.writeBytes(frame(DATA, 0, 1, 300));
        stream.writeBytes(frame(HEADERS, 0, 3, 17));
        stream.writeBytes(frame(CONTINUATION, 0, 3, 9));
        int blockStart = PREFACE.length + 9 + 12 + 9 + 300;  // the HEADERS frame's first byte
        byte[] bytes = stream.toByteArray();
        for (int size = 1; size <= 64; size++) {
            Http2Heads fresh = new Http2Heads();
            long headersRead = blockStart / size * size;  // the time of the read that brought its first byte
            for (int at = 0; at < bytes.length; at += size) {
                int to = Math.min(at + size, bytes.length);
                fresh.read(ByteBuffer.wrap(bytes), at, to, at);
                // the frame is known to be HEADERS from its fourth byte on; the block never ends
                long expected = to < PREFACE.length ? 0 : to < blockStart + 4 ? Http2Heads.NONE : headersRead;
                assertEquals(expected, fresh.headStarted(), "reads of " + size + " bytes, up to " + to);
            }
        }
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        byte[] part = new byte[to - from];
        System.arraycopy(bytes, from, part, 0, part.length);
        return part;
    }
}
