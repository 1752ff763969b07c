package io.jingress.jetty.internal.proxy;

import io.jingress.jetty.internal.net.BackendAddresses;

import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;

import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The TLS client side of the calls to an {@code https://} {@code auth-url}: the auth URL's host
 * name is sent as SNI (as ingress-nginx's auth location, {@code proxy_ssl_server_name on}; an IP
 * literal is sent as no SNI, which may not carry one) and the service's certificate is verified as
 * Jetty's client verifies by default: against the JVM's trust store (the JDK's CAs, or the one
 * {@code -Djavax.net.ssl.trustStore} names) and for that host name (subjectAltName, as HTTPS).
 *
 * <p>Not the endpoints' client side ({@link UpstreamTls#clientSide()}, which trusts all and sends no
 * SNI, as ingress-nginx's {@code proxy_ssl_*} defaults): a request that goes on or not by what the
 * auth service answered must not take an answer from whoever can stand in its way.
 */
final class ExternalAuthTls {
    private ExternalAuthTls() {
    }

    /** A started client side; throws when the JVM's trust store cannot be read. */
    static SslContextFactory.Client start() {
        SslContextFactory.Client tls = new SslContextFactory.Client(false);
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        // A new list, not the one passed: Jetty applies only a list other than the engine's own.
        // The JDK names no host without a dot (localhost, a short in-cluster name); Jetty's default
        // would name an IP literal, which SNI may not carry (RFC 6066, 3).
        tls.setSNIProvider((engine, serverNames) -> serverNames(engine));
        try {
            tls.start();
        } catch (Exception e) {
            throw new IllegalStateException("TLS to the auth services cannot be set up: " + e.getMessage(), e);
        }
        return tls;
    }

    static List<SNIServerName> serverNames(SSLEngine engine) {
        List<SNIServerName> names = new ArrayList<>(1);
        String host = engine.getPeerHost();
        if (host != null && isDnsName(host)) {
            try {
                names.add(new SNIHostName(host));
            } catch (IllegalArgumentException notAHostName) {
                // no SNI rather than none of the call
            }
        }
        return names;
    }

    private static boolean isDnsName(String host) {
        // not an IPv6 literal (bracketed or not), nor digits and dots (an IPv4 literal in some form)
        return !host.isEmpty() && host.indexOf(':') < 0 && !BackendAddresses.isNumeric(host);
    }
}
