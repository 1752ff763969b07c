package io.jingress.core.route;

import io.jingress.core.internal.auth.HtpasswdUsers;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.OpaqueSecret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Reads an Ingress's {@link BasicAuth} from {@code auth-type}, {@code auth-secret},
 * {@code auth-secret-type} and {@code auth-realm}, as ingress-nginx does, with its Secret from the
 * cluster state. Anything that keeps the authentication from being done as asked (digest, no or a
 * missing Secret, a Secret of another namespace, no {@code auth} key, an unknown secret type)
 * refuses every request with 503 and a problem sentence naming the annotation and the Secret: a
 * security setting that cannot be honoured never opens access. A user whose hash is not read costs
 * that user only.
 */
final class BasicAuthAnnotations {
    static final String TYPE = "auth-type";
    static final String SECRET = "auth-secret";
    static final String SECRET_TYPE = "auth-secret-type";
    static final String REALM = "auth-realm";
    /** The names read, without prefix. */
    static final List<String> NAMES = List.of(TYPE, SECRET, SECRET_TYPE, REALM);
    /** The key of an {@code auth-file} Secret that holds the htpasswd file. */
    static final String AUTH_KEY = "auth";

    private BasicAuthAnnotations() {
    }

    /**
     * Where an Ingress's Secrets come from: its namespace, the Opaque Secrets by {@code namespace/name},
     * and the memos of good credentials to keep across compiles; and its ConfigMaps by
     * {@code namespace/name} with the response header names {@code custom-headers} may set (lower case).
     */
    record Context(String namespace, Function<String, OpaqueSecret> secrets, Memos memos,
            Function<String, ConfigMap> configMaps, Set<String> allowedResponseHeaders, ResponseHeaders addHeaders,
            RequestHeaders proxySetHeaders) {
        /** No Secret at all: a parse of annotations alone. */
        static final Context NONE = new Context("", key -> null, new Memos());

        /** Without the controller ConfigMap's {@code add-headers} and {@code proxy-set-headers}. */
        Context(String namespace, Function<String, OpaqueSecret> secrets, Memos memos,
                Function<String, ConfigMap> configMaps, Set<String> allowedResponseHeaders) {
            this(namespace, secrets, memos, configMaps, allowedResponseHeaders, null, null);
        }

        /** Without ConfigMaps ({@code custom-headers}) and with no response header allowed. */
        Context(String namespace, Function<String, OpaqueSecret> secrets, Memos memos) {
            this(namespace, secrets, memos, key -> null, Set.of());
        }
    }

    /**
     * The memos of good credentials ({@link BasicAuth}) by Secret content: one compiler keeps them, so
     * a table rebuilt for another reason (an endpoint came) keeps what its users already proved.
     * Only the contents the last compile used are kept.
     */
    static final class Memos {
        private Map<String, Map<BasicAuth.Memo, Boolean>> current = new HashMap<>();
        private Map<String, Map<BasicAuth.Memo, Boolean>> next = new HashMap<>();

        synchronized Map<BasicAuth.Memo, Boolean> of(String fingerprint) {
            Map<BasicAuth.Memo, Boolean> memo = next.get(fingerprint);
            if (memo == null) {
                memo = current.getOrDefault(fingerprint, new ConcurrentHashMap<>());
                next.put(fingerprint, memo);
            }
            return memo;
        }

        /** Ends a compile: the memos it did not ask for are dropped. */
        synchronized void compiled() {
            current = next;
            next = new HashMap<>();
        }
    }

