package io.jingress.core.route;

/**
 * How the proxy keeps its connections to an {@link ExternalAuth}'s service, from
 * {@code auth-keepalive}, {@code auth-keepalive-requests} and {@code auth-keepalive-timeout}:
 * each 0 when not set (the proxy's own pooling then holds for it). Immutable.
 *
 * @param idleConnections {@code auth-keepalive}: idle connections kept at most (per auth host and
 *     port); -1 when not set; 0: none, every connection is closed after its call
 * @param requestsPerConnection {@code auth-keepalive-requests}: calls on one connection at most; 0 when not set
 * @param idleTimeoutSeconds {@code auth-keepalive-timeout}: seconds an idle connection is kept; 0 when not set
 */
public record AuthKeepalive(int idleConnections, int requestsPerConnection, int idleTimeoutSeconds) {
    /** {@code connections to it: at most 4 idle (auth-keepalive), 100 calls each, closed after 60 s idle}. */
    public String describe() {
        StringBuilder text = new StringBuilder("connections to it:");
        if (idleConnections == 0) {
            text.append(" closed after each call (auth-keepalive 0)");
        } else if (idleConnections > 0) {
            text.append(" at most ").append(idleConnections).append(" idle (auth-keepalive)");
        }
        if (requestsPerConnection > 0) {
            text.append(idleConnections != -1 ? "," : "").append(" ").append(requestsPerConnection)
                    .append(" calls each (auth-keepalive-requests)");
        }
        if (idleTimeoutSeconds > 0) {
            text.append(idleConnections != -1 || requestsPerConnection > 0 ? "," : "").append(" closed after ")
                    .append(idleTimeoutSeconds).append(" s idle (auth-keepalive-timeout)");
        }
        return text.toString();
    }
}
