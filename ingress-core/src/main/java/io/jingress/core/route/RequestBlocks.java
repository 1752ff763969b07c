package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The requests the controller's ConfigMap refuses everywhere, before any route is matched
 * (ingress-nginx's {@code block-cidrs}, {@code block-user-agents} and {@code block-referers}, which
 * it answers 403 on every server): clients of the listed addresses, and requests whose
 * {@code User-Agent} or {@code Referer} is one listed, as nginx's {@code map} compares them: a plain
 * entry is the whole value without regard to case, {@code ~regex} a case-sensitive and
 * {@code ~*regex} a case-insensitive search in it. A request without the header (or with an empty
 * one) is never refused for it. Immutable.
 */
public final class RequestBlocks {
    /** Nothing refused. */
    public static final RequestBlocks NONE = new RequestBlocks(ClientAccess.ANY, List.of(), List.of());

    private final ClientAccess addresses;
    private final List<Entry> userAgents;
    private final List<Entry> referers;

    RequestBlocks(ClientAccess addresses, List<Entry> userAgents, List<Entry> referers) {
        this.addresses = Objects.requireNonNull(addresses, "addresses");
        this.userAgents = List.copyOf(userAgents);
        this.referers = List.copyOf(referers);
    }

    /** Whether nothing is refused, so {@link #refusal} need not be asked. */
    public boolean isNone() {
        return addresses.isAny() && userAgents.isEmpty() && referers.isEmpty();
    }

    /**
     * Why a request from {@code clientAddress} with these {@code User-Agent} and {@code Referer}
     * values (null when absent) is refused: {@code "block-cidrs"}, {@code "block-user-agents"} or
     * {@code "block-referers"}; null when it is not.
     */
    public String refusal(CharSequence clientAddress, String userAgent, String referer) {
        if (!addresses.isAny() && clientAddress != null && !addresses.admits(clientAddress)) {
            return "block-cidrs";
        }
        if (listed(userAgents, userAgent)) {
            return "block-user-agents";
        }
        if (listed(referers, referer)) {
            return "block-referers";
        }
        return null;
    }

    private static boolean listed(List<Entry> entries, String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        for (Entry entry : entries) {
            if (entry.matches(value)) {
                return true;
            }
        }
        return false;
    }

    /** What is refused, for {@code /routes} and explain; empty for {@link #NONE}. */
    public List<String> describe() {
        List<String> phrases = new ArrayList<>();
        if (!addresses.isAny()) {
            phrases.addAll(addresses.phrases());
        }
        if (!userAgents.isEmpty()) {
            phrases.add("User-Agent refused (403, block-user-agents): " + texts(userAgents));
        }
        if (!referers.isEmpty()) {
            phrases.add("Referer refused (403, block-referers): " + texts(referers));
        }
        return phrases;
    }

    private static String texts(List<Entry> entries) {
        List<String> texts = new ArrayList<>();
        entries.forEach(entry -> texts.add("\"" + entry.text() + "\""));
        return String.join(", ", texts);
    }

    @Override
    public String toString() {
        return isNone() ? "RequestBlocks[none]" : "RequestBlocks" + describe();
    }

    /** One entry of a list: a whole value (lower case), or a regex ({@code ~} or {@code ~*}). */
    record Entry(String text, String lower, Pattern regex) {
        /** The entry as nginx's map reads it; an IllegalArgumentException says why a regex is none. */
        static Entry parse(String text) {
            if (text.startsWith("~*")) {
                return new Entry(text, null, Pattern.compile(text.substring(2), Pattern.CASE_INSENSITIVE));
            }
            if (text.startsWith("~")) {
                return new Entry(text, null, Pattern.compile(text.substring(1)));
            }
            return new Entry(text, text.toLowerCase(Locale.ROOT), null);
        }

        boolean matches(String value) {
            return regex != null ? regex.matcher(value).find() : lower.equalsIgnoreCase(value);
        }
    }
}
