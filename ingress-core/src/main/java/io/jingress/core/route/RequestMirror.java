package io.jingress.core.route;

import java.util.Objects;

/**
 * Request mirroring ({@code mirror-target}, {@code mirror-request-body}, {@code mirror-host}), as
 * ingress-nginx's {@code mirror} location: a copy of each request the route sends to an endpoint
 * also goes to {@link #target()}, whose answer is read and dropped. The client's answer never waits
 * for it nor depends on it.
 *
 * <p>The target is an absolute {@code http} or {@code https} URL from the Ingress; its only
 * variable is {@code $request_uri} (the request's path and query as the client asked, before a
 * rewrite), which always starts with {@code /}, so it never changes the host the copy goes to:
 * <pre>{@code
 * RequestMirror mirror = ...;  // mirror-target: "https://shadow.example.com$request_uri"
 * mirror.urlFor("/cart?id=7");  // "https://shadow.example.com/cart?id=7"
 * }</pre>
 */
public final class RequestMirror {
    /** The one variable a target may name. */
    public static final String REQUEST_URI = "$request_uri";

    private final String target;
    private final String host;
    private final boolean requestBody;

    RequestMirror(String target, String host, boolean requestBody) {
        this.target = Objects.requireNonNull(target, "target");
        this.host = Objects.requireNonNull(host, "host");
        this.requestBody = requestBody;
    }

    /** The URL as the Ingress wrote it, {@code $request_uri} and all. */
    public String target() {
        return target;
    }

    /** The {@code Host} the copy is sent with: {@code mirror-host}, else the target's host name (no port). */
    public String host() {
        return host;
    }

    /** Whether the copy carries the request's body ({@code mirror-request-body}, on unless "off"). */
    public boolean requestBody() {
        return requestBody;
    }

    /** The URL the copy of a request goes to: the target with each {@code $request_uri} replaced by {@code requestUri}. */
    public String urlFor(String requestUri) {
        return target.indexOf('$') < 0 ? target : target.replace(REQUEST_URI, requestUri);
    }

    /** How {@code /routes} and {@code --explain} show it. */
    public String describe() {
        return "copy of each request to " + target + " with Host " + host
                + (requestBody ? "" : ", without its body") + " (mirror-target)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestMirror other && target.equals(other.target) && host.equals(other.host)
                && requestBody == other.requestBody;
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, host, requestBody);
    }

    @Override
    public String toString() {
        return "RequestMirror[" + describe() + "]";
    }
}
