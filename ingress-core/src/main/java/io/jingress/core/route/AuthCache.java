package io.jingress.core.route;

import java.util.List;
import java.util.Objects;

/**
 * How long the proxy keeps an auth service's answer ({@code auth-cache-key}, {@code auth-cache-duration}
 * of an {@link ExternalAuth}): a request whose {@link #key() key}, filled in, matches an answer kept
 * for the same route and the same auth URL is answered as that answer says, without asking the
 * service again. Immutable.
 *
 * <pre>{@code
 * AuthCache cache = route.policy().externalAuth().cache();   // null: every request is checked
 * long keepMillis = cache.millisFor(401);                     // 0: a 401 is not kept
 * }</pre>
 */
public final class AuthCache {
    /** What one part of the key is filled in with. */
    public enum Source {
        /** The text as written ({@link Part#name()}). */
        TEXT,
        /** {@code $host}: the request's host name, lower case, no port. */
        HOST,
        /** {@code $http_host}: the request's Host (authority) as it came. */
        HTTP_HOST,
        /** {@code $scheme}: {@code http} or {@code https}. */
        SCHEME,
        /** {@code $request_uri}: path and query as the client asked. */
        REQUEST_URI,
        /** {@code $escaped_request_uri}: the same, escaped for a query parameter. */
        ESCAPED_REQUEST_URI,
        /** {@code $uri}: the path as the client asked, without query. */
        URI,
        /** {@code $remote_addr}: the client's address. */
        REMOTE_ADDR,
        /** {@code $remote_user}: the user name of a {@code Basic} {@code Authorization} header, else empty. */
        REMOTE_USER,
        /** {@code $http_NAME}: the request's header {@link Part#name()} (nginx's {@code _} read as {@code -}), its fields joined with {@code ", "}; empty when absent. */
        HEADER,
        /** {@code $cookie_NAME}: the value of the request's cookie {@link Part#name()}, empty when absent. */
        COOKIE
    }

    /** One part of the key: text, or a variable (and the header's or cookie's name). */
    public record Part(Source source, String name) {
        public Part {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(name, "name");
        }
    }

    /** One entry of {@code auth-cache-duration}: these statuses (none: any) are kept this long. */
    public record Duration(List<Integer> statuses, long millis) {
        public Duration {
            statuses = List.copyOf(statuses);
        }
    }

    private final String keyText;
    private final List<Part> key;
    private final String durationText;
    private final List<Duration> durations;

    AuthCache(String keyText, List<Part> key, String durationText, List<Duration> durations) {
        this.keyText = Objects.requireNonNull(keyText, "keyText");
        this.key = List.copyOf(key);
        this.durationText = Objects.requireNonNull(durationText, "durationText");
        this.durations = List.copyOf(durations);
    }

    /** {@code auth-cache-key} as written. */
    public String keyText() {
        return keyText;
    }

    /** The parts of the key, in order. */
    public List<Part> key() {
        return key;
    }

    /** The durations, in the order written (the first that names a status, or any, applies to it). */
    public List<Duration> durations() {
        return durations;
    }

    /** How long an answer of {@code status} is kept, in milliseconds; 0: not kept. As nginx's {@code proxy_cache_valid}. */
    public long millisFor(int status) {
        for (Duration duration : durations) {
            if (duration.statuses().isEmpty() || duration.statuses().contains(status)) {
                return duration.millis();
            }
        }
        return 0;
    }

    /** {@code answers kept by "$remote_user$http_authorization" (auth-cache-key) for 200 202 401 5m}. */
    public String describe() {
        return "answers kept by \"" + keyText + "\" (auth-cache-key) for " + durationText;
    }

    @Override
    public String toString() {
        return "AuthCache[" + describe() + "]";
    }
}
