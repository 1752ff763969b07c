package io.jingress.core.internal.lb;

/**
 * xxHash64 (Yann Collet's XXH64), written here so that ingress-core needs nothing but the JDK.
 * {@link #hash(CharSequence, long)} hashes a string's UTF-16LE encoding without copying it, which
 * keeps hashing a request key free of allocation.
 */
public final class XxHash64 {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private XxHash64() {
    }

    /** XXH64 of {@code bytes}. */
    public static long hash(byte[] bytes, long seed) {
        int len = bytes.length;
        int i = 0;
        long h;
        if (len >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            int limit = len - 32;
            do {
                v1 = round(v1, longLe(bytes, i));
                v2 = round(v2, longLe(bytes, i + 8));
                v3 = round(v3, longLe(bytes, i + 16));
                v4 = round(v4, longLe(bytes, i + 24));
                i += 32;
            } while (i <= limit);
            h = converge(v1, v2, v3, v4);
        } else {
            h = seed + P5;
        }
        h += len;
        while (i + 8 <= len) {
            h = mix8(h, longLe(bytes, i));
            i += 8;
        }
        if (i + 4 <= len) {
            h = mix4(h, intLe(bytes, i));
            i += 4;
        }
        while (i < len) {
            h = mix1(h, bytes[i] & 0xFF);
            i++;
        }
        return avalanche(h);
    }

    /** XXH64 of the UTF-16LE encoding of {@code chars}, read in place. */
    public static long hash(CharSequence chars, long seed) {
        int len = chars.length();
        int i = 0;
        long h;
        if (len >= 16) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            int limit = len - 16;
            do {
                v1 = round(v1, lane(chars, i));
                v2 = round(v2, lane(chars, i + 4));
                v3 = round(v3, lane(chars, i + 8));
                v4 = round(v4, lane(chars, i + 12));
                i += 16;
            } while (i <= limit);
            h = converge(v1, v2, v3, v4);
        } else {
            h = seed + P5;
        }
        h += 2L * len;
        while (i + 4 <= len) {
            h = mix8(h, lane(chars, i));
            i += 4;
        }
        if (i + 2 <= len) {
            h = mix4(h, (chars.charAt(i) & 0xFFFFL) | (chars.charAt(i + 1) & 0xFFFFL) << 16);
            i += 2;
        }
        if (i < len) {
            char c = chars.charAt(i);
            h = mix1(h, c & 0xFF);
            h = mix1(h, c >>> 8);
        }
        return avalanche(h);
    }

    private static long lane(CharSequence s, int i) {
        return (s.charAt(i) & 0xFFFFL) | (s.charAt(i + 1) & 0xFFFFL) << 16
                | (s.charAt(i + 2) & 0xFFFFL) << 32 | (s.charAt(i + 3) & 0xFFFFL) << 48;
    }

    private static long longLe(byte[] b, int i) {
        return (intLe(b, i)) | (intLe(b, i + 4) << 32);
    }

    private static long intLe(byte[] b, int i) {
        return (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long mergeRound(long h, long v) {
        h ^= round(0, v);
        return h * P1 + P4;
    }

    private static long converge(long v1, long v2, long v3, long v4) {
        long h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
        h = mergeRound(h, v1);
        h = mergeRound(h, v2);
        h = mergeRound(h, v3);
        return mergeRound(h, v4);
    }

    private static long mix8(long h, long k) {
        h ^= round(0, k);
        return Long.rotateLeft(h, 27) * P1 + P4;
    }

    private static long mix4(long h, long unsignedInt) {
        h ^= unsignedInt * P1;
        return Long.rotateLeft(h, 23) * P2 + P3;
    }

    private static long mix1(long h, int unsignedByte) {
        h ^= unsignedByte * P5;
        return Long.rotateLeft(h, 11) * P1;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ (h >>> 32);
    }
}
