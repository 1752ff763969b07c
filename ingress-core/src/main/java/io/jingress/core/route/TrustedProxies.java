package io.jingress.core.route;

import io.jingress.core.internal.net.Ipv4Text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The addresses of the proxies in front of this one (a cloud load balancer that terminates TLS)
 * whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are believed: ingress-nginx's
 * {@code proxy-real-ip-cidr} with {@code use-forwarded-headers}, nginx's {@code set_real_ip_from}
 * with {@code real_ip_header X-Forwarded-For} and {@code real_ip_recursive on}. Immutable; read
 * once at startup.
 *
 * <pre>{@code
 * TrustedProxies trusted = TrustedProxies.of(List.of("10.0.0.0/8", "2001:db8::/32"));
 * trusted.contains("10.1.2.3");                                   // true
 * trusted.clientOf("10.1.2.3", "203.0.113.7, 10.9.9.9").client(); // "203.0.113.7"
 * }</pre>
 */
public final class TrustedProxies {
    private final AddressRanges ranges;
    // the same ranges as an allowlist: its admits() reads address text without allocating
    private final ClientAccess access;

    private TrustedProxies(AddressRanges ranges) {
        this.ranges = ranges;
        this.access = ClientAccess.of(ranges, "trusted proxies", null, null);
    }

    /**
     * The ranges {@code cidrs} names: {@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code 2001:db8::/32},
     * {@code ::1}. An entry with address bits past its prefix ({@code 10.1.2.3/8}) is its network,
     * as nginx reads it. Null when {@code cidrs} is empty: no proxy is trusted.
     *
     * @throws IllegalArgumentException naming the first entry that is no address or range
     */
    public static TrustedProxies of(List<String> cidrs) {
        Objects.requireNonNull(cidrs, "cidrs");
        List<AddressRanges.Range> read = new ArrayList<>(cidrs.size());
        for (String cidr : cidrs) {
            String entry = cidr == null ? "" : cidr.strip();
            AddressRanges.Range range = entry.isEmpty() ? null : AddressRanges.Range.parse(entry);
            if (range == null) {
                throw new IllegalArgumentException("\"" + (cidr == null ? "" : cidr)
                        + "\" is not an IPv4 or IPv6 address or CIDR range (such as 10.0.0.0/8 or 2001:db8::/32)");
            }
            read.add(range);
        }
        return read.isEmpty() ? null : new TrustedProxies(AddressRanges.of(read));
    }

    /** Each range as {@code network/prefix}, IPv6 in RFC 5952's form, each once. */
    public List<String> ranges() {
        return ranges.text();
    }

    /**
     * Whether {@code address} (as a connection gives it: {@code 10.1.2.3}, {@code [::1]},
     * {@code ::ffff:10.1.2.3}) is in one of the ranges; text that is no address is not.
     */
    public boolean contains(CharSequence address) {
        return access.admits(address);
    }

    /**
     * Who the client is, for a request whose connection's peer {@code peer} is trusted, from its
     * {@code X-Forwarded-For} value {@code forwardedFor} (its fields joined with commas; null:
     * none), as nginx's realip module with {@code real_ip_recursive on}: the entries are walked
     * from the right, each trusted one skipped; the first untrusted one is the client. When every
     * entry is trusted, the leftmost is. An entry that is no address (a name, {@code unknown},
     * garbage) stops the walk: the client is then the last address reached (the peer, when it is
     * the rightmost entry), never anything to its left, which nobody trusted vouched for. An entry
     * may carry a port ({@code 203.0.113.7:4711}, {@code [2001:db8::7]:4711}); the client is the
     * address without it.
     *
     * @return the client's address and the {@code X-Forwarded-For} to send upstream: the entries
     *     up to the client's (the trusted hops right of it removed), so its last entry is the
     *     client, as without trusted proxies
     */
    public Forwarded clientOf(String peer, String forwardedFor) {
        String client = peer;
        int clientStart = -1;  // where the client's entry begins in forwardedFor; -1: the client is the peer
        int end = forwardedFor == null ? 0 : forwardedFor.length();
        while (end > 0) {
            int comma = forwardedFor.lastIndexOf(',', end - 1);
            int from = comma + 1;
            int to = end;
            while (from < to && isSpace(forwardedFor.charAt(from))) {
                from++;
            }
            while (to > from && isSpace(forwardedFor.charAt(to - 1))) {
                to--;
            }
            end = comma < 0 ? 0 : comma;
            if (from == to) {
                continue;  // an empty entry ("a,,b", a trailing comma), as nginx skips it
            }
            String address = address(forwardedFor, from, to);
            if (address == null) {
                break;
            }
            client = address;
            clientStart = from;
            if (!contains(address)) {
                break;
            }
        }
        if (clientStart < 0) {
            return new Forwarded(peer, forwardedFor == null ? peer : forwardedFor + ", " + peer);
        }
        return new Forwarded(client, forwardedFor.substring(0, clientStart) + client);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * The address in {@code s[from, to)}: IPv4 or IPv6, an IPv4 one possibly with {@code :port},
     * an IPv6 one possibly in brackets, then possibly with {@code :port}; null when it is none.
     */
    static String address(String s, int from, int to) {
        if (s.charAt(from) == '[') {
            int close = AddressRanges.indexOf(s, ']', from + 1, to);
            if (close < 0 || close + 1 < to && !isPort(s, close + 1, to)) {
                return null;
            }
            return isV6(s, from + 1, close) ? s.substring(from + 1, close) : null;
        }
        int colon = AddressRanges.indexOf(s, ':', from, to);
        if (colon < 0 || AddressRanges.indexOf(s, ':', colon + 1, to) < 0) {
            // no colon, or exactly one: IPv4, possibly with a port
            int addressEnd = colon < 0 ? to : colon;
            if (colon >= 0 && !isPort(s, colon, to)) {
                return null;
            }
            return Ipv4Text.parse(s, from, addressEnd) >= 0 ? s.substring(from, addressEnd) : null;
        }
        return isV6(s, from, to) ? s.substring(from, to) : null;
    }

    private static boolean isV6(String s, int from, int to) {
        return AddressRanges.indexOf(s, ':', from, to) >= 0 && AddressRanges.v6Shape(s, from, to) >= 0;
    }

    /** Whether {@code s[from, to)} is {@code :} and a port, 1 to 65535. */
    private static boolean isPort(String s, int from, int to) {
        if (s.charAt(from) != ':' || to - from < 2 || to - from > 6) {
            return false;
        }
        int port = 0;
        for (int i = from + 1; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port >= 1 && port <= 65535;
    }

    @Override
    public String toString() {
        return "TrustedProxies" + ranges.text();
    }

    /**
     * The client a trusted proxy forwarded a request for.
     *
     * @param client the client's address: the first untrusted {@code X-Forwarded-For} entry from the
     *     right, without a port
     * @param forwardedFor the {@code X-Forwarded-For} to send upstream: the client's entries up to
     *     and with the client, its last entry the client; when the client is the peer (no entry, or
     *     the rightmost one no address), the field as sent with the peer appended
     */
    public record Forwarded(String client, String forwardedFor) {
    }
}
