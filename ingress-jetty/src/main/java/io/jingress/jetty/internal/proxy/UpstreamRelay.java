package io.jingress.jetty.internal.proxy;

import org.eclipse.jetty.http.HttpFields;

/** What an {@link UpstreamConnection} tells the proxy about the exchange it carries. */
interface UpstreamRelay {
    /** The upstream's response head arrived: set the client's status and headers (nothing is written yet). */
    void onResponseHead(Exchange exchange, int status, HttpFields serverToProxyHeaders);

    /** The upstream's response is complete; the last write to the client may still be pending. */
    void onUpstreamComplete(Exchange exchange);

    /** The client has the whole response; the connection is pooled or closed already. */
    void onExchangeComplete(Exchange exchange);

    /**
     * The upstream failed (connect, write, read, timeout, bad response); the connection is closed.
     *
     * @param responseBegun whether the response head had arrived (the client's response may be committed)
     * @param stale whether the connection was a reused one that failed before any response byte,
     *     which usually means the upstream had closed it while it sat in the pool
     */
    void onUpstreamFailure(Exchange exchange, Throwable failure, boolean responseBegun, boolean stale);

    /** Writing to the client failed, or the client went away; the upstream connection is closed. */
    void onClientFailure(Exchange exchange, Throwable failure);
}
