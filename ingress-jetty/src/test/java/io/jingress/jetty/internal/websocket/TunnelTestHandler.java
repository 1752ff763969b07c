package io.jingress.jetty.internal.websocket;

import io.jingress.core.lb.Endpoint;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The proxy's part, reduced to what the tunnel needs: upgrade requests go to {@link #endpoint}
 * through the tunnel (headers copied, X-Forwarded-For added), a false return is answered 502
 * "tunnel could not connect", anything else is answered 418.
 */
final class TunnelTestHandler extends Handler.Abstract {
    private final UpgradeTunnel tunnel;
    volatile Endpoint endpoint;
    /** What each {@code tunnel.handle} call returned. */
    final BlockingQueue<Boolean> handleResults = new LinkedBlockingQueue<>();

    TunnelTestHandler(UpgradeTunnel tunnel, Endpoint endpoint) {
        this.tunnel = tunnel;
        this.endpoint = endpoint;
    }

    @Override
    public boolean handle(Request clientToProxyRequest, Response proxyToClientResponse, Callback callback) {
        if (!UpgradeTunnel.isUpgradeRequest(clientToProxyRequest)) {
            proxyToClientResponse.setStatus(418);
            callback.succeeded();
            return true;
        }
        HttpFields.Mutable proxyToServerHeaders = HttpFields.build();
        for (HttpField field : clientToProxyRequest.getHeaders()) {
            if (field.getHeader() != HttpHeader.CONNECTION && field.getHeader() != HttpHeader.UPGRADE) {
                proxyToServerHeaders.add(field);
            }
        }
        proxyToServerHeaders.add("X-Forwarded-For", Request.getRemoteAddr(clientToProxyRequest));
        boolean handled = tunnel.handle(clientToProxyRequest, proxyToClientResponse, callback, endpoint,
                clientToProxyRequest.getHttpURI().getPathQuery(), proxyToServerHeaders);
        handleResults.add(handled);
        if (!handled) {
            proxyToClientResponse.setStatus(502);
            Content.Sink.write(proxyToClientResponse, true, "tunnel could not connect", callback);
        }
        return true;
    }
}
