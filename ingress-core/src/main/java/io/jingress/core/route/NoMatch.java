package io.jingress.core.route;

/** Why no rule matched a request (and there was no default backend). */
public enum NoMatch implements MatchResult {
    /** No rule has the request's host, and there is no rule without a host. */
    NO_HOST("no rule matches this host"),
    /** Rules exist for the host (or for any host), but none of their paths matches. */
    NO_PATH("no path of this host's rules matches"),
    /**
     * A path regex of the host ({@code use-regex}) could not be run to the end on this path: it took
     * more steps than its budget, or overflowed the stack. Whether a later path, or the host's
     * default backend, should have the request cannot be told, so none does: the proxy answers 500,
     * as nginx does when PCRE gives up. (Were it taken as no match, a path an Ingress meant for a
     * restricted route could reach another route of the host by being costly to match.)
     */
    REGEX_FAILED("a path regex of this host could not be run on this path"),
    /**
     * The path holds an encoded slash ({@code %2F}), and reading it decoded would choose another
     * route than reading it raw, or would give a dot segment: backends read it either way, so no
     * route can be trusted with it ({@link EncodedSlashes}). The proxy answers 400.
     */
    ENCODED_SLASH("the path's encoded slash (%2F) would choose another route if decoded");

    private final String reason;

    NoMatch(String reason) {
        this.reason = reason;
    }

    /** The reason in words, for a 404 body or a log line. */
    public String reason() {
        return reason;
    }
}
