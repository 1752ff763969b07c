package io.jingress.core.internal.net;

/**
 * The one reading of an IPv4 address written as text, for source ranges and client addresses
 * ({@code AddressRanges}, {@code ClientAccess}), ExternalName and FQDN addresses
 * ({@code ExternalNames}) and the proxy's upstream addresses ({@code BackendAddresses}): the
 * canonical dotted quad only, four decimal parts 0 to 255 of one to three digits, none with a
 * leading zero. Other forms a resolver may take as an address ({@code 127.1}, {@code 2130706433},
 * {@code 0x7f.0.0.1}, {@code 0177.0.0.1}, read as octal by some) are not addresses here: each
 * caller refuses or checks them as names. Not public API.
 *
 * <pre>{@code
 * long address = Ipv4Text.parse("10.0.0.7");   // 0x0A000007; -1 for "10.0.7" or "010.0.0.7"
 * }</pre>
 */
public final class Ipv4Text {
    private Ipv4Text() {
    }

    /** The address {@code s} is, as 0 to 2^32-1; -1 when it is not a canonical dotted quad. */
    public static long parse(CharSequence s) {
        return parse(s, 0, s.length());
    }

    /** The address {@code s[from, to)} is, as 0 to 2^32-1; -1 when it is not a canonical dotted quad. */
    public static long parse(CharSequence s, int from, int to) {
        long address = 0;
        int i = from;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= to || s.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 3) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            if (i == start || value > 255 || (s.charAt(start) == '0' && i - start > 1)) {
                return -1;
            }
            address = address << 8 | value;
        }
        return i == to ? address : -1;
    }
}
