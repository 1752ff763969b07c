package io.jingress.jetty.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.Service;
import io.jingress.core.model.OpaqueSecret;
import io.jingress.core.model.TlsSecret;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.Router;

/**
 * Route tables for proxy tests, compiled by the real {@link RouteCompiler} from Kubernetes-shaped
 * objects: each {@link #route} is an Ingress with one Prefix rule, a Service and one EndpointSlice per
 * backend port (backends on loopback listen on different ports).
 *
 * <pre>{@code
 * TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", a.port(), b.port());
 * IngressServer proxy = IngressServer.builder(routes.router()).httpPort(0).build().start();
 * }</pre>
 */
public final class TestRoutes {
    private final Balancers balancers = Balancers.create();
    private final Router router = Router.create();
    private final List<Ingress> ingressList = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<EndpointSlice> slices = new ArrayList<>();
    private final Map<String, TlsSecret> secrets = new LinkedHashMap<>();
    private final Map<String, OpaqueSecret> opaqueSecrets = new LinkedHashMap<>();
    private final Map<String, ConfigMap> configMaps = new LinkedHashMap<>();
    private List<String> allowedResponseHeaders = List.of();
    private final List<io.jingress.core.model.Gateway> gateways = new ArrayList<>();
    private final List<io.jingress.core.model.HttpRoute> httpRoutes = new ArrayList<>();
    private final List<io.jingress.core.model.GrpcRoute> grpcRoutes = new ArrayList<>();
    private final List<io.jingress.core.model.BackendTlsPolicy> backendTlsPolicies = new ArrayList<>();
    private final List<io.jingress.core.model.ReferenceGrant> referenceGrants = new ArrayList<>();
    private boolean sslPassthrough;
    private String defaultCertificate;
    private String tcpServices;  // the TCP services ConfigMap, null: none
    private String controllerConfigMap;  // the controller's ConfigMap, null: none
    private String defaultBackendService;  // namespace/name, null: none
    private int ingresses;

    private TestRoutes() {
    }

    public static TestRoutes create() {
        return new TestRoutes();
    }

    /** Routes {@code host} + Prefix {@code path} to Service {@code service} with endpoints 127.0.0.1:{@code ports}. */
    public TestRoutes route(String host, String path, String service, int... ports) {
        ingressList.add(ingress(host, path, service).build());
        addService(service, ports);
        return apply();
    }

    /** Like {@link #route}, with annotations on the Ingress (e.g. a load-balancing policy). */
    public TestRoutes route(String host, String path, String service, Map<String, String> annotations, int... ports) {
        Ingress.Builder ingress = ingress(host, path, service);
        annotations.forEach(ingress::annotation);
        ingressList.add(ingress.build());
        addService(service, ports);
        return apply();
    }

    /**
     * Like {@link #route(String, String, String, Map, int...)}, with an {@code ImplementationSpecific}
     * path (a regex where {@code use-regex} or {@code rewrite-target} is on).
     */
    public TestRoutes implementationSpecificRoute(String host, String path, String service, Map<String, String> annotations,
            int... ports) {
        Ingress.Builder ingress = Ingress.builder("default", "ingress-" + (++ingresses))
                .rule(IngressRule.of(host, HttpIngressPath.of(path, "ImplementationSpecific", IngressBackend.service(service, 80))));
        annotations.forEach(ingress::annotation);
        ingressList.add(ingress.build());
        addService(service, ports);
        return apply();
    }

    /** Like {@link #route}, with {@code host} listed under {@code spec.tls} (so plain HTTP is redirected). */
    public TestRoutes tlsRoute(String host, String path, String service, TlsSecret secret, int... ports) {
        ingressList.add(ingress(host, path, service).tls(new IngressTls(List.of(host), secret.name())).build());
        secrets.put(secret.name(), secret);
        addService(service, ports);
        return apply();
    }

    /** Like {@link #tlsRoute}, with annotations on the Ingress. */
    public TestRoutes tlsRoute(String host, String path, String service, TlsSecret secret, Map<String, String> annotations,
            int... ports) {
        Ingress.Builder ingress = ingress(host, path, service).tls(new IngressTls(List.of(host), secret.name()));
        annotations.forEach(ingress::annotation);
        ingressList.add(ingress.build());
        secrets.put(secret.name(), secret);
        addService(service, ports);
        return apply();
    }

