package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.BackendProtocol;
import io.jingress.core.route.ProxySsl;
import io.jingress.core.route.RoutePolicy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import javax.net.ssl.SSLException;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A route's {@code backend-protocol}: whether its endpoints are spoken to over TLS, and the 502 of
 * a protocol that is not spoken (FastCGI).
 *
 * <p>An exchange that goes over TLS takes Jetty's {@code HttpClient} (the lean forwarder speaks
 * plain HTTP/1.1 only), whose destinations are keyed by scheme, host and port: TLS connections are
 * pooled and kept alive apart from plain ones to the same endpoint.
 *
 * <p>As ingress-nginx by default ({@code proxy_ssl_verify off}, {@code proxy_ssl_server_name off}):
 * the endpoint's certificate is not verified (endpoints are Pod IPs, which certificates seldom
 * name) and no SNI is sent. The traffic is encrypted, not authenticated: whoever can take an
 * endpoint's address can read it.
 */
final class UpstreamTls {
    static final PlainResponses.Body HANDSHAKE_FAILED = new PlainResponses.Body(HttpStatus.BAD_GATEWAY_502,
            "502 Bad Gateway: the upstream endpoint did not complete a TLS handshake (this route's Ingress asks for"
                    + " backend-protocol HTTPS; is the endpoint's port plain HTTP?)\n");
    static final PlainResponses.Body CERTIFICATE_REFUSED = new PlainResponses.Body(HttpStatus.BAD_GATEWAY_502,
            "502 Bad Gateway: the upstream endpoint's certificate was not accepted (this route's Ingress asks"
                    + " proxy-ssl-verify: on; see proxy-ssl-secret's ca.crt, proxy-ssl-name and proxy-ssl-verify-depth)\n");
    private static final Map<BackendProtocol, PlainResponses.Body> NOT_SPOKEN = notSpoken();

    private UpstreamTls() {
    }

    /**
     * Whether the exchange's endpoint is spoken to over TLS: its backend's BackendTLSPolicy says so
     * ({@link io.jingress.core.route.Backend#tls()}), or its route's {@code backend-protocol}; its route must be set.
     */
    static boolean wanted(Exchange exchange) {
        if (exchange.backend != null && exchange.backend.tls() != null) {
            return true;
        }
        RoutePolicy policy = exchange.route.policy();
        return !policy.isNone()
                && policy.backendProtocol().upstreamTls(exchange.getConnectionMetaData().isSecure());
    }

    /**
     * The TLS setting of the exchange's request to its endpoint: its backend's BackendTLSPolicy, else
     * its route's {@code proxy-ssl-*} when the request goes over TLS; null for none (cleartext, or
     * TLS that verifies nothing). Its backend must be chosen.
     */
    static ProxySsl setting(Exchange exchange) {
        if (exchange.backend != null && exchange.backend.tls() != null) {
            return exchange.backend.tls();
        }
        RoutePolicy policy = exchange.route.policy();
        return policy.isNone() || policy.proxySsl() == null
                || !policy.backendProtocol().upstreamTls(exchange.getConnectionMetaData().isSecure()) ? null
                : policy.proxySsl();
    }

    /**
     * The answer to a failed TLS handshake ({@code answer}, of {@link #handshakeAnswer}) in the words of
     * the exchange's BackendTLSPolicy when its backend has one; any other answer as it is.
     */
    static PlainResponses.Body inTermsOf(Exchange exchange, PlainResponses.Body answer) {
        ProxySsl tls = exchange.backend == null ? null : exchange.backend.tls();
        if (tls == null || (answer != HANDSHAKE_FAILED && answer != CERTIFICATE_REFUSED)) {
            return answer;
        }
        return new PlainResponses.Body(HttpStatus.BAD_GATEWAY_502, answer == CERTIFICATE_REFUSED
                ? "502 Bad Gateway: the upstream endpoint's certificate was not accepted (BackendTLSPolicy " + tls.policy()
                        + " applies to its Service; see its caCertificateRefs or wellKnownCACertificates, hostname and"
                        + " subjectAltNames)\n"
                : "502 Bad Gateway: the upstream endpoint did not complete a TLS handshake (BackendTLSPolicy " + tls.policy()
                        + " applies to its Service; is the endpoint's port plain HTTP?)\n");
    }

    /**
     * Whether the route's protocol is one the proxy does not speak, or its Ingress asks that
     * endpoint certificates be verified ({@code proxy-ssl-verify}) and this request would go over
     * TLS; if so the 502 saying so is written and the exchange completed, no endpoint contacted.
     */
    static boolean refused(Exchange exchange, RoutePolicy policy, Response proxyToClientResponse) {
        PlainResponses.Body body = NOT_SPOKEN.get(policy.backendProtocol());
        if (body == null && policy.proxySsl() != null && policy.proxySsl().refusal() != null
                && policy.backendProtocol().upstreamTls(exchange.getConnectionMetaData().isSecure())) {
            body = new PlainResponses.Body(HttpStatus.BAD_GATEWAY_502, "502 Bad Gateway: this route's Ingress asks for TLS to"
                    + " its endpoints that cannot be done: " + policy.proxySsl().refusal() + "; nothing is sent\n");
        }
        if (body == null) {
            return false;
        }
        PlainResponses.write(proxyToClientResponse, exchange, body);
        return true;
    }

    /** The 502 of a TLS handshake with the endpoint that failed: its certificate refused, or no handshake at all. */
    static PlainResponses.Body handshakeAnswer(Throwable sslFailure) {
        for (Throwable t = sslFailure; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException) {
                return CERTIFICATE_REFUSED;
            }
        }
        return HANDSHAKE_FAILED;
    }

    /** Whether a failed try failed in (or for want of) the TLS handshake with the endpoint. */
    static boolean handshakeFailed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The TLS client side for endpoints: trusts any certificate, checks no host name, sends no SNI
     * (see the class doc).
     */
    static SslContextFactory.Client clientSide() {
        SslContextFactory.Client tls = new SslContextFactory.Client(true) {
            @Override
            protected void checkConfiguration() {
                // Jetty warns of trusting all and checking no host name at every start, whether or not
                // any Ingress asks for HTTPS: it is ingress-nginx's default, documented (routing.md)
            }
        };
        tls.setEndpointIdentificationAlgorithm(null);
        // A new list, not the one passed: Jetty applies only a list other than the engine's own, and an
        // empty one leaves SNI out (the JDK would send a DNS name's, as for an ExternalName Service).
        tls.setSNIProvider((engine, serverNames) -> new ArrayList<>());
        return tls;
    }

    private static Map<BackendProtocol, PlainResponses.Body> notSpoken() {
        Map<BackendProtocol, PlainResponses.Body> bodies = new EnumMap<>(BackendProtocol.class);
        for (BackendProtocol protocol : BackendProtocol.values()) {
            if (!protocol.spoken()) {
                bodies.put(protocol, new PlainResponses.Body(HttpStatus.BAD_GATEWAY_502,
                        "502 Bad Gateway: this route's Ingress asks for backend-protocol " + protocol
                                + ", and Jingress does not speak FastCGI to endpoints\n"));
            }
        }
        return bodies;
    }
}
