package io.jingress.jetty.internal.admin;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import io.jingress.jetty.internal.http1.RequestHeads;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;

/**
 * Counts client connections for {@code /status} and {@code /metrics}: accepted, currently open, and
 * of those the ones part way through a request head.
 *
 * <p>Jetty notifies a connector's listeners for every {@link Connection} it creates, and one TCP
 * connection can carry several: TLS stacks an {@code SslConnection} under the HTTP connection, ALPN
 * and protocol upgrades replace one connection by another on the same socket. So this counts
 * network endpoints, not {@code Connection} objects: the first connection opened on a socket
 * counts it as accepted, and it stops being active when a connection on it closes after the
 * socket itself has closed (an upgrade closes the old connection while the socket stays open).
 */
final class ConnectionCounter implements Connection.Listener {
    private final Set<EndPoint> open = ConcurrentHashMap.newKeySet();
    private final LongAdder accepted = new LongAdder();

    @Override
    public void onOpened(Connection connection) {
        if (open.add(transportOf(connection))) {
            accepted.increment();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        EndPoint transport = transportOf(connection);
        if (!transport.isOpen()) {
            open.remove(transport);
        }
    }

    private static EndPoint transportOf(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        while (endPoint instanceof EndPoint.Wrapper wrapper && wrapper.unwrap() != null && wrapper.unwrap() != endPoint) {
            endPoint = wrapper.unwrap();
        }
        return endPoint;
    }

    long accepted() {
        return accepted.sum();
    }

    long active() {
        // A connection that replaced another one by upgrade may not carry this listener, so the
        // socket's last close could go unseen; dropping closed sockets here keeps the count honest.
        open.removeIf(endPoint -> !endPoint.isOpen());
        return open.size();
    }

    long reading() {
        long reading = 0;
        for (EndPoint endPoint : open) {
            if (endPoint.isOpen() && RequestHeads.beingRead(endPoint.getConnection())) {
                reading++;
            }
        }
        return reading;
    }
}