    static void read(Map<String, String> annotations, Context context, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named type = RouteAnnotations.value(annotations, TYPE);
        RouteAnnotations.Named secret = RouteAnnotations.value(annotations, SECRET);
        RouteAnnotations.Named secretType = RouteAnnotations.value(annotations, SECRET_TYPE);
        RouteAnnotations.Named realmNamed = RouteAnnotations.value(annotations, REALM);
        if (type == null) {
            if (secret != null) {
                problems.add(secret.quoted() + " is set without " + TYPE + " (ingress-nginx would then serve without"
                        + " authentication); every request is refused (503) until " + TYPE + ": basic is set or "
                        + SECRET + " is removed");
                builder.basicAuth(BasicAuth.refusing("", secret.value(), SECRET + " without " + TYPE));
            } else if (secretType != null || realmNamed != null) {
                problems.add((secretType != null ? secretType : realmNamed).quoted() + " has no effect without " + TYPE);
            }
            return;
        }
        String realm = realm(realmNamed, problems);
        if (type.value().equalsIgnoreCase("digest")) {
            problems.add(type.quoted() + ": digest authentication is not supported by Jingress; every request is refused"
                    + " (503) until it is basic");
            builder.basicAuth(BasicAuth.refusing(realm, secret == null ? null : secret.value(), "auth-type digest is not supported"));
            return;
        }
        if (!type.value().equalsIgnoreCase("basic")) {
            problems.add(type.quoted() + " is neither basic nor digest; every request is refused (503)");
            builder.basicAuth(BasicAuth.refusing(realm, secret == null ? null : secret.value(), "auth-type \"" + type.value()
                    + "\" is not basic"));
            return;
        }
        if (secret == null || secret.value().isEmpty()) {
            problems.add(type.quoted() + " names no Secret (" + SECRET + "); every request is refused (503)");
            builder.basicAuth(BasicAuth.refusing(realm, null, "no " + SECRET));
            return;
        }
        String key = SecretReference.key(secret, context.namespace(), problems, "every request is refused (503)");
        if (key == null) {
            builder.basicAuth(BasicAuth.refusing(realm, secret.value(), SECRET + " \"" + secret.value() + "\" cannot be used"));
            return;
        }
        boolean map = false;
        if (secretType != null) {
            String value = secretType.value().toLowerCase(Locale.ROOT);
            if (value.equals("auth-map")) {
                map = true;
            } else if (!value.equals("auth-file")) {
                problems.add(secretType.quoted() + " is neither auth-file nor auth-map; every request is refused (503)");
                builder.basicAuth(BasicAuth.refusing(realm, key, SECRET_TYPE + " \"" + secretType.value() + "\" is not known"));
                return;
            }
        }
        OpaqueSecret found = context.secrets().apply(key);
        if (found == null) {
            problems.add(secret.quoted() + ": there is no Opaque Secret " + key + "; every request is refused (503) until"
                    + " there is");
            builder.basicAuth(BasicAuth.refusing(realm, key, "Secret " + key + " not found"));
            return;
        }
        HtpasswdUsers users;
        if (map) {
            users = HtpasswdUsers.parseMap(found.data());
        } else {
            String file = found.data().get(AUTH_KEY);
            if (file == null) {
                problems.add(secret.quoted() + ": the Secret " + key + " has no key \"" + AUTH_KEY + "\" (the htpasswd file of"
                        + " " + SECRET_TYPE + " auth-file); every request is refused (503)");
                builder.basicAuth(BasicAuth.refusing(realm, key, "Secret " + key + " has no key \"" + AUTH_KEY + "\""));
                return;
            }
            users = HtpasswdUsers.parseFile(file);
        }
        for (String problem : users.problems()) {
            problems.add(secret.quoted() + ": Secret " + key + (map ? "" : " key \"" + AUTH_KEY + "\"") + ", " + problem);
        }
        BasicAuth auth = BasicAuth.of(realm, key, users.users(), context.memos().of(fingerprint(map, found)));
        if (auth.users() == 0) {
            problems.add(secret.quoted() + ": the Secret " + key + " has no user who can log in; every request is answered 401");
        }
        builder.basicAuth(auth);
    }

    /** The Secret an Ingress's {@code auth-secret} names, {@code namespace/name}, when it may be used; else null. */
    static String secretKey(Map<String, String> annotations, String namespace) {
        RouteAnnotations.Named secret = RouteAnnotations.value(annotations, SECRET);
        return secret == null ? null : SecretReference.key(secret, namespace, new java.util.ArrayList<>(), "");
    }

    private static String realm(RouteAnnotations.Named realm, List<String> problems) {
        if (realm == null) {
            return "";
        }
        String value = realm.value();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7e) {
                problems.add(realm.quoted() + " has a character that cannot go in a WWW-Authenticate header (printable ASCII"
                        + " only); the realm is empty instead");
                return "";
            }
        }
        return value;
    }

    // the Secret's content that the users were read from, in a stable order: the same content gives the same memo
    private static String fingerprint(boolean map, OpaqueSecret secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            if (map) {
                sha256.update((byte) 'm');
                for (Map.Entry<String, String> entry : new TreeMap<>(secret.data()).entrySet()) {
                    sha256.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
                    sha256.update((byte) 0);
                    sha256.update(entry.getValue().getBytes(StandardCharsets.UTF_8));
                    sha256.update((byte) 0);
                }
            } else {
                sha256.update((byte) 'f');
                sha256.update(secret.data().get(AUTH_KEY).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
