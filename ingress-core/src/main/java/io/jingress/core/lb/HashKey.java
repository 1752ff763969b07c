package io.jingress.core.lb;

import java.util.Objects;

/**
 * What consistent hashing hashes: a header, a cookie, the client address or the URI.
 *
 * @param source where the key comes from
 * @param name the header or cookie name; {@code null} for the client address and the URI
 */
public record HashKey(Source source, String name) {

    /** Where a hash key comes from. */
    public enum Source { HEADER, COOKIE, CLIENT_ADDRESS, URI }

    public HashKey {
        Objects.requireNonNull(source, "source");
        if ((source == Source.HEADER || source == Source.COOKIE) && (name == null || name.isEmpty())) {
            throw new IllegalArgumentException(source + " hash key needs a name");
        }
    }

    public static HashKey header(String name) {
        return new HashKey(Source.HEADER, name);
    }

    public static HashKey cookie(String name) {
        return new HashKey(Source.COOKIE, name);
    }

    public static HashKey clientAddress() {
        return new HashKey(Source.CLIENT_ADDRESS, null);
    }

    public static HashKey uri() {
        return new HashKey(Source.URI, null);
    }

    /** The key of this request, or {@code null} when the request has none (then the pick is random). */
    public String extract(PickContext context) {
        switch (source) {
            case HEADER:
                return context.header(name);
            case COOKIE:
                return context.cookie(name);
            case CLIENT_ADDRESS:
                return context.clientAddress();
            default:
                return context.uri();
        }
    }
}
