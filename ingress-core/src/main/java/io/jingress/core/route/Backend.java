package io.jingress.core.route;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.LoadBalancer;
import io.jingress.core.model.PortRef;

import java.util.List;
import java.util.Objects;

/**
 * A resolved Ingress backend: a Service port, its ready endpoints and the {@link LoadBalancer} that
 * picks among them. A backend that cannot serve says why in {@link #status()} and {@link #reason()}
 * (the proxy answers 503).
 */
public final class Backend {

    /** Whether a backend can serve, and if not, which hop is broken. */
    public enum Status {
        /** At least one ready endpoint. */
        READY,
        /** The Service does not exist. */
        SERVICE_NOT_FOUND,
        /** The Service has no such port, or its targetPort is not found on the endpoints. */
        PORT_NOT_FOUND,
        /** The Service exists but no endpoint is ready. */
        NO_READY_ENDPOINTS,
        /** A {@code resource} backend, which Jingress does not serve. */
        UNSUPPORTED,
        /**
         * A Gateway API backendRef that is not valid: a kind other than Service, a Service that does
         * not exist or has no such port, or one of another namespace that no ReferenceGrant allows.
         * Its requests are answered 500, as the Gateway API asks.
         */
        INVALID_REFERENCE
    }

    private final String namespace;
    private final String serviceName;
    private final PortRef port;
    private final String key;
    private final Status status;
    private final String reason;
    private final List<Endpoint> endpoints;
    private final LoadBalancer balancer;
    private final ProxySsl tls;
    private final HttpRouteFilters filters;

    Backend(String namespace, String serviceName, PortRef port, String key, Status status, String reason,
            List<Endpoint> endpoints, LoadBalancer balancer) {
        this(namespace, serviceName, port, key, status, reason, endpoints, balancer, null, null);
    }

    private Backend(String namespace, String serviceName, PortRef port, String key, Status status, String reason,
            List<Endpoint> endpoints, LoadBalancer balancer, ProxySsl tls, HttpRouteFilters filters) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.serviceName = serviceName;
        this.port = port;
        this.key = Objects.requireNonNull(key, "key");
        this.status = Objects.requireNonNull(status, "status");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.endpoints = List.copyOf(endpoints);
        this.balancer = Objects.requireNonNull(balancer, "balancer");
        this.tls = tls;
        this.filters = filters;
    }

    /** This backend, its endpoints and balancer shared, spoken to over TLS as {@code tls} says. */
    Backend withTls(ProxySsl tls) {
        return new Backend(namespace, serviceName, port, key, status, reason, endpoints, balancer,
                Objects.requireNonNull(tls, "tls"), filters);
    }

    /** This backend, its endpoints and balancer shared, with a backendRef's header filters. */
    Backend withFilters(HttpRouteFilters filters) {
        return new Backend(namespace, serviceName, port, key, status, reason, endpoints, balancer, tls,
                Objects.requireNonNull(filters, "filters"));
    }

    public String namespace() {
        return namespace;
    }

    /** The Service's name; {@code null} for a {@code resource} backend. */
    public String serviceName() {
        return serviceName;
    }

    /** The Service port by number or name; {@code null} for a {@code resource} backend. */
    public PortRef port() {
        return port;
    }

    /** {@code namespace/service:port}, e.g. {@code default/kubia:80}. */
    public String key() {
        return key;
    }

    public Status status() {
        return status;
    }

    /** Whether the backend has endpoints to send traffic to. */
    public boolean isReady() {
        return status == Status.READY;
    }

    /** Why the backend is (not) ready, in words. */
    public String reason() {
        return reason;
    }

    /** The ready endpoints (empty unless {@link Status#READY}). */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** The load balancer over {@link #endpoints()}; its {@code pick} returns null when empty. */
    public LoadBalancer balancer() {
        return balancer;
    }

    /**
     * How the endpoints are spoken to over TLS whatever the route's {@code backend-protocol}: a
     * BackendTLSPolicy's setting ({@link ProxySsl#policy()}) for a Service a Gateway API route sends
     * to; null for every other backend (an Ingress's TLS to its endpoints is its route's
     * {@link RoutePolicy#proxySsl()}). When its {@link ProxySsl#refusal()} is set, requests to the
     * backend are answered 502, nothing sent.
     */
    public ProxySsl tls() {
        return tls;
    }

    /**
     * The header filters of the HTTPRoute backendRef this backend is ({@code backendRefs[].filters}:
     * RequestHeaderModifier and ResponseHeaderModifier), applied only to the requests that go to it,
     * after the rule's; null for every other backend.
     */
    public HttpRouteFilters filters() {
        return filters;
    }

    @Override
    public String toString() {
        return "Backend[" + key + " " + status + ": " + reason + "]";
    }
}
