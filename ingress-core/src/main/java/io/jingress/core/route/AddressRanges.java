package io.jingress.core.route;

import io.jingress.core.internal.net.Ipv4Text;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of IPv4 and IPv6 ranges (CIDR blocks), parsed once into network and mask words that a
 * client's address is compared with, and the reading of address text that allocates nothing (see
 * {@link ClientAccess#admits}). An IPv4 address is an {@code int}; an IPv6 one two {@code long}s,
 * its high and low 64 bits. Immutable.
 */
final class AddressRanges {
    private static final long MAPPED_PREFIX = 0xFFFFL;  // ::ffff:0:0/96 is the low word's top half

    private final int[] v4Networks;
    private final int[] v4Masks;
    private final long[] v6HighNetworks;
    private final long[] v6LowNetworks;
    private final long[] v6HighMasks;
    private final long[] v6LowMasks;
    private final List<String> text;

    private AddressRanges(List<Range> ranges) {
        int v4 = 0;
        for (Range range : ranges) {
            v4 += range.v6() ? 0 : 1;
        }
        int v6 = ranges.size() - v4;
        v4Networks = new int[v4];
        v4Masks = new int[v4];
        v6HighNetworks = new long[v6];
        v6LowNetworks = new long[v6];
        v6HighMasks = new long[v6];
        v6LowMasks = new long[v6];
        String[] texts = new String[ranges.size()];
        int i4 = 0;
        int i6 = 0;
        for (int i = 0; i < ranges.size(); i++) {
            Range range = ranges.get(i);
            texts[i] = range.text();
            if (range.v6()) {
                v6HighNetworks[i6] = range.high();
                v6LowNetworks[i6] = range.low();
                v6HighMasks[i6] = highMask(range.prefix());
                v6LowMasks[i6] = lowMask(range.prefix());
                i6++;
            } else {
                v4Networks[i4] = (int) range.low();
                v4Masks[i4] = (int) lowMask(96 + range.prefix());
                i4++;
            }
        }
        text = List.of(texts);
    }

    /** The ranges, each once (the first of equal ones kept), in the order given. */
    static AddressRanges of(List<Range> ranges) {
        Map<String, Range> unique = new LinkedHashMap<>();
        for (Range range : ranges) {
            unique.putIfAbsent(range.text(), range);
        }
        return new AddressRanges(List.copyOf(unique.values()));
    }

    boolean isEmpty() {
        return text.isEmpty();
    }

    /** Each range as {@code network/prefix}, IPv6 in RFC 5952's form. */
    List<String> text() {
        return text;
    }

    boolean containsV4(int address) {
        int[] networks = v4Networks;
        int[] masks = v4Masks;
        for (int i = 0; i < networks.length; i++) {
            if ((address & masks[i]) == networks[i]) {
                return true;
            }
        }
        return false;
    }

    boolean containsV6(long high, long low) {
        long[] highNetworks = v6HighNetworks;
        for (int i = 0; i < highNetworks.length; i++) {
            if ((high & v6HighMasks[i]) == highNetworks[i] && (low & v6LowMasks[i]) == v6LowNetworks[i]) {
                return true;
            }
        }
        return false;
    }

    /** Whether an IPv6 address is IPv4-mapped ({@code ::ffff:a.b.c.d}): then its low 32 bits are the IPv4 address. */
    static boolean isMapped(long high, long low) {
        return high == 0 && low >>> 32 == MAPPED_PREFIX;
    }

    private static long highMask(int prefix) {
        return prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
    }

    private static long lowMask(int prefix) {
        return prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
    }

    /**
     * One range as read from an entry: IPv4 in the low 32 bits of {@code low}, or IPv6; the network
     * (address bits past the prefix cleared) and the prefix length.
     *
     * @param hostBits whether the entry had address bits set past its prefix ({@code 10.1.2.3/8})
     */
    record Range(boolean v6, long high, long low, int prefix, boolean hostBits) {
        /**
         * Reads {@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code 2001:db8::/32}, {@code ::1}; an
         * IPv4-mapped IPv6 range of prefix 96 or more is the IPv4 range it maps. Null when the entry
         * is none of these (a name, a zone, leading zeros in an IPv4 part, a prefix out of range).
         */
        static Range parse(String entry) {
            int slash = entry.indexOf('/');
            int end = slash < 0 ? entry.length() : slash;
            boolean v6 = indexOf(entry, ':', 0, end) >= 0;
            int prefix = v6 ? 128 : 32;
            if (slash >= 0) {
                prefix = prefixLength(entry, slash + 1, v6 ? 128 : 32);
                if (prefix < 0) {
                    return null;
                }
            }
            long high = 0;
            long low;
            if (v6) {
                int zeros = v6Shape(entry, 0, end);
                if (zeros < 0) {
                    return null;
                }
                high = v6Half(entry, 0, end, zeros, true);
                low = v6Half(entry, 0, end, zeros, false);
                if (isMapped(high, low) && prefix >= 96) {
                    v6 = false;
                    high = 0;
                    low &= 0xFFFF_FFFFL;
                    prefix -= 96;
                }
            } else {
                low = Ipv4Text.parse(entry, 0, end);
                if (low < 0) {
                    return null;
                }
            }
            long highNetwork = v6 ? high & highMask(prefix) : 0;
            long lowNetwork = low & (v6 ? lowMask(prefix) : lowMask(96 + prefix) & 0xFFFF_FFFFL);
            return new Range(v6, highNetwork, lowNetwork, prefix, highNetwork != high || lowNetwork != low);
        }

        /** {@code network/prefix}: {@code 10.0.0.0/8}, {@code 2001:db8::/32}. */
        String text() {
            return (v6 ? v6Text(high, low) : v4Text((int) low)) + "/" + prefix;
        }
    }

    /** The decimal prefix length at {@code s[from..]}, 0 to {@code max}; -1 if it is not one. */
    private static int prefixLength(String s, int from, int max) {
        int length = s.length() - from;
        if (length < 1 || length > 3) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    /**
     * Checks that {@code s[from, to)} is IPv6 text (RFC 4291 section 2.2: eight groups of one to
     * four hex digits, at most one {@code ::} standing for one or more zero groups, the last 32
     * bits possibly as an IPv4 dotted quad) and gives the number of zero groups its {@code ::}
     * stands for (0 if it has none); -1 when it is not IPv6 text.
     */
    static int v6Shape(CharSequence s, int from, int to) {
        if (to - from < 2) {
            return -1;
        }
        int groups = 0;
        boolean gap = false;
        int i = from;
        if (s.charAt(i) == ':') {
            if (s.charAt(i + 1) != ':') {
                return -1;
            }
            gap = true;
            i += 2;
            if (i == to) {
                return 8;
            }
        }
        while (true) {
            int end = i;
            boolean dotted = false;
            while (end < to && s.charAt(end) != ':') {
                dotted |= s.charAt(end) == '.';
                end++;
            }
            if (dotted) {
                if (end != to || Ipv4Text.parse(s, i, end) < 0) {
                    return -1;
                }
                groups += 2;
            } else {
                if (end == i || end - i > 4) {
                    return -1;
                }
                for (int k = i; k < end; k++) {
                    if (hexDigit(s.charAt(k)) < 0) {
                        return -1;
                    }
                }
                groups++;
            }
            if (end == to) {
                break;
            }
            if (end + 1 < to && s.charAt(end + 1) == ':') {
                if (gap) {
                    return -1;
                }
                gap = true;
                i = end + 2;
                if (i == to) {
                    break;
                }
            } else {
                i = end + 1;
                if (i == to) {
                    return -1;  // a trailing single ':'
                }
            }
        }
        if (!gap) {
            return groups == 8 ? 0 : -1;
        }
        return groups <= 7 ? 8 - groups : -1;
    }

    /**
     * The high or low 64 bits of the IPv6 text {@code s[from, to)}, which {@link #v6Shape} found to
     * be IPv6 with {@code zeros} groups behind its {@code ::}.
     */
    static long v6Half(CharSequence s, int from, int to, int zeros, boolean high) {
        long hi = 0;
        long lo = 0;
        int i = from;
        while (i < to) {
            if (s.charAt(i) == ':') {
                if (i + 1 < to && s.charAt(i + 1) == ':') {
                    for (int z = 0; z < zeros; z++) {
                        hi = hi << 16 | lo >>> 48;
                        lo <<= 16;
                    }
                    i += 2;
                } else {
                    i++;
                }
                continue;
            }
            int end = i;
            boolean dotted = false;
            while (end < to && s.charAt(end) != ':') {
                dotted |= s.charAt(end) == '.';
                end++;
            }
            if (dotted) {
                hi = hi << 32 | lo >>> 32;
                lo = lo << 32 | Ipv4Text.parse(s, i, end);
            } else {
                int group = 0;
                for (int k = i; k < end; k++) {
                    group = group << 4 | hexDigit(s.charAt(k));
                }
                hi = hi << 16 | lo >>> 48;
                lo = lo << 16 | group;
            }
            i = end;
        }
        return high ? hi : lo;
    }

    /** An ASCII hex digit's value, -1 for any other char (Character.digit takes other scripts' digits too). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static int indexOf(CharSequence s, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    static String v4Text(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    /** RFC 5952: lower-case hex, no leading zeros, the longest run of two or more zero groups (the first of equal ones) as {@code ::}. */
    static String v6Text(long high, long low) {
        int[] groups = new int[8];
        for (int g = 0; g < 4; g++) {
            groups[g] = (int) (high >>> (48 - 16 * g)) & 0xFFFF;
            groups[g + 4] = (int) (low >>> (48 - 16 * g)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && groups[g] == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                text.append("::");
                g += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[g]));
        }
        return text.toString();
    }
}
