package io.jingress.k8s.internal.translate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.Endpoints;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressClass;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;
import io.jingress.core.model.OpaqueSecret;
import io.jingress.core.model.TlsSecret;
import io.jingress.core.route.BasicAuth;
import io.jingress.core.route.FallbackBackend;
import io.jingress.core.route.AuthTls;
import io.jingress.core.route.ProxySsl;
import io.jingress.core.route.ResponseHeaders;
import io.jingress.k8s.AdapterOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the {@link ClusterState} a table is compiled from out of the current Kubernetes objects,
 * whichever source they come from: our Ingresses (by {@link ClassFilter}), and only the Services,
 * EndpointSlices, Endpoints and TLS Secrets they refer to, and the Opaque Secrets their
 * {@code auth-secret} names and the Secrets (Opaque or TLS) their {@code proxy-ssl-secret} names, in
 * the watched namespaces. Objects the
 * translator cannot carry are left out and reported, and so is a Secret an Ingress of ours names
 * for TLS that is not of type {@code kubernetes.io/tls}: ingress-nginx would read its
 * {@code tls.crt} and {@code tls.key}, but cluster mode watches only that type (to cache no other
 * Secret), and a manifest must route as it would in the cluster. Ingresses of other classes are
 * neither served nor reported. The result is sorted by {@code namespace/name}, so the same objects
 * always give the same state.
 */
public final class ClusterStateAssembler {

    private ClusterStateAssembler() {
    }

    /**
     * The outcome of one assembly.
     *
     * @param state what to compile
     * @param problems objects left out because they could not be translated
     * @param ignored Ingresses of other classes, which we do not serve
     * @param classFilter the class decision used
     * @param unwatched Ingresses in namespaces not watched ({@code --watch-namespace}), which we do not
     *     serve (those that translate; in cluster mode none arrive)
     */
    public record Assembly(ClusterState state, List<Problem> problems, List<Ingress> ignored, ClassFilter classFilter,
            List<Ingress> unwatched) {

        public Assembly {
            Objects.requireNonNull(state, "state");
            problems = List.copyOf(problems);
            ignored = List.copyOf(ignored);
            unwatched = List.copyOf(unwatched);
            Objects.requireNonNull(classFilter, "classFilter");
        }
    }

    /**
     * Assembles a state from fabric8 objects of any of the kinds Ingress, IngressClass, Service,
     * EndpointSlice, Endpoints, Secret and ConfigMap, and the Gateway API's GatewayClass, Gateway,
     * HTTPRoute, GRPCRoute, BackendTLSPolicy and ReferenceGrant; objects of other kinds are skipped.
     */
    public static Assembly assemble(AdapterOptions options, Collection<? extends HasMetadata> objects) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(objects, "objects");
        Set<String> namedByController = configMapsNamedByController(options, objects);
        List<Problem> problems = new ArrayList<>();
        List<IngressClass> classes = new ArrayList<>();
        List<Ingress> ingresses = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        List<Endpoints> endpoints = new ArrayList<>();
        List<Secret> secrets = new ArrayList<>();
        List<io.fabric8.kubernetes.api.model.ConfigMap> configMaps = new ArrayList<>();
        List<io.fabric8.kubernetes.api.model.networking.v1.Ingress> untranslatable = new ArrayList<>();
        List<Ingress> unwatched = new ArrayList<>();
        List<Problem> ingressProblems = new ArrayList<>();
        List<io.jingress.core.model.GatewayClass> gatewayClasses = new ArrayList<>();
        List<io.jingress.core.model.Gateway> gateways = new ArrayList<>();
        List<io.jingress.core.model.HttpRoute> httpRoutes = new ArrayList<>();
        List<io.jingress.core.model.GrpcRoute> grpcRoutes = new ArrayList<>();
        List<io.jingress.core.model.ReferenceGrant> grants = new ArrayList<>();
        List<io.jingress.core.model.BackendTlsPolicy> tlsPolicies = new ArrayList<>();

