package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1, which can be stopped and started again on
 * the same port with the same stored objects (the objects live in the dispatcher, which outlives
 * the server).
 */
public final class MockApiServer implements AutoCloseable {

    private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
    private final List<KubernetesClient> clients = new ArrayList<>();
    private KubernetesMockServer server;
    private int port;

    private MockApiServer() {
    }

    public static MockApiServer start() {
        MockApiServer api = new MockApiServer();
        api.startOn(0);
        return api;
    }

    private void startOn(int wantedPort) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), wantedPort);
        port = server.getPort();
    }

    /** Stops serving; stored objects are kept. */
    public void stop() {
        server.destroy();
    }

    /** Serves again on the same port, with the objects stored before {@link #stop()}. */
    public void restart() {
        startOn(port);
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
        server.destroy();
    }
}
