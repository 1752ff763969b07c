package io.jingress.core.internal.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The users of an htpasswd file, read as nginx's {@code auth_basic_user_file} reads one: a line is
 * {@code user:hash}, optionally followed by {@code :comment}; a line that begins with {@code #} is a
 * comment; CR LF ends a line as LF does; nothing is trimmed. A line nginx would skip (no
 * {@code :}, no user) and a user whose hash is in no format {@link PasswordHash} reads are
 * reported, and cost only that line; of a user named twice the first line counts, as in nginx.
 *
 * @param users the users by name, in file order; a user whose hash is not read maps to null (and
 *     cannot log in)
 * @param problems one sentence per line left out, naming its line and user
 */
public record HtpasswdUsers(Map<String, PasswordHash> users, List<String> problems) {
    /** What {@code problems} say of a hash in no format read. */
    public static final String FORMATS = "$apr1$, $1$, $5$, $6$, $2a$, $2b$, $2y$, {SHA}, {SSHA} or {PLAIN}";

    public HtpasswdUsers {
        users = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(users));  // null values: not Map.copyOf
        problems = List.copyOf(problems);
    }

    /** The users of an htpasswd file's text. */
    public static HtpasswdUsers parseFile(String text) {
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "line " + (i + 1);
            int colon = line.indexOf(':');
            if (colon < 0) {
                problems.add(where + " has no ':' between a user and a password hash; it is skipped");
                continue;
            }
            if (colon == 0) {
                problems.add(where + " names no user; it is skipped");
                continue;
            }
            String user = line.substring(0, colon);
            int end = line.indexOf(':', colon + 1);
            String stored = end < 0 ? line.substring(colon + 1) : line.substring(colon + 1, end);
            add(users, problems, where + " (user \"" + user + "\")", user, stored);
        }
        return new HtpasswdUsers(users, problems);
    }

    /**
     * The users of an {@code auth-map} Secret: each key a user, its value the hash (a trailing line
     * break, as a value made from a file has, is not part of it); in order of the users' names.
     */
    public static HtpasswdUsers parseMap(Map<String, String> data) {
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(data).entrySet()) {
            String stored = entry.getValue().strip();
            add(users, problems, "user \"" + entry.getKey() + "\"", entry.getKey(), stored);
        }
        return new HtpasswdUsers(users, problems);
    }

    private static void add(Map<String, PasswordHash> users, List<String> problems, String where, String user, String stored) {
        // a user whose first line is unreadable still has it: nginx stops at the first line of a user
        if (users.containsKey(user)) {
            problems.add(where + " is named before: the first line counts, as in nginx");
            return;
        }
        PasswordHash hash = PasswordHash.parse(stored);
        if (hash == null) {
            problems.add(where + ": the password hash is in no format Jingress reads (" + FORMATS
                    + "); this user cannot log in");
        }
        users.put(user, hash);
    }
}
