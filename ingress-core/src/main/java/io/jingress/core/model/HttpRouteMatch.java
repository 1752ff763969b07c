package io.jingress.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One {@code matches} entry of an {@link HttpRouteRule}: every condition given must hold.
 *
 * @param path {@code path}; {@code null} means {@code PathPrefix /}
 * @param headers {@code headers}
 * @param queryParams {@code queryParams}
 * @param method {@code method}, or {@code null} for any
 */
public record HttpRouteMatch(Path path, List<Header> headers, List<Header> queryParams, String method) {
    /** {@code type: Exact}. */
    public static final String EXACT = "Exact";
    /** {@code type: PathPrefix}. */
    public static final String PATH_PREFIX = "PathPrefix";
    /** {@code type: RegularExpression} (not served by Jingress). */
    public static final String REGULAR_EXPRESSION = "RegularExpression";

    public HttpRouteMatch {
        headers = headers == null ? List.of() : List.copyOf(headers);
        queryParams = queryParams == null ? List.of() : List.copyOf(queryParams);
        method = method == null || method.isEmpty() ? null : method;
    }

    /** A match on a path prefix alone. */
    public static HttpRouteMatch pathPrefix(String value) {
        return new HttpRouteMatch(new Path(PATH_PREFIX, value), List.of(), List.of(), null);
    }

    /** A match on an exact path alone. */
    public static HttpRouteMatch exact(String value) {
        return new HttpRouteMatch(new Path(EXACT, value), List.of(), List.of(), null);
    }

    /** This match with one more {@code headers} entry of type Exact. */
    public HttpRouteMatch withHeader(String name, String value) {
        List<Header> more = new java.util.ArrayList<>(headers);
        more.add(new Header(EXACT, name, value));
        return new HttpRouteMatch(path, more, queryParams, method);
    }

    /** This match with one more {@code queryParams} entry of type Exact. */
    public HttpRouteMatch withQueryParam(String name, String value) {
        List<Header> more = new java.util.ArrayList<>(queryParams);
        more.add(new Header(EXACT, name, value));
        return new HttpRouteMatch(path, headers, more, method);
    }

    /** This match on {@code method} only. */
    public HttpRouteMatch withMethod(String method) {
        return new HttpRouteMatch(path, headers, queryParams, method);
    }

    /**
     * A path condition.
     *
     * @param type {@link #EXACT}, {@link #PATH_PREFIX} or {@link #REGULAR_EXPRESSION}; {@code null} means PathPrefix
     * @param value the path; {@code null} means {@code /}
     */
    public record Path(String type, String value) {
        public Path {
            type = type == null ? PATH_PREFIX : type;
            value = value == null ? "/" : value;
        }
    }

    /**
     * A header or query parameter condition.
     *
     * @param type {@link #EXACT} or {@link #REGULAR_EXPRESSION}; {@code null} means Exact
     * @param name the header's (any case) or parameter's (exact) name
     * @param value the value
     */
    public record Header(String type, String name, String value) {
        public Header {
            type = type == null ? EXACT : type;
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }
}
