package io.jingress.core.internal.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An htpasswd file and an auth-map Secret, read as nginx reads auth_basic_user_file. */
class HtpasswdUsersTest {
    // htpasswd -nbm dave 'correct horse'; htpasswd -nbs carol 'correct horse'; htpasswd -nbB -C 4 bob 'battery staple'
    private static final String DAVE = "$apr1$ZExGCCSP$i9Q.XSQrkubb2ZHIF7bar/";
    private static final String CAROL = "{SHA}L55TUjtiq8FBorTWAZ0jy6g129A=";
    private static final String BOB = "$2y$04$5PUO9uhOZ4R/r0EeBJTwUeaPe8rn8ndIGvUxb0aU2RH3.uUEuaYh.";

    private static boolean logsIn(HtpasswdUsers users, String user, String password) {
        PasswordHash hash = users.users().get(user);
        return hash != null && hash.matches(password.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void commentsBlankLinesCrLfAndTrailingFieldsAreReadAsNginxReadsThem() {
        HtpasswdUsers users = HtpasswdUsers.parseFile("# made with htpasswd\r\n"
                + "dave:" + DAVE + "\r\n"
                + "\n"
                + "carol:" + CAROL + ":the second admin\n"
                + "bob:" + BOB + "\n");

        assertEquals(List.of("dave", "carol", "bob"), List.copyOf(users.users().keySet()));
        assertTrue(logsIn(users, "dave", "correct horse"));
        assertTrue(logsIn(users, "carol", "correct horse"));
        assertTrue(logsIn(users, "bob", "battery staple"));
        assertFalse(logsIn(users, "bob", "correct horse"));
        assertEquals(List.of(), users.problems());
    }

    @Test
    void aBadLineCostsOnlyItselfAndIsReportedByLineAndUser() {
        HtpasswdUsers users = HtpasswdUsers.parseFile("dave:" + DAVE + "\n"
                + "no colon here\n"
                + ":" + CAROL + "\n"
                + "erin:plain\n"            // htpasswd -nbp erin plain: nginx on Linux cannot read it either
                + "dave:" + CAROL + "\n"    // the first line of a user counts
                + "carol:" + CAROL);

        assertTrue(logsIn(users, "dave", "correct horse"));
        assertTrue(logsIn(users, "carol", "correct horse"));
        assertFalse(logsIn(users, "erin", "plain"));
        assertNull(users.users().get("erin"));
        assertEquals(List.of(
                "line 2 has no ':' between a user and a password hash; it is skipped",
                "line 3 names no user; it is skipped",
                "line 4 (user \"erin\"): the password hash is in no format Jingress reads ($apr1$, $1$, $5$, $6$, $2a$, $2b$,"
                        + " $2y$, {SHA}, {SSHA} or {PLAIN}); this user cannot log in",
                "line 5 (user \"dave\") is named before: the first line counts, as in nginx"), users.problems());
    }

    @Test
    void aUserWhoseFirstLineIsUnreadableCannotLogInWithALaterOne() {
        HtpasswdUsers users = HtpasswdUsers.parseFile("erin:plain\nerin:" + CAROL + "\n");

        assertFalse(logsIn(users, "erin", "correct horse"));
        assertEquals(2, users.problems().size());
    }

    @Test
    void anAuthMapHasAUserPerKeyAndItsHashAsValue() {
        HtpasswdUsers users = HtpasswdUsers.parseMap(Map.of("dave", DAVE + "\n", "carol", CAROL, "erin", "plain"));

        assertTrue(logsIn(users, "dave", "correct horse"));
        assertTrue(logsIn(users, "carol", "correct horse"));
        assertFalse(logsIn(users, "erin", "plain"));
        assertEquals(List.of("user \"erin\": the password hash is in no format Jingress reads ($apr1$, $1$, $5$, $6$, $2a$,"
                + " $2b$, $2y$, {SHA}, {SSHA} or {PLAIN}); this user cannot log in"), users.problems());
    }
}