        Set<String> selected = selectedNamespaces(options, objects);
        for (HasMetadata object : objects) {
            if (object instanceof io.fabric8.kubernetes.api.model.networking.v1.IngressClass ic) {
                translate(problems, ic, () -> classes.add(KubeTranslator.toIngressClass(ic)));
                continue;
            }
            if (object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass gc) {
                translate(problems, gc, () -> gatewayClasses.add(GatewayTranslator.toGatewayClass(gc)));
                continue;
            }
            if (object instanceof io.fabric8.kubernetes.api.model.ConfigMap configMap && isNamedByFlag(options, configMap, namedByController)) {
                configMaps.add(configMap);  // --tcp-services-configmap, --configmap: read whatever namespaces are watched
                continue;
            }
            boolean unselected = selected != null && object instanceof io.fabric8.kubernetes.api.model.networking.v1.Ingress
                    && !selected.contains(KubeTranslator.namespace(object));  // the selector chooses Ingresses, as ingress-nginx's
            if (unselected || !options.watchesNamespace(KubeTranslator.namespace(object)) && !isDefaultCertificate(options, object)
                    && !isDefaultBackend(options, object)) {
                if (object instanceof io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress) {
                    try {
                        unwatched.add(KubeTranslator.toIngress(ingress));  // to count, and to explain a 404
                    } catch (TranslationException | RuntimeException e) {
                        // not ours to report
                    }
                }
                continue;
            }
            if (object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway gateway) {
                translate(problems, gateway, () -> gateways.add(GatewayTranslator.toGateway(gateway)));
                continue;
            }
            if (object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute route) {
                translate(problems, route, () -> httpRoutes.add(GatewayTranslator.toHttpRoute(route)));
                continue;
            }
            if (object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute route) {
                translate(problems, route, () -> grpcRoutes.add(GatewayTranslator.toGrpcRoute(route)));
                continue;
            }
            if (object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy policy) {
                translate(problems, policy, () -> tlsPolicies.add(GatewayTranslator.toBackendTlsPolicy(policy)));
                continue;
            }
            if (GatewayTranslator.isGatewayKind(object)) {  // a ReferenceGrant
                translate(problems, object, () -> grants.add(GatewayTranslator.toReferenceGrant(object)));
                continue;
            }
            if (object instanceof io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress) {
                // whether its problem is ours to report depends on its class, known once all classes are read
                try {
                    ingresses.add(KubeTranslator.toIngress(ingress));
                } catch (TranslationException e) {
                    untranslatable.add(ingress);
                    ingressProblems.add(e.problem());
                } catch (RuntimeException e) {
                    untranslatable.add(ingress);
                    ingressProblems.add(unreadable(ingress, e));
                }
            } else if (object instanceof io.fabric8.kubernetes.api.model.Service service) {
                translate(problems, service, () -> services.add(KubeTranslator.toService(service)));
            } else if (object instanceof io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice) {
                translate(problems, slice, () -> slices.add(KubeTranslator.toEndpointSlice(slice)));
            } else if (object instanceof io.fabric8.kubernetes.api.model.Endpoints legacy) {
                translate(problems, legacy, () -> endpoints.add(KubeTranslator.toEndpoints(legacy)));
            } else if (object instanceof Secret secret) {
                secrets.add(secret);  // one of another type that an Ingress names is reported below
            } else if (object instanceof io.fabric8.kubernetes.api.model.ConfigMap configMap) {
                configMaps.add(configMap);
            }
        }

        ClassFilter filter = ClassFilter.of(options, classes, selected);
        List<Ingress> ours = new ArrayList<>();
        List<Ingress> ignored = new ArrayList<>();
        for (Ingress ingress : ingresses) {
            (filter.isOurs(ingress) ? ours : ignored).add(ingress);
        }
        for (int i = 0; i < untranslatable.size(); i++) {
            if (isOursUntranslated(filter, untranslatable.get(i))) {
                problems.add(ingressProblems.get(i));
            }
        }
        ours.sort(Comparator.comparing(Ingress::key));
        ignored.sort(Comparator.comparing(Ingress::key));

        Set<String> referencedServices = new HashSet<>();
        Set<String> referencedSecrets = new HashSet<>();
        Set<String> authSecrets = new HashSet<>();
        Set<String> proxySslSecrets = new HashSet<>();
        for (Ingress ingress : ours) {
            String authSecret = BasicAuth.secretNamedBy(ingress);
            if (authSecret != null) {
                authSecrets.add(authSecret);
            }
            String proxySslSecret = ProxySsl.secretNamedBy(ingress);
            if (proxySslSecret != null) {
                proxySslSecrets.add(proxySslSecret);
            }
            String authTlsSecret = AuthTls.secretNamedBy(ingress);
            if (authTlsSecret != null) {
                proxySslSecrets.add(authTlsSecret);  // its ca.crt, read alike
            }
            addService(referencedServices, ingress.namespace(), ingress.defaultBackend());
            String fallbackService = FallbackBackend.serviceNamedBy(ingress);  // the default-backend annotation's
            if (fallbackService != null) {
                referencedServices.add(fallbackService);
            }
            for (IngressRule rule : ingress.rules()) {
                for (HttpIngressPath path : rule.paths()) {
                    addService(referencedServices, ingress.namespace(), path.backend());
                }
            }
            for (IngressTls tls : ingress.tls()) {
                if (tls.secretName() != null) {
                    referencedSecrets.add(ingress.namespace() + "/" + tls.secretName());
                }
            }
        }