    /**
     * Routes {@code host} + Prefix {@code path} by an Ingress of {@code namespace} (to its Service
     * {@code service} there), whose one {@code spec.tls} entry lists {@code tlsHosts} with {@code
     * secret}: hosts that need not be its rule host, as another tenant's Ingress may list them.
     */
    public TestRoutes routeListingTlsHosts(String namespace, String host, String path, String service, TlsSecret secret,
            List<String> tlsHosts, int... ports) {
        ingressList.add(Ingress.builder(namespace, "ingress-" + (++ingresses))
                .rule(IngressRule.of(host, HttpIngressPath.prefix(path, IngressBackend.service(service, 80))))
                .tls(new IngressTls(tlsHosts, secret.name())).build());
        secrets.put(secret.name(), secret);
        addService(namespace, service, ports);
        return apply();
    }

    /**
     * Like {@link #tlsRoute}, with a {@code spec.tls} entry that lists no hosts: {@code host} is served
     * with the Secret's certificate if it covers the host.
     */
    public TestRoutes tlsRouteWithoutTlsHosts(String host, String path, String service, TlsSecret secret, int... ports) {
        ingressList.add(ingress(host, path, service).tls(new IngressTls(List.of(), secret.name())).build());
        secrets.put(secret.name(), secret);
        addService(service, ports);
        return apply();
    }

    /**
     * Like {@link #route}, with {@code spec.defaultBackend} Service {@code defaultService} (endpoint
     * 127.0.0.1:{@code defaultPort}) on the same Ingress, in namespace {@code namespace}.
     */
    public TestRoutes routeWithDefaultBackend(String namespace, String host, String path, String service, int port,
            String defaultService, int defaultPort) {
        ingressList.add(Ingress.builder(namespace, "ingress-" + (++ingresses))
                .creationTimestamp(java.time.Instant.ofEpochSecond(ingresses))
                .rule(IngressRule.of(host, HttpIngressPath.prefix(path, IngressBackend.service(service, 80))))
                .defaultBackend(IngressBackend.service(defaultService, 80)).build());
        addService(namespace, service, port);
        addService(namespace, defaultService, defaultPort);
        return apply();
    }

    /** Routes to an ExternalName Service: the endpoint is {@code externalName}:{@code port}, a DNS name. */
    public TestRoutes routeToExternalName(String host, String path, String service, String externalName, int port) {
        ingressList.add(Ingress.builder("default", "ingress-" + (++ingresses))
                .rule(IngressRule.of(host, HttpIngressPath.prefix(path, IngressBackend.service(service, port)))).build());
        services.add(new Service("default", service, "ExternalName", List.of(Service.Port.of("http", port, port)), externalName));
        return apply();
    }

    /**
     * Routes to a Service whose one endpoint is the DNS name {@code address} (an FQDN EndpointSlice),
     * at {@code port}. Unlike an ExternalName Service, it may name the local host; the proxy then
     * connects to it only with {@code localBackendNames(true)}.
     */
    public TestRoutes routeToDnsEndpoint(String host, String path, String service, String address, int port) {
        ingressList.add(ingress(host, path, service).build());
        services.add(Service.of("default", service, Service.Port.of("http", 80, "http")));
        slices.add(new EndpointSlice("default", service + "-" + port, service, "FQDN",
                List.of(EndpointSlice.Port.of("http", port)), List.of(EndpointSlice.Endpoint.ready(address))));
        return apply();
    }

    /**
     * Routes to a Service whose {@code spec.clusterIP} is 127.0.0.1 at Service port {@code clusterIpPort}
     * (the Ingress's backend port), its endpoints on 127.0.0.1:{@code ports} (for {@code service-upstream}).
     */
    public TestRoutes routeWithClusterIp(String host, String path, String service, Map<String, String> annotations,
            int clusterIpPort, int... ports) {
        Ingress.Builder builder = Ingress.builder("default", "ingress-" + (++ingresses))
                .rule(IngressRule.of(host, HttpIngressPath.prefix(path, IngressBackend.service(service, clusterIpPort))));
        annotations.forEach(builder::annotation);
        ingressList.add(builder.build());
        services.add(new Service("default", service, "ClusterIP", List.of(Service.Port.of("http", clusterIpPort, "http")),
                null, "127.0.0.1"));
        for (int port : ports) {
            slices.add(new EndpointSlice("default", service + "-" + port, service, "IPv4",
                    List.of(EndpointSlice.Port.of("http", port)), List.of(EndpointSlice.Endpoint.ready("127.0.0.1"))));
        }
        return apply();
    }

