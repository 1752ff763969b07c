package io.jingress.core.internal.route;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.route.Backend;

import java.util.List;

/**
 * The outcome of resolving one Service port to endpoints.
 *
 * @param status whether it can serve
 * @param reason why (not), in words
 * @param endpoints the ready endpoints
 */
public record Resolution(Backend.Status status, String reason, List<Endpoint> endpoints) {

    public Resolution {
        endpoints = List.copyOf(endpoints);
    }

    static Resolution failed(Backend.Status status, String reason) {
        return new Resolution(status, reason, List.of());
    }
}