        // --tcp-services-configmap: the ConfigMap, and the Services its entries name
        io.fabric8.kubernetes.api.model.ConfigMap tcpServices = TcpServicesConfigMap.find(options, configMaps);
        if (tcpServices != null) {
            referencedServices.addAll(TcpServicesConfigMap.servicesNamed(tcpServices));
        }

        // the Services and Secrets the Gateway API objects name (whichever Gateway they attach to:
        // the compiler tells ours from others')
        for (io.jingress.core.model.HttpRoute route : httpRoutes) {
            for (io.jingress.core.model.HttpRouteRule rule : route.rules()) {
                for (io.jingress.core.model.HttpBackendRef ref : rule.backendRefs()) {
                    referencedServices.add((ref.namespace() == null ? route.namespace() : ref.namespace()) + "/" + ref.name());
                }
                for (io.jingress.core.model.HttpRouteFilter routeFilter : rule.filters()) {
                    io.jingress.core.model.HttpBackendRef ref = routeFilter.requestMirror() != null ? routeFilter.requestMirror()
                            : routeFilter.externalAuth() != null ? routeFilter.externalAuth().backendRef() : null;
                    if (ref != null) {
                        referencedServices.add((ref.namespace() == null ? route.namespace() : ref.namespace()) + "/" + ref.name());
                    }
                }
            }
        }
        for (io.jingress.core.model.GrpcRoute route : grpcRoutes) {
            for (io.jingress.core.model.GrpcRouteRule rule : route.rules()) {
                for (io.jingress.core.model.HttpBackendRef ref : rule.backendRefs()) {
                    referencedServices.add((ref.namespace() == null ? route.namespace() : ref.namespace()) + "/" + ref.name());
                }
            }
        }
        for (io.jingress.core.model.Gateway gateway : gateways) {
            io.jingress.core.model.Gateway.SecretRef clientCertificate = gateway.backendClientCertificate();
            if (clientCertificate != null) {
                referencedSecrets.add((clientCertificate.namespace() == null ? gateway.namespace()
                        : clientCertificate.namespace()) + "/" + clientCertificate.name());
            }
            for (io.jingress.core.model.Gateway.Listener listener : gateway.listeners()) {
                for (io.jingress.core.model.Gateway.SecretRef ref : listener.certificateRefs()) {
                    referencedSecrets.add((ref.namespace() == null ? gateway.namespace() : ref.namespace()) + "/" + ref.name());
                }
            }
        }

        if (options.defaultSslCertificate() != null) {
            referencedSecrets.add(options.defaultSslCertificate());
        }
        if (options.defaultBackendService() != null) {
            referencedServices.add(options.defaultBackendService());  // --default-backend-service, and its slices
        }