    /** Routes to a Service that does not exist (the proxy answers 503). */
    public TestRoutes routeToMissingService(String host, String path, String service) {
        ingressList.add(ingress(host, path, service).build());
        return apply();
    }

    /**
     * Routes to port {@code servicePort} of a Service that has only port 80 (its endpoints on
     * 127.0.0.1:{@code ports}): the proxy answers 503.
     */
    public TestRoutes routeToMissingPort(String host, String path, String service, int servicePort, int... ports) {
        ingressList.add(Ingress.builder("default", "ingress-" + (++ingresses))
                .rule(IngressRule.of(host, HttpIngressPath.prefix(path, IngressBackend.service(service, servicePort)))).build());
        addService(service, ports);
        return apply();
    }

    private Ingress.Builder ingress(String host, String path, String service) {
        return Ingress.builder("default", "ingress-" + (++ingresses))
                .rule(IngressRule.of(host, HttpIngressPath.prefix(path, IngressBackend.service(service, 80))));
    }

    private void addService(String service, int... ports) {
        addService("default", service, ports);
    }

    private void addService(String namespace, String service, int... ports) {
        services.add(Service.of(namespace, service, Service.Port.of("http", 80, "http")));
        for (int port : ports) {
            slices.add(new EndpointSlice(namespace, service + "-" + port, service, "IPv4",
                    List.of(EndpointSlice.Port.of("http", port)), List.of(EndpointSlice.Endpoint.ready("127.0.0.1"))));
        }
    }

    /**
     * A Service of namespace "default" whose port 80 has {@code appProtocol: kubernetes.io/h2c}
     * (HTTP/2 in cleartext), with endpoints 127.0.0.1:{@code ports}.
     */
    public TestRoutes h2cService(String service, int... ports) {
        services.add(Service.of("default", service,
                new Service.Port("http", 80, io.jingress.core.model.PortRef.name("http"), "TCP", Service.Port.H2C)));
        for (int port : ports) {
            slices.add(new EndpointSlice("default", service + "-" + port, service, "IPv4",
                    List.of(EndpointSlice.Port.of("http", port)), List.of(EndpointSlice.Endpoint.ready("127.0.0.1"))));
        }
        return apply();
    }

    /** Adds an endpoint 127.0.0.1:{@code port} to Service {@code service} of namespace "default" (a scale-up). */
    public TestRoutes addEndpoint(String service, int port) {
        slices.add(new EndpointSlice("default", service + "-" + port, service, "IPv4",
                List.of(EndpointSlice.Port.of("http", port)), List.of(EndpointSlice.Endpoint.ready("127.0.0.1"))));
        return apply();
    }

    /** Removes the endpoint 127.0.0.1:{@code port} of Service {@code service} of namespace "default" (a scale-down). */
    public TestRoutes removeEndpoint(String service, int port) {
        slices.removeIf(slice -> slice.name().equals(service + "-" + port));
        return apply();
    }

    /** Replaces the TLS Secret of the same name (a certificate rotated in the cluster). */
    public TestRoutes replaceSecret(TlsSecret secret) {
        secrets.put(secret.name(), secret);
        return apply();
    }

    /** Adds (or replaces) an Opaque Secret, in namespace "default", that an annotation may name (auth-secret). */
    public TestRoutes opaqueSecret(String name, Map<String, String> data) {
        opaqueSecrets.put(name, new OpaqueSecret("default", name, data));
        return apply();
    }

    /** Adds (or replaces) a ConfigMap, in namespace "default", that an annotation may name (custom-headers). */
    public TestRoutes configMap(String name, Map<String, String> data) {
        configMaps.put(name, new ConfigMap("default", name, data));
        return apply();
    }

    /** The response headers custom-headers may set (see {@link RouteCompiler#withAllowedResponseHeaders}). */
    public TestRoutes allowResponseHeaders(String... names) {
        allowedResponseHeaders = List.of(names);
        return apply();
    }

    /**
     * The Gateway {@code infra/web} of the class "jingress", with one HTTP listener for
     * {@code *.gw.test} that takes routes from every namespace: what most HTTPRoute tests attach to.
     */
    public static final io.jingress.core.model.Gateway OPEN_GATEWAY = new io.jingress.core.model.Gateway("infra", "web",
            "jingress", java.util.List.of(io.jingress.core.model.Gateway.Listener.http("http", "*.gw.test", 80)
                    .allowedRoutesFrom(io.jingress.core.model.Gateway.FROM_ALL)));

