package io.jingress.jetty.internal.net;

import io.jingress.core.internal.net.Ipv4Text;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses a backend given by DNS name (an ExternalName Service, an FQDN EndpointSlice) may
 * be reached at. An Ingress author chooses that name, and a name can resolve to anything: a name
 * whose addresses are all loopback ({@code 127.0.0.0/8}, {@code ::1}), any-local ({@code 0.0.0.0},
 * {@code ::}, which connect to the local host) or link-local ({@code 169.254.0.0/16},
 * {@code fe80::/10}, where clouds serve instance metadata) would send internet traffic to the
 * controller's own ports, its admin port among them. Those addresses are dropped; a name left with
 * none is refused with {@link LocalAddressRefused}. IP literals are not looked up and not checked
 * here: the API server refuses loopback and link-local EndpointSlice addresses, and manifest files
 * point at 127.0.0.1 on purpose.
 */
public final class BackendAddresses {
    private static final Logger LOG = LoggerFactory.getLogger(BackendAddresses.class);
    /** Names already reported with these addresses; the same refusal is not logged per request. */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
    private static final int MAX_REPORTED = 1024;

    private BackendAddresses() {
    }

    /**
     * Whether {@code host} is an IPv6 literal (it has a {@code :}) or an IPv4 address as a canonical
     * dotted quad, which needs no name lookup. Any other form of a number ({@code 127.1},
     * {@code 2130706433}, {@code 127.0.0.01}) is a name here, looked up and checked like one: a
     * resolver reads it as an address of its own choosing. The dotted quad is read as everywhere
     * else ({@link Ipv4Text}).
     */
    public static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || Ipv4Text.parse(host) >= 0;
    }

    /** Whether {@code host} is digits and dots only: an IPv4 address in some form, or nothing that resolves. */
    public static boolean isNumeric(String host) {
        if (host.isEmpty()) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /** Whether connecting to {@code address} reaches the local host or its link: loopback, any-local, link-local. */
    public static boolean isLocal(InetAddress address) {
        return address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress();
    }

    /**
     * The addresses {@code host} (a DNS name) resolved to, without the local ones.
     *
     * @throws LocalAddressRefused when all of them are local
     */
    public static List<InetSocketAddress> withoutLocal(String host, List<InetSocketAddress> resolved) throws LocalAddressRefused {
        List<InetSocketAddress> allowed = null;
        for (int i = 0; i < resolved.size(); i++) {
            InetSocketAddress address = resolved.get(i);
            boolean local = address.getAddress() != null && isLocal(address.getAddress());
            if (local && allowed == null) {
                allowed = new ArrayList<>(resolved.subList(0, i));
            } else if (!local && allowed != null) {
                allowed.add(address);
            }
        }
        if (allowed == null) {
            return resolved;
        }
        if (allowed.isEmpty()) {
            throw refused(host, resolved);
        }
        return allowed;
    }

    /**
     * Where to connect to {@code host}: an IP literal as it is; a DNS name looked up (blocking), its
     * first address that is not local, or any first address when {@code localAllowed}. For callers
     * that connect on a thread that may block, as the upgrade tunnel does. A number in another form
     * than a dotted quad ({@code 127.1}) is refused, as the proxy's own connections refuse it.
     *
     * @throws UnknownHostException when the name does not resolve, or ({@link LocalAddressRefused})
     *     resolves to local addresses only
     */
    public static InetSocketAddress resolve(String host, int port, boolean localAllowed) throws UnknownHostException {
        Objects.requireNonNull(host, "host");
        boolean literal = isIpLiteral(host);
        if (!literal && isNumeric(host)) {
            throw new UnknownHostException("not an IP address: " + host);
        }
        if (localAllowed || literal) {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                throw new UnknownHostException(host);
            }
            return address;
        }
        InetAddress[] addresses = InetAddress.getAllByName(host);
        List<InetSocketAddress> resolved = new ArrayList<>(addresses.length);
        for (InetAddress address : addresses) {
            resolved.add(new InetSocketAddress(address, port));
        }
        return withoutLocal(host, resolved).get(0);
    }

    private static LocalAddressRefused refused(String host, List<InetSocketAddress> resolved) {
        List<String> addresses = new ArrayList<>(resolved.size());
        for (InetSocketAddress address : resolved) {
            addresses.add(address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress());
        }
        LocalAddressRefused refused = new LocalAddressRefused(host, addresses);
        String key = host + " " + addresses;
        if (REPORTED.size() >= MAX_REPORTED) {
            REPORTED.clear();
        }
        if (REPORTED.add(key)) {
            LOG.warn("{}; its requests get 502 (an ExternalName Service or an FQDN EndpointSlice names it: /routes"
                    + " shows which); logged once", refused.getMessage());
        }
        return refused;
    }

    /**
     * A backend's DNS name resolved to addresses of the proxy's own host or link only. An
     * {@link UnknownHostException}: the name has no address the proxy may use, and the request is
     * answered as for a name that does not resolve.
     */
    public static final class LocalAddressRefused extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        LocalAddressRefused(String host, List<String> addresses) {
            super("backend name " + host + " resolves only to loopback, any-local or link-local addresses "
                    + addresses + ": not connecting to the proxy's own host by a name (an endpoint given as an IP"
                    + " address is not checked)");
        }
    }
}
