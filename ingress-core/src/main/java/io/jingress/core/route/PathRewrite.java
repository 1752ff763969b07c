package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;

/**
 * The rewrite of {@code rewrite-target}, as nginx's {@code rewrite <path regex> <target> break}
 * that ingress-nginx writes: the whole path is replaced by the target, with {@code $1} to
 * {@code $9} filled from the groups of the route's path regex ({@link Route#pathPattern()}) as it
 * matched the normalised request path ({@code $0}: the whole match; a group that took no part, or
 * that the regex does not have, is empty). The request's query is appended ({@code ?query}, or
 * {@code &query} when the target has a query of its own) unless the target ends with {@code ?}.
 * Parsed once, when the table is compiled. Immutable.
 *
 * <pre>{@code
 * // path /something(/|$)(.*), rewrite-target /$2: GET /something/new?x=1 reaches the backend as /new?x=1
 * Matcher matched = route.pathPattern().matcher(path);
 * String upstream = matched.find() ? route.policy().rewrite().apply(matched, query) : null;
 * }</pre>
 */
public final class PathRewrite {
    private final String target;
    private final String annotation;
    private final String[] texts;   // texts[i] comes before group groups[i]; the last one after the last group
    private final int[] groups;
    private final boolean keepQuery;  // no '?' at the end of the target
    private final boolean ownQuery;   // the target has a '?' (before any last one)

    private PathRewrite(String target, String annotation, List<String> texts, List<Integer> groups, boolean keepQuery,
            boolean ownQuery) {
        this.target = target;
        this.annotation = annotation;
        this.texts = texts.toArray(String[]::new);
        this.groups = groups.stream().mapToInt(Integer::intValue).toArray();
        this.keepQuery = keepQuery;
        this.ownQuery = ownQuery;
    }

    /**
     * Parses a target; {@code problem} gets why it is refused (and null is returned). A target is
     * a path, which may end in a query, of RFC 3986 chars, starting with {@code /} (or with a
     * capture, as in {@code $1}), where {@code $} is always followed by one digit: nginx's other
     * variables are not supported.
     */
    static PathRewrite parse(String target, String annotation, StringBuilder problem) {
        if (target.isEmpty() || target.charAt(0) != '/' && target.charAt(0) != '$') {
            problem.append("it must start with \"/\"");
            return null;
        }
        String body = target;
        boolean keepQuery = true;
        if (body.endsWith("?")) {
            // as nginx: a last '?' drops the request's own query
            body = body.substring(0, body.length() - 1);
            keepQuery = false;
        }
        List<String> texts = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '$') {
                if (i + 1 >= body.length() || body.charAt(i + 1) < '0' || body.charAt(i + 1) > '9') {
                    problem.append("\"$\" at index ").append(i).append(" is not followed by a digit: only the captures"
                            + " $0 to $9 are supported, not nginx variables");
                    return null;
                }
                texts.add(text.toString());
                text.setLength(0);
                groups.add(body.charAt(++i) - '0');
            } else if (c == '%') {
                if (i + 2 >= body.length() || hex(body.charAt(i + 1)) < 0 || hex(body.charAt(i + 2)) < 0) {
                    problem.append("'%' at index ").append(i).append(" is not followed by two hex digits");
                    return null;
                }
                text.append(c);
            } else if (!isTargetChar(c)) {
                problem.append("character ").append(c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c))
                        .append(" at index ").append(i).append(" may not be in a URI's path or query");
                return null;
            } else {
                text.append(c);
            }
        }
        texts.add(text.toString());
        return new PathRewrite(target, annotation, texts, groups, keepQuery, body.indexOf('?') >= 0);
    }

    /** The target as written in the annotation, e.g. {@code /$2}. */
    public String target() {
        return target;
    }

    /** The annotation it was read from, e.g. {@code nginx.ingress.kubernetes.io/rewrite-target}. */
    public String annotation() {
        return annotation;
    }

    /**
     * Whether this rewrite changes the requests of {@code route}: not for a default backend, nor
     * for a path that is the target itself (ingress-nginx's {@code needsRewrite}: a
     * {@code rewrite-target: /} on a path {@code /} forwards every path unchanged).
     */
    public boolean appliesTo(Route route) {
        return !route.isDefaultBackend() && !target.equals(route.path());
    }

    /**
     * The path and query the request is forwarded with.
     *
     * @param matched the route's path regex after it found its match in the normalised request path,
     *     or {@code null} for a route without regex (an {@code Exact} path): every capture is then empty
     * @param query the request's query (without {@code ?}), or {@code null}
     * @return the new path and query; {@code null} when that is not a valid origin-form target (it
     *     does not start with {@code /}, or a capture cut an escape such as {@code %C3} in two)
     */
    public String apply(Matcher matched, String query) {
        StringBuilder out = new StringBuilder(target.length() + 32);
        for (int i = 0; i < groups.length; i++) {
            out.append(texts[i]);
            int group = groups[i];
            if (matched != null && group <= matched.groupCount()) {
                String captured = matched.group(group);
                if (captured != null) {
                    out.append(captured);
                }
            }
        }
        out.append(texts[groups.length]);
        if (keepQuery && query != null && !query.isEmpty()) {
            out.append(ownQuery ? '&' : '?').append(query);
        }
        return isOriginForm(out) ? out.toString() : null;
    }

    /** The phrase of {@link RoutePolicy#describe()}: {@code rewrite to /$2 (rewrite-target)}. */
    public String describe() {
        return "rewrite to " + target + " (" + annotation.substring(annotation.indexOf('/') + 1) + ")";
    }

    // Starts with '/', and only chars a request target may hold, escapes whole. The texts are checked
    // when parsed and captures come from a normalised path, so only a cut escape or a capture at the
    // start can fail this; it is checked whole all the same, so nothing else can slip by.
    private static boolean isOriginForm(CharSequence target) {
        int n = target.length();
        if (n == 0 || target.charAt(0) != '/') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = target.charAt(i);
            if (c == '%') {
                if (i + 2 >= n || hex(target.charAt(i + 1)) < 0 || hex(target.charAt(i + 2)) < 0) {
                    return false;
                }
                i += 2;
            } else if (!isTargetChar(c)) {
                return false;
            }
        }
        return true;
    }

    // RFC 3986 pchar, '/' and '?' (no '%': escapes are checked apart)
    private static boolean isTargetChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathRewrite other && target.equals(other.target) && annotation.equals(other.annotation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, annotation);
    }

    @Override
    public String toString() {
        return "PathRewrite[" + target + "]";
    }
}
