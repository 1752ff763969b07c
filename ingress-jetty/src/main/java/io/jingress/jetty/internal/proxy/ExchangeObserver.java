package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.Route;

/** Told when each request begins and ends, for metrics. Must not block or allocate. */
public interface ExchangeObserver {

    /** A request entered the proxy. */
    void onBegin();

    /**
     * A request's response is complete.
     *
     * @param route the matched route, or {@code null}
     * @param method the request method
     * @param status the status sent to the client
     * @param upstreamNanos time spent on upstream exchanges, or -1 when there was none
     */
    void onEnd(Route route, String method, int status, long upstreamNanos);

    /** Observes nothing. */
    ExchangeObserver NONE = new ExchangeObserver() {
        @Override
        public void onBegin() {
        }

        @Override
        public void onEnd(Route route, String method, int status, long upstreamNanos) {
        }
    };
}
