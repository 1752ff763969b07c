package io.jingress.core.route;

/**
 * How the proxy speaks to a route's endpoints, as ingress-nginx's {@code backend-protocol}
 * annotation names it. {@link #HTTP} unless the Ingress says otherwise.
 *
 * <pre>{@code
 * route.policy().backendProtocol().upstreamTls(clientOverTls);   // HTTPS: true; AUTO_HTTP: clientOverTls
 * }</pre>
 *
 * <p>Only {@link #HTTP}, {@link #HTTPS} and {@link #AUTO_HTTP} are spoken ({@link #spoken()}); a
 * route whose Ingress asks for another is answered 502 with a body that says why, rather than
 * speak HTTP/1 to a gRPC or FastCGI server (which fails in ways that are hard to read).
 */
public enum BackendProtocol {
    /** Plain HTTP/1.1, the default. */
    HTTP,
    /**
     * HTTP/1.1 over TLS. As ingress-nginx ({@code proxy_ssl_verify off}), the endpoint's certificate
     * is not verified, and no SNI is sent ({@code proxy_ssl_server_name off}).
     */
    HTTPS,
    /** The client's scheme (nginx's {@code $scheme}): HTTPS to the endpoint when the client came over TLS, else HTTP. */
    AUTO_HTTP,
    /** gRPC over cleartext HTTP/2: not spoken, answered 502. */
    GRPC,
    /** gRPC over TLS: not spoken, answered 502. */
    GRPCS,
    /** FastCGI: not spoken, answered 502. */
    FCGI;

    /** Whether the proxy speaks this protocol to endpoints; false: the routes answer 502. */
    public boolean spoken() {
        return this == HTTP || this == HTTPS || this == AUTO_HTTP;
    }

    /**
     * Whether a request that came over TLS ({@code clientOverTls}) or not goes to its endpoint over
     * TLS: always for {@link #HTTPS}, as the client came for {@link #AUTO_HTTP}, never otherwise.
     */
    public boolean upstreamTls(boolean clientOverTls) {
        return this == HTTPS || (this == AUTO_HTTP && clientOverTls);
    }
}
