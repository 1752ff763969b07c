package io.jingress.core.route;

import java.util.Objects;

/**
 * Routing for paths that hold an encoded slash ({@code %2F}), as in GitLab's
 * {@code /api/v4/projects/group%2Fproject}. nginx takes them; {@link RequestPaths#normalize}
 * refuses them, because backends read them two ways: one decodes {@code %2F} to {@code /}, another
 * keeps it inside its segment. A proxy that routes on one reading lets a client reach, under the
 * other, what a route was meant to guard: routed raw, {@code /admin%2Fusers} is not under Prefix
 * {@code /admin} and takes {@code /}'s settings, and a decoding backend serves {@code /admin/users};
 * routed decoded, {@code /admin/x%2F..%2F..%2Fpublic} is {@code /public}, and a backend that keeps
 * {@code %2F} serves it under {@code /admin}.
 *
 * <p>So such a path is routed only when both readings choose the same route, whose settings then
 * hold for the backend either way; else the request is {@link NoMatch#ENCODED_SLASH} (the proxy
 * answers 400). The decoded reading merges runs of {@code /} (as nginx does) and may not hold a dot
 * segment ({@code /a%2F..} is refused). The path forwarded is the raw one, {@code %2F} and all, as
 * nginx forwards it.
 *
 * <pre>{@code
 * String path = EncodedSlashes.normalize(rawPath, true);    // "/api/projects/g%2fp" -> "/api/projects/g%2Fp"
 * if (path == null) { respond 400; return; }
 * MatchResult result = EncodedSlashes.match(router.current(), host, path);
 * }</pre>
 */
public final class EncodedSlashes {
    private EncodedSlashes() {
    }

    /**
     * {@link RequestPaths#normalize(String, boolean)}, except that an encoded slash stays (as
     * {@code %2F}, upper case) as an ordinary char of its segment.
     */
    public static String normalize(String rawPath, boolean utf8) {
        String escaped = rawPath == null ? null : RequestPaths.escapePath(rawPath, utf8);
        return escaped == null ? null : RequestPaths.normalized(escaped, true);
    }

    /**
     * Matches a path from {@link #normalize}: {@link RouteTable#match} when it holds no
     * {@code %2F}; else that match only if the path with {@code %2F} decoded matches the very same
     * route (or the same {@link NoMatch}), and {@link NoMatch#ENCODED_SLASH} otherwise.
     */
    public static MatchResult match(RouteTable table, String host, String normalizedPath) {
        Objects.requireNonNull(table, "table");
        MatchResult raw = table.match(host, normalizedPath);
        if (normalizedPath.indexOf("%2F") < 0 || raw == NoMatch.REGEX_FAILED) {
            return raw;
        }
        String decoded = decoded(normalizedPath);
        return decoded != null && table.match(host, decoded) == raw ? raw : NoMatch.ENCODED_SLASH;
    }

    /**
     * {@code normalizedPath} with each {@code %2F} decoded and runs of {@code /} merged; {@code null}
     * when that has a dot segment ({@code /a/./b}, {@code /a/..}), which a decoding backend would
     * resolve to a path the proxy did not route.
     */
    static String decoded(String normalizedPath) {
        String slashes = normalizedPath.replace("%2F", "/");
        StringBuilder merged = new StringBuilder(slashes.length());
        int n = slashes.length();
        for (int i = 0; i < n; i++) {
            char c = slashes.charAt(i);
            if (c == '/' && i > 0 && slashes.charAt(i - 1) == '/') {
                continue;
            }
            merged.append(c);
        }
        String path = merged.toString();
        for (int start = 1; start <= path.length(); ) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            int length = end - start;
            if (length == 1 && path.charAt(start) == '.' || length == 2 && path.startsWith("..", start)) {
                return null;
            }
            start = end + 1;
        }
        return path;
    }
}
