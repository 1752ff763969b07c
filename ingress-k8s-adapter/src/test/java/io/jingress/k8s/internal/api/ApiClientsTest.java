package io.jingress.k8s.internal.api;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiClientsTest {

    /** A loopback port nothing listens on. */
    private static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** What fabric8's auto-configuration makes of {@code HTTP_PROXY}, {@code HTTPS_PROXY} and {@code NO_PROXY}. */
    private static Config withProxiesFromEnvironment(Config config, int proxyPort) {
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
        Config fromEnvironment = withProxiesFromEnvironment(Config.empty(), 3128);

        Config cleared = ApiClients.proxyPolicy(fromEnvironment, false);
        assertNull(cleared.getHttpProxy());
        assertNull(cleared.getHttpsProxy());
        assertNull(cleared.getProxyUsername());
        assertNull(cleared.getProxyPassword());
        assertTrue(cleared.getNoProxy() == null || cleared.getNoProxy().length == 0);
        assertEquals("http://127.0.0.1:3128", fromEnvironment.getHttpsProxy(), "the input is left as it was");

        assertSame(fromEnvironment, ApiClients.proxyPolicy(fromEnvironment, true));
    }

    @Test
    void theClientReachesTheApiServerDirectlyThoughTheEnvironmentNamesADeadProxy() throws Exception {
        try (MockApiServer api = MockApiServer.start()) {
            api.client().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
                    .create();
            Config fromEnvironment = withProxiesFromEnvironment(api.config(), deadPort());

            try (KubernetesClient direct = ApiClients.client(ApiClients.proxyPolicy(fromEnvironment, false))) {
                assertEquals("shop", direct.namespaces().withName("shop").get().getMetadata().getName());
            }
            try (KubernetesClient proxied = ApiClients.client(ApiClients.proxyPolicy(fromEnvironment, true))) {
                assertThrows(KubernetesClientException.class, () -> proxied.namespaces().withName("shop").get(),
                        "with useEnvProxy the client goes through the (dead) proxy");
            }
        }
    }

    @Test
    void aKubeconfigContextIsChosenAndItsProxyIsDropped(@TempDir Path dir) throws Exception {
        Path kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, """
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

        Config current = ApiClients.fromKubeconfig(kubeconfig, null, false);
        assertTrue(current.getMasterUrl().startsWith("https://one.example.net:6443"), current.getMasterUrl());
        assertEquals("shop", current.getNamespace());

        Config two = ApiClients.fromKubeconfig(kubeconfig, "two", false);
        assertTrue(two.getMasterUrl().startsWith("https://two.example.net:6443"), two.getMasterUrl());
        assertEquals("blog", two.getNamespace());
        assertNull(two.getHttpsProxy());
        assertNull(two.getHttpProxy());
        assertEquals("http://proxy.example.net:3128", ApiClients.fromKubeconfig(kubeconfig, "two", true).getHttpProxy(),
                "kept when asked for");
    }

    @Test
    void anUnknownContextIsAClearError(@TempDir Path dir) throws Exception {
        Path kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                current-context: one
                clusters:
                - name: one
                  cluster: {server: https://one.example.net:6443}
                users:
                - name: me
                  user: {token: abc}
                contexts:
                - name: one
                  context: {cluster: one, user: me}
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ApiClients.fromKubeconfig(kubeconfig, "nope", false));
        assertEquals("--context nope: no such context in " + kubeconfig + " (it has: one)", e.getMessage());
    }

    @Test
    void aMissingKubeconfigIsAClearError(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ApiClients.fromKubeconfig(dir.resolve("nope"), null, false));
        assertTrue(e.getMessage().contains("--kubeconfig") && e.getMessage().contains("nope"), e.getMessage());
    }
}
