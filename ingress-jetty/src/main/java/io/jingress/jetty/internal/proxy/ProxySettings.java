package io.jingress.jetty.internal.proxy;

/**
 * How the proxy talks to upstream endpoints; validated by the public builders.
 *
 * @param connectTimeoutMillis TCP connect timeout per try
 * @param readTimeoutMillis longest silence while waiting for or reading an upstream response
 * @param upstreamKeepAliveMillis how long an idle pooled upstream connection is kept
 * @param maxConnectionsPerEndpoint pooled connections per endpoint
 * @param maxQueuedPerEndpoint requests waiting for a pooled connection per endpoint
 * @param maxTries tries per request, counting the first (ingress-nginx's proxy-next-upstream-tries)
 * @param httpsRedirectPort where plain-HTTP requests to TLS hosts are redirected; 0 = never
 * @param localBackendNames whether a backend's DNS name may resolve to loopback, any-local or
 *     link-local addresses (see {@code BackendAddresses})
 * @param strictTransportSecurity the {@code Strict-Transport-Security} value of answers over TLS
 *     (such as {@code max-age=31536000; includeSubDomains}); null: none
 * @param maxRequestBodyBytes the largest request body of a route whose Ingress does not set
 *     {@code proxy-body-size}; 0: no limit
 */
public record ProxySettings(long connectTimeoutMillis, long readTimeoutMillis, long upstreamKeepAliveMillis,
        int maxConnectionsPerEndpoint, int maxQueuedPerEndpoint, int maxTries, int httpsRedirectPort,
        boolean localBackendNames, String strictTransportSecurity, long maxRequestBodyBytes) {
}
