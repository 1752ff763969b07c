package io.jingress.core.route;

/**
 * How the proxy speaks to a route's endpoints, as ingress-nginx's {@code backend-protocol}
 * annotation names it. {@link #HTTP} unless the Ingress says otherwise.
 *
 * <pre>{@code
 * route.policy().backendProtocol().upstreamTls(clientOverTls);   // HTTPS, GRPCS: true; AUTO_HTTP: clientOverTls
 * route.policy().backendProtocol().http2();                       // GRPC, GRPCS: true
 * }</pre>
 *
 * <p>All but {@link #FCGI} are spoken ({@link #spoken()}); a route whose Ingress asks for FastCGI
 * is answered 502 with a body that says why, rather than speak HTTP to a FastCGI server (which
 * fails in ways that are hard to read).
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
    /**
     * gRPC: HTTP/2 in cleartext to the endpoint (prior knowledge, h2c), the answer's trailers
     * ({@code grpc-status}) carried to the client.
     */
    GRPC,
    /**
     * gRPC over TLS: HTTP/2 negotiated by ALPN. As {@link #HTTPS}, the endpoint's certificate is
     * not verified unless the Ingress's {@code proxy-ssl-*} annotations ask.
     */
    GRPCS,
    /** FastCGI: not spoken, answered 502. */
    FCGI,
    /**
     * HTTP/2 in cleartext with prior knowledge, the answer's trailers carried: not an annotation's
     * value, but what an HTTPRoute's requests speak to a Service port whose {@code appProtocol} is
     * {@code kubernetes.io/h2c} (Gateway API's backend protocol selection), and a GRPCRoute's calls
     * to any port.
     */
    H2C;

    /** Whether the proxy speaks this protocol to endpoints; false ({@link #FCGI}): the routes answer 502. */
    public boolean spoken() {
        return this != FCGI;
    }

    /** Whether the endpoints are spoken to in HTTP/2 ({@link #GRPC}, {@link #GRPCS}, {@link #H2C}); else HTTP/1.1. */
    public boolean http2() {
        return this == GRPC || this == GRPCS || this == H2C;
    }

    /**
     * Whether a request that came over TLS ({@code clientOverTls}) or not goes to its endpoint over
     * TLS: always for {@link #HTTPS} and {@link #GRPCS}, as the client came for {@link #AUTO_HTTP},
     * never otherwise.
     */
    public boolean upstreamTls(boolean clientOverTls) {
        return this == HTTPS || this == GRPCS || (this == AUTO_HTTP && clientOverTls);
    }
}
