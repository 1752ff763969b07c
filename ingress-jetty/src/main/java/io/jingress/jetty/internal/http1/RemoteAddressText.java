package io.jingress.jetty.internal.http1;

import org.eclipse.jetty.server.Request;

/**
 * A connection that formats its client's address once, not for every request: the text
 * {@link Request#getRemoteAddr} gives, which a proxy sends on in {@code X-Forwarded-For} and
 * {@code X-Real-IP}. A connection's address does not change while it is open.
 */
public interface RemoteAddressText {
    /** {@code Request.getRemoteAddr(request)} for a request whose connection this is; formatted at the first call. */
    String remoteAddr(Request request);
}
