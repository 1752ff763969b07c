package io.jingress.core.internal.auth;

/** The base-64 of crypt(3) hashes: {@code ./0-9A-Za-z}, least significant six bits first. */
final class Crypt64 {
    static final String ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private Crypt64() {
    }

    /** Appends the {@code chars} low six-bit groups of {@code value}, lowest first. */
    static void append(StringBuilder out, int value, int chars) {
        for (int i = 0; i < chars; i++) {
            out.append(ALPHABET.charAt(value & 0x3f));
            value >>>= 6;
        }
    }

    /** {@code (b2 << 16) | (b1 << 8) | b0} as {@code chars} characters. */
    static void append(StringBuilder out, byte b2, byte b1, byte b0, int chars) {
        append(out, ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff), chars);
    }

    /** Whether {@code text} from {@code from} to {@code to} holds only characters of the alphabet. */
    static boolean isEncoded(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (ALPHABET.indexOf(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}
