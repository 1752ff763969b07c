package io.jingress.core.internal.route;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads a request's host and path 8 chars at a time ("SIMD within a register"): the calling
 * thread's copy of a string as Latin-1 bytes, read as little-endian {@code long}s, hashed, folded
 * to lower case and searched for {@code '/'} a word at a time, not a char at a time. A host of 30
 * chars is 4 words: the match's work follows the words, and its branches the segments.
 */
final class Swar {
    /** The bytes after a string's copy that a read may touch: a sentinel {@code '/'} and 7 more. */
    static final int PAD = 8;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    // one per thread, grown for a longer string (and then kept): copying into it allocates nothing
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256]);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long SLASHES = 0x2F2F2F2F2F2F2F2FL;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Swar() {
    }

    /**
     * The calling thread's copy of {@code text[0, to)}, a byte a char (its low byte), followed by
     * a {@code '/'} and {@link #PAD} - 1 more bytes, so a read of 8 bytes from any place up to
     * {@code to} stays inside; valid until this thread's next call.
     */
    @SuppressWarnings("deprecation")  // the one bulk copy of a String's Latin-1 bytes that allocates nothing
    static byte[] copy(String text, int to) {
        byte[] bytes = SCRATCH.get();
        if (bytes.length < to + PAD) {
            bytes = new byte[Math.max(to + PAD, 2 * bytes.length)];
            SCRATCH.set(bytes);
        }
        text.getBytes(0, to, bytes, 0);
        bytes[to] = '/';
        return bytes;
    }

    /**
     * Where the first char of {@code text[0, to)} outside Latin-1 is, or {@code to}: from there
     * on the copy's bytes are not the text's chars. Its loop carries no dependency through the
     * text, so it runs beside the match's loads.
     */
    static int latin1End(String text, int to) {
        for (int i = 0; i < to; i++) {
            if (text.charAt(i) > 0xFF) {
                return i;
            }
        }
        return to;
    }

    /** The 8 bytes from {@code at}, the first in the low byte. */
    static long read(byte[] bytes, int at) {
        return (long) LONGS.get(bytes, at);
    }

    /** The low {@code length} bytes set, {@code length} from 0 to 8. */
    static long mask(int length) {
        return length >= 8 ? -1L : (1L << (length << 3)) - 1;
    }

    /** {@code word} with ASCII capitals in lower case, nothing else changed. */
    static long lower(long word) {
        long heptets = word & ~HIGHS;
        long fromA = heptets + 0x3F3F3F3F3F3F3F3FL;  // high bit set in a byte >= 'A'
        long pastZ = heptets + 0x2525252525252525L;  // high bit set in a byte > 'Z'
        long capitals = fromA & ~pastZ & ~word & HIGHS;
        return word | (capitals >>> 2);
    }

    /** Where the first {@code '/'} of {@code word} is, in bytes from the low end; 8 if none. */
    static int slash(long word) {
        long x = word ^ SLASHES;
        long zeros = (x - ONES) & ~x & HIGHS;  // exact up to the first zero byte, and that is the one read
        return zeros == 0 ? 8 : Long.numberOfTrailingZeros(zeros) >>> 3;
    }

    /** The hash of the host name {@code bytes[from, to)}, ASCII case ignored, seeded. */
    static long hostHash(byte[] bytes, int from, int to, long seed) {
        return hash(bytes, from, to, seed, true);
    }

    /** The hash of a path segment {@code bytes[from, to)} longer than 8 bytes. */
    static long segmentHash(byte[] bytes, int from, int to) {
        return hash(bytes, from, to, 0, false);
    }

    // a multiply a word; the callers' constant `lower` is folded away where this is inlined
    private static long hash(byte[] bytes, int from, int to, long seed, boolean lower) {
        long h = seed ^ (to - from);
        int at = from;
        for (; to - at >= 8; at += 8) {
            long word = read(bytes, at);
            h = (h ^ (lower ? lower(word) : word)) * GOLDEN;
        }
        if (at < to) {
            long word = read(bytes, at);
            h = (h ^ ((lower ? lower(word) : word) & mask(to - at))) * GOLDEN;
        }
        return h ^ (h >>> 29);
    }

    /**
     * The hash of a prefix path, from its parent's ({@code 0} for the root) and its last segment's
     * word (up to 8 bytes) or {@link #segmentHash} (longer).
     */
    static long step(long parent, long segment) {
        return (parent ^ segment) * GOLDEN + 1;
    }

    /** The Latin-1 bytes of {@code text} and {@link #PAD} more, for hashing a key as a request's copy is. */
    static byte[] bytesOf(String text) {
        byte[] bytes = new byte[text.length() + PAD];
        for (int i = 0; i < text.length(); i++) {
            bytes[i] = (byte) text.charAt(i);
        }
        return bytes;
    }
}
