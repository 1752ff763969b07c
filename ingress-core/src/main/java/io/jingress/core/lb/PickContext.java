package io.jingress.core.lb;

/**
 * What a {@link LoadBalancer} may look at in a request. The proxy implements it on its per-request
 * state so that picking allocates nothing.
 */
public interface PickContext {

    /** A request header's value, or {@code null}. */
    String header(String name);

    /** A request cookie's value, or {@code null}. */
    String cookie(String name);

    /** The client's address as the proxy sees it (no port). */
    String clientAddress();

    /** The request URI: normalised path and query. */
    String uri();

    /** Whether an endpoint must not be picked again (already tried by this request). */
    default boolean excluded(Endpoint endpoint) {
        return false;
    }

    /**
     * Called by cookie affinity when the client must be told its endpoint: the proxy sets this
     * cookie on the response.
     */
    default void setAffinityCookie(String name, String value) {
    }

    /** A context with nothing in it, for callers that have no request (tests, benchmarks). */
    PickContext NONE = new PickContext() {
        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public String cookie(String name) {
            return null;
        }

        @Override
        public String clientAddress() {
            return "";
        }

        @Override
        public String uri() {
            return "/";
        }
    };
}
