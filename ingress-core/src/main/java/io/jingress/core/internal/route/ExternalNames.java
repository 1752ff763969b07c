package io.jingress.core.internal.route;

import io.jingress.core.internal.net.Ipv4Text;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which {@code spec.externalName} values an ExternalName Service may route to. Refused, as
 * ingress-nginx refuses them: names of the local host and addresses that reach it, which would let
 * an Ingress send internet traffic to the controller's own ports (its admin port among them), and
 * link-local addresses, where clouds serve instance metadata (and Alibaba Cloud's metadata address,
 * which is not link-local); multicast and broadcast addresses, which name no one host. Private ranges
 * are legitimate targets. Decided from the text alone: no DNS lookup, so a DNS name that resolves to
 * a loopback address is not caught here (the proxy refuses it when it connects).
 */
final class ExternalNames {
    /** Kubernetes' DNS-1123 subdomain, on the lower-cased name; lengths are checked apart. */
    private static final Pattern DNS_1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");

    private ExternalNames() {
    }

    /**
     * Why {@code externalName} (not empty) is refused, worded to follow it (e.g. {@code "is a
     * loopback address ..."}); {@code null} when it may be routed to.
     */
    static String refusal(String externalName) {
        String name = bare(externalName);
        if (isIpv6(name)) {
            return "is an IPv6 address: it must be a DNS name (a DNS-1123 subdomain) or an IPv4 address";
        }
        // Resolvers read a name whose last label is a number as an IPv4 address in any of the old
        // forms ("127.1", "2130706433", "0x7f.1"): only the canonical dotted quad is accepted, and checked.
        if (endsInNumber(name)) {
            int[] address = dottedQuad(name);
            if (address == null) {
                return "is neither a DNS name nor an IPv4 address: a name whose last label is a number is read as"
                        + " an address, so an address must be four decimal numbers 0..255 without leading zeros";
            }
            return addressRefusal(address);
        }
        if (!isDns1123Subdomain(name)) {
            return "must be a DNS name (a DNS-1123 subdomain: letters, digits, '-' and '.', each label starting"
                    + " and ending with a letter or digit, at most 63 characters, 253 in all) or an IPv4 address";
        }
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return "names the local host (RFC 6761): it would route to the controller's own ports";
        }
        return null;
    }

    /**
     * Why the address of an EndpointSlice of type FQDN is refused, worded as {@link #refusal}'s;
     * {@code null} when it may be connected to. The API server takes any DNS-1123 subdomain as an
     * FQDN address, {@code 127.0.0.1} among them, and a name made of numbers is connected to as an
     * address with no lookup: so such a name is held to what an ExternalName address is. A DNS
     * name ({@code localhost} too) is checked by what it resolves to, when the proxy connects.
     */
    static String fqdnAddressRefusal(String address) {
        String name = bare(address);
        return isIpv6(name) || endsInNumber(name) ? refusal(address) : null;
    }

    // lower case, without the one trailing dot a DNS name may have
    private static String bare(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static boolean isIpv6(String bareName) {
        return bareName.indexOf(':') >= 0 || bareName.startsWith("[");
    }

    private static boolean endsInNumber(String bareName) {
        return NUMERIC_LABEL.matcher(bareName.substring(bareName.lastIndexOf('.') + 1)).matches();
    }

    private static String addressRefusal(int[] address) {
        if (address[0] == 127) {
            return "is a loopback address (127.0.0.0/8): it would route to the controller's own ports";
        }
        if (address[0] == 0) {
            return "is in 0.0.0.0/8, which connects to the local host: it would route to the controller's own ports";
        }
        if (address[0] == 169 && address[1] == 254) {
            return "is a link-local address (169.254.0.0/16), where clouds serve instance metadata";
        }
        if (address[0] == 100 && address[1] == 100 && address[2] == 100 && address[3] == 200) {
            return "is the address where Alibaba Cloud serves instance metadata (100.100.100.200)";
        }
        if (address[0] >= 224 && address[0] <= 239) {
            return "is a multicast address (224.0.0.0/4): it names no one host to connect to";
        }
        if (address[0] == 255 && address[1] == 255 && address[2] == 255 && address[3] == 255) {
            return "is the broadcast address (255.255.255.255): it names no one host to connect to";
        }
        return null;
    }

    /** The four numbers of a canonical dotted quad ({@link Ipv4Text}), or {@code null} when {@code name} is not one. */
    private static int[] dottedQuad(String name) {
        long address = Ipv4Text.parse(name);
        if (address < 0) {
            return null;
        }
        return new int[] {(int) (address >>> 24), (int) (address >>> 16) & 0xFF, (int) (address >>> 8) & 0xFF,
                (int) address & 0xFF};
    }

    private static boolean isDns1123Subdomain(String name) {
        if (name.length() > 253 || !DNS_1123_SUBDOMAIN.matcher(name).matches()) {
            return false;
        }
        for (String label : name.split("\\.")) {
            if (label.length() > 63) {
                return false;
            }
        }
        return true;
    }
}
