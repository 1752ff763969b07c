package io.jingress.core.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The TCP services of a {@link RouteTable} ({@link RouteTable#tcpServices()}): the entries of the
 * ConfigMap named by {@link RouteCompiler#withTcpServices}, each a {@link TcpRoute}, by port. An
 * entry that cannot be served (a key that is no port, a value that does not parse, a Service or
 * port that does not exist, a port the proxy uses itself) is left out, with a WARNING among the
 * table's problems; the others serve.
 *
 * <pre>{@code
 * TcpRoute ssh = router.current().tcpServices().route(2222);
 * Endpoint endpoint = ssh == null ? null : ssh.backend().balancer().pick(PickContext.NONE);
 * }</pre>
 */
public final class TcpServices {
    private static final TcpServices NONE = new TcpServices(null, false, List.of());

    private final String configMap;
    private final boolean found;
    private final List<TcpRoute> routes;

    TcpServices(String configMap, boolean found, List<TcpRoute> routes) {
        this.configMap = configMap;
        this.found = found;
        List<TcpRoute> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparingInt(TcpRoute::port));
        this.routes = List.copyOf(sorted);
    }

    /** No TCP services: none asked for. */
    public static TcpServices none() {
        return NONE;
    }

    /** The ConfigMap's {@code namespace/name}; {@code null} when no ConfigMap is asked for. */
    public String configMap() {
        return configMap;
    }

    /** Whether the ConfigMap exists (false when none is asked for). */
    public boolean configMapFound() {
        return found;
    }

    /** The served entries, by port. */
    public List<TcpRoute> routes() {
        return routes;
    }

    /** The entry served on {@code port}, or {@code null}. */
    public TcpRoute route(int port) {
        for (TcpRoute route : routes) {
            if (route.port() == port) {
                return route;
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return routes.isEmpty();
    }

    @Override
    public String toString() {
        return "TcpServices[" + (configMap == null ? "none" : configMap + (found ? "" : " (not found)")) + ", "
                + routes.size() + " ports]";
    }
}
