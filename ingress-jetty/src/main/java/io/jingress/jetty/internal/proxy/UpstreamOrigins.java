package io.jingress.jetty.internal.proxy;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.jingress.core.lb.Endpoint;

/**
 * The {@code http://address:port} (or {@code https://}) origin of each endpoint, parsed once: building it per request
 * (format, then parse) was a measurable part of sending a request upstream.
 */
final class UpstreamOrigins {
    /**
     * Endpoints come and go with Pods and a table swap may bring new instances: past this many
     * the cache starts over rather than keep the origins of endpoints long gone.
     */
    private static final int MAX_CACHED = 4096;

    private final ConcurrentMap<Endpoint, URI> byEndpoint = new ConcurrentHashMap<>();
    private final String schemeAndSlashes;

    /** The origins of one scheme, {@code http} or {@code https}. */
    UpstreamOrigins(String scheme) {
        this.schemeAndSlashes = scheme + "://";
    }

    URI of(Endpoint endpoint) {
        URI origin = byEndpoint.get(endpoint);
        if (origin == null) {
            if (byEndpoint.size() >= MAX_CACHED) {
                byEndpoint.clear();
            }
            origin = URI.create(schemeAndSlashes + RoutingProxy.uriHost(endpoint) + ":" + endpoint.port());
            byEndpoint.put(endpoint, origin);
        }
        return origin;
    }
}
