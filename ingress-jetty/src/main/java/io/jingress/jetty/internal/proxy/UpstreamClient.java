package io.jingress.jetty.internal.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.transport.HttpDestination;

/**
 * Jetty's {@link HttpClient} with a lock-free way to an endpoint's destination.
 *
 * <p>{@code HttpClient} finds the destination of every request with
 * {@code ConcurrentHashMap.compute}, which locks the map's bin even when the destination exists,
 * and then takes the destination's own lock to refresh its idle time. A proxy sends every request
 * of a busy Service to the same few destinations, so all request threads queued on those two
 * locks: JFR showed 122 waits over 10 ms in 10 s of load on 2 cores (a thread preempted while
 * holding the bin lock stalls every other one). Here a destination once resolved is read from a
 * plain {@code get}; the sweeper still removes it when it has had no connection and no request
 * for the destination idle timeout, and the removal drops it from this map too.
 */
final class UpstreamClient extends HttpClient {
    private final ConcurrentMap<Origin, Destination> resolved = new ConcurrentHashMap<>();

    UpstreamClient(HttpClientTransport transport) {
        super(transport);
    }

    @Override
    public Destination resolveDestination(Origin origin) {
        Destination destination = resolved.get(origin);
        if (destination == null) {
            destination = super.resolveDestination(origin);
            resolved.put(origin, destination);
            // Swept between the two lines above: the sweeper marks a destination stale before it
            // removes it, so either its removal dropped the entry or this check does.
            if (destination instanceof HttpDestination http && http.isStale()) {
                resolved.remove(origin, destination);
            }
        }
        return destination;
    }

    @Override
    public boolean removeDestination(Destination destination) {
        resolved.remove(destination.getOrigin(), destination);
        return super.removeDestination(destination);
    }

    @Override
    protected void doStop() throws Exception {
        resolved.clear();
        super.doStop();
    }
}
