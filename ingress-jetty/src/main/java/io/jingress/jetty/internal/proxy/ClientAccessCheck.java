package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.ClientAccess;
import io.jingress.core.route.RoutePolicy;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;

/**
 * The source ranges of a route's Ingress ({@code allowlist-source-range},
 * {@code denylist-source-range}): a client they refuse is answered 403 by the proxy, and no
 * endpoint is picked or contacted. The client is the address the proxy vouches for, the one it
 * sends as {@code X-Real-IP}: the connection's peer, or the PROXY protocol header's source when
 * the listener reads one; never an {@code X-Forwarded-For} the client sent.
 */
final class ClientAccessCheck {
    static final PlainResponses.Body FORBIDDEN = new PlainResponses.Body(HttpStatus.FORBIDDEN_403,
            "403 Forbidden: this route does not serve the client's address\n");

    private ClientAccessCheck() {
    }

    /** Whether the policy refuses the exchange's client; if so the 403 is written and the exchange completed. */
    static boolean refused(Exchange exchange, RoutePolicy policy, Response proxyToClientResponse) {
        ClientAccess access = policy.clientAccess();
        if (access.isAny() || access.admits(exchange.clientAddress())) {
            return false;
        }
        PlainResponses.write(proxyToClientResponse, exchange, FORBIDDEN);
        return true;
    }
}
