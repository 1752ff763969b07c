package io.jingress.jetty.internal.admin;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The connections of the TCP services ({@code --tcp-services-configmap}) by port: how many ended
 * with each status (200 an endpoint was connected to, 502 none could be, 503 there was none ready)
 * and the bytes relayed each way. A port keeps its counts when its entry goes away, as a counter
 * must.
 */
public final class TcpMetrics {
    private static final int[] STATUSES = {200, 502, 503};

    private final Map<Integer, Counts> byPort = new ConcurrentHashMap<>();

    private static final class Counts {
        final LongAdder[] connections = {new LongAdder(), new LongAdder(), new LongAdder()};
        final LongAdder bytesToClient = new LongAdder();
        final LongAdder bytesFromClient = new LongAdder();
    }

    /** Counts one connection to {@code port} that ended with {@code status}, and its bytes. */
    public void onConnection(int port, int status, long bytesToClient, long bytesFromClient) {
        Counts counts = byPort.computeIfAbsent(port, p -> new Counts());
        counts.connections[status == 200 ? 0 : status == 502 ? 1 : 2].increment();
        counts.bytesToClient.add(bytesToClient);
        counts.bytesFromClient.add(bytesFromClient);
    }

    void append(PrometheusText text) {
        Map<Integer, Counts> ports = new TreeMap<>(byPort);
        text.metric("jingress_tcp_connections_total", "counter",
                "Connections of the TCP services that ended, by listen port and status (200 relayed, 502 no endpoint"
                        + " could be connected to, 503 none ready)");
        ports.forEach((port, counts) -> {
            for (int i = 0; i < STATUSES.length; i++) {
                text.sample("jingress_tcp_connections_total", counts.connections[i].sum(), "port", Integer.toString(port),
                        "status", Integer.toString(STATUSES[i]));
            }
        });
        text.metric("jingress_tcp_bytes_total", "counter",
                "Bytes the ended connections of the TCP services relayed, by listen port and direction");
        ports.forEach((port, counts) -> {
            text.sample("jingress_tcp_bytes_total", counts.bytesToClient.sum(), "port", Integer.toString(port),
                    "direction", "to_client");
            text.sample("jingress_tcp_bytes_total", counts.bytesFromClient.sum(), "port", Integer.toString(port),
                    "direction", "from_client");
        });
    }
}
