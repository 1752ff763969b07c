package io.jingress.core.route;

import java.util.Objects;

/**
 * The rewrite of {@code proxy-redirect-from} and {@code proxy-redirect-to}, nginx's
 * {@code proxy_redirect FROM TO}: an endpoint's {@code Location} header that starts with
 * {@code from} (compared case-sensitively, as nginx does) reaches the client with that start
 * replaced by {@code to}; so does the URL of a {@code Refresh} header (what follows its
 * {@code url=}). Any other value passes unchanged. Immutable.
 *
 * <pre>{@code
 * ProxyRedirect redirect = route.policy().proxyRedirect();
 * String location = redirect == null ? null : redirect.rewriteLocation("http://internal/login");
 * // "https://public/login" for from "http://internal/", to "https://public/"; null: unchanged
 * }</pre>
 */
public final class ProxyRedirect {
    private final String from;
    private final String to;

    ProxyRedirect(String from, String to) {
        this.from = Objects.requireNonNull(from, "from");
        this.to = Objects.requireNonNull(to, "to");
    }

    /** The start of a {@code Location} that is replaced. */
    public String from() {
        return from;
    }

    /** What replaces {@link #from()}. */
    public String to() {
        return to;
    }

    /** The {@code Location} the client receives for the endpoint's {@code location}; null when it is passed unchanged. */
    public String rewriteLocation(String location) {
        if (location == null || !location.startsWith(from)) {
            return null;
        }
        return to + location.substring(from.length());
    }

    /**
     * The {@code Refresh} the client receives for the endpoint's {@code refresh} (such as
     * {@code 5; url=http://internal/next}): its URL rewritten as a {@code Location} is; null when
     * it has no {@code url=} or its URL does not start with {@link #from()}.
     */
    public String rewriteRefresh(String refresh) {
        if (refresh == null) {
            return null;
        }
        int url = indexOfIgnoreCase(refresh, "url=");
        if (url < 0) {
            return null;
        }
        int start = url + 4;
        if (!refresh.startsWith(from, start)) {
            return null;
        }
        return refresh.substring(0, start) + to + refresh.substring(start + from.length());
    }

    private static int indexOfIgnoreCase(String text, String part) {
        for (int i = 0; i + part.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, part, 0, part.length())) {
                return i;
            }
        }
        return -1;
    }

    /** {@code Location FROM -> TO (proxy-redirect-from/-to)}. */
    public String describe() {
        return "Location " + from + " -> " + to + " (proxy-redirect-from/-to)";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ProxyRedirect that && from.equals(that.from) && to.equals(that.to);
    }

    @Override
    public int hashCode() {
        return from.hashCode() * 31 + to.hashCode();
    }

    @Override
    public String toString() {
        return "ProxyRedirect[" + from + " -> " + to + "]";
    }
}
