package io.jingress.core.route;

/** Why no rule matched a request (and there was no default backend). */
public enum NoMatch implements MatchResult {
    /** No rule has the request's host, and there is no rule without a host. */
    NO_HOST("no rule matches this host"),
    /** Rules exist for the host (or for any host), but none of their paths matches. */
    NO_PATH("no path of this host's rules matches");

    private final String reason;

    NoMatch(String reason) {
        this.reason = reason;
    }

    /** The reason in words, for a 404 body or a log line. */
    public String reason() {
        return reason;
    }
}
