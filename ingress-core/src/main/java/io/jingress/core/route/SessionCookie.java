package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;

/**
 * The attributes of the cookie that cookie affinity ({@code affinity: cookie}) sets, read from
 * ingress-nginx's {@code session-cookie-*} annotations. Immutable. The cookie is always
 * {@code HttpOnly}; its {@code Path} is {@link #path()} or, when that is null, the path of the
 * route that answered (for a regex path, {@code /}); it is {@code Secure} when {@link #secure()}
 * or when the request came over TLS.
 *
 * <pre>{@code
 * SessionCookie cookie = route.policy().sessionCookie();  // null: the defaults above
 * }</pre>
 */
public final class SessionCookie {
    private final String path;
    private final String domain;
    private final Long maxAgeSeconds;
    private final Long expiresSeconds;
    private final String sameSite;
    private final boolean conditionalSameSiteNone;
    private final boolean secure;
    private final boolean partitioned;

    // null: an Ingress's (session-cookie-*); else the cookie name of an HTTPRoute's sessionPersistence
    private final String sessionName;

    SessionCookie(String path, String domain, Long maxAgeSeconds, Long expiresSeconds, String sameSite,
            boolean conditionalSameSiteNone, boolean secure, boolean partitioned) {
        this(path, domain, maxAgeSeconds, expiresSeconds, sameSite, conditionalSameSiteNone, secure, partitioned, null);
    }

    private SessionCookie(String path, String domain, Long maxAgeSeconds, Long expiresSeconds, String sameSite,
            boolean conditionalSameSiteNone, boolean secure, boolean partitioned, String sessionName) {
        this.sessionName = sessionName;
        this.path = path;
        this.domain = domain;
        this.maxAgeSeconds = maxAgeSeconds;
        this.expiresSeconds = expiresSeconds;
        this.sameSite = sameSite;
        this.conditionalSameSiteNone = conditionalSameSiteNone;
        this.secure = secure;
        this.partitioned = partitioned;
    }

    /**
     * The cookie of an HTTPRoute rule's {@code sessionPersistence}: the defaults, and a
     * {@code Max-Age} of {@code maxAgeSeconds} for a {@code Permanent} cookie (null: a session cookie).
     */
    static SessionCookie ofSessionPersistence(String name, Long maxAgeSeconds) {
        return new SessionCookie(null, null, maxAgeSeconds, null, null, false, false, false, name);
    }

    /** {@code session-cookie-path}; null: the path of the route that answered. */
    public String path() {
        return path;
    }

    /** {@code session-cookie-domain}; null: no {@code Domain} (the cookie is the request host's). */
    public String domain() {
        return domain;
    }

    /** {@code session-cookie-max-age}, seconds, for {@code Max-Age}; null: none (a session cookie). */
    public Long maxAgeSeconds() {
        return maxAgeSeconds;
    }

    /** {@code session-cookie-expires}, seconds from the answer, for {@code Expires}; null: none. */
    public Long expiresSeconds() {
        return expiresSeconds;
    }

    /** {@code session-cookie-samesite}: {@code None}, {@code Lax} or {@code Strict}; null: none. */
    public String sameSite() {
        return sameSite;
    }

    /**
     * {@code session-cookie-conditional-samesite-none}: {@code SameSite=None} is left out for the
     * User-Agents that reject such cookies (ingress-nginx's list).
     */
    public boolean conditionalSameSiteNone() {
        return conditionalSameSiteNone;
    }

    /** {@code session-cookie-secure}: {@code Secure} on plain HTTP too (over TLS it always is). */
    public boolean secure() {
        return secure;
    }

    /**
     * {@code session-cookie-partitioned}: the cookie is {@code Partitioned} (CHIPS: a browser keeps
     * it apart per top-level site). As in ingress-nginx, nothing else is added: browsers take a
     * Partitioned cookie only when it is {@code Secure}, which it is over TLS or with {@link #secure()}.
     */
    public boolean partitioned() {
        return partitioned;
    }

    /** The phrase for {@link RoutePolicy#describe()}. */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (path != null) {
            parts.add("Path=" + path);
        }
        if (domain != null) {
            parts.add("Domain=" + domain);
        }
        if (maxAgeSeconds != null) {
            parts.add("Max-Age=" + maxAgeSeconds);
        }
        if (expiresSeconds != null) {
            parts.add("Expires in " + expiresSeconds + " s");
        }
        if (secure) {
            parts.add("Secure");
        }
        if (sameSite != null) {
            parts.add("SameSite=" + sameSite + (conditionalSameSiteNone && sameSite.equals("None")
                    ? " (not for User-Agents that reject it)" : ""));
        }
        if (partitioned) {
            parts.add("Partitioned");
        }
        if (sessionName != null) {
            return "a client stays with one endpoint by the cookie " + sessionName
                    + (parts.isEmpty() ? " (a session cookie)" : " (" + String.join("; ", parts) + ")") + " (sessionPersistence)";
        }
        return "affinity cookie " + String.join("; ", parts) + " (session-cookie-*)";
    }

    @Override
    public String toString() {
        return "SessionCookie[" + describe() + "]";
    }
}