    /** A Gateway API Gateway; its class "jingress" is ours (GatewayClass.JINGRESS_CONTROLLER). */
    public TestRoutes gateway(io.jingress.core.model.Gateway gateway) {
        gateways.add(gateway);
        return apply();
    }

    /** A Gateway API HTTPRoute. */
    public TestRoutes httpRoute(io.jingress.core.model.HttpRoute route) {
        httpRoutes.add(route);
        return apply();
    }

    /** A Gateway API GRPCRoute. */
    public TestRoutes grpcRoute(io.jingress.core.model.GrpcRoute route) {
        grpcRoutes.add(route);
        return apply();
    }

    /** A Gateway API BackendTLSPolicy (its ConfigMaps: {@link #configMap}). */
    public TestRoutes backendTlsPolicy(io.jingress.core.model.BackendTlsPolicy policy) {
        backendTlsPolicies.add(policy);
        return apply();
    }

    /** A Gateway API ReferenceGrant. */
    public TestRoutes referenceGrant(io.jingress.core.model.ReferenceGrant grant) {
        referenceGrants.add(grant);
        return apply();
    }

    /** A Service {@code namespace/service} (port 80, named "http") with endpoints 127.0.0.1:{@code ports}, and no Ingress. */
    public TestRoutes service(String namespace, String service, int... ports) {
        addService(namespace, service, ports);
        return apply();
    }

    /** Whether ssl-passthrough is switched on (see {@link RouteCompiler#withSslPassthrough}). */
    public TestRoutes sslPassthrough(boolean enabled) {
        sslPassthrough = enabled;
        return apply();
    }

    /** Adds the TLS Secret and makes it the default certificate (see {@link RouteCompiler#withDefaultCertificate}). */
    public TestRoutes defaultCertificate(TlsSecret secret) {
        secrets.put(secret.name(), secret);
        defaultCertificate = secret.key();
        return apply();
    }

    /**
     * Serves the TCP services of ConfigMap {@code default/name} (see {@link RouteCompiler#withTcpServices});
     * add it with {@link #configMap}.
     */
    public TestRoutes tcpServices(String name) {
        tcpServices = "default/" + name;
        return apply();
    }

    /**
     * Reads the ConfigMap {@code default/name} as the controller's (see {@link RouteCompiler#withConfigMap});
     * add it with {@link #configMap}.
     */
    public TestRoutes controllerConfigMap(String name) {
        controllerConfigMap = "default/" + name;
        return apply();
    }

    /**
     * Sends the requests no rule takes to the Service {@code namespace/name} (see
     * {@link RouteCompiler#withDefaultBackendService}); add it with {@link #service}.
     */
    public TestRoutes defaultBackendService(String namespace, String name) {
        defaultBackendService = namespace + "/" + name;
        return apply();
    }

    /** Removes the ConfigMap {@code default/name}. */
    public TestRoutes removeConfigMap(String name) {
        configMaps.remove(name);
        return apply();
    }

    /** Removes the annotation {@code name} from every Ingress added so far. */
    public TestRoutes removeAnnotation(String name) {
        ingressList.replaceAll(ingress -> {
            Map<String, String> annotations = new LinkedHashMap<>(ingress.annotations());
            annotations.remove(name);
            return new Ingress(ingress.namespace(), ingress.name(), ingress.uid(), ingress.creationTimestamp(),
                    ingress.ingressClassName(), annotations, ingress.defaultBackend(), ingress.tls(), ingress.rules());
        });
        return apply();
    }

    /** Compiles what was added so far and swaps it into the router. */
    public TestRoutes apply() {
        ClusterState state = new ClusterState(ingressList, services, slices, List.of(), List.copyOf(secrets.values()),
                List.copyOf(opaqueSecrets.values()), List.copyOf(configMaps.values()))
                .withGatewayApi(List.of(io.jingress.core.model.GatewayClass.jingress("jingress")), gateways, httpRoutes,
                        referenceGrants, grpcRoutes, backendTlsPolicies);
        RouteCompiler compiler = RouteCompiler.create(balancers).withAllowedResponseHeaders(allowedResponseHeaders)
                .withSslPassthrough(sslPassthrough).withDefaultCertificate(defaultCertificate)
                .withConfigMap(controllerConfigMap).withDefaultBackendService(defaultBackendService);
        if (tcpServices != null) {
            compiler = compiler.withTcpServices(tcpServices, Map.of());
        }
        router.swap(compiler.compile(state));
        return this;
    }

    public Router router() {
        return router;
    }

    public Balancers balancers() {
        return balancers;
    }
}
