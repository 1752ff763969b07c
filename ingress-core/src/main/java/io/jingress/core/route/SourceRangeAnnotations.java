package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads an Ingress's {@link ClientAccess} from {@code allowlist-source-range} (or, when that is not
 * set, its older name {@code whitelist-source-range}, as ingress-nginx reads them) and
 * {@code denylist-source-range}: comma-separated addresses and CIDR ranges, IPv4 and IPv6.
 *
 * <p>A mistake never lets more clients in: an allowlist entry that is not an address is left out
 * (fewer clients allowed), and an allowlist with no entry left refuses every client; a denylist
 * entry that is not an address refuses every client, since the one it meant to keep out cannot be
 * told apart. Each is a problem sentence naming the annotation and the entry.
 */
final class SourceRangeAnnotations {
    static final String ALLOWLIST = "allowlist-source-range";
    static final String WHITELIST = "whitelist-source-range";
    static final String DENYLIST = "denylist-source-range";
    /** The names read, without prefix. */
    static final List<String> NAMES = List.of(ALLOWLIST, WHITELIST, DENYLIST);

    private SourceRangeAnnotations() {
    }

    /** The access the annotations ask, {@link ClientAccess#ANY} when they name no range; problems are added to {@code problems}. */
    static ClientAccess parse(Map<String, String> annotations, List<String> problems) {
        RouteAnnotations.Named allow = RouteAnnotations.value(annotations, ALLOWLIST);
        RouteAnnotations.Named white = RouteAnnotations.value(annotations, WHITELIST);
        RouteAnnotations.Named deny = RouteAnnotations.value(annotations, DENYLIST);
        if (allow == null && white == null && deny == null) {
            return ClientAccess.ANY;
        }
        if (allow != null && white != null) {
            problems.add(white.quoted() + " is not read: " + allow.name()
                    + " is set too and wins, as in ingress-nginx");
        }
        RouteAnnotations.Named allowing = allow != null ? allow : white;
        String allowName = allow != null ? ALLOWLIST : WHITELIST;

        String refusal = null;  // every client is refused, for this reason
        AddressRanges denied = null;
        if (deny != null) {
            List<String> bad = new ArrayList<>();
            denied = ranges(deny, bad, problems);
            if (!bad.isEmpty()) {
                problems.add(deny.quoted() + ": " + quoted(bad) + (bad.size() == 1 ? " is" : " are")
                        + " no IP address or CIDR range; every client is refused (403) until the denylist is mended");
                refusal = "every client refused: " + DENYLIST + " has an entry that is no address (" + quoted(bad) + ")";
            } else if (denied.isEmpty()) {
                problems.add(deny.quoted() + " names no address; it refuses no client");
                denied = null;
            }
        }
        AddressRanges allowed = null;
        if (allowing != null) {
            List<String> bad = new ArrayList<>();
            allowed = ranges(allowing, bad, problems);
            if (allowed.isEmpty()) {
                problems.add(allowing.quoted() + (bad.isEmpty() ? " names no address" : " has no IP address or CIDR range")
                        + "; every client is refused (403)");
                if (refusal == null) {
                    refusal = "every client refused: " + allowName + " has no valid entry";
                }
            } else if (!bad.isEmpty()) {
                problems.add(allowing.quoted() + ": " + quoted(bad) + (bad.size() == 1 ? " is" : " are")
                        + " no IP address or CIDR range and left out; only clients from "
                        + String.join(", ", allowed.text()) + " are allowed");
            }
        }
        if (refusal != null) {
            return ClientAccess.refusingAll(refusal);
        }
        return ClientAccess.of(allowed, allowName, denied, DENYLIST);
    }

    /**
     * The ranges of a comma-separated value; entries that are no range go to {@code bad}, empty ones
     * (a trailing comma) are skipped, and an entry with address bits past its prefix is read as its
     * network, with a problem saying so.
     */
    static AddressRanges ranges(RouteAnnotations.Named annotation, List<String> bad, List<String> problems) {
        List<AddressRanges.Range> ranges = new ArrayList<>();
        for (String part : annotation.value().split(",")) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                continue;
            }
            AddressRanges.Range range = AddressRanges.Range.parse(entry);
            if (range == null) {
                bad.add(entry);
                continue;
            }
            if (range.hostBits()) {
                problems.add(annotation.quoted() + ": \"" + entry + "\" has address bits set past its prefix; read as "
                        + range.text() + ", as nginx does");
            }
            ranges.add(range);
        }
        return AddressRanges.of(ranges);
    }

    private static String quoted(List<String> entries) {
        return "\"" + String.join("\", \"", entries) + "\"";
    }
}
