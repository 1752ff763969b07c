package io.jingress.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a route table is compiled from: the Ingresses of our class (already filtered by
 * class) and the Services, EndpointSlices, legacy Endpoints, TLS Secrets and the Opaque Secrets
 * their annotations name ({@code auth-secret}) they refer to, and the ConfigMaps their annotations
 * name ({@code custom-headers}); and the Gateway API objects (GatewayClasses, Gateways, HTTPRoutes,
 * ReferenceGrants, GRPCRoutes, BackendTLSPolicies), compiled into the same table. Immutable. Sources (code, manifest files, API informers) build one
 * and hand it to the compiler.
 */
public record ClusterState(List<Ingress> ingresses, List<Service> services, List<EndpointSlice> endpointSlices,
        List<Endpoints> endpoints, List<TlsSecret> secrets, List<OpaqueSecret> opaqueSecrets, List<ConfigMap> configMaps,
        List<GatewayClass> gatewayClasses, List<Gateway> gateways, List<HttpRoute> httpRoutes,
        List<ReferenceGrant> referenceGrants, List<GrpcRoute> grpcRoutes, List<BackendTlsPolicy> backendTlsPolicies) {

    /** A state without BackendTLSPolicies, as before they were carried. */
    public ClusterState(List<Ingress> ingresses, List<Service> services, List<EndpointSlice> endpointSlices,
            List<Endpoints> endpoints, List<TlsSecret> secrets, List<OpaqueSecret> opaqueSecrets, List<ConfigMap> configMaps,
            List<GatewayClass> gatewayClasses, List<Gateway> gateways, List<HttpRoute> httpRoutes,
            List<ReferenceGrant> referenceGrants, List<GrpcRoute> grpcRoutes) {
        this(ingresses, services, endpointSlices, endpoints, secrets, opaqueSecrets, configMaps, gatewayClasses, gateways,
                httpRoutes, referenceGrants, grpcRoutes, List.of());
    }

    /** A state without GRPCRoutes, as before they were carried. */
    public ClusterState(List<Ingress> ingresses, List<Service> services, List<EndpointSlice> endpointSlices,
            List<Endpoints> endpoints, List<TlsSecret> secrets, List<OpaqueSecret> opaqueSecrets, List<ConfigMap> configMaps,
            List<GatewayClass> gatewayClasses, List<Gateway> gateways, List<HttpRoute> httpRoutes,
            List<ReferenceGrant> referenceGrants) {
        this(ingresses, services, endpointSlices, endpoints, secrets, opaqueSecrets, configMaps, gatewayClasses, gateways,
                httpRoutes, referenceGrants, List.of());
    }

    /** A state without Gateway API objects, as before they were carried. */
    public ClusterState(List<Ingress> ingresses, List<Service> services, List<EndpointSlice> endpointSlices,
            List<Endpoints> endpoints, List<TlsSecret> secrets, List<OpaqueSecret> opaqueSecrets, List<ConfigMap> configMaps) {
        this(ingresses, services, endpointSlices, endpoints, secrets, opaqueSecrets, configMaps, List.of(), List.of(),
                List.of(), List.of());
    }

    /** A state without ConfigMaps, as before they were carried. */
    public ClusterState(List<Ingress> ingresses, List<Service> services, List<EndpointSlice> endpointSlices,
            List<Endpoints> endpoints, List<TlsSecret> secrets, List<OpaqueSecret> opaqueSecrets) {
        this(ingresses, services, endpointSlices, endpoints, secrets, opaqueSecrets, List.of(), List.of(), List.of(),
                List.of(), List.of());
    }

    /** A state without Opaque Secrets, as before they were carried. */
    public ClusterState(List<Ingress> ingresses, List<Service> services, List<EndpointSlice> endpointSlices,
            List<Endpoints> endpoints, List<TlsSecret> secrets) {
        this(ingresses, services, endpointSlices, endpoints, secrets, List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of());
    }

    public ClusterState {
        ingresses = ingresses == null ? List.of() : List.copyOf(ingresses);
        services = services == null ? List.of() : List.copyOf(services);
        endpointSlices = endpointSlices == null ? List.of() : List.copyOf(endpointSlices);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        opaqueSecrets = opaqueSecrets == null ? List.of() : List.copyOf(opaqueSecrets);
        configMaps = configMaps == null ? List.of() : List.copyOf(configMaps);
        gatewayClasses = gatewayClasses == null ? List.of() : List.copyOf(gatewayClasses);
        gateways = gateways == null ? List.of() : List.copyOf(gateways);
        httpRoutes = httpRoutes == null ? List.of() : List.copyOf(httpRoutes);
        referenceGrants = referenceGrants == null ? List.of() : List.copyOf(referenceGrants);
        grpcRoutes = grpcRoutes == null ? List.of() : List.copyOf(grpcRoutes);
        backendTlsPolicies = backendTlsPolicies == null ? List.of() : List.copyOf(backendTlsPolicies);
    }

    /** This state with the Gateway API objects replaced by these (and no GRPCRoutes). */
    public ClusterState withGatewayApi(List<GatewayClass> gatewayClasses, List<Gateway> gateways,
            List<HttpRoute> httpRoutes, List<ReferenceGrant> referenceGrants) {
        return withGatewayApi(gatewayClasses, gateways, httpRoutes, referenceGrants, List.of());
    }

    /** This state with the Gateway API objects replaced by these (and no BackendTLSPolicies). */
    public ClusterState withGatewayApi(List<GatewayClass> gatewayClasses, List<Gateway> gateways,
            List<HttpRoute> httpRoutes, List<ReferenceGrant> referenceGrants, List<GrpcRoute> grpcRoutes) {
        return withGatewayApi(gatewayClasses, gateways, httpRoutes, referenceGrants, grpcRoutes, List.of());
    }

    /** This state with the Gateway API objects replaced by these. */
    public ClusterState withGatewayApi(List<GatewayClass> gatewayClasses, List<Gateway> gateways,
            List<HttpRoute> httpRoutes, List<ReferenceGrant> referenceGrants, List<GrpcRoute> grpcRoutes,
            List<BackendTlsPolicy> backendTlsPolicies) {
        return new ClusterState(ingresses, services, endpointSlices, endpoints, secrets, opaqueSecrets, configMaps,
                gatewayClasses, gateways, httpRoutes, referenceGrants, grpcRoutes, backendTlsPolicies);
    }

    public static ClusterState empty() {
        return new ClusterState(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ClusterState}. */
    public static final class Builder {
        private final List<Ingress> ingresses = new ArrayList<>();
        private final List<Service> services = new ArrayList<>();
        private final List<EndpointSlice> endpointSlices = new ArrayList<>();
        private final List<Endpoints> endpoints = new ArrayList<>();
        private final List<TlsSecret> secrets = new ArrayList<>();
        private final List<OpaqueSecret> opaqueSecrets = new ArrayList<>();
        private final List<ConfigMap> configMaps = new ArrayList<>();
        private final List<GatewayClass> gatewayClasses = new ArrayList<>();
        private final List<Gateway> gateways = new ArrayList<>();
        private final List<HttpRoute> httpRoutes = new ArrayList<>();
        private final List<ReferenceGrant> referenceGrants = new ArrayList<>();
        private final List<GrpcRoute> grpcRoutes = new ArrayList<>();
        private final List<BackendTlsPolicy> backendTlsPolicies = new ArrayList<>();

        private Builder() {
        }

        public Builder ingress(Ingress ingress) {
            ingresses.add(Objects.requireNonNull(ingress, "ingress"));
            return this;
        }

        public Builder service(Service service) {
            services.add(Objects.requireNonNull(service, "service"));
            return this;
        }

        public Builder endpointSlice(EndpointSlice slice) {
            endpointSlices.add(Objects.requireNonNull(slice, "slice"));
            return this;
        }

        public Builder endpoints(Endpoints legacy) {
            endpoints.add(Objects.requireNonNull(legacy, "legacy"));
            return this;
        }

        public Builder secret(TlsSecret secret) {
            secrets.add(Objects.requireNonNull(secret, "secret"));
            return this;
        }

        /** An Opaque Secret an Ingress's annotation names ({@code auth-secret}). */
        public Builder opaqueSecret(OpaqueSecret secret) {
            opaqueSecrets.add(Objects.requireNonNull(secret, "secret"));
            return this;
        }

        /** A ConfigMap an Ingress's annotation names ({@code custom-headers}). */
        public Builder configMap(ConfigMap configMap) {
            configMaps.add(Objects.requireNonNull(configMap, "configMap"));
            return this;
        }

        /** A Gateway API GatewayClass; only those of our controller are served. */
        public Builder gatewayClass(GatewayClass gatewayClass) {
            gatewayClasses.add(Objects.requireNonNull(gatewayClass, "gatewayClass"));
            return this;
        }

        /** A Gateway API Gateway; served when its class is ours. */
        public Builder gateway(Gateway gateway) {
            gateways.add(Objects.requireNonNull(gateway, "gateway"));
            return this;
        }

        /** A Gateway API HTTPRoute; served where it attaches to a Gateway of ours. */
        public Builder httpRoute(HttpRoute route) {
            httpRoutes.add(Objects.requireNonNull(route, "route"));
            return this;
        }

        /** A Gateway API GRPCRoute; served where it attaches to a Gateway of ours. */
        public Builder grpcRoute(GrpcRoute route) {
            grpcRoutes.add(Objects.requireNonNull(route, "route"));
            return this;
        }

        /** A Gateway API ReferenceGrant, which lets routes of other namespaces refer to its namespace's Services. */
        public Builder referenceGrant(ReferenceGrant grant) {
            referenceGrants.add(Objects.requireNonNull(grant, "grant"));
            return this;
        }

        /**
         * A Gateway API BackendTLSPolicy: the endpoints of the Services it targets are spoken to over TLS
         * by the routes' requests (the ConfigMaps its {@code caCertificateRefs} name are {@link #configMap}s).
         */
        public Builder backendTlsPolicy(BackendTlsPolicy policy) {
            backendTlsPolicies.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        public ClusterState build() {
            return new ClusterState(ingresses, services, endpointSlices, endpoints, secrets, opaqueSecrets, configMaps,
                    gatewayClasses, gateways, httpRoutes, referenceGrants, grpcRoutes, backendTlsPolicies);
        }
    }
}
