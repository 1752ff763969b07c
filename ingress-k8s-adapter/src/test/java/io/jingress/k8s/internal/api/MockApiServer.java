package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1, which can be stopped and started again on
 * the same port with the same stored objects (the objects live in the dispatcher, which outlives
 * the server).
 */
public final class MockApiServer implements AutoCloseable {

    // the mock logs every request at INFO through java.util.logging; a burst of a thousand drowns the test's own output
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(Level.WARNING);
    }

    private final GoneDispatcher dispatcher;

    /**
     * The CRUD dispatcher, able to answer the next watch of a path the way a real API server
     * answers a watch from a resourceVersion it no longer has: the watch opens, then carries one
     * {@code ERROR} event with a {@code 410 Expired} Status, and closes.
     */
    private static final class GoneDispatcher extends KubernetesCrudDispatcher {
        private static final String EXPIRED = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\","
                + "\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Expired\",\"code\":410,"
                + "\"message\":\"too old resource version\"}}";

        private final Map<String, AtomicInteger> goneWatches = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> failingLists = new ConcurrentHashMap<>();
        private final AtomicInteger failedLists = new AtomicInteger();
        private volatile boolean gatewayApi;  // whether the Gateway API CRDs are "installed"
        private volatile boolean gatewayForbidden;  // whether lists and watches of them are refused (403)
        private volatile boolean grpcRoutesForbidden;  // whether those of GRPCRoutes alone are refused (403)
        private volatile boolean tlsPoliciesForbidden;  // whether those of BackendTLSPolicies alone are refused (403)
        private final AtomicInteger gatewayRequests = new AtomicInteger();

        // The mock filters by a field only when the objects it keeps have that attribute, and a Secret's
        // type is not one: "type=Opaque" would find nothing ("type=kubernetes.io/tls" it ignores, as
        // its value has a '/'). A real API server filters Secrets by type; here every Secret is
        // answered, and ClusterInformers' accessors filter by type as they do for such servers.
        private static final java.util.regex.Pattern SECRET_TYPE = java.util.regex.Pattern.compile("fieldSelector=type(%3D|=)[^&]*&?");

        private static String withoutSecretType(String path) {
            return path.contains("/secrets") ? SECRET_TYPE.matcher(path).replaceAll("") : path;
        }

        private static final String GATEWAY_GROUP = "/apis/gateway.networking.k8s.io";
        private static final MockResponse NOT_FOUND = new MockResponse().setResponseCode(404).setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\","
                + "\"code\":404,\"message\":\"the server could not find the requested resource\"}");

        // A real API server answers discovery of an installed group with its resources, and 404 for
        // the group's paths when its CRDs are not installed (the CRUD mock would serve any kind).
        private static String discovery(String version, String... resources) {
            StringBuilder json = new StringBuilder("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\","
                    + "\"groupVersion\":\"gateway.networking.k8s.io/" + version + "\",\"resources\":[");
            for (int i = 0; i < resources.length; i++) {
                String[] nameKind = resources[i].split(":");
                json.append(i == 0 ? "" : ",").append("{\"name\":\"").append(nameKind[0]).append("\",\"kind\":\"")
                        .append(nameKind[1]).append("\",\"namespaced\":").append(!nameKind[0].equals("gatewayclasses"))
                        .append(",\"verbs\":[\"get\",\"list\",\"watch\"]}");
            }
            return json.append("]}").toString();
        }

        private MockResponse gatewayGroup(String path) {
            if (!path.startsWith(GATEWAY_GROUP)) {
                return null;
            }
            gatewayRequests.incrementAndGet();
            if (!gatewayApi) {
                return NOT_FOUND;
            }
            String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            if (bare.equals(GATEWAY_GROUP + "/v1")) {
                return new MockResponse().setResponseCode(200).setBody(discovery("v1", "gatewayclasses:GatewayClass",
                        "gateways:Gateway", "httproutes:HTTPRoute", "grpcroutes:GRPCRoute", "backendtlspolicies:BackendTLSPolicy"));
            }
            if (bare.equals(GATEWAY_GROUP + "/v1beta1")) {
                return new MockResponse().setResponseCode(200).setBody(discovery("v1beta1", "gatewayclasses:GatewayClass",
                        "gateways:Gateway", "httproutes:HTTPRoute", "referencegrants:ReferenceGrant"));
            }
            if (gatewayForbidden || grpcRoutesForbidden && bare.contains("/grpcroutes")
                    || tlsPoliciesForbidden && bare.contains("/backendtlspolicies")) {
                return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                        + "\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,\"message\":\"forbidden\"}");
            }
            return null;
        }

        @Override
        public MockResponse handleGet(String path) {
            path = withoutSecretType(path);
            MockResponse gateway = gatewayGroup(path);
            if (gateway != null) {
                return gateway;
            }
            for (Map.Entry<String, AtomicInteger> e : failingLists.entrySet()) {
                if (path.contains(e.getKey()) && e.getValue().get() != 0) {
                    failedLists.incrementAndGet();
                    return new MockResponse().setResponseCode(500).setBody("{\"kind\":\"Status\","
                            + "\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":500,"
                            + "\"message\":\"etcd is having a bad day\"}");
                }
            }
            return super.handleGet(path);
        }

        @Override
        public MockResponse handleWatch(String path) {
            path = withoutSecretType(path);
            MockResponse gateway = gatewayGroup(path);
            if (gateway != null) {
                return gateway;
            }
            for (Map.Entry<String, AtomicInteger> e : goneWatches.entrySet()) {
                if (path.contains(e.getKey()) && e.getValue().getAndDecrement() > 0) {
                    return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                        @Override
                        public void onOpen(WebSocket webSocket, Response response) {
                            webSocket.send(EXPIRED);
                            webSocket.close(1000, "expired");
                        }
                    });
                }
            }
            return super.handleWatch(path);
        }
    }

    private final List<KubernetesClient> clients = new ArrayList<>();
    private KubernetesMockServer server;
    private int port;

    private MockApiServer() {
        this(new GoneDispatcher());
    }

    private MockApiServer(GoneDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    public static MockApiServer start() {
        MockApiServer api = new MockApiServer();
        api.startOn(0);
        return api;
    }

    private void startOn(int wantedPort) {
        server = new KubernetesMockServer(new Context(), http1Only(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), wantedPort);
        port = server.getPort();
    }

    /**
     * Answers the next watch request whose path contains {@code pathPart} with a {@code 410}
     * (Expired) watch event, as a real API server does when the resourceVersion is too old.
     */
    public void answerNextWatchWithGone(String pathPart) {
        dispatcher.goneWatches.put(pathPart, new AtomicInteger(1));
    }

    /**
     * Whether the Gateway API CRDs are installed: discovery then lists the group's kinds, else
     * every request to {@code /apis/gateway.networking.k8s.io} is answered 404 (the default).
     */
    public void gatewayApi(boolean installed) {
        dispatcher.gatewayApi = installed;
    }

    /** Whether lists and watches of the Gateway API kinds are refused with 403, as without RBAC grants. */
    public void forbidGatewayApi(boolean forbidden) {
        dispatcher.gatewayForbidden = forbidden;
    }

    /** Refuses (403) lists and watches of GRPCRoutes alone, as a ClusterRole from before they were read does. */
    public void forbidGrpcRoutes(boolean forbidden) {
        dispatcher.grpcRoutesForbidden = forbidden;
    }

    /** Refuses (403) lists and watches of BackendTLSPolicies alone, as a ClusterRole from before they were read does. */
    public void forbidBackendTlsPolicies(boolean forbidden) {
        dispatcher.tlsPoliciesForbidden = forbidden;
    }

    /** How many GET requests (discovery, lists, watches) went to {@code /apis/gateway.networking.k8s.io}. */
    public int gatewayRequests() {
        return dispatcher.gatewayRequests.get();
    }

    /** Answers every GET (list) whose path contains {@code pathPart} with 500 until {@link #healLists()}. */
    public void failLists(String pathPart) {
        dispatcher.failingLists.put(pathPart, new AtomicInteger(-1));
    }

    /** Ends {@link #failLists}. */
    public void healLists() {
        dispatcher.failingLists.clear();
    }

    /** How many lists were answered with 500. */
    public int failedLists() {
        return dispatcher.failedLists.get();
    }

    /** Whether every watch armed by {@link #answerNextWatchWithGone} has been answered so. */
    public boolean goneAnswered() {
        return dispatcher.goneWatches.values().stream().allMatch(n -> n.get() <= 0);
    }

    /** Stops serving; stored objects are kept. */
    public void stop() {
        server.destroy();
    }

    /** Serves again on the same port, with the objects stored before {@link #stop()}. */
    public void restart() {
        startOn(port);
    }

    /**
     * A second server on another port over the same objects: while this one is stopped, changes
     * made through it reach the store without any watch of this one seeing them.
     */
    public MockApiServer sibling() {
        MockApiServer sibling = new MockApiServer(dispatcher);
        sibling.startOn(0);
        return sibling;
    }

    public int port() {
        return port;
    }

    /**
     * A configuration for a client to this server, with quick watch reconnects so tests of
     * outages finish soon.
     */
    public Config config() {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl("http://127.0.0.1:" + port)
                .withNamespace("default")
                .withTrustCerts(true)
                .withWatchReconnectInterval(100)
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(2_000)
                .withRequestTimeout(5_000)
                .build();
    }

    /** A client for the test itself (seeding and reading objects); closed with the server. */
    public KubernetesClient client() {
        KubernetesClient client = ApiClients.client(config());
        clients.add(client);
        return client;
    }

    @Override
    public void close() {
        clients.forEach(KubernetesClient::close);
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // fabric8's mock gives Vert.x a fixed 10 s to close; on a loaded machine it sometimes takes
            // longer. The test's assertions have run by now: a slow teardown is no finding of its.
            if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                throw e;
            }
            System.err.println("MockApiServer: " + e.getMessage() + " within 10 s (a loaded machine); it closes in the"
                    + " background");
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
