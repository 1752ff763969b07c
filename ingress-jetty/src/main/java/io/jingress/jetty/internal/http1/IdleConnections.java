package io.jingress.jetty.internal.http1;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.Graceful;

/**
 * Closes the client connections that wait for a next request when a graceful stop begins, as
 * nginx closes its idle keep-alive connections.
 *
 * <p>The listeners keep the idle timeout they had while requests in flight finish: Jetty would cut
 * every connection idle for 1 s, and a request waiting on a slow upstream is idle on its client's
 * side (an HTTP/2 connection is closed with all its streams). So the connections with nothing in
 * flight are closed here; the others answer their request with {@code Connection: close}.
 *
 * <p>HTTP/2 sessions (over TLS, or h2c) get Jetty's GOAWAY; Jetty then waits for the client to
 * close the connection, which a client that keeps its connection open without streams does not
 * do, holding the stop until its deadline. So a session without streams is closed here, with a
 * GOAWAY naming the last stream it took (RFC 9113 section 6.8) and then its connection, and the
 * sessions that still have streams are looked at again every {@value #SWEEP_MILLIS} ms until they
 * have none.
 */
public final class IdleConnections implements Graceful {
    static final long SWEEP_MILLIS = 100;

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
        sweepHttp2();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    // closes the HTTP/2 sessions without streams; again later while some still have streams
    private void sweepHttp2() {
        boolean busy = false;
        for (AbstractConnector connector : connectors) {
            for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                if (!(underTls(endPoint.getConnection()) instanceof HTTP2Connection h2)) {
                    continue;
                }
                HTTP2Session session = h2.getSession();
                if (!session.getStreams().isEmpty()) {
                    busy = true;
                } else if (!session.isDisconnected()) {
                    session.close(ErrorCode.NO_ERROR.code, "shutdown", Callback.from(session::disconnect));
                }
            }
        }
        if (busy && !connectors.isEmpty() && connectors.get(0).isRunning()) {
            connectors.get(0).getScheduler().schedule(this::sweepHttp2, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private static Connection underTls(Connection connection) {
        return connection instanceof SslConnection tls ? tls.getSslEndPoint().getConnection() : connection;
    }

    private static boolean waitsForARequest(Connection connection) {
        connection = underTls(connection);
        if (connection instanceof LeanConnection lean) {
            return lean.waitsForARequest();
        }
        if (connection instanceof HttpConnection http) {
            return http.getParser().isStart() && http.isRequestBufferEmpty();
        }
        return false;
    }
}
