package io.jingress.core.route;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.jingress.core.internal.route.RegexBudget;

/**
 * What a request must have, besides its host and path, for a Gateway API HTTPRoute match to take
 * it: a method, header values and query parameter values, each compared exactly or, for a
 * {@code RegularExpression} match, by a Java regex that must match the whole value, all required
 * (ANDed); for a {@code RegularExpression} path match, that the regex match the whole path; for a
 * GRPCRoute match on a method of any service, that its path be {@code /service/method}. Immutable; see {@link Route#select}.
 *
 * <p>A regex runs on what the client sent at a bounded cost ({@link RegexBudget}): one that takes
 * more steps than that on a value does not match it.
 *
 * <p>Header names are compared without case; a header sent in several fields is compared as its
 * values joined by {@code ","} (RFC 9110 section 5.3). Query parameter names and values are
 * compared exactly, after percent-decoding ({@code +} stays a plus); a parameter given several
 * times is compared by its first value. Where a match names the same header or parameter twice,
 * only the first counts, as the Gateway API specifies.
 */
public final class RouteConditions {
    private final String method;
    private final String[] headerNames;   // lower case
    private final String[] headerValues;
    private final String[] queryNames;
    private final String[] queryValues;
    // the regex of a RegularExpression match, by the index of its header or parameter; null: Exact
    private final Pattern[] headerPatterns;
    private final Pattern[] queryPatterns;
    private final String grpcMethod;  // a GRPCRoute's method of any service, or null
    private final String pathRegex;   // a RegularExpression path match's regex, or null
    private final Pattern pathPattern;

    RouteConditions(String method, List<String[]> headers, List<String[]> queryParams) {
        this(method, headers, queryParams, null);
    }

    /**
     * @param headers name and value pairs; a third element (any) makes the value a regex
     *     ({@code RegularExpression}), which must compile
     * @param queryParams likewise
     */
    RouteConditions(String method, List<String[]> headers, List<String[]> queryParams, String grpcMethod) {
        this(method, headers, queryParams, grpcMethod, null);
    }

    /** @param pathRegex a regex the whole path must match (an HTTPRoute's {@code RegularExpression} path), or null */
    RouteConditions(String method, List<String[]> headers, List<String[]> queryParams, String grpcMethod, String pathRegex) {
        this.method = method;
        this.grpcMethod = grpcMethod;
        this.pathRegex = pathRegex;
        this.pathPattern = pathRegex == null ? null : Pattern.compile(pathRegex);
        List<String[]> h = firstOfEach(headers, true);
        List<String[]> q = firstOfEach(queryParams, false);
        this.headerNames = h.stream().map(e -> e[0].toLowerCase(Locale.ROOT)).toArray(String[]::new);
        this.headerValues = h.stream().map(e -> e[1]).toArray(String[]::new);
        this.queryNames = q.stream().map(e -> e[0]).toArray(String[]::new);
        this.queryValues = q.stream().map(e -> e[1]).toArray(String[]::new);
        this.headerPatterns = h.stream().map(e -> e.length > 2 ? Pattern.compile(e[1]) : null).toArray(Pattern[]::new);
        this.queryPatterns = q.stream().map(e -> e.length > 2 ? Pattern.compile(e[1]) : null).toArray(Pattern[]::new);
    }

    private static List<String[]> firstOfEach(List<String[]> pairs, boolean ignoreCase) {
        List<String[]> out = new ArrayList<>();
        for (String[] pair : pairs) {
            boolean seen = false;
            for (String[] kept : out) {
                seen |= ignoreCase ? kept[0].equalsIgnoreCase(pair[0]) : kept[0].equals(pair[0]);
            }
            if (!seen) {
                out.add(pair);
            }
        }
        return out;
    }

    /** The method required, or {@code null} for any. */
    public String method() {
        return method;
    }

    /** The gRPC method a GRPCRoute match takes calls to, of any service; {@code null} when not one. */
    public String grpcMethod() {
        return grpcMethod;
    }

    /** The regex the whole path must match (a {@code RegularExpression} path match), or {@code null}. */
    public String pathRegex() {
        return pathRegex;
    }

    /** How many headers are compared. */
    public int headerCount() {
        return headerNames.length;
    }

    /** How many query parameters are compared. */
    public int queryParamCount() {
        return queryNames.length;
    }

    /**
     * Whether a request has all of these, its path not known (a {@link #grpcMethod()} or
     * {@link #pathRegex()} does not hold).
     *
     * @param requestMethod the request's method
     * @param header a header's value by name (any case), its fields joined by {@code ","}; null when absent
     * @param rawQuery the query as sent, without {@code ?}; null when none
     */
    public boolean matches(String requestMethod, Function<String, String> header, String rawQuery) {
        return matches(requestMethod, null, header, rawQuery);
    }

