package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.AuthCache;
import io.jingress.core.route.Route;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The auth service's answers kept for {@code auth-cache-key} ({@link AuthCache}), one cache for the
 * whole proxy: at most {@link #MAX_ENTRIES}, the least recently used evicted past that, and each
 * kept for the time {@code auth-cache-duration} gives its status (read with an injected clock).
 *
 * <p>A key ({@link #keyFor}) holds the route (its Ingress, host, path and path type: nginx's keyspace
 * is per server and location), the auth method, the auth URL as filled in for the request, and each
 * part of {@code auth-cache-key} filled in, every one preceded by its length: two requests share an
 * answer only when all of these are equal, never because two values ran together. What is kept
 * is that key's SHA-256, so an entry's size does not depend on what a client sends.
 *
 * <p>An answer is kept ({@link #keeps}) only when its status is given a time, and, as nginx's
 * {@code proxy_cache}, it sets no cookie and its {@code Cache-Control} does not say {@code no-store},
 * {@code no-cache}, {@code private} or {@code max-age=0}, and it has no {@code Vary: *}. What is kept
 * is its status and header fields; the body is not (the client never gets it).
 */
final class AuthVerdictCache {
    /** Entries kept at most, over all routes; each is a key's digest and the answer's header fields. */
    static final int MAX_ENTRIES = 10_000;

    /** An answer kept: its status and header fields, until {@code expiresNanos}. */
    record Verdict(int status, HttpFields headers, long expiresNanos) {
    }

    private final LongSupplier nanos;
    private final int capacity;
    private final Map<String, Verdict> entries;

    AuthVerdictCache(LongSupplier nanos, int capacity) {
        this.nanos = nanos;
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Verdict> eldest) {
                return size() > AuthVerdictCache.this.capacity;
            }
        };
    }

    /** The answer kept under {@code key} and not yet expired, or null. */
    Verdict get(String key) {
        long now = nanos.getAsLong();
        synchronized (entries) {
            Verdict verdict = entries.get(key);
            if (verdict != null && now - verdict.expiresNanos() >= 0) {
                entries.remove(key);
                return null;
            }
            return verdict;
        }
    }

    /** Keeps an answer of {@code status} with {@code headers} under {@code key}, when {@link #keeps} says so. */
    void put(String key, AuthCache cache, int status, HttpFields headers) {
        long millis = cache.millisFor(status);
        if (millis <= 0 || !keeps(headers)) {
            return;
        }
        Verdict verdict = new Verdict(status, headers.asImmutable(), nanos.getAsLong() + millis * 1_000_000L);
        synchronized (entries) {
            entries.put(key, verdict);
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** Whether an answer with these header fields may be kept at all (see the class doc). */
    static boolean keeps(HttpFields headers) {
        for (HttpField field : headers) {
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.SET_COOKIE) {
                return false;
            }
            if (header == HttpHeader.VARY && field.getValue().trim().equals("*")) {
                return false;
            }
            if (header == HttpHeader.CACHE_CONTROL) {
                for (String directive : field.getValue().toLowerCase(Locale.ROOT).split(",")) {
                    String d = directive.trim().replace(" ", "");
                    if (d.equals("no-store") || d.startsWith("no-cache") || d.startsWith("private") || d.equals("max-age=0")) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * The key of a request's answer (see the class doc); {@code url} the auth URL filled in,
     * {@code method} the auth method.
     */
    static String keyFor(Exchange exchange, Route route, String method, String url, AuthCache cache, String scheme,
            String host, String httpHost, String path, String requestUri) {
        StringBuilder key = new StringBuilder(128);
        part(key, route.ingress());
        part(key, route.host());  // null: a rule for any host
        part(key, route.path());  // null: the default backend
        part(key, String.valueOf(route.pathType()));
        part(key, method);
        part(key, url);
        for (AuthCache.Part part : cache.key()) {
            String value = switch (part.source()) {
                case TEXT -> part.name();
                case HOST -> host;
                case HTTP_HOST -> httpHost;
                case SCHEME -> scheme;
                case REQUEST_URI, ESCAPED_REQUEST_URI -> requestUri;  // one escapes the other: the same key
                case URI -> path;
                case REMOTE_ADDR -> exchange.clientAddress();
                case REMOTE_USER -> remoteUser(exchange.getHeaders());
                case HEADER -> header(exchange.getHeaders(), part.name());
                case COOKIE -> cookie(exchange.getHeaders(), part.name());
            };
            part(key, value == null ? "" : value);
        }
        return digest(key);
    }

    /**
     * The SHA-256 of the key, as ingress-nginx keeps its SHA-1: an entry costs the same whatever a
     * client puts in the headers the key names.
     */
    private static String digest(CharSequence key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return Base64.getEncoder().encodeToString(sha256.digest(key.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** {@code LENGTH:VALUE}, or {@code ~} for null (a length starts with a digit). */
    private static void part(StringBuilder key, String value) {
        if (value == null) {
            key.append('~');
        } else {
            key.append(value.length()).append(':').append(value);
        }
    }

    /** Every field of the header, joined (cookies with "; ", others with ", "), so none is left out of the key. */
    private static String header(HttpFields headers, String name) {
        String joiner = name.equals("cookie") ? "; " : ", ";
        StringBuilder value = null;
        for (HttpField field : headers) {
            if (field.is(name)) {
                if (value == null) {
                    value = new StringBuilder(field.getValue());
                } else {
                    value.append(joiner).append(field.getValue());
                }
            }
        }
        return value == null ? "" : value.toString();
    }

    /** The values of every cookie of that name (case as written), joined with "; ". */
    private static String cookie(HttpFields headers, String name) {
        StringBuilder values = null;
        for (HttpField field : headers) {
            if (field.getHeader() != HttpHeader.COOKIE) {
                continue;
            }
            for (String pair : field.getValue().split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
                    String value = pair.substring(equals + 1).trim();
                    if (values == null) {
                        values = new StringBuilder(value);
                    } else {
                        values.append("; ").append(value);
                    }
                }
            }
        }
        return values == null ? "" : values.toString();
    }

    /** nginx's {@code $remote_user}: the user name of a {@code Basic} {@code Authorization}, else empty. */
    private static String remoteUser(HttpFields headers) {
        String authorization = headers.get(HttpHeader.AUTHORIZATION);
        if (authorization == null || authorization.length() < 6 || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return "";
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? "" : decoded.substring(0, colon);
        } catch (IllegalArgumentException notBase64) {
            return "";
        }
    }
}
