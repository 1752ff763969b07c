package io.jingress.core.route;

import io.jingress.core.internal.net.Ipv4Text;

import java.util.ArrayList;
import java.util.List;

/**
 * Which clients, by address, an Ingress serves: ingress-nginx's {@code allowlist-source-range}
 * (or its older name {@code whitelist-source-range}) and {@code denylist-source-range}, read once
 * into IPv4 and IPv6 masks. A client in the denylist is refused; else, with an allowlist, a client
 * in none of its ranges is refused. An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}) is its
 * IPv4 address. Immutable; {@link #admits} allocates nothing.
 *
 * <pre>{@code
 * ClientAccess access = route.policy().clientAccess();
 * if (!access.isAny() && !access.admits(clientAddress)) {
 *     // answer 403
 * }
 * }</pre>
 */
public final class ClientAccess {
    /** Every client is served: the Ingress names no source range. */
    public static final ClientAccess ANY = new ClientAccess(null, null, null, null, null);

    private final AddressRanges allowed;  // null: any client not denied
    private final String allowName;
    private final AddressRanges denied;  // null: none
    private final String denyName;
    private final String refusal;  // not null: every client is refused, and this phrase says why

    private ClientAccess(AddressRanges allowed, String allowName, AddressRanges denied, String denyName, String refusal) {
        this.allowed = allowed;
        this.allowName = allowName;
        this.denied = denied;
        this.denyName = denyName;
        this.refusal = refusal;
    }

    /**
     * Access by the ranges read from the annotations named {@code allowName} and {@code denyName}
     * (short names, for {@link #phrases()}); either list may be null: not set.
     */
    static ClientAccess of(AddressRanges allowed, String allowName, AddressRanges denied, String denyName) {
        if (allowed == null && denied == null) {
            return ANY;
        }
        return new ClientAccess(allowed, allowName, denied, denyName, null);
    }

    /** Access that refuses every client, {@code why} saying so in a phrase for {@link #phrases()}. */
    static ClientAccess refusingAll(String why) {
        return new ClientAccess(null, null, null, null, why);
    }

    /** Whether every client is served, so {@link #admits} need not be asked. */
    public boolean isAny() {
        return this == ANY;
    }

    /**
     * Whether no client at all is served, whatever its address: a denylist entry that is no
     * address, or an allowlist with no valid entry (see {@code docs/routing.md}).
     */
    public boolean refusesEveryClient() {
        return refusal != null;
    }

    /**
     * Whether the client at {@code clientAddress} is served: the address as a proxy has it from its
     * connection, {@code 10.1.2.3}, {@code 2001:db8::7}, {@code [0:0:0:0:0:0:0:1]} (brackets and a
     * {@code %zone} are ignored). Text that is no address is refused, unless this is {@link #ANY}.
     */
    public boolean admits(CharSequence clientAddress) {
        if (this == ANY) {
            return true;
        }
        if (refusal != null || clientAddress == null) {
            return false;
        }
        int from = 0;
        int to = clientAddress.length();
        if (to > 0 && clientAddress.charAt(0) == '[') {
            from = 1;
            to = AddressRanges.indexOf(clientAddress, ']', 1, to);
            if (to < 0) {
                return false;
            }
        }
        int zone = AddressRanges.indexOf(clientAddress, '%', from, to);
        if (zone >= 0) {
            to = zone;
        }
        if (AddressRanges.indexOf(clientAddress, ':', from, to) < 0) {
            long v4 = Ipv4Text.parse(clientAddress, from, to);
            return v4 >= 0 && admitsV4((int) v4);
        }
        int zeros = AddressRanges.v6Shape(clientAddress, from, to);
        if (zeros < 0) {
            return false;
        }
        long high = AddressRanges.v6Half(clientAddress, from, to, zeros, true);
        long low = AddressRanges.v6Half(clientAddress, from, to, zeros, false);
        if (AddressRanges.isMapped(high, low)) {
            return admitsV4((int) low);
        }
        return (denied == null || !denied.containsV6(high, low)) && (allowed == null || allowed.containsV6(high, low));
    }

    /**
     * Whether an allowlist range admits the client at {@code clientAddress} (and no denylist range
     * refuses it): nginx's {@code allow} rule that lets it in under {@code satisfy any}. False when
     * there is no allowlist: not being denied is not being let in.
     */
    public boolean grants(CharSequence clientAddress) {
        return allowed != null && admits(clientAddress);
    }

    private boolean admitsV4(int address) {
        return (denied == null || !denied.containsV4(address)) && (allowed == null || allowed.containsV4(address));
    }

    /**
     * One phrase per list, for {@code /routes} and explain: {@code clients only from 10.0.0.0/8,
     * 192.168.1.7/32 (allowlist-source-range)}, {@code clients refused from 203.0.113.0/24
     * (denylist-source-range)}, or why every client is refused.
     */
    List<String> phrases() {
        List<String> phrases = new ArrayList<>(2);
        if (refusal != null) {
            phrases.add(refusal);
        }
        if (allowed != null) {
            phrases.add("clients only from " + String.join(", ", allowed.text()) + " (" + allowName + ")");
        }
        if (denied != null) {
            phrases.add("clients refused from " + String.join(", ", denied.text()) + " (" + denyName + ")");
        }
        return phrases;
    }

    /** The allowlist's ranges as {@code network/prefix}; empty when there is none. */
    List<String> allowedRanges() {
        return allowed == null ? List.of() : allowed.text();
    }

    @Override
    public String toString() {
        return isAny() ? "ClientAccess[any]" : "ClientAccess" + phrases();
    }
}
