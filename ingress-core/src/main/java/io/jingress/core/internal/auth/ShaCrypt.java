package io.jingress.core.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * SHA-crypt (Ulrich Drepper's specification): {@code $5$} with SHA-256 and {@code $6$} with
 * SHA-512, an optional {@code rounds=N$} (5000 when absent, held to 1000 to 999999999), a salt of
 * up to 16 characters.
 */
final class ShaCrypt extends PasswordHash {
    private static final String ROUNDS = "rounds=";
    private static final int DEFAULT_ROUNDS = 5000;
    // the byte triples of the encoded hash, in the specification's order
    private static final int[] SHA256_ORDER = {0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14, 15, 25, 5, 6, 16, 26,
        27, 7, 17, 18, 28, 8, 9, 19, 29};
    private static final int[] SHA512_ORDER = {0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48,
        28, 49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16,
        59, 17, 38, 18, 39, 60, 40, 61, 19, 62, 20, 41};

    private final boolean sha512;
    private final int rounds;
    private final String salt;
    private final String hash;  // the stored hash's last field

    private ShaCrypt(boolean sha512, int rounds, String salt, String hash) {
        super(sha512 ? "$6$" : "$5$");
        this.sha512 = sha512;
        this.rounds = rounds;
        this.salt = salt;
        this.hash = hash;
    }

    static ShaCrypt read(String stored) {
        boolean sha512 = stored.startsWith("$6$");
        int at = 3;
        int rounds = DEFAULT_ROUNDS;
        if (stored.startsWith(ROUNDS, at)) {
            int end = stored.indexOf('$', at);
            if (end < 0) {
                return null;
            }
            try {
                long asked = Long.parseLong(stored, at + ROUNDS.length(), end, 10);
                rounds = (int) Math.max(1000, Math.min(999_999_999, asked));
            } catch (NumberFormatException e) {
                return null;
            }
            at = end + 1;
        }
        int end = stored.indexOf('$', at);
        int hashLength = sha512 ? 86 : 43;
        if (end < 0 || end - at > 16 || stored.length() != end + 1 + hashLength || !Crypt64.isEncoded(stored, end + 1, stored.length())) {
            return null;
        }
        return new ShaCrypt(sha512, rounds, stored.substring(at, end), stored.substring(end + 1));
    }

    @Override
    public boolean matches(byte[] password) {
        return same(crypt(password), hash);
    }

    @Override
    public boolean slow() {
        return true;
    }

    /** The hash's last field for {@code password}. */
    private String crypt(byte[] password) {
        MessageDigest md = digest(sha512 ? "SHA-512" : "SHA-256");
        int size = md.getDigestLength();
        byte[] saltBytes = salt.getBytes(StandardCharsets.US_ASCII);

        md.update(password);
        md.update(saltBytes);
        md.update(password);
        byte[] b = md.digest();

        md.update(password);
        md.update(saltBytes);
        int left = password.length;
        for (; left > size; left -= size) {
            md.update(b);
        }
        md.update(b, 0, left);
        for (int i = password.length; i > 0; i >>>= 1) {
            if ((i & 1) != 0) {
                md.update(b);
            } else {
                md.update(password);
            }
        }
        byte[] a = md.digest();

        for (int i = 0; i < password.length; i++) {
            md.update(password);
        }
        byte[] p = repeated(md.digest(), password.length);

        for (int i = 0; i < 16 + (a[0] & 0xff); i++) {
            md.update(saltBytes);
        }
        byte[] s = repeated(md.digest(), saltBytes.length);

        byte[] c = a;
        for (int round = 0; round < rounds; round++) {
            md.update((round & 1) != 0 ? p : c);
            if (round % 3 != 0) {
                md.update(s);
            }
            if (round % 7 != 0) {
                md.update(p);
            }
            md.update((round & 1) != 0 ? c : p);
            c = md.digest();
        }

        StringBuilder out = new StringBuilder(hash.length());
        int[] order = sha512 ? SHA512_ORDER : SHA256_ORDER;
        for (int i = 0; i < order.length; i += 3) {
            Crypt64.append(out, c[order[i]], c[order[i + 1]], c[order[i + 2]], 4);
        }
        if (sha512) {
            Crypt64.append(out, (byte) 0, (byte) 0, c[63], 2);
        } else {
            Crypt64.append(out, (byte) 0, c[31], c[30], 3);
        }
        return out.toString();
    }

    // the digest's bytes repeated, then its first bytes, to make length bytes
    private static byte[] repeated(byte[] digest, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = digest[i % digest.length];
        }
        return out;
    }
}
