package io.jingress.examples.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.jingress.examples.internal.cli.Command;
import io.jingress.examples.internal.cli.CommandLine;
import io.jingress.examples.internal.cli.Options;
import io.jingress.k8s.AdapterOptions;
import io.jingress.core.route.Router;
import io.jingress.k8s.KubernetesSource;
import io.jingress.k8s.RouteUpdater;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the controller's API source, configured from the Deployment's own arguments, against a
 * mock API server, records every request it makes, and checks each against the ClusterRole and
 * the Role in {@code deploy/jingress.yaml} as the API server's RBAC authorizer would.
 */
class ClusterRoleTest {

    private static final String TEST_AGENT = "deploy-test";

    private final List<HasMetadata> objects = DeployFiles.controllerObjects();
    private final ClusterRole clusterRole = DeployFiles.find(objects, ClusterRole.class, "jingress");
    private final Role role = DeployFiles.find(objects, Role.class, "jingress-leader-election");
    private final String controllerNamespace =
            DeployFiles.find(objects, Deployment.class, "jingress").getMetadata().getNamespace();

    private KubernetesMockServer server;
    private KubernetesClient seed;
    /** ingress-myapp as last read by {@link #runController}, once its status was written. */
    private Ingress writtenIngress;

    @BeforeEach
    void startApiServer() {
        server = new KubernetesMockServer(new Context(), http1Only(), new HashMap<>(),
                new WithGatewayApi(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        seed = new KubernetesClientBuilder().withConfig(config(TEST_AGENT)).build();
    }

    @AfterEach
    void stopApiServer() {
        seed.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // fabric8's mock gives Vert.x a fixed 10 s to close, which it sometimes overruns after the
            // controller watched single objects outside --watch-namespace (cause not found); the
            // test's assertions have run by now, and the requests it checks were recorded
            if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                throw e;
            }
            System.err.println("ClusterRoleTest: " + e.getMessage() + " within 10 s; it closes in the background");
        }
    }

    /**
     * The CRUD mock, whose discovery also lists the Gateway API kinds (it answers discovery of any
     * group with no resources), so that the controller watches them as in a cluster with the CRDs.
     */
    private static final class WithGatewayApi extends KubernetesCrudDispatcher {
        @Override
        public MockResponse handleGet(String path) {
            if (path.equals("/apis/gateway.networking.k8s.io/v1")) {
                return new MockResponse().setResponseCode(200).setBody(discovery("v1",
                        "gatewayclasses", "gateways", "httproutes", "grpcroutes", "backendtlspolicies"));
            }
            if (path.equals("/apis/gateway.networking.k8s.io/v1beta1")) {
                return new MockResponse().setResponseCode(200).setBody(discovery("v1beta1", "referencegrants"));
            }
            return super.handleGet(path);
        }

        private static String discovery(String version, String... resources) {
            StringBuilder json = new StringBuilder("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\","
                    + "\"groupVersion\":\"gateway.networking.k8s.io/" + version + "\",\"resources\":[");
            for (int i = 0; i < resources.length; i++) {
                json.append(i == 0 ? "" : ",").append("{\"name\":\"").append(resources[i])
                        .append("\",\"kind\":\"X\",\"namespaced\":true,\"verbs\":[\"list\",\"watch\"]}");
            }
            return json.append("]}").toString();
        }
    }

    private Config config(String userAgent) {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl("http://127.0.0.1:" + server.getPort())
                .withNamespace(controllerNamespace)
                .withUserAgent(userAgent)
                .withRequestRetryBackoffLimit(0)
                .build();
    }

