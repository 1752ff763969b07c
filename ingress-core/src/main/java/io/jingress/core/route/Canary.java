package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The canary of a {@link Route}: another Ingress's backend for the same host and path (its
 * Ingress carries {@code nginx.ingress.kubernetes.io/canary: "true"}) and the rule that sends a
 * request to it instead of the route's own backend. Immutable; {@link Route#canary()} is null when
 * a route has none.
 *
 * <p>The rule, in ingress-nginx's order (its {@code balancer.lua}):
 * <ol>
 *   <li>{@link #stickyAffinity()}: a request whose affinity cookie names a session of the main
 *       backend stays there, one naming a session of the canary's backend goes to the canary.</li>
 *   <li>{@link #header()}: when the request has the header, its (first) value decides. With a
 *       {@link #headerValue()}, that exact value sends the request to the canary; else with a
 *       {@link #headerPattern()}, a value it finds a match in does; else {@code always} does and
 *       {@code never} keeps the request on the main backend. Any other value goes on to the cookie.</li>
 *   <li>{@link #cookie()}: the cookie's value {@code always} sends the request to the canary,
 *       {@code never} keeps it on the main backend; any other value goes on to the weight.</li>
 *   <li>{@link #weight()} of {@link #weightTotal()} of the remaining requests, drawn at random,
 *       go to the canary.</li>
 * </ol>
 * A canary whose backend is not ready takes no requests: they stay on the main backend.
 *
 * <pre>{@code
 * Canary canary = route.canary();
 * if (canary != null) {
 *     System.out.println(canary.ingress() + " -> " + canary.backend().key() + ": " + canary.describe());
 * }
 * }</pre>
 */
public final class Canary {
    private final String ingress;
    private final int ruleIndex;
    private final int pathIndex;
    private final Backend backend;
    private final String header;
    private final String headerValue;
    private final Pattern headerPattern;
    private final String cookie;
    private final int weight;
    private final int weightTotal;
    private final boolean stickyAffinity;

    Canary(String ingress, int ruleIndex, int pathIndex, Backend backend, CanaryAnnotations.Rule rule,
            boolean stickyAffinity) {
        this.ingress = Objects.requireNonNull(ingress, "ingress");
        this.ruleIndex = ruleIndex;
        this.pathIndex = pathIndex;
        this.backend = Objects.requireNonNull(backend, "backend");
        this.header = rule.header();
        this.headerValue = rule.headerValue();
        this.headerPattern = rule.headerPattern();
        this.cookie = rule.cookie();
        this.weight = rule.weight();
        this.weightTotal = rule.weightTotal();
        this.stickyAffinity = stickyAffinity;
    }

    /** The canary Ingress, as {@code namespace/name}. */
    public String ingress() {
        return ingress;
    }

    /** The index in the canary Ingress's {@code spec.rules}. */
    public int ruleIndex() {
        return ruleIndex;
    }

    /** The index in that rule's {@code http.paths}. */
    public int pathIndex() {
        return pathIndex;
    }

    /** Where the requests the rule chooses go; resolved like any backend, with its own balancer. */
    public Backend backend() {
        return backend;
    }

    /** The request header that chooses ({@code canary-by-header}); null when none. */
    public String header() {
        return header;
    }

    /** The header value that sends a request to the canary ({@code canary-by-header-value}); null when none. */
    public String headerValue() {
        return headerValue;
    }

    /**
     * The pattern a header value must contain a match of ({@code canary-by-header-pattern}); null
     * when none, or when a {@link #headerValue()} is set.
     */
    public Pattern headerPattern() {
        return headerPattern;
    }

    /** The cookie that chooses ({@code canary-by-cookie}); null when none. */
    public String cookie() {
        return cookie;
    }

    /** How many of {@link #weightTotal()} requests the header and cookie leave go to the canary; 0 to the total. */
    public int weight() {
        return weight;
    }

    /** The weight's total ({@code canary-weight-total}, 100 unless set). */
    public int weightTotal() {
        return weightTotal;
    }

    /**
     * Whether a client's affinity cookie decides before the rule ({@code affinity-canary-behavior:
     * sticky}, the default, when the main route's Ingress or the canary asks for cookie affinity):
     * a request whose cookie names a session of the main backend stays on it, one whose cookie
     * names a session of the canary's backend goes to the canary, whatever header, cookie or weight
     * say; only the others are decided by the rule. The canary's backend then keeps its sessions
     * with the main Ingress's affinity cookie, so a client the rule sent to the canary stays there.
     * False with {@code legacy}, or without cookie affinity: the rule decides every request.
     */
    public boolean stickyAffinity() {
        return stickyAffinity;
    }

    /** The rule in words, one phrase per part, in the order they decide; for {@code /routes} and explain. */
    public List<String> describe() {
        List<String> phrases = new ArrayList<>();
        if (stickyAffinity) {
            phrases.add("an affinity cookie of the main backend or the canary keeps the client there"
                    + " (affinity-canary-behavior: sticky)");
        }
        if (header != null) {
            if (headerValue != null) {
                phrases.add("header " + header + ": \"" + headerValue + "\" sends to the canary");
            } else if (headerPattern != null) {
                phrases.add("header " + header + " matching /" + headerPattern.pattern() + "/ sends to the canary");
            } else {
                phrases.add("header " + header + ": always sends to the canary, never keeps off it");
            }
        }
        if (cookie != null) {
            phrases.add("cookie " + cookie + "=always sends to the canary, never keeps off it");
        }
        phrases.add(weight + " of " + weightTotal + " other requests go to the canary");
        return List.copyOf(phrases);
    }

    @Override
    public String toString() {
        return "Canary[" + ingress + " -> " + backend.key() + " " + describe() + "]";
    }
}
