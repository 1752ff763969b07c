package io.jingress.core.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * One user's password as an htpasswd file stores it, in the formats nginx's
 * {@code auth_basic_user_file} accepts on Linux and that {@code htpasswd} and {@code openssl passwd}
 * make: {@code $apr1$} (Apache's MD5, htpasswd's default), {@code $1$} (MD5-crypt), {@code $5$} and
 * {@code $6$} (SHA-crypt, with or without {@code rounds=}), {@code $2a$}, {@code $2b$} and
 * {@code $2y$} (bcrypt), {@code {SHA}}, {@code {SSHA}} and {@code {PLAIN}}. Every comparison of a
 * computed hash with the stored one takes the same time wherever they differ.
 *
 * <pre>{@code
 * PasswordHash hash = PasswordHash.parse("$apr1$hT5ftbhw$mtpvXZAwWzl38g6Ie96q71");
 * hash.matches("correct horse".getBytes(StandardCharsets.UTF_8));   // true
 * }</pre>
 */
public abstract class PasswordHash {
    private final String scheme;

    PasswordHash(String scheme) {
        this.scheme = scheme;
    }

    /**
     * The hash of {@code stored}, or null when it is in none of the formats above (a traditional DES
     * crypt, yescrypt {@code $y$}, a plain password without {@code {PLAIN}}, a damaged hash).
     */
    public static PasswordHash parse(String stored) {
        if (stored == null) {
            return null;
        }
        if (stored.startsWith("$apr1$") || stored.startsWith("$1$")) {
            return Md5Crypt.read(stored);
        }
        if (stored.startsWith("$5$") || stored.startsWith("$6$")) {
            return ShaCrypt.read(stored);
        }
        if (stored.startsWith("$2")) {
            return BCrypt.read(stored);
        }
        if (stored.startsWith("{PLAIN}")) {
            return new Plain(stored.substring(7).getBytes(StandardCharsets.UTF_8));
        }
        if (stored.startsWith("{SHA}")) {
            byte[] digest = base64(stored.substring(5));
            return digest == null || digest.length != 20 ? null : new Sha(digest, null);
        }
        if (stored.startsWith("{SSHA}")) {
            byte[] both = base64(stored.substring(6));
            if (both == null || both.length <= 20) {
                return null;
            }
            byte[] digest = java.util.Arrays.copyOf(both, 20);
            byte[] salt = java.util.Arrays.copyOfRange(both, 20, both.length);
            return new Sha(digest, salt);
        }
        return null;
    }

    /** The format's name, as the stored hash begins: {@code $apr1$}, {@code $2y$}, {@code {SHA}}... */
    public final String scheme() {
        return scheme;
    }

    /** Whether {@code password} (the bytes the client sent) is the one hashed. */
    public abstract boolean matches(byte[] password);

    /**
     * Whether checking a password costs more than a fraction of a millisecond: bcrypt and SHA-crypt,
     * made slow on purpose; a caller on a thread that must not block checks them elsewhere.
     */
    public boolean slow() {
        return false;
    }

    /** Compares in a time that does not depend on where the two differ. */
    static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    static boolean same(String computed, String stored) {
        return same(computed.getBytes(StandardCharsets.US_ASCII), stored.getBytes(StandardCharsets.US_ASCII));
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code {PLAIN}password}. */
    private static final class Plain extends PasswordHash {
        private final byte[] password;

        Plain(byte[] password) {
            super("{PLAIN}");
            this.password = password;
        }

        @Override
        public boolean matches(byte[] candidate) {
            return same(password, candidate);
        }
    }

    /** {@code {SHA}} base64(SHA-1(password)), and {@code {SSHA}} base64(SHA-1(password + salt) + salt). */
    private static final class Sha extends PasswordHash {
        private final byte[] digest;
        private final byte[] salt;  // null: {SHA}

        Sha(byte[] digest, byte[] salt) {
            super(salt == null ? "{SHA}" : "{SSHA}");
            this.digest = digest;
            this.salt = salt;
        }

        @Override
        public boolean matches(byte[] password) {
            MessageDigest sha1 = digest("SHA-1");
            sha1.update(password);
            if (salt != null) {
                sha1.update(salt);
            }
            return same(digest, sha1.digest());
        }
    }
}
