package io.jingress.jetty.internal.tls;

import java.nio.ByteBuffer;

/**
 * Follows the frames a client sends on an HTTP/2 connection, as they arrive, to tell whether a
 * request head is part way in and since when: the connection preface, or a {@code HEADERS} frame
 * and the {@code CONTINUATION} frames up to the one flagged {@code END_HEADERS}. It reads only
 * the 9-byte frame headers and skips the payloads by their length; it checks nothing (the
 * connection's parser does). Not thread-safe: one connection's reads come one at a time.
 *
 * <p>An HTTP/2 head may come a frame at a time, each frame keeping the idle timeout from
 * expiring: a header block of 16 KiB sent as one-byte {@code CONTINUATION} frames would hold its
 * connection for days. With this, a head has the deadline an HTTP/1 head has.
 */
public final class Http2Heads {
    /** {@link #headStarted()} when no head is part way in. */
    public static final long NONE = Long.MIN_VALUE;

    private static final int PREFACE = 24;   // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    private static final int FRAME_HEADER = 9;
    private static final int HEADERS = 0x1;
    private static final int CONTINUATION = 0x9;
    private static final int END_HEADERS = 0x4;

    private int prefaceLeft = PREFACE;
    private int headerRead;                  // bytes of the current frame header read so far
    private int length;                      // the current frame's payload length, then what is left of it
    private int flags;
    private long frameStarted;               // when the current frame's first byte came
    private boolean headFrame;               // the current frame is part of a head
    private long headStarted = NONE;         // when the head part way in began

    /** From a connection's first byte (its preface). */
    public Http2Heads() {
    }

    /**
     * From the {@code prefaceRead}-th byte of the preface on, at {@code now} (nanos): the preface
     * counts as a head part way in from then until it is whole (h2c, whose preface's first line the
     * HTTP/1 connection read).
     */
    public Http2Heads(int prefaceRead, long now) {
        if (prefaceRead < 0 || prefaceRead > PREFACE) {
            throw new IllegalArgumentException("prefaceRead: " + prefaceRead);
        }
        prefaceLeft = PREFACE - prefaceRead;
        headStarted = prefaceLeft > 0 ? now : NONE;
    }

    /**
     * Takes the bytes {@code bytes[from, to)} (absolute indexes, the buffer's position untouched),
     * read at {@code now} (nanos).
     */
    public void read(ByteBuffer bytes, int from, int to, long now) {
        int at = from;
        while (at < to) {
            if (prefaceLeft > 0) {
                if (prefaceLeft == PREFACE) {
                    headStarted = now;
                }
                int taken = Math.min(prefaceLeft, to - at);
                prefaceLeft -= taken;
                at += taken;
                if (prefaceLeft == 0) {
                    headStarted = NONE;
                }
            } else if (headerRead < FRAME_HEADER) {
                if (headerRead == 0) {
                    frameStarted = now;
                    length = 0;
                }
                int b = bytes.get(at++) & 0xFF;
                switch (headerRead++) {
                    case 0, 1, 2 -> length = (length << 8) | b;
                    case 3 -> {
                        headFrame = b == HEADERS || b == CONTINUATION;
                        if (b == HEADERS && headStarted == NONE) {
                            headStarted = frameStarted;
                        }
                    }
                    case 4 -> flags = b;
                    default -> {
                        // the stream id: not needed
                    }
                }
                if (headerRead == FRAME_HEADER && length == 0) {
                    frameEnded();
                }
            } else {
                int taken = Math.min(length, to - at);
                length -= taken;
                at += taken;
                if (length == 0) {
                    frameEnded();
                }
            }
        }
    }

    private void frameEnded() {
        headerRead = 0;
        if (headFrame && (flags & END_HEADERS) != 0) {
            headStarted = NONE;
        }
    }

    /** The reason a connection closes for a head past its deadline. */
    public static final String TOO_LATE = "HTTP/2 request head not complete within the request head timeout";

    /**
     * Takes what an end point's {@code fill} just appended to {@code buffer} ({@code filled} bytes,
     * the last before its limit) and tells whether a head part way in began more than
     * {@code deadlineNanos} ago.
     */
    public boolean filledPastDeadline(ByteBuffer buffer, int filled, long deadlineNanos) {
        long now = System.nanoTime();
        if (filled > 0) {
            read(buffer, buffer.limit() - filled, buffer.limit(), now);
        }
        return headStarted != NONE && now - headStarted > deadlineNanos;
    }

    /** When the head part way in began (nanos), or {@link #NONE} if none is. */
    public long headStarted() {
        return headStarted;
    }
}
