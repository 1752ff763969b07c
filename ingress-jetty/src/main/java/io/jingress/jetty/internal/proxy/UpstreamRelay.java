package io.jingress.jetty.internal.proxy;

import org.eclipse.jetty.http.HttpFields;

/** What an {@link UpstreamConnection} tells the proxy about the exchange it carries. */
interface UpstreamRelay {
    /**
     * The upstream's response head arrived: set the client's status and headers (nothing is written
     * yet); true when the response is not for the client (an error page replaces it, see
     * {@link ErrorPages}): its body is then read and dropped, and {@link #onBodyDropped} comes in
     * place of {@link #onExchangeComplete}.
     */
    boolean onResponseHead(Exchange exchange, int status, HttpFields serverToProxyHeaders);

    /**
     * The body of a response {@link #onResponseHead} kept from the client is read and dropped (or,
     * past {@link ErrorPages#MAX_DISCARDED} bytes, its connection closed); the connection is pooled
     * or closed already, and nothing was written to the client.
     */
    void onBodyDropped(Exchange exchange);

    /** Whether an answer of {@code status} is dropped, unrelayed, and the request moved on (proxy-next-upstream). */
    boolean movesOn(Exchange exchange, int status);

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