        ClusterState.Builder state = ClusterState.builder();
        ours.forEach(state::ingress);
        gatewayClasses.stream().sorted(Comparator.comparing(io.jingress.core.model.GatewayClass::name))
                .forEach(state::gatewayClass);
        gateways.stream().sorted(Comparator.comparing(io.jingress.core.model.Gateway::key)).forEach(state::gateway);
        httpRoutes.stream().sorted(Comparator.comparing(io.jingress.core.model.HttpRoute::key)).forEach(state::httpRoute);
        grpcRoutes.stream().sorted(Comparator.comparing(io.jingress.core.model.GrpcRoute::key)).forEach(state::grpcRoute);
        grants.stream().sorted(Comparator.comparing(io.jingress.core.model.ReferenceGrant::key)).forEach(state::referenceGrant);
        tlsPolicies.stream().sorted(Comparator.comparing(io.jingress.core.model.BackendTlsPolicy::key))
                .forEach(state::backendTlsPolicy);
        services.stream().filter(s -> referencedServices.contains(s.key()))
                .sorted(Comparator.comparing(Service::key)).forEach(state::service);
        slices.stream().filter(s -> s.serviceName() != null
                        && referencedServices.contains(s.namespace() + "/" + s.serviceName()))
                .sorted(Comparator.comparing(EndpointSlice::key)).forEach(state::endpointSlice);
        endpoints.stream().filter(e -> referencedServices.contains(e.key()))
                .sorted(Comparator.comparing(Endpoints::key)).forEach(state::endpoints);
        List<TlsSecret> tlsSecrets = new ArrayList<>();
        for (Secret secret : secrets) {
            String name = secret.getMetadata() == null ? null : secret.getMetadata().getName();
            if (referencedSecrets.contains(KubeTranslator.namespace(secret) + "/" + name)) {
                translate(problems, secret, () -> tlsSecrets.add(KubeTranslator.toTlsSecret(secret)));
            }
        }
        tlsSecrets.sort(Comparator.comparing(TlsSecret::key));
        tlsSecrets.forEach(state::secret);
        List<OpaqueSecret> opaqueSecrets = new ArrayList<>();
        for (Secret secret : secrets) {
            String name = secret.getMetadata() == null ? null : secret.getMetadata().getName();
            String key = KubeTranslator.namespace(secret) + "/" + name;
            if (proxySslSecrets.contains(key) && (KubeTranslator.isOpaqueSecret(secret) || KubeTranslator.isTlsSecret(secret))) {
                // its ca.crt, tls.crt and tls.key, whichever of the two types holds them
                translate(problems, secret, () -> opaqueSecrets.add(KubeTranslator.toSecretData(secret)));
            } else if (authSecrets.contains(key)) {
                translate(problems, secret, () -> opaqueSecrets.add(KubeTranslator.toOpaqueSecret(secret)));
            }
        }
        opaqueSecrets.sort(Comparator.comparing(OpaqueSecret::key));
        opaqueSecrets.forEach(state::opaqueSecret);
        Set<String> namedConfigMaps = new HashSet<>(configMapsNamed(ours));
        namedConfigMaps.addAll(configMapsNamedByPolicies(tlsPolicies));
        List<ConfigMap> kept = new ArrayList<>();
        for (io.fabric8.kubernetes.api.model.ConfigMap configMap : configMaps) {
            String name = configMap.getMetadata() == null ? null : configMap.getMetadata().getName();
            if (namedConfigMaps.contains(KubeTranslator.namespace(configMap) + "/" + name) || isNamedByFlag(options, configMap, namedByController)) {
                translate(problems, configMap, () -> kept.add(KubeTranslator.toConfigMap(configMap)));
            }
        }
        kept.sort(Comparator.comparing(ConfigMap::key));
        kept.forEach(state::configMap);
        unwatched.sort(Comparator.comparing(Ingress::key));
        return new Assembly(state.build(), problems, ignored, filter, unwatched);
    }

    // the ConfigMap of --tcp-services-configmap or of --configmap, or one the latter names
    private static boolean isNamedByFlag(AdapterOptions options, io.fabric8.kubernetes.api.model.ConfigMap configMap,
            Set<String> namedByController) {
        if (configMap.getMetadata() == null) {
            return false;
        }
        String key = KubeTranslator.namespace(configMap) + "/" + configMap.getMetadata().getName();
        return key.equals(options.tcpServicesConfigMap()) || key.equals(options.configMap()) || namedByController.contains(key);
    }

    /**
     * The ConfigMaps ({@code namespace/name}) that the controller's ConfigMap ({@code --configmap})
     * among {@code objects} names in {@code add-headers} and {@code proxy-set-headers}, in any namespace.
     */
    public static Set<String> configMapsNamedByController(AdapterOptions options, Collection<? extends HasMetadata> objects) {
        if (options.configMap() == null) {
            return Set.of();
        }
        for (HasMetadata object : objects) {
            if (object instanceof io.fabric8.kubernetes.api.model.ConfigMap configMap && configMap.getMetadata() != null
                    && options.configMap().equals(KubeTranslator.namespace(configMap) + "/" + configMap.getMetadata().getName())) {
                return io.jingress.core.route.RouteCompiler.configMapsNamedBy(
                        new ConfigMap(KubeTranslator.namespace(configMap), configMap.getMetadata().getName(), configMap.getData()));
            }
        }
        return Set.of();
    }

    /** The ConfigMaps ({@code namespace/name}) that the {@code caCertificateRefs} of {@code policies} name. */
    public static Set<String> configMapsNamedByPolicies(Collection<io.jingress.core.model.BackendTlsPolicy> policies) {
        Set<String> keys = new HashSet<>();
        for (io.jingress.core.model.BackendTlsPolicy policy : policies) {
            for (io.jingress.core.model.BackendTlsPolicy.LocalRef ref : policy.caCertificateRefs()) {
                if (ref.group().isEmpty() && ref.kind().equals("ConfigMap")) {
                    keys.add(policy.namespace() + "/" + ref.name());
                }
            }
        }
        return keys;
    }

    /** The ConfigMaps ({@code namespace/name}) that the {@code custom-headers} of {@code ingresses} name. */
    public static Set<String> configMapsNamed(Collection<Ingress> ingresses) {
        Set<String> named = new TreeSet<>();
        for (Ingress ingress : ingresses) {
            String key = ResponseHeaders.configMapNamedBy(ingress);
            if (key != null) {
                named.add(key);
            }
        }
        return named;
    }

    private static boolean isOursUntranslated(ClassFilter filter,
            io.fabric8.kubernetes.api.model.networking.v1.Ingress raw) {
        Ingress.Builder probe = Ingress.builder("-", "-");
        if (raw.getSpec() != null) {
            probe.ingressClassName(raw.getSpec().getIngressClassName());
        }
        if (raw.getMetadata() != null && raw.getMetadata().getAnnotations() != null) {
            String legacy = raw.getMetadata().getAnnotations().get(ClassFilter.LEGACY_CLASS_ANNOTATION);
            if (legacy != null) {
                probe.annotation(ClassFilter.LEGACY_CLASS_ANNOTATION, legacy);
            }
        }
        return filter.isOurs(probe.build());
    }

    private static void addService(Set<String> referenced, String namespace, IngressBackend backend) {
        if (backend != null && backend.serviceName() != null) {
            referenced.add(namespace + "/" + backend.serviceName());
        }
    }

    private interface Translation {
        void run() throws TranslationException;
    }

    private static void translate(List<Problem> problems, HasMetadata object, Translation translation) {
        try {
            translation.run();
        } catch (TranslationException e) {
            problems.add(e.problem());
        } catch (RuntimeException e) {
            problems.add(unreadable(object, e));
        }
    }

    // A value the translator does not expect, such as a null in a list ("addresses: [~]"): the
    // object is left out and the rest is assembled, as for any object that does not translate.
    private static Problem unreadable(HasMetadata object, RuntimeException e) {
        String kind = object.getKind() != null ? object.getKind() : object.getClass().getSimpleName();
        String name = object.getMetadata() == null ? null : object.getMetadata().getName();
        return Problem.error(kind, KubeTranslator.namespace(object) + "/" + name, "", "cannot be read: " + e);
    }

    // the --default-ssl-certificate Secret usually lives in the controller's own namespace, watched or not
    /**
     * The Namespaces among {@code objects} whose labels {@code --watch-namespace-selector} matches;
     * null without a selector. A Namespace not among them is not selected (as ingress-nginx: unknown).
     */
    public static Set<String> selectedNamespaces(AdapterOptions options, Collection<? extends HasMetadata> objects) {
        if (options.watchNamespaceSelector() == null) {
            return null;
        }
        NamespaceSelector selector = NamespaceSelector.parse(options.watchNamespaceSelector());
        Set<String> selected = new HashSet<>();
        for (HasMetadata object : objects) {
            if (object instanceof io.fabric8.kubernetes.api.model.Namespace namespace && namespace.getMetadata() != null
                    && selector.matches(namespace.getMetadata().getLabels())) {
                selected.add(namespace.getMetadata().getName());
            }
        }
        return selected;
    }

    // --default-backend-service: the Service, its EndpointSlices and Endpoints, read whatever namespaces are watched
    private static boolean isDefaultBackend(AdapterOptions options, HasMetadata object) {
        String service = options.defaultBackendService();
        if (service == null || object.getMetadata() == null) {
            return false;
        }
        String namespace = KubeTranslator.namespace(object);
        if (object instanceof io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice) {
            Map<String, String> labels = object.getMetadata().getLabels();
            return labels != null && service.equals(namespace + "/" + labels.get("kubernetes.io/service-name"));
        }
        return (object instanceof io.fabric8.kubernetes.api.model.Service || object instanceof io.fabric8.kubernetes.api.model.Endpoints)
                && service.equals(namespace + "/" + object.getMetadata().getName());
    }

    private static boolean isDefaultCertificate(AdapterOptions options, HasMetadata object) {
        return object instanceof Secret && options.defaultSslCertificate() != null && object.getMetadata() != null
                && options.defaultSslCertificate().equals(KubeTranslator.namespace(object) + "/" + object.getMetadata().getName());
    }
}
