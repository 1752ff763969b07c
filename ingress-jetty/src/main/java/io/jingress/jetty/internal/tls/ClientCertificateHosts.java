package io.jingress.jetty.internal.tls;

import io.jingress.core.route.AuthTls;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteTable;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The hosts of a route table that have client certificate authentication ({@code auth-tls-*}), with
 * their setting: per host, that of the oldest Ingress of the host with a usable one, as
 * ingress-nginx sets it per server (the compiler warns the others); when every setting of the host
 * is one that cannot be used, the first of them, whose {@link AuthTls#refusal()} answers 503 on
 * every route of the host. A {@link Cache} makes it once
 * per table, the first time it is asked for, so a request costs a field read when no host has it.
 */
public final class ClientCertificateHosts {
    private static final ClientCertificateHosts NONE = new ClientCertificateHosts(null, Map.of());

    /** The hosts of the last table asked for; one per reader of a router (the proxy, the TLS listener). */
    public static final class Cache {
        private volatile ClientCertificateHosts last = NONE;

        /** The client certificate hosts of {@code table}, made again only when the table is another. */
        public ClientCertificateHosts of(RouteTable table) {
            ClientCertificateHosts hosts = last;
            if (hosts.table != table) {
                hosts = ClientCertificateHosts.of(table);
                last = hosts;
            }
            return hosts;
        }
    }

    private final RouteTable table;
    private final Map<String, AuthTls> byHost;

    private ClientCertificateHosts(RouteTable table, Map<String, AuthTls> byHost) {
        this.table = table;
        this.byHost = byHost;
    }

    /** The client certificate hosts of {@code table}, made anew (a {@link Cache} keeps them). */
    public static ClientCertificateHosts of(RouteTable table) {
        Map<String, AuthTls> byHost = new HashMap<>();
        Map<String, AuthTls> broken = new HashMap<>();
        for (Route route : table.routes()) {  // in Ingress age order: the oldest decides
            AuthTls auth = route.policy().authTls();
            if (auth != null && route.host() != null && !route.host().isEmpty()) {
                (auth.refusal() == null ? byHost : broken).putIfAbsent(route.host().toLowerCase(Locale.ROOT), auth);
            }
        }
        // a host whose only settings cannot be used is refused whole (503), never served without them
        broken.forEach(byHost::putIfAbsent);
        return new ClientCertificateHosts(table, byHost.isEmpty() ? Map.of() : Map.copyOf(byHost));
    }

    /** Whether no host has client certificate authentication: then nothing need be looked up. */
    public boolean isEmpty() {
        return byHost.isEmpty();
    }

    /**
     * The setting of {@code host} (an SNI name, or a Host header: case and a port are ignored), by its
     * exact name, else the wildcard of its parent domain, as routes match; null when it has none.
     */
    public AuthTls forHost(String host) {
        if (byHost.isEmpty() || host == null) {
            return null;
        }
        String name = normalize(host);
        AuthTls auth = byHost.get(name);
        if (auth == null) {
            int dot = name.indexOf('.');
            if (dot > 0) {
                auth = byHost.get("*" + name.substring(dot));
            }
        }
        return auth;
    }

    private static String normalize(String host) {
        int end = host.length();
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            end = close < 0 ? end : close + 1;
        } else {
            int colon = host.indexOf(':');
            end = colon < 0 ? end : colon;
        }
        if (end > 0 && host.charAt(end - 1) == '.') {
            end--;
        }
        return host.substring(0, end).toLowerCase(Locale.ROOT);
    }
}
