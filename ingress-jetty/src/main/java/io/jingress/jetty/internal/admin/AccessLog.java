package io.jingress.jetty.internal.admin;

/**
 * Names of the request attributes the proxy sets for the access log (see CONTRACTS.md). The ops
 * branch's {@code AccessLog} request log replaces this class with the same constants.
 */
public final class AccessLog {
    /** The matched {@code Route}; absent when nothing matched. */
    public static final String ROUTE = "jingress.route";
    /** {@code ip:port} of the last endpoint tried (String). */
    public static final String UPSTREAM_ADDR = "jingress.upstream.addr";
    /** The upstream response status (Integer). */
    public static final String UPSTREAM_STATUS = "jingress.upstream.status";
    /** Nanoseconds spent on the upstream exchange (Long). */
    public static final String UPSTREAM_NANOS = "jingress.upstream.nanos";
    /** The request id sent upstream as {@code X-Request-ID} (String). */
    public static final String REQUEST_ID = "jingress.request.id";

    private AccessLog() {
    }
}
