package io.jingress.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.jingress.examples.internal.demo.KubiaPod;
import io.jingress.examples.internal.demo.KubiaPods;
import io.jingress.examples.testing.Http;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster mode from a kubeconfig, against fabric8's mock API server in CRUD mode, with real pods behind it. */
class ClusterModeTest {

    @TempDir
    Path dir;

    private KubernetesMockServer api;
    private KubernetesClient kubectl;
    private KubiaPods pods;

    @BeforeEach
    void startClusterAndPods() throws Exception {
        api = new KubernetesMockServer(new Context(), http1Only(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        kubectl = api.createClient();
        pods = KubiaPods.start(KubiaPods.POD_ADDRESSES, 0, new Random(11));
    }

    @AfterEach
    void stop() {
        pods.close();
        kubectl.close();
        api.destroy();
    }

    private Path kubeconfig() throws Exception {
        return Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "http://127.0.0.1:PORT"}
                  - name: elsewhere
                    cluster: {server: "http://127.0.0.1:1"}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: tester, namespace: default}
                  - name: elsewhere
                    context: {cluster: elsewhere, user: tester, namespace: default}
                current-context: elsewhere
                users:
                  - name: tester
                    user: {token: not-checked}
                """.replace("PORT", Integer.toString(api.getPort())));
    }

    private void applyTheWalkthrough() {
        kubectl.services().inNamespace("default").resource(new ServiceBuilder()
                .withNewMetadata().withName("kubia").withNamespace("default").endMetadata()
                .withNewSpec().addNewPort().withPort(80).withTargetPort(new IntOrString(8080)).endPort().endSpec()
                .build()).create();
        EndpointSliceBuilder slice = new EndpointSliceBuilder()
                .withNewMetadata().withName("kubia-x1").withNamespace("default")
                .addToLabels("kubernetes.io/service-name", "kubia").endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withPort(pods.pods().get(0).port()).endPort();
        for (KubiaPod pod : pods.pods()) {
            slice.addNewEndpoint().withAddresses(pod.address()).withNewConditions().withReady(true).endConditions()
                    .withNewTargetRef().withKind("Pod").withName(pod.name()).endTargetRef().endEndpoint();
        }
        kubectl.discovery().v1().endpointSlices().inNamespace("default").resource(slice.build()).create();
        kubectl.network().v1().ingresses().inNamespace("default").resource(ingress("myapp.kubia.com")).create();
    }

    private static Ingress ingress(String host) {
        return new IngressBuilder()
                .withNewMetadata().withName("ingress-myapp").withNamespace("default").endMetadata()
                .withNewSpec().withIngressClassName("jingress")
                .addNewRule().withHost(host).withNewHttp()
                .addNewPath().withPath("/").withPathType("Prefix").withNewBackend().withNewService()
                .withName("kubia").withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
                .endHttp().endRule().endSpec().build();
    }

    @Test
    void anUnknownContextIsOneLineAndExit1() throws Exception {
        StartException e = assertThrows(StartException.class, () -> Main.start(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                "--kubeconfig", kubeconfig().toString(), "--context", "nope",
                "--http-port", "0", "--https-port", "off", "--admin-port", "off"));
        assertEquals(1, e.exitCode());
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("mock"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void theFirstLoadLineCountsTheIngressesLeftAloneForTheirClassAndNamesTheWatchedNamespaces() throws Exception {
        applyTheWalkthrough();
        kubectl.network().v1().ingresses().inNamespace("default").resource(new IngressBuilder(ingress("a.kubia.com"))
                .editMetadata().withName("classless").endMetadata()
                .editSpec().withIngressClassName(null).endSpec().build()).create();
        Process process = MainProcessTest.java("--kubeconfig", kubeconfig().toString(), "--context", "mock",
                "--http-port", "0", "--https-port", "off", "--admin-port", "off", "--watch-namespace", "default,shop");
        try {
            List<String> lines = new ArrayList<>();
            String served = MainProcessTest.readUntil(MainProcessTest.stdout(process),
                    l -> l.contains("serving routes of"), lines);
            assertTrue(served.endsWith("serving routes of 1 Ingress (0 rejected, 1 ignored for their class)"
                    + " in namespaces default, shop"), served);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void theAdminPortTellsWhetherTheWatchesAreOpenAndWhoLeads() throws Exception {
        applyTheWalkthrough();
        try (Jingress jingress = Main.start(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                "--kubeconfig", kubeconfig().toString(), "--context", "mock",
                "--http-port", "0", "--https-port", "off", "--admin-port", "0")) {
            await("the leader's metrics", () -> metrics(jingress).contains("jingress_kubernetes_leader 1\n"));
            String metrics = metrics(jingress);
            assertTrue(metrics.contains("jingress_kubernetes_synced 1\n"), metrics);
            assertTrue(metrics.contains("jingress_kubernetes_watching 1\n"), metrics);
            assertTrue(metrics.contains("jingress_kubernetes_builds_total 1\n"), metrics);
            assertTrue(metrics.contains("# TYPE jingress_kubernetes_change_latency_seconds gauge\n# HELP"),
                    "no change yet, no latency sample\n" + metrics);

            kubectl.network().v1().ingresses().inNamespace("default").withName("ingress-myapp")
                    .edit(i -> ingress("shop.kubia.com"));
            await("the change is counted", () -> metrics(jingress).contains("jingress_kubernetes_builds_total 2\n"));
            assertTrue(metrics(jingress).matches("(?s).*\njingress_kubernetes_change_latency_seconds [0-9.]+\n.*"),
                    metrics(jingress));

            api.destroy();
            await("the lost watches are told", () -> metrics(jingress).contains("jingress_kubernetes_watching 0\n"));
            assertEquals(200, Http.get(jingress.httpPort(), "shop.kubia.com", "/").status(), "the last table serves on");
        }
    }

    private static String metrics(Jingress jingress) throws Exception {
        return Http.get(jingress.adminPort(), "localhost", "/metrics").body();
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 30 s");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    @Test
    void theClustersIngressIsServedAndFollowedLive() throws Exception {
        applyTheWalkthrough();
        try (Jingress jingress = Main.start(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                "--kubeconfig", kubeconfig().toString(), "--context", "mock",
                "--http-port", "0", "--https-port", "off", "--admin-port", "off")) {
            Set<String> answers = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                Http.Response response = Http.get(jingress.httpPort(), "myapp.kubia.com", "/");
                assertEquals(200, response.status());
                answers.add(response.body());
            }
            assertEquals(3, answers.size(), answers::toString);
            assertEquals(404, Http.get(jingress.httpPort(), "shop.kubia.com", "/").status());

            kubectl.network().v1().ingresses().inNamespace("default").withName("ingress-myapp")
                    .edit(i -> ingress("shop.kubia.com"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (Http.get(jingress.httpPort(), "shop.kubia.com", "/").status() != 200) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the edited Ingress was not served");
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            assertEquals(404, Http.get(jingress.httpPort(), "myapp.kubia.com", "/").status());
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
