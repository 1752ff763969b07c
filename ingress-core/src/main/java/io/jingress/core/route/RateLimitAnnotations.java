package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads an Ingress's {@link RateLimit}: {@code limit-rps}, {@code limit-rpm},
 * {@code limit-connections} (whole numbers; 0 is no limit, as in ingress-nginx),
 * {@code limit-burst-multiplier} (a whole number, 5 when not set) and {@code limit-allowlist} (or,
 * when that is not set, its older name {@code limit-whitelist}: addresses and CIDR ranges as
 * {@code allowlist-source-range} takes them).
 *
 * <p>A mistake never lifts more limits than its own: a limit that is no number is a problem and
 * that limit is not set (the others stay); a multiplier that is no number leaves the default 5; an
 * allowlist entry that is no address is left out (fewer clients exempt).
 */
final class RateLimitAnnotations {
    static final String RPS = "limit-rps";
    static final String RPM = "limit-rpm";
    static final String CONNECTIONS = "limit-connections";
    static final String BURST_MULTIPLIER = "limit-burst-multiplier";
    static final String ALLOWLIST = "limit-allowlist";
    static final String WHITELIST = "limit-whitelist";
    /** The names read, without prefix. */
    static final List<String> NAMES = List.of(RPS, RPM, CONNECTIONS, BURST_MULTIPLIER, ALLOWLIST, WHITELIST);

    private RateLimitAnnotations() {
    }

    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        int rps = count(annotations, RPS, problems);
        int rpm = count(annotations, RPM, problems);
        int connections = count(annotations, CONNECTIONS, problems);
        RouteAnnotations.Named multiplierNamed = RouteAnnotations.value(annotations, BURST_MULTIPLIER);
        RouteAnnotations.Named allow = RouteAnnotations.value(annotations, ALLOWLIST);
        RouteAnnotations.Named white = RouteAnnotations.value(annotations, WHITELIST);
        if (rps == 0 && rpm == 0 && connections == 0) {
            for (RouteAnnotations.Named unused : new RouteAnnotations.Named[] {multiplierNamed, allow, white}) {
                if (unused != null) {
                    problems.add(unused.quoted() + " does nothing: no " + RPS + ", " + RPM + " or " + CONNECTIONS + " is set");
                }
            }
            return;
        }
        int multiplier = RateLimit.DEFAULT_BURST_MULTIPLIER;
        if (multiplierNamed != null) {
            int value = parseCount(multiplierNamed.value());
            if (value < 0) {
                problems.add(multiplierNamed.quoted() + " is not a whole number: the burst is the rate times "
                        + RateLimit.DEFAULT_BURST_MULTIPLIER + ", as when it is not set");
            } else {
                multiplier = value;
            }
        }
        if (allow != null && white != null) {
            problems.add(white.quoted() + " is not read: " + allow.name() + " is set too and wins, as in ingress-nginx");
        }
        RouteAnnotations.Named allowing = allow != null ? allow : white;
        ClientAccess exempt = null;
        if (allowing != null) {
            List<String> bad = new ArrayList<>();
            AddressRanges ranges = SourceRangeAnnotations.ranges(allowing, bad, problems);
            if (!bad.isEmpty()) {
                problems.add(allowing.quoted() + ": \"" + String.join("\", \"", bad) + (bad.size() == 1 ? "\" is" : "\" are")
                        + " no IP address or CIDR range and left out; clients from there are limited");
            }
            if (!ranges.isEmpty()) {
                exempt = ClientAccess.of(ranges, allowing.name(), null, null);
            }
        }
        builder.rateLimit(RateLimit.of(rps, rpm, connections, multiplier, exempt));
    }

    /** The limit of annotation {@code name}: 0 when not set or when it is no whole number (a problem then). */
    private static int count(Map<String, String> annotations, String name, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, name);
        if (named == null) {
            return 0;
        }
        int value = parseCount(named.value());
        if (value < 0) {
            problems.add(named.quoted() + " is not a whole number (0 or more): the Ingress's routes have no " + name + " limit");
            return 0;
        }
        return value;
    }

    /** A decimal whole number of at most 9 digits; -1 when {@code text} is not one. */
    static int parseCount(String text) {
        if (text.isEmpty() || text.length() > 9) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
