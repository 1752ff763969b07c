package io.jingress.core.model;

import java.util.List;

/**
 * One {@code matches} entry of a {@link GrpcRouteRule}: every condition given must hold.
 *
 * @param method {@code method}: the gRPC service and/or method; {@code null} means any call
 * @param headers {@code headers} (metadata), as an HTTPRoute's header matches
 */
public record GrpcRouteMatch(Method method, List<HttpRouteMatch.Header> headers) {

    public GrpcRouteMatch {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** A match on the method {@code method} of the service {@code service} (either may be null: any). */
    public static GrpcRouteMatch method(String service, String method) {
        return new GrpcRouteMatch(new Method(null, service, method), List.of());
    }

    /** This match with one more {@code headers} entry of type Exact. */
    public GrpcRouteMatch withHeader(String name, String value) {
        List<HttpRouteMatch.Header> more = new java.util.ArrayList<>(headers);
        more.add(new HttpRouteMatch.Header(HttpRouteMatch.EXACT, name, value));
        return new GrpcRouteMatch(method, more);
    }

    /**
     * A method condition: calls to {@code /service/method}.
     *
     * @param type {@link HttpRouteMatch#EXACT} or {@link HttpRouteMatch#REGULAR_EXPRESSION} (not served by
     *     Jingress); {@code null} means Exact
     * @param service the fully qualified service name ({@code package.Service}), or {@code null} for any
     * @param method the method name, or {@code null} for any; service and method are not both null
     */
    public record Method(String type, String service, String method) {
        public Method {
            type = type == null ? HttpRouteMatch.EXACT : type;
            service = service == null || service.isEmpty() ? null : service;
            method = method == null || method.isEmpty() ? null : method;
        }
    }
}