    @Test
    void theRolesGrantEveryRequestTheControllerMakes() throws Exception {
        seedTheWalkthrough();
        Options options = assertDeploymentOptions();
        // with --watch-namespace-selector (which selects every Namespace here), whose namespaces grant is for it alone
        Set<ApiRequest> made = runController(adapterOptions(options).watchNamespaceSelector("!excluded").build(), true);

        assertEquals(List.of(), denied(made), "requests the roles do not grant; the controller made " + made);
        assertEquals(List.of(), unused(made), "grants the controller never used; it made " + made);
        // The run covered what the controller does: watch, write status, write an Event, hold the Lease.
        for (String expected : List.of("watch networking.k8s.io/ingresses", "watch networking.k8s.io/ingressclasses",
                "watch services", "watch discovery.k8s.io/endpointslices", "watch secrets", "watch configmaps in default",
                "watch gateway.networking.k8s.io/gatewayclasses", "watch gateway.networking.k8s.io/gateways",
                "watch gateway.networking.k8s.io/httproutes", "watch gateway.networking.k8s.io/grpcroutes",
                "watch gateway.networking.k8s.io/referencegrants", "watch gateway.networking.k8s.io/backendtlspolicies",
                "create events in default", "create coordination.k8s.io/leases in " + controllerNamespace,
                "watch namespaces")) {
            assertTrue(made.stream().anyMatch(r -> r.toString().equals(expected)),
                    () -> "no \"" + expected + "\" among " + made);
        }
        assertTrue(made.stream().anyMatch(r -> r.resource().equals("ingresses/status")), () -> made.toString());
        assertTrue(made.stream().anyMatch(r -> r.resource().equals("gatewayclasses/status")), () -> made.toString());
        assertTrue(made.stream().anyMatch(r -> r.resource().equals("gateways/status")), () -> made.toString());
        assertTrue(made.stream().anyMatch(r -> r.resource().equals("httproutes/status")), () -> made.toString());
        assertTrue(made.stream().anyMatch(r -> r.resource().equals("grpcroutes/status")), () -> made.toString());
        assertTrue(made.stream().anyMatch(r -> r.resource().equals("backendtlspolicies/status")), () -> made.toString());
    }

    @Test
    void watchingOnlyTheAppsNamespaceTheControllerStillReadsThePublishServiceItIsGranted() throws Exception {
        // --watch-namespace=default: the published Service, in the controller's own namespace, is
        // outside the informers, so its address is read on its own
        seedTheWalkthrough();
        Options options = assertDeploymentOptions();
        Set<ApiRequest> made = runController(adapterOptions(options).watchNamespaces(Set.of("default")).build(), false);

        assertEquals(List.of(), denied(made), "requests the roles do not grant; the controller made " + made);
        assertEquals("10.104.151.10", writtenIngress.getStatus().getLoadBalancer().getIngress().get(0).getIp(),
                "the published Service's cluster IP in the Ingress's status");
    }

    @Test
    void theTcpServicesConfigMapIsReadWithTheVerbsGrantedWhateverNamespacesAreWatched() throws Exception {
        // --tcp-services-configmap in the controller's own namespace, outside --watch-namespace=default
        seedTheWalkthrough();
        Options options = assertDeploymentOptions();
        Set<ApiRequest> made = runController(adapterOptions(options).watchNamespaces(Set.of("default"))
                .configMap(null).tcpServicesConfigMap(controllerNamespace + "/tcp-services").build(), false);

        assertEquals(List.of(), denied(made), "requests the roles do not grant; the controller made " + made);
        assertTrue(made.stream().anyMatch(r -> r.toString().equals("watch configmaps in " + controllerNamespace)),
                () -> "the ConfigMap is not watched: " + made);
    }

    @Test
    void theDeploymentsControllerConfigMapIsReadWithTheVerbsGrantedWhateverNamespacesAreWatched() throws Exception {
        // --configmap=jingress/jingress-controller of the Deployment, outside --watch-namespace=default
        seedTheWalkthrough();
        Options options = assertDeploymentOptions();
        assertEquals(controllerNamespace + "/jingress-controller", options.configMap());
        Set<ApiRequest> made = runController(adapterOptions(options).watchNamespaces(Set.of("default")).build(), false);

        assertEquals(List.of(), denied(made), "requests the roles do not grant; the controller made " + made);
        assertTrue(made.stream().anyMatch(r -> r.toString().equals("watch configmaps in " + controllerNamespace)),
                () -> "the ConfigMap is not watched: " + made);
    }

    private static AdapterOptions.Builder adapterOptions(Options options) {
        return AdapterOptions.builder()
                .configMap(options.configMap())
                .ingressClass(options.ingressClass())
                .controllerClass(options.controllerClass())
                .publishService(options.publishService())
                .electionId(options.electionId());
    }

