package io.jingress.k8s.internal.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiClientsTest {

    /** A loopback port nothing listens on. */
    private static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Proxy settings such as fabric8's auto-configuration copies from the environment into the
     * configuration of {@link ApiClients#inCluster} or one a caller builds.
     */
    private static Config withProxySettings(Config config, int proxyPort) {
        return new ConfigBuilder(config)
                .withHttpProxy("http://127.0.0.1:" + proxyPort)
                .withHttpsProxy("http://127.0.0.1:" + proxyPort)
                .withProxyUsername("user")
                .withProxyPassword("secret")
                .withNoProxy("example.org")
                .build();
    }

    @Test
    void proxySettingsAreClearedUnlessAskedFor() throws Exception {
        Config fromEnvironment = withProxySettings(Config.empty(), 3128);

        Config cleared = ApiClients.proxyPolicy(fromEnvironment, false);
        assertNull(cleared.getHttpProxy());
        assertNull(cleared.getHttpsProxy());
        assertNull(cleared.getProxyUsername());
        assertNull(cleared.getProxyPassword());
        assertTrue(cleared.getNoProxy() == null || cleared.getNoProxy().length == 0);
        assertEquals("http://127.0.0.1:3128", fromEnvironment.getHttpsProxy(), "the input is left as it was");

        assertSame(fromEnvironment, ApiClients.proxyPolicy(fromEnvironment, true));
    }

    /** A kubeconfig whose only cluster is the mock API server, without a proxy-url. */
    private static Path kubeconfigFor(MockApiServer api, Path dir) throws IOException {
        return Files.writeString(dir.resolve("mock-config"), """
                apiVersion: v1
                kind: Config
                current-context: mock
                clusters:
                - name: mock
                  cluster:
                    server: %s
                users:
                - name: me
                  user:
                    token: abc
                contexts:
                - name: mock
                  context: {cluster: mock, user: me, namespace: default}
                """.formatted(api.config().getMasterUrl()));
    }

    /** Fails at once where fabric8's defaults would retry a refused connection for minutes. */
    private static Config failingFast(Config config) {
        return new ConfigBuilder(config)
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(2_000)
                .withRequestTimeout(5_000)
                .build();
    }

    @Test
    void theClientReachesTheApiServerDirectlyThoughTheEnvironmentNamesADeadProxy(@TempDir Path dir) throws Exception {
        try (MockApiServer api = MockApiServer.start()) {
            api.client().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
                    .create();
            Path kubeconfig = kubeconfigFor(api, dir);
            String deadProxy = "http://127.0.0.1:" + deadPort();
            Map<String, String> env = Map.of("HTTP_PROXY", deadProxy, "HTTPS_PROXY", deadProxy);

            Config direct = failingFast(ApiClients.fromKubeconfig(kubeconfig, null, false, env));
            try (KubernetesClient client = ApiClients.client(direct)) {
                assertEquals("shop", client.namespaces().withName("shop").get().getMetadata().getName());
            }
            Config proxied = failingFast(ApiClients.fromKubeconfig(kubeconfig, null, true, env));
            try (KubernetesClient client = ApiClients.client(proxied)) {
                assertThrows(KubernetesClientException.class, () -> client.namespaces().withName("shop").get(),
                        "with useEnvProxy the client goes through the (dead) proxy");
            }
        }
    }

    /** Two clusters in two contexts; only the second cluster names a proxy. */
    private static Path kubeconfig(Path dir) throws IOException {
        return Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                kind: Config
                current-context: one
                clusters:
                - name: one
                  cluster:
                    server: https://one.example.net:6443
                - name: two
                  cluster:
                    server: https://two.example.net:6443
                    proxy-url: http://proxy.example.net:3128
                users:
                - name: me
                  user:
                    token: abc
                contexts:
                - name: one
                  context: {cluster: one, user: me, namespace: shop}
                - name: two
                  context: {cluster: two, user: me, namespace: blog}
                """);
    }

    @Test
    void aKubeconfigContextIsChosenAndItsProxyIsDropped(@TempDir Path dir) throws Exception {
        Path kubeconfig = kubeconfig(dir);

        Config current = ApiClients.fromKubeconfig(kubeconfig, null, false);
        assertTrue(current.getMasterUrl().startsWith("https://one.example.net:6443"), current.getMasterUrl());
        assertEquals("shop", current.getNamespace());

        Config two = ApiClients.fromKubeconfig(kubeconfig, "two", false);
        assertTrue(two.getMasterUrl().startsWith("https://two.example.net:6443"), two.getMasterUrl());
        assertEquals("blog", two.getNamespace());
        assertNull(two.getHttpsProxy());
        assertNull(two.getHttpProxy());
        assertEquals("http://proxy.example.net:3128",
                ApiClients.fromKubeconfig(kubeconfig, "two", true, Map.of()).getHttpProxy(), "kept when asked for");
    }

    @Test
    void aKubeconfigTakesTheEnvironmentsProxiesOnlyWithUseEnvProxy(@TempDir Path dir) throws Exception {
        Path kubeconfig = kubeconfig(dir);
        Map<String, String> env = Map.of(
                "HTTPS_PROXY", "http://secure.proxy.example.net:3129",
                "HTTP_PROXY", "http://plain.proxy.example.net:3128",
                "NO_PROXY", ".svc,10.0.0.0/8",
                "PROXY_USERNAME", "user",
                "PROXY_PASSWORD", "secret");

        Config proxied = ApiClients.fromKubeconfig(kubeconfig, null, true, env);
        assertEquals("http://secure.proxy.example.net:3129", proxied.getHttpsProxy());
        assertEquals("http://plain.proxy.example.net:3128", proxied.getHttpProxy());
        assertArrayEquals(new String[] {".svc", "10.0.0.0/8"}, proxied.getNoProxy());
        assertEquals("user", proxied.getProxyUsername());
        assertEquals("secret", proxied.getProxyPassword());

        Config direct = ApiClients.fromKubeconfig(kubeconfig, null, false, env);
        assertNull(direct.getHttpsProxy());
        assertNull(direct.getHttpProxy());
        assertTrue(direct.getNoProxy() == null || direct.getNoProxy().length == 0);
        assertNull(direct.getProxyUsername());
        assertNull(direct.getProxyPassword());
    }

    @Test
    void allProxyStandsInForAMissingHttpOrHttpsProxy(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of(
                "ALL_PROXY", "http://all.proxy.example.net:3128",
                "HTTPS_PROXY", "http://secure.proxy.example.net:3129");

        Config config = ApiClients.fromKubeconfig(kubeconfig(dir), null, true, env);
        assertEquals("http://all.proxy.example.net:3128", config.getHttpProxy());
        assertEquals("http://secure.proxy.example.net:3129", config.getHttpsProxy());
    }

    @Test
    void onlyUpperCaseProxyVariablesAreReadAsByFabric8sAutoConfiguration(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of(
                "HTTPS_PROXY", "http://upper.proxy.example.net:3129",
                "https_proxy", "http://lower.proxy.example.net:3129",
                "http_proxy", "http://lower.proxy.example.net:3128",
                "no_proxy", "lower.example.net");

        Config config = ApiClients.fromKubeconfig(kubeconfig(dir), null, true, env);
        assertEquals("http://upper.proxy.example.net:3129", config.getHttpsProxy());
        assertNull(config.getHttpProxy());
        assertTrue(config.getNoProxy() == null || config.getNoProxy().length == 0);
    }

    @Test
    void aKubeconfigsProxyUrlWinsOverTheEnvironmentForTheProxyItSets(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of(
                "HTTP_PROXY", "http://plain.proxy.example.org:3128",
                "HTTPS_PROXY", "http://secure.proxy.example.org:3129",
                "NO_PROXY", "internal.example.net");

        Config two = ApiClients.fromKubeconfig(kubeconfig(dir), "two", true, env);
        assertEquals("http://proxy.example.net:3128", two.getHttpProxy(), "from the kubeconfig's proxy-url");
        assertEquals("http://secure.proxy.example.org:3129", two.getHttpsProxy(),
                "an http:// proxy-url only sets fabric8's HTTP proxy, so HTTPS_PROXY still fills the other");
        assertArrayEquals(new String[] {"internal.example.net"}, two.getNoProxy());
    }

    @Test
    void anUnknownContextIsAClearError(@TempDir Path dir) throws Exception {
        Path kubeconfig = kubeconfig(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ApiClients.fromKubeconfig(kubeconfig, "nope", false));
        assertEquals("--context nope: no such context in " + kubeconfig + " (it has: one, two)", e.getMessage());
    }

    @Test
    void aMissingKubeconfigIsAClearError(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ApiClients.fromKubeconfig(dir.resolve("nope"), null, false));
        assertTrue(e.getMessage().contains("--kubeconfig") && e.getMessage().contains("nope"), e.getMessage());
    }
}
