package io.jingress.core.route;

import java.util.Objects;

/**
 * The rewrite of {@code proxy-cookie-domain} and {@code proxy-cookie-path}, nginx's
 * {@code proxy_cookie_domain FROM TO} and {@code proxy_cookie_path FROM TO}: in each
 * {@code Set-Cookie} of an endpoint's answer, a {@code Domain=} attribute equal to the domain's
 * {@code from} (compared case-insensitively, a leading dot on either side ignored, as nginx does)
 * gets the domain's {@code to}, keeping its own leading dot; a {@code Path=} attribute that starts
 * with the path's {@code from} (case-sensitively) has that start replaced by the path's {@code to}.
 * The cookie's name and value and its other attributes pass unchanged. Either rewrite may be
 * absent (its {@code from} is null). Immutable.
 *
 * <pre>{@code
 * CookieRewrite cookies = route.policy().cookieRewrite();
 * String field = cookies == null ? null : cookies.rewrite("a=1; Domain=backend.internal; Path=/app/x");
 * // "a=1; Domain=example.com; Path=/x" for domain backend.internal -> example.com and
 * // path /app/ -> /; null: unchanged
 * }</pre>
 */
public final class CookieRewrite {
    private final String domainFrom;
    private final String domainTo;
    private final String pathFrom;
    private final String pathTo;

    /** Domain values without their leading dot; a null pair is no rewrite of that attribute. */
    CookieRewrite(String domainFrom, String domainTo, String pathFrom, String pathTo) {
        if (domainFrom == null && pathFrom == null) {
            throw new IllegalArgumentException("neither a domain nor a path rewrite");
        }
        this.domainFrom = domainFrom == null ? null : withoutLeadingDot(domainFrom);
        this.domainTo = domainFrom == null ? null : withoutLeadingDot(Objects.requireNonNull(domainTo, "domainTo"));
        this.pathFrom = pathFrom;
        this.pathTo = pathFrom == null ? null : Objects.requireNonNull(pathTo, "pathTo");
    }

    private static String withoutLeadingDot(String domain) {
        return domain.startsWith(".") ? domain.substring(1) : domain;
    }

    /** The {@code Domain} replaced (without a leading dot); null when domains are not rewritten. */
    public String domainFrom() {
        return domainFrom;
    }

    /** What replaces {@link #domainFrom()}; null when domains are not rewritten. */
    public String domainTo() {
        return domainTo;
    }

    /** The start of a {@code Path} that is replaced; null when paths are not rewritten. */
    public String pathFrom() {
        return pathFrom;
    }

    /** What replaces {@link #pathFrom()}; null when paths are not rewritten. */
    public String pathTo() {
        return pathTo;
    }

    /**
     * The {@code Set-Cookie} value the client receives for the endpoint's {@code setCookie}; null
     * when it is passed unchanged. Every matching {@code Domain} and {@code Path} attribute is
     * rewritten; the first {@code ;}-separated part (the cookie's name and value) never is.
     */
    public String rewrite(String setCookie) {
        if (setCookie == null) {
            return null;
        }
        StringBuilder out = null;
        int copied = 0;
        int start = setCookie.indexOf(';');
        while (start >= 0) {
            int end = setCookie.indexOf(';', start + 1);
            int attributeEnd = end < 0 ? setCookie.length() : end;
            int nameStart = skipSpaces(setCookie, start + 1, attributeEnd);
            String replaced = null;
            int valueStart = -1;
            if (domainFrom != null && setCookie.regionMatches(true, nameStart, "domain=", 0, 7)) {
                valueStart = nameStart + 7;
                replaced = rewriteDomain(setCookie.substring(valueStart, attributeEnd).trim());
            } else if (pathFrom != null && setCookie.regionMatches(true, nameStart, "path=", 0, 5)) {
                valueStart = nameStart + 5;
                replaced = rewritePath(setCookie.substring(valueStart, attributeEnd).trim());
            }
            if (replaced != null) {
                if (out == null) {
                    out = new StringBuilder(setCookie.length() + 16);
                }
                out.append(setCookie, copied, valueStart).append(replaced);
                copied = attributeEnd;
            }
            start = end;
        }
        if (out == null) {
            return null;
        }
        return out.append(setCookie, copied, setCookie.length()).toString();
    }

    private String rewriteDomain(String domain) {
        String dot = domain.startsWith(".") ? "." : "";
        String bare = domain.substring(dot.length());
        return bare.equalsIgnoreCase(domainFrom) ? dot + domainTo : null;
    }

    private String rewritePath(String path) {
        return path.startsWith(pathFrom) ? pathTo + path.substring(pathFrom.length()) : null;
    }

    private static int skipSpaces(String text, int from, int to) {
        int i = from;
        while (i < to && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** {@code Set-Cookie Domain FROM -> TO (proxy-cookie-domain), Path FROM -> TO (proxy-cookie-path)}, the ones set. */
    public String describe() {
        StringBuilder phrase = new StringBuilder("Set-Cookie ");
        if (domainFrom != null) {
            phrase.append("Domain ").append(domainFrom).append(" -> ").append(domainTo).append(" (proxy-cookie-domain)");
        }
        if (pathFrom != null) {
            if (domainFrom != null) {
                phrase.append(", ");
            }
            phrase.append("Path ").append(pathFrom).append(" -> ").append(pathTo).append(" (proxy-cookie-path)");
        }
        return phrase.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CookieRewrite that && Objects.equals(domainFrom, that.domainFrom)
                && Objects.equals(domainTo, that.domainTo) && Objects.equals(pathFrom, that.pathFrom)
                && Objects.equals(pathTo, that.pathTo);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domainFrom, domainTo, pathFrom, pathTo);
    }

    @Override
    public String toString() {
        return "CookieRewrite[" + describe() + "]";
    }
}