    /**
     * Runs the controller's API source until it leads and has written status (and, with
     * {@code everything}, an Event and a renewed Lease), and returns the requests it made.
     */
    private Set<ApiRequest> runController(AdapterOptions options, boolean everything) throws Exception {
        // a RouteUpdater, as the runtime's: its table gives the Gateway API verdicts the leader writes
        try (KubernetesSource source = KubernetesSource.builder(RouteUpdater.create(Router.create()))
                .config(config("jingress"))
                .options(options)
                .electionNamespace(controllerNamespace)
                .leaseTimings(Duration.ofMillis(1500), Duration.ofMillis(1000), Duration.ofMillis(200))
                .coalescing(Duration.ofMillis(10), Duration.ofMillis(100))
                .writeRetry(Duration.ofMillis(100))
                .build()
                .start()) {
            assertTrue(source.awaitServing(Duration.ofSeconds(20)), "the source never served");
            await("this replica leads", source::isLeader);
            // the Ingress's own status, read while the controller runs: statusWrites() counts the
            // GatewayClass's too, and closing while the Ingress's write was under way left the mock
            // API server answering nothing more
            await("the Ingress's status is written", () -> {
                Ingress ingress = seed.network().v1().ingresses().inNamespace("default").withName("ingress-myapp").get();
                boolean written = ingress != null && ingress.getStatus() != null && ingress.getStatus().getLoadBalancer() != null
                        && ingress.getStatus().getLoadBalancer().getIngress() != null
                        && !ingress.getStatus().getLoadBalancer().getIngress().isEmpty();
                if (written) {
                    writtenIngress = ingress;
                }
                return written;
            });
            await("the GatewayClass is accepted", () -> {
                var gatewayClass = seed.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass.class)
                        .withName("jingress").get();
                return gatewayClass.getStatus() != null && gatewayClass.getStatus().getConditions() != null
                        && !gatewayClass.getStatus().getConditions().isEmpty();
            });
            if (everything) {
                await("the Gateway's, the HTTPRoute's, the GRPCRoute's and the BackendTLSPolicy's status are written", () -> {
                    var gateway = seed.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway.class)
                            .inNamespace("default").withName("web").get();
                    var route = seed.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class)
                            .inNamespace("default").withName("kubia").get();
                    var grpc = seed.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute.class)
                            .inNamespace("default").withName("kubia-grpc").get();
                    var policy = seed.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy.class)
                            .inNamespace("default").withName("kubia-tls").get();
                    return gateway.getStatus() != null && gateway.getStatus().getListeners() != null
                            && policy.getStatus() != null && policy.getStatus().getAncestors() != null
                            && !policy.getStatus().getAncestors().isEmpty()
                            && route.getStatus() != null && route.getStatus().getParents() != null
                            && !route.getStatus().getParents().isEmpty()
                            && grpc.getStatus() != null && grpc.getStatus().getParents() != null
                            && !grpc.getStatus().getParents().isEmpty();
                });
                await("an Event names the rejected Ingress", () -> !seed.v1().events().inNamespace("default").list()
                        .getItems().isEmpty());
                await("the Lease is renewed", () -> {
                    var lease = seed.leases().inNamespace(controllerNamespace).withName(options.electionId()).get();
                    return lease != null && lease.getSpec().getRenewTime() != null
                            && lease.getSpec().getRenewTime().toInstant()
                                    .isAfter(lease.getSpec().getAcquireTime().toInstant());
                });
            }
        }
        Set<ApiRequest> made = new LinkedHashSet<>();
        RecordedRequest request;
        while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            if (!TEST_AGENT.equals(request.getHeader("User-Agent"))) {
                ApiRequest api = ApiRequest.of(request.getMethod(), request.getPath());
                if (api != null) {
                    made.add(api);
                }
            }
        }
        return made;
    }

    private List<ApiRequest> denied(Set<ApiRequest> made) {
        List<ApiRequest> denied = new ArrayList<>();
        for (ApiRequest api : made) {
            if (!allowed(api)) {
                denied.add(api);
            }
        }
        return denied;
    }

    private Options assertDeploymentOptions() throws Exception {
        Deployment deployment = DeployFiles.find(objects, Deployment.class, "jingress");
        List<String> args = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        Command command = CommandLine.parse(args.toArray(String[]::new));
        return ((Command.Run) command).options();
    }

    /** Each (group, resource, verb) the roles grant but no request used: "only the verbs it uses". */
    private List<String> unused(Set<ApiRequest> made) {
        List<String> unused = new ArrayList<>();
        for (List<PolicyRule> rules : List.of(clusterRole.getRules(), role.getRules())) {
            for (PolicyRule rule : rules) {
                for (String group : rule.getApiGroups()) {
                    for (String resource : rule.getResources()) {
                        for (String verb : rule.getVerbs()) {
                            if (made.stream().noneMatch(r -> r.group().equals(group) && r.resource().equals(resource)
                                    && r.verb().equals(verb))) {
                                unused.add(verb + " " + (group.isEmpty() ? "" : group + "/") + resource);
                            }
                        }
                    }
                }
            }
        }
        return unused;
    }

    private boolean allowed(ApiRequest api) {
        if (grants(clusterRole.getRules(), api)) {
            return true;
        }
        return controllerNamespace.equals(api.namespace()) && grants(role.getRules(), api);
    }

    private static boolean grants(List<PolicyRule> rules, ApiRequest api) {
        return rules.stream().anyMatch(rule -> rule.getApiGroups().contains(api.group())
                && rule.getResources().contains(api.resource()) && rule.getVerbs().contains(api.verb())
                && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()));
    }

    private void seedTheWalkthrough() {
        seed.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(controllerNamespace)
                .endMetadata().build()).create();
        seed.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build()).create();
        seed.resource(DeployFiles.find(objects, IngressClass.class, "jingress")).create();
        seed.resource(new io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder().withNewMetadata()
                .withName("jingress").endMetadata().withNewSpec().withControllerName("jingress.io/gateway-controller")
                .endSpec().build()).create();
        seed.resource(new io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder().withNewMetadata()
                .withName("web").withNamespace("default").endMetadata().withNewSpec().withGatewayClassName("jingress")
                .addNewListener().withName("http").withPort(80).withProtocol("HTTP").endListener()
                .endSpec().build()).create();
        seed.resource(new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder().withNewMetadata()
                .withName("kubia").withNamespace("default").endMetadata().withNewSpec()
                .addNewParentRef().withName("web").endParentRef().withHostnames("gw.kubia.com")
                .addNewRule().addNewBackendRef().withName("kubia").withPort(80).endBackendRef().endRule()
                .endSpec().build()).create();
        seed.resource(new io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteBuilder().withNewMetadata()
                .withName("kubia-grpc").withNamespace("default").endMetadata().withNewSpec()
                .addNewParentRef().withName("web").endParentRef().withHostnames("grpc.kubia.com")
                .addNewRule().addNewBackendRef().withName("kubia").withPort(80).endBackendRef().endRule()
                .endSpec().build()).create();
        seed.resource(new io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyBuilder().withNewMetadata()
                .withName("kubia-tls").withNamespace("default").endMetadata().withNewSpec()
                .addNewTargetRef().withGroup("").withKind("Service").withName("kubia").endTargetRef()
                .withNewValidation().withWellKnownCACertificates("System").withHostname("kubia.default.svc").endValidation()
                .endSpec().build()).create();
        seed.services().inNamespace(controllerNamespace).resource(new ServiceBuilder()
                .withNewMetadata().withName("jingress").withNamespace(controllerNamespace).endMetadata()
                .withNewSpec().withType("NodePort").withClusterIP("10.104.151.10")
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString(8080)).endPort()
                .endSpec().build()).create();
        seed.services().inNamespace("default").resource(new ServiceBuilder()
                .withNewMetadata().withName("kubia").withNamespace("default").endMetadata()
                .withNewSpec().withClusterIP("10.107.59.127")
                .addNewPort().withPort(80).withTargetPort(new IntOrString(8080)).endPort()
                .endSpec().build()).create();
        seed.discovery().v1().endpointSlices().inNamespace("default").resource(new EndpointSliceBuilder()
                .withNewMetadata().withName("kubia-abcde").withNamespace("default")
                .addToLabels("kubernetes.io/service-name", "kubia").endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withPort(8080).endPort()
                .addNewEndpoint().withAddresses("10.244.1.32").withNewConditions().withReady(true).endConditions()
                .endEndpoint()
                .build()).create();
        // custom-headers: the ConfigMap it names is listed and watched
        seed.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("myapp-headers")
                .withNamespace("default").endMetadata().addToData("X-Frame-Options", "DENY").build()).create();
        seed.network().v1().ingresses().inNamespace("default").resource(new IngressBuilder(ingress("ingress-myapp", "/"))
                .editMetadata().addToAnnotations("nginx.ingress.kubernetes.io/custom-headers", "myapp-headers").endMetadata()
                .build()).create();
        seed.network().v1().ingresses().inNamespace("default").resource(ingress("ingress-broken", "no-slash"))
                .create();
    }

    private static Ingress ingress(String name, String path) {
        return new IngressBuilder()
                .withNewMetadata().withName(name).withNamespace("default")
                .withCreationTimestamp(Instant.parse("2019-10-07T00:00:00Z").toString()).endMetadata()
                .withNewSpec().withIngressClassName("jingress")
                .addNewRule().withHost("myapp.kubia.com").withNewHttp()
                .addNewPath().withPath(path).withPathType("Prefix").withNewBackend().withNewService()
                .withName("kubia").withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
                .endHttp().endRule()
                .endSpec().build();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    // The JDK client offers h2c on plain HTTP; fabric8's mock accepts it by default, and its HTTP/2
    // over cleartext is unreliable (its own Javadoc says so): requests that hang, a close that
    // times out. A real API server speaks HTTP/2 only over TLS.
    private static MockWebServer http1Only() {
        MockWebServer server = new MockWebServer();
        server.setHttp2ClearTextEnabled(false);
        return server;
    }
}
