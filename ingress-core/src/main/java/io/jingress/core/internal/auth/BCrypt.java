package io.jingress.core.internal.auth;

import java.util.Arrays;

/**
 * bcrypt (Provos and Mazières' EksBlowfish): {@code $2a$}, {@code $2b$} and {@code $2y$}, which hash
 * a password alike (the {@code $2y$} of {@code htpasswd -B} is PHP's name for {@code $2b$}); a cost
 * of 4 to 17 (htpasswd's range: 2^17 rounds already take seconds), a 22-character salt, a
 * 31-character hash. The first 72 bytes of the password and its terminating NUL are the key.
 */
final class BCrypt extends PasswordHash {
    private static final String ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_COST = 17;
    private static final int[] INITIAL = BlowfishDigits.words();
    // "OrpheanBeholderScryDoubt", the text bcrypt enciphers 64 times
    private static final int[] CIPHER_TEXT = {0x4f727068, 0x65616e42, 0x65686f6c, 0x64657253, 0x63727944, 0x6f756274};

    private final int cost;
    private final byte[] salt;
    private final String hash;  // the stored hash's last 31 characters

    private BCrypt(String scheme, int cost, byte[] salt, String hash) {
        super(scheme);
        this.cost = cost;
        this.salt = salt;
        this.hash = hash;
    }

    static BCrypt read(String stored) {
        if (stored.length() != 60 || !(stored.startsWith("$2a$") || stored.startsWith("$2b$") || stored.startsWith("$2y$"))
                || stored.charAt(6) != '$') {
            return null;
        }
        char tens = stored.charAt(4);
        char ones = stored.charAt(5);
        if (tens < '0' || tens > '9' || ones < '0' || ones > '9') {
            return null;
        }
        int cost = (tens - '0') * 10 + (ones - '0');
        if (cost < 4 || cost > MAX_COST) {
            return null;
        }
        for (int i = 7; i < 60; i++) {
            if (ALPHABET.indexOf(stored.charAt(i)) < 0) {
                return null;
            }
        }
        return new BCrypt(stored.substring(0, 4), cost, decode(stored, 7, 22, 16), stored.substring(29));
    }

    @Override
    public boolean matches(byte[] password) {
        byte[] key = Arrays.copyOf(password, Math.min(password.length + 1, 72));  // the NUL, when it fits
        return same(encode(new Blowfish().hash(key, salt, cost), 23), hash);
    }

    @Override
    public boolean slow() {
        return true;
    }

    private static byte[] decode(String text, int from, int chars, int bytes) {
        byte[] out = new byte[bytes];
        int at = from;
        int end = from + chars;
        int n = 0;
        while (at < end - 1 && n < bytes) {
            int c1 = ALPHABET.indexOf(text.charAt(at++));
            int c2 = ALPHABET.indexOf(text.charAt(at++));
            out[n++] = (byte) ((c1 << 2) | ((c2 & 0x30) >> 4));
            if (n >= bytes || at >= end) {
                break;
            }
            int c3 = ALPHABET.indexOf(text.charAt(at++));
            out[n++] = (byte) (((c2 & 0x0f) << 4) | ((c3 & 0x3c) >> 2));
            if (n >= bytes || at >= end) {
                break;
            }
            int c4 = ALPHABET.indexOf(text.charAt(at++));
            out[n++] = (byte) (((c3 & 0x03) << 6) | c4);
        }
        return out;
    }

    private static String encode(byte[] data, int length) {
        StringBuilder out = new StringBuilder((length * 4 + 2) / 3);
        int at = 0;
        while (at < length) {
            int c1 = data[at++] & 0xff;
            out.append(ALPHABET.charAt(c1 >> 2));
            c1 = (c1 & 0x03) << 4;
            if (at >= length) {
                out.append(ALPHABET.charAt(c1));
                break;
            }
            int c2 = data[at++] & 0xff;
            out.append(ALPHABET.charAt(c1 | (c2 >> 4)));
            c1 = (c2 & 0x0f) << 2;
            if (at >= length) {
                out.append(ALPHABET.charAt(c1));
                break;
            }
            c2 = data[at++] & 0xff;
            out.append(ALPHABET.charAt(c1 | (c2 >> 6)));
            out.append(ALPHABET.charAt(c2 & 0x3f));
        }
        return out.toString();
    }

    /** One EksBlowfish state, for one hash. */
    private static final class Blowfish {
        private final int[] p = Arrays.copyOfRange(INITIAL, 0, 18);
        private final int[] s = Arrays.copyOfRange(INITIAL, 18, INITIAL.length);
        private final int[] position = new int[1];

        byte[] hash(byte[] key, byte[] salt, int cost) {
            expand(salt, key);
            long rounds = 1L << cost;
            for (long i = 0; i < rounds; i++) {
                expand(null, key);
                expand(null, salt);
            }
            int[] text = CIPHER_TEXT.clone();
            for (int i = 0; i < 64; i++) {
                for (int j = 0; j < text.length; j += 2) {
                    encipher(text, j);
                }
            }
            byte[] out = new byte[text.length * 4];
            for (int i = 0; i < text.length; i++) {
                out[4 * i] = (byte) (text[i] >>> 24);
                out[4 * i + 1] = (byte) (text[i] >>> 16);
                out[4 * i + 2] = (byte) (text[i] >>> 8);
                out[4 * i + 3] = (byte) text[i];
            }
            return out;
        }

        // Blowfish's key schedule with the key's bytes, and, when salt is not null, the salt mixed
        // into every block enciphered (EksBlowfish's ExpandKey)
        private void expand(byte[] salt, byte[] key) {
            position[0] = 0;
            for (int i = 0; i < p.length; i++) {
                p[i] ^= word(key, position);
            }
            int[] block = {0, 0};
            int[] saltAt = {0};
            for (int i = 0; i < p.length; i += 2) {
                if (salt != null) {
                    block[0] ^= word(salt, saltAt);
                    block[1] ^= word(salt, saltAt);
                }
                encipher(block, 0);
                p[i] = block[0];
                p[i + 1] = block[1];
            }
            for (int i = 0; i < s.length; i += 2) {
                if (salt != null) {
                    block[0] ^= word(salt, saltAt);
                    block[1] ^= word(salt, saltAt);
                }
                encipher(block, 0);
                s[i] = block[0];
                s[i + 1] = block[1];
            }
        }

        private void encipher(int[] block, int at) {
            int left = block[at];
            int right = block[at + 1];
            left ^= p[0];
            for (int i = 0; i <= 14; i += 2) {
                right ^= f(left) ^ p[i + 1];
                left ^= f(right) ^ p[i + 2];
            }
            block[at] = right ^ p[17];
            block[at + 1] = left;
        }

        private int f(int x) {
            return ((s[x >>> 24] + s[0x100 | ((x >>> 16) & 0xff)]) ^ s[0x200 | ((x >>> 8) & 0xff)]) + s[0x300 | (x & 0xff)];
        }

        // the next four bytes of data, cyclically, as a big-endian word
        private static int word(byte[] data, int[] at) {
            int word = 0;
            for (int i = 0; i < 4; i++) {
                word = (word << 8) | (data[at[0]] & 0xff);
                at[0] = (at[0] + 1) % data.length;
            }
            return word;
        }
    }
}
