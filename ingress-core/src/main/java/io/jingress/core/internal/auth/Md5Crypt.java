package io.jingress.core.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * MD5-crypt (Poul-Henning Kamp's {@code $1$}) and Apache's variant of it, {@code $apr1$}, which
 * differs only in its magic: a salt of up to 8 characters, 1000 rounds of MD5, 22 characters of hash.
 */
final class Md5Crypt extends PasswordHash {
    private final String magic;
    private final String salt;
    private final String stored;

    private Md5Crypt(String magic, String salt, String stored) {
        super(magic);
        this.magic = magic;
        this.salt = salt;
        this.stored = stored;
    }

    static Md5Crypt read(String stored) {
        String magic = stored.startsWith("$apr1$") ? "$apr1$" : "$1$";
        int end = stored.indexOf('$', magic.length());
        if (end < 0 || end - magic.length() > 8 || stored.length() != end + 1 + 22
                || !Crypt64.isEncoded(stored, end + 1, stored.length())) {
            return null;
        }
        return new Md5Crypt(magic, stored.substring(magic.length(), end), stored);
    }

    @Override
    public boolean matches(byte[] password) {
        return same(crypt(password, magic, salt), stored);
    }

    static String crypt(byte[] password, String magic, String salt) {
        byte[] saltBytes = salt.getBytes(StandardCharsets.US_ASCII);
        MessageDigest md5 = digest("MD5");
        md5.update(password);
        md5.update(saltBytes);
        md5.update(password);
        byte[] alternate = md5.digest();

        md5.update(password);
        md5.update(magic.getBytes(StandardCharsets.US_ASCII));
        md5.update(saltBytes);
        for (int left = password.length; left > 0; left -= 16) {
            md5.update(alternate, 0, Math.min(left, 16));
        }
        for (int i = password.length; i != 0; i >>>= 1) {
            if ((i & 1) != 0) {
                md5.update((byte) 0);
            } else {
                md5.update(password[0]);
            }
        }
        byte[] result = md5.digest();
        for (int round = 0; round < 1000; round++) {
            if ((round & 1) != 0) {
                md5.update(password);
            } else {
                md5.update(result);
            }
            if (round % 3 != 0) {
                md5.update(saltBytes);
            }
            if (round % 7 != 0) {
                md5.update(password);
            }
            if ((round & 1) != 0) {
                md5.update(result);
            } else {
                md5.update(password);
            }
            result = md5.digest();
        }
        StringBuilder out = new StringBuilder(magic.length() + salt.length() + 23).append(magic).append(salt).append('$');
        Crypt64.append(out, result[0], result[6], result[12], 4);
        Crypt64.append(out, result[1], result[7], result[13], 4);
        Crypt64.append(out, result[2], result[8], result[14], 4);
        Crypt64.append(out, result[3], result[9], result[15], 4);
        Crypt64.append(out, result[4], result[10], result[5], 4);
        Crypt64.append(out, result[11] & 0xff, 2);
        return out.toString();
    }
}
