package io.jingress.jetty.internal.http1;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.Graceful;

/**
 * Closes the HTTP/1 connections that wait for a next request when a graceful stop begins, as
 * nginx closes its idle keep-alive connections.
 *
 * <p>The listeners keep the idle timeout they had while requests in flight finish: Jetty would cut
 * every connection idle for 1 s, and a request waiting on a slow upstream is idle on its client's
 * side (an HTTP/2 connection is closed with all its streams). So the connections with nothing in
 * flight are closed here; the others answer their request with {@code Connection: close}, and
 * HTTP/2 sessions send GOAWAY and close once their streams end.
 */
public final class IdleConnections implements Graceful {
    private final List<AbstractConnector> connectors;
    private volatile boolean shutdown;

    public IdleConnections(List<AbstractConnector> connectors) {
        this.connectors = List.copyOf(connectors);
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        shutdown = true;
        for (AbstractConnector connector : connectors) {
            // Shut first, so that a request that ends after the sweep closes its connection: both
            // kinds of connection close after a response once their connector is shut.
            connector.shutdown();
            for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                if (waitsForARequest(endPoint.getConnection())) {
                    endPoint.close();
                }
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    private static boolean waitsForARequest(Connection connection) {
        if (connection instanceof SslConnection tls) {
            connection = tls.getSslEndPoint().getConnection();
        }
        if (connection instanceof LeanConnection lean) {
            return lean.waitsForARequest();
        }
        if (connection instanceof HttpConnection http) {
            return http.getParser().isStart() && http.isRequestBufferEmpty();
        }
        return false;
    }
}
