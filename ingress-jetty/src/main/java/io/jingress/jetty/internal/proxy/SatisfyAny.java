package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.ClientAccess;
import io.jingress.core.route.ExternalAuth;
import io.jingress.core.route.RoutePolicy;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Response;

/**
 * The source ranges of a route whose Ingress asks {@code satisfy: "any"}, in place of
 * {@link ClientAccessCheck}: as nginx's {@code satisfy any}, where an {@code allow} rule that
 * matches lets the request in without asking {@code auth_basic} or {@code auth_request}, and a
 * {@code deny} (a denylist range, or the allowlist's closing {@code deny all}) only counts when no
 * authentication lets the request in.
 * <ul>
 *   <li>A client an allowlist range admits, and no denylist range refuses ({@link ClientAccess#grants}):
 *       {@link Access#ADMITTED}, no authentication is asked; the client's own copies of the headers
 *       {@code auth-response-headers} names are left out, as when the auth service's answer has none.</li>
 *   <li>Any other client, when the route asks for authentication (basic or external):
 *       {@link Access#AUTHENTICATE}, the authentication decides, and its refusal (401, or the auth
 *       service's 403) is what the client gets, as nginx answers 401 over the address's 403.
 *       A denied address is let in once it authenticates, as in nginx.</li>
 *   <li>Without authentication, or when the ranges refuse every client (a denylist entry that is no
 *       address, an allowlist with no valid entry: a mistake never opens access): as
 *       {@link ClientAccessCheck}, 403.</li>
 * </ul>
 */
final class SatisfyAny {
    /** What the ranges make of a client under {@code satisfy: "any"}. */
    enum Access {
        /** Answered 403, the exchange completed. */
        REFUSED,
        /** Let in by its address: no authentication is asked. */
        ADMITTED,
        /** Not let in by its address: it goes on to the route's authentication. */
        AUTHENTICATE
    }

    private SatisfyAny() {
    }

    static Access check(Exchange exchange, RoutePolicy policy, Response proxyToClientResponse) {
        ClientAccess access = policy.clientAccess();
        if (access.grants(exchange.clientAddress())) {
            ExternalAuth auth = policy.externalAuth();
            if (auth != null && !auth.responseHeaders().isEmpty()) {
                // no auth service answered: the client's own copies of its headers are left out, never
                // passed on as if it had vouched for them (nginx's proxy_set_header of an empty variable)
                exchange.sendHeaders(ExternalAuthCheck.withResponseHeaders(exchange.getHeaders(), auth.responseHeaders(),
                        HttpFields.EMPTY));
            }
            return Access.ADMITTED;
        }
        boolean authenticates = policy.basicAuth() != null || policy.externalAuth() != null;
        if (!authenticates || access.refusesEveryClient()) {
            return ClientAccessCheck.refused(exchange, policy, proxyToClientResponse) ? Access.REFUSED : Access.AUTHENTICATE;
        }
        return Access.AUTHENTICATE;
    }
}
