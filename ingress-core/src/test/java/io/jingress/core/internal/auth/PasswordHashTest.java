package io.jingress.core.internal.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every format checked against hashes made by the real tools (Debian 12: OpenSSL 3.0, apache2-utils
 * 2.4 htpasswd, glibc/libxcrypt crypt(3) through Python's crypt module); the command that made each
 * is beside it.
 */
class PasswordHashTest {
    private static final String PASSWORD = "correct horse";

    private static boolean matches(String stored, String password) {
        PasswordHash hash = PasswordHash.parse(stored);
        assertNotNull(hash, stored);
        return hash.matches(password.getBytes(StandardCharsets.UTF_8));
    }

    private static void acceptsOnlyItsPassword(String stored, String password) {
        assertTrue(matches(stored, password), stored + " takes " + password);
        assertFalse(matches(stored, password + "!"), stored + " refuses a longer password");
        assertFalse(matches(stored, password.substring(1)), stored + " refuses a shorter password");
        assertFalse(matches(stored, ""), stored + " refuses an empty password");
    }

    @Test
    void apacheMd5AsHtpasswdAndOpensslMakeIt() {
        // openssl passwd -apr1 -salt hT5ftbhw 'correct horse'
        acceptsOnlyItsPassword("$apr1$hT5ftbhw$mtpvXZAwWzl38g6Ie96q71", PASSWORD);
        // htpasswd -nbm dave 'correct horse'
        acceptsOnlyItsPassword("$apr1$ZExGCCSP$i9Q.XSQrkubb2ZHIF7bar/", PASSWORD);
        // openssl passwd -apr1 -salt 12345678 ''
        assertTrue(matches("$apr1$12345678$sHuPAw7VA9xjRbJz7zKV7/", ""));
        assertFalse(matches("$apr1$12345678$sHuPAw7VA9xjRbJz7zKV7/", " "));
    }

    @Test
    void md5CryptAsOpensslMakesIt() {
        // openssl passwd -1 -salt saltsalt 'correct horse'
        acceptsOnlyItsPassword("$1$saltsalt$NuzA7WTAelpl95xgBGWN60", PASSWORD);
        // openssl passwd -1 -salt ab 'pässwörd' (UTF-8 bytes, as a client sends them)
        assertTrue(matches("$1$ab$bRZzLnQPD1ql12pSoshc71", "pässwörd"));
        assertEquals("$1$", PasswordHash.parse("$1$ab$bRZzLnQPD1ql12pSoshc71").scheme());
    }

    @Test
    void shaCryptAsOpensslAndGlibcMakeIt() {
        // openssl passwd -5 -salt saltstringsaltst 'correct horse'
        acceptsOnlyItsPassword("$5$saltstringsaltst$jLZQheM22MPm6SnLJWD3VQoX3IEoDyQRzGwNm7I7TtC", PASSWORD);
        // openssl passwd -6 -salt saltstringsaltst 'correct horse'
        acceptsOnlyItsPassword("$6$saltstringsaltst$bCw7Luzu/QuQ7MeikTUrtG/H3qEhWE0qeSa7fQ7Q.KB7rHffvy6nWAiqxozGGanThe/hZPI9w1X/Yv09XRqnt1",
                PASSWORD);
        // python3 -c "import crypt; print(crypt.crypt('correct horse', '$5$rounds=10000$saltstringsaltst'))"
        acceptsOnlyItsPassword("$5$rounds=10000$saltstringsaltst$ffO6RHJbzihHqETll0c/MLDJrGhQw9fAaO1LcVIStWB", PASSWORD);
        // python3 -c "import crypt; print(crypt.crypt('correct horse', '$6$rounds=1000$shortsalt'))"
        acceptsOnlyItsPassword("$6$rounds=1000$shortsalt$sxgVNA.elRuAoQliwiVDv2qy6K09wf27THkw3fcRZcd1OX/T3R3CrejmpGbD.YNtlIuE6Tb8jwP5JgeCXup2V1",
                PASSWORD);
        // openssl passwd -6 -salt x 'a password longer than sixty-four bytes, to cover the longer branches of sha-crypt....'
        assertTrue(matches("$6$x$fDSfAQLjSL4Bbn760Msg5atO6dT81F3tD5lWZdYst5v5CK6qAoePq.gTZ6KM33X7i.TvM/vgPuDswPdH5A3zV.",
                "a password longer than sixty-four bytes, to cover the longer branches of sha-crypt...."));
        assertTrue(PasswordHash.parse("$5$saltstringsaltst$jLZQheM22MPm6SnLJWD3VQoX3IEoDyQRzGwNm7I7TtC").slow());
    }

    @Test
    void bcryptAsHtpasswdAndLibxcryptMakeIt() {
        // htpasswd -nbB -C 10 alice 'correct horse'
        acceptsOnlyItsPassword("$2y$10$pTIjnIyp98ogKO3t1hh6lOq488jlMkRiu580KLwuNuKXn.Ri1pekS", PASSWORD);
        // htpasswd -nbB -C 4 bob 'battery staple'
        acceptsOnlyItsPassword("$2y$04$5PUO9uhOZ4R/r0EeBJTwUeaPe8rn8ndIGvUxb0aU2RH3.uUEuaYh.", "battery staple");
        // python3 -c "import crypt; print(crypt.crypt('correct horse', '$2b$05$abcdefghijklmnopqrstuu'))"
        acceptsOnlyItsPassword("$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2", PASSWORD);
        // python3 -c "import crypt; print(crypt.crypt('correct horse', '$2a$05$abcdefghijklmnopqrstuu'))"
        acceptsOnlyItsPassword("$2a$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2", PASSWORD);
        assertTrue(PasswordHash.parse("$2y$04$5PUO9uhOZ4R/r0EeBJTwUeaPe8rn8ndIGvUxb0aU2RH3.uUEuaYh.").slow());
    }

    @Test
    void shaAndSaltedShaAndPlain() {
        // htpasswd -nbs carol 'correct horse'
        acceptsOnlyItsPassword("{SHA}L55TUjtiq8FBorTWAZ0jy6g129A=", PASSWORD);
        // python3: base64(sha1(b'correct horse' + b'NaCl\x01\x02').digest() + b'NaCl\x01\x02'), as slappasswd -h {SSHA} lays it out
        acceptsOnlyItsPassword("{SSHA}PWOrIjvJfUM5bwyXEiFIOZ8MOTJOYUNsAQI=", PASSWORD);
        acceptsOnlyItsPassword("{PLAIN}correct horse", PASSWORD);
        assertFalse(PasswordHash.parse("{SHA}L55TUjtiq8FBorTWAZ0jy6g129A=").slow());
    }

    @Test
    void formatsNginxDoesNotTakeOnLinuxOrDamagedHashesAreNotRead() {
        assertNull(PasswordHash.parse("plain"));                  // htpasswd -nbp erin plain
        assertNull(PasswordHash.parse("9iAv51l/ZwSRU"));          // htpasswd -nbd frank crypt (DES crypt)
        assertNull(PasswordHash.parse("$y$j9T$abc$def"));         // yescrypt
        assertNull(PasswordHash.parse("$2x$10$pTIjnIyp98ogKO3t1hh6lOq488jlMkRiu580KLwuNuKXn.Ri1pekS"));
        assertNull(PasswordHash.parse("$2y$10$pTIjnIyp98ogKO3t1hh6lOq488jlMkRiu580KLwuNuKXn.Ri1pek"));  // one short
        assertNull(PasswordHash.parse("$2y$31$pTIjnIyp98ogKO3t1hh6lOq488jlMkRiu580KLwuNuKXn.Ri1pekS"));  // a cost of days
        assertNull(PasswordHash.parse("$apr1$hT5ftbhw$mtpvXZAwWzl38g6Ie96q7"));
        assertNull(PasswordHash.parse("$apr1$toolongsalt$mtpvXZAwWzl38g6Ie96q71"));
        assertNull(PasswordHash.parse("$5$salt$short"));
        assertNull(PasswordHash.parse("$5$rounds=many$salt$jLZQheM22MPm6SnLJWD3VQoX3IEoDyQRzGwNm7I7TtC"));
        assertNull(PasswordHash.parse("{SHA}not base64!"));
        assertNull(PasswordHash.parse("{SHA}c2hvcnQ="));
        assertNull(PasswordHash.parse(""));
    }
}