    /**
     * Whether a request has all of these.
     *
     * @param requestMethod the request's method
     * @param path the request's path, as routed; null when not known (then a {@link #grpcMethod()} does not hold)
     * @param header a header's value by name (any case), its fields joined by {@code ","}; null when absent
     * @param rawQuery the query as sent, without {@code ?}; null when none
     */
    public boolean matches(String requestMethod, String path, Function<String, String> header, String rawQuery) {
        Objects.requireNonNull(header, "header");
        if (method != null && !method.equals(requestMethod)) {
            return false;
        }
        if (grpcMethod != null && !isCallOf(path, grpcMethod)) {
            return false;
        }
        if (pathPattern != null && (path == null || !holds(null, pathPattern, path))) {
            return false;
        }
        for (int i = 0; i < headerNames.length; i++) {
            if (!holds(headerValues[i], headerPatterns[i], header.apply(headerNames[i]))) {
                return false;
            }
        }
        for (int i = 0; i < queryNames.length; i++) {
            if (!holds(queryValues[i], queryPatterns[i], queryParam(rawQuery, queryNames[i]))) {
                return false;
            }
        }
        return true;
    }

    // whether a value sent (null: none) is the value, or matches the regex when there is one
    private static boolean holds(String value, Pattern pattern, String sent) {
        if (pattern == null) {
            return value.equals(sent);
        }
        try {
            return sent != null && RegexBudget.matches(pattern, sent);
        } catch (RegexBudget.Exceeded tooCostly) {
            return false;  // a value that makes the regex backtrack past its budget: not matched
        }
    }

    // whether path is /service/method: two segments, a service's, then this method
    private static boolean isCallOf(String path, String method) {
        if (path == null || !path.endsWith(method) || path.length() < method.length() + 3) {
            return false;
        }
        int slash = path.length() - method.length() - 1;
        return path.charAt(slash) == '/' && path.lastIndexOf('/', slash - 1) == 0 && slash > 1;
    }

    // the first value of the parameter, percent-decoded; null when absent or not decodable
    static String queryParam(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        int start = 0;
        int n = rawQuery.length();
        while (start <= n) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            int eq = rawQuery.indexOf('=', start);
            int nameEnd = eq < 0 || eq > end ? end : eq;
            String key = decode(rawQuery, start, nameEnd);
            if (name.equals(key)) {
                return nameEnd == end ? "" : decode(rawQuery, nameEnd + 1, end);
            }
            start = end + 1;
        }
        return null;
    }

    private static String decode(String text, int from, int to) {
        int percent = text.indexOf('%', from);
        if (percent < 0 || percent >= to) {
            return text.substring(from, to);
        }
        byte[] bytes = new byte[to - from];
        int len = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < to && Character.digit(text.charAt(i + 1), 16) >= 0
                    && Character.digit(text.charAt(i + 2), 16) >= 0) {
                bytes[len++] = (byte) (Character.digit(text.charAt(i + 1), 16) << 4 | Character.digit(text.charAt(i + 2), 16));
                i += 2;
            } else {
                bytes[len++] = (byte) c;
            }
        }
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
    }

    /** The conditions in words, for {@code /routes}, explain and logs. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        if (method != null) {
            out.append("method ").append(method);
        }
        if (grpcMethod != null) {
            out.append(out.isEmpty() ? "" : ", ").append("gRPC method ").append(grpcMethod).append(" of any service");
        }
        if (pathRegex != null) {
            out.append(out.isEmpty() ? "" : ", ").append("path matching \"").append(pathRegex).append('"');
        }
        for (int i = 0; i < headerNames.length; i++) {
            out.append(out.isEmpty() ? "" : ", ").append("header ").append(headerNames[i])
                    .append(headerPatterns[i] == null ? ": \"" : " matching \"").append(headerValues[i]).append('"');
        }
        for (int i = 0; i < queryNames.length; i++) {
            out.append(out.isEmpty() ? "" : ", ").append("query ").append(queryNames[i])
                    .append(queryPatterns[i] == null ? "=\"" : " matching \"").append(queryValues[i]).append('"');
        }
        return out.toString();
    }

    /** Whether these are the same conditions as {@code other}'s (order of headers and parameters aside). */
    boolean sameAs(RouteConditions other) {
        return Objects.equals(method, other.method) && Objects.equals(grpcMethod, other.grpcMethod)
                && Objects.equals(pathRegex, other.pathRegex)
                && sameSet(headerNames, headerValues, headerPatterns, other.headerNames, other.headerValues, other.headerPatterns)
                && sameSet(queryNames, queryValues, queryPatterns, other.queryNames, other.queryValues, other.queryPatterns);
    }

    private static boolean sameSet(String[] names, String[] values, Pattern[] patterns, String[] otherNames,
            String[] otherValues, Pattern[] otherPatterns) {
        if (names.length != otherNames.length) {
            return false;
        }
        outer:
        for (int i = 0; i < names.length; i++) {
            for (int j = 0; j < otherNames.length; j++) {
                if (names[i].equals(otherNames[j]) && values[i].equals(otherValues[j])
                        && (patterns[i] == null) == (otherPatterns[j] == null)) {
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return "RouteConditions[" + describe() + "]";
    }
}
