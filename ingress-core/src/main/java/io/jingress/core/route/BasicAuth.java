package io.jingress.core.route;

import io.jingress.core.internal.auth.PasswordHash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP basic authentication of an Ingress's routes ({@code auth-type: basic}, {@code auth-secret},
 * {@code auth-secret-type}, {@code auth-realm}, see {@link BasicAuthAnnotations}): the users of its
 * Secret and their password hashes, and the realm a client is challenged with. Immutable, but for
 * a bounded memo of the {@code Authorization} values already found good (by their SHA-256, never
 * the password), kept for as long as the Secret's content stays the same: a keep-alive client
 * pays for a bcrypt hash once, not on every request.
 *
 * <pre>{@code
 * BasicAuth auth = route.policy().basicAuth();
 * if (auth != null) {
 *     if (auth.refusesEveryRequest()) { ... 503 }
 *     switch (auth.check(request.header("Authorization"))) {
 *         case ALLOWED -> ...;                        // proxied, without the Authorization header
 *         case REFUSED -> ...;                        // 401, WWW-Authenticate: auth.challenge()
 *         case UNCHECKED -> ...;                      // a slow hash: auth.verify(...) on another thread
 *     }
 * }
 * }</pre>
 */
public final class BasicAuth {
    /** What {@link #check} found. */
    public enum Verdict {
        /** The credentials are a user's: the request goes on. */
        ALLOWED,
        /** No credentials, or not a user's: 401. */
        REFUSED,
        /** A user's hash is slow to check (bcrypt, SHA-crypt) and the credentials are not known yet: call {@link #verify}. */
        UNCHECKED
    }

    private static final int MEMO_CAPACITY = 1024;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private final String realm;
    private final String secret;
    private final Map<String, PasswordHash> users;  // a null hash: a user that cannot log in
    private final int usable;
    private final String refusal;
    private final String challenge;
    private final Map<Memo, Boolean> allowed;

    private BasicAuth(String realm, String secret, Map<String, PasswordHash> users, String refusal, Map<Memo, Boolean> allowed) {
        this.realm = realm;
        this.secret = secret;
        this.users = users;
        this.usable = (int) users.values().stream().filter(h -> h != null).count();
        this.refusal = refusal;
        this.challenge = "Basic realm=\"" + realm.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        this.allowed = allowed;
    }

    /** Authentication by {@code users} (from the Secret {@code secret}), with {@code allowed} as its memo. */
    static BasicAuth of(String realm, String secret, Map<String, PasswordHash> users, Map<Memo, Boolean> allowed) {
        return new BasicAuth(realm, secret, Map.copyOf(withoutNulls(users)), null, allowed);
    }

    /** Authentication that cannot be done as asked, so every request is refused (503); {@code why} says why. */
    static BasicAuth refusing(String realm, String secret, String why) {
        return new BasicAuth(realm, secret == null ? "" : secret, Map.of(), why, new ConcurrentHashMap<>());
    }

    private static Map<String, PasswordHash> withoutNulls(Map<String, PasswordHash> users) {
        Map<String, PasswordHash> out = new java.util.HashMap<>();
        users.forEach((user, hash) -> {
            if (hash != null) {
                out.put(user, hash);
            }
        });
        return out;
    }

    /** The realm of the challenge ({@code auth-realm}); empty when not set, as ingress-nginx sends it. */
    public String realm() {
        return realm;
    }

    /** The Secret the users come from, {@code namespace/name}; empty when none was named. */
    public String secret() {
        return secret;
    }

    /** How many users can log in. */
    public int users() {
        return usable;
    }

    /**
     * Whether no request is let through at all, whatever its credentials: the authentication asked
     * cannot be done (digest, a missing Secret, a Secret of another namespace...), and a security
     * setting that cannot be honoured never opens access. Such requests are answered 503.
     */
    public boolean refusesEveryRequest() {
        return refusal != null;
    }

    /** Why every request is refused, or null (see {@link #refusesEveryRequest()}). */
    public String refusal() {
        return refusal;
    }

    /** The {@code WWW-Authenticate} value of a 401: {@code Basic realm="..."}. */
    public String challenge() {
        return challenge;
    }

    /**
     * What the client's {@code Authorization} value (null when it sent none) is worth, without
     * checking a slow hash: {@link Verdict#UNCHECKED} then, unless the value was found good before.
     */
    public Verdict check(String authorization) {
        return decide(authorization, false);
    }

    /** Whether {@code authorization} holds a user's credentials, checking any hash (bcrypt: tens of milliseconds). */
    public boolean verify(String authorization) {
        return decide(authorization, true) == Verdict.ALLOWED;
    }

    private Verdict decide(String authorization, boolean slowToo) {
        if (refusal != null || authorization == null) {
            return Verdict.REFUSED;
        }
        int at = 0;
        int length = authorization.length();
        while (at < length && authorization.charAt(at) == ' ') {
            at++;
        }
        if (!authorization.regionMatches(true, at, "Basic ", 0, 6)) {
            return Verdict.REFUSED;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(at + 6).strip());
        } catch (IllegalArgumentException e) {
            return Verdict.REFUSED;
        }
        int colon = -1;
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            return Verdict.REFUSED;
        }
        PasswordHash hash = users.get(new String(decoded, 0, colon, StandardCharsets.UTF_8));
        if (hash == null) {
            return Verdict.REFUSED;
        }
        Memo memo = Memo.of(authorization);
        if (allowed.containsKey(memo)) {
            return Verdict.ALLOWED;
        }
        if (hash.slow() && !slowToo) {
            return Verdict.UNCHECKED;
        }
        if (!hash.matches(java.util.Arrays.copyOfRange(decoded, colon + 1, decoded.length))) {
            return Verdict.REFUSED;
        }
        if (allowed.size() >= MEMO_CAPACITY) {
            allowed.clear();  // bounded; only good credentials get here, so no stranger can churn it
        }
        allowed.put(memo, Boolean.TRUE);
        return Verdict.ALLOWED;
    }

    /**
     * The Opaque Secret an Ingress's {@code auth-secret} names, {@code namespace/name}, when it may be
     * used (the Ingress's own namespace); null when it names none, or one that cannot be used. For
     * sources, to carry only the Secrets that Ingresses name.
     */
    public static String secretNamedBy(io.jingress.core.model.Ingress ingress) {
        return BasicAuthAnnotations.secretKey(ingress.annotations(), ingress.namespace());
    }

    /**
     * One phrase for {@code /routes} and explain, never a hash: {@code basic auth, realm "Staff",
     * 2 users from Secret shop/staff}, or why every request is refused.
     */
    public String describe() {
        if (refusal != null) {
            return "every request refused (503): " + refusal;
        }
        return "basic auth, realm \"" + realm + "\", " + usable + (usable == 1 ? " user" : " users") + " from Secret " + secret;
    }

    @Override
    public String toString() {
        return "BasicAuth[" + describe() + "]";
    }

    /** The first 128 bits of an {@code Authorization} value's SHA-256. */
    record Memo(long high, long low) {
        static Memo of(String authorization) {
            MessageDigest sha256 = SHA256.get();
            byte[] digest = sha256.digest(authorization.getBytes(StandardCharsets.ISO_8859_1));
            long high = 0;
            long low = 0;
            for (int i = 0; i < 8; i++) {
                high = (high << 8) | (digest[i] & 0xff);
                low = (low << 8) | (digest[8 + i] & 0xff);
            }
            return new Memo(high, low);
        }
    }
}
