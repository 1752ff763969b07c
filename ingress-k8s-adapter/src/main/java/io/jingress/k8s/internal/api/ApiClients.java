package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Builds the client to the API server from a kubeconfig or the in-cluster service account.
 *
 * <p>Proxy settings are cleared unless asked for: fabric8's auto-configuration copies
 * {@code HTTP_PROXY}/{@code HTTPS_PROXY} from the environment, and proxies meant for the outside
 * world are a classic cause of controllers that cannot reach their own API server. fabric8's JDK
 * HTTP client uses {@code NO_PROXY} when the configuration names no proxy, so the JVM's
 * {@code http.proxyHost}/{@code https.proxyHost} do not apply either.
 */
public final class ApiClients {

    /** Where Kubernetes mounts the service account of a Pod. */
    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private ApiClients() {
    }

    /**
     * The configuration from a kubeconfig file.
     *
     * @param kubeconfig the file
     * @param context the context to use, or {@code null} for the file's current context
     * @param useEnvProxy whether to keep proxy settings taken from the environment or the file
     */
    public static Config fromKubeconfig(Path kubeconfig, String context, boolean useEnvProxy) {
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        if (!Files.isReadable(kubeconfig)) {
            throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": no such readable file");
        }
        File file = kubeconfig.toFile();
        Config config = Config.fromKubeconfig(context, file);
        if (context != null && (config.getCurrentContext() == null
                || !context.equals(config.getCurrentContext().getName()))) {
            String known = config.getContexts() == null ? ""
                    : config.getContexts().stream().map(NamedContext::getName).sorted().collect(Collectors.joining(", "));
            throw new IllegalArgumentException(
                    "--context " + context + ": no such context in " + kubeconfig + " (it has: " + known + ")");
        }
        return proxyPolicy(config, useEnvProxy);
    }

    /**
     * The configuration from the service account of the Pod this runs in
     * ({@code KUBERNETES_SERVICE_HOST}, the mounted token, CA and namespace).
     *
     * @param useEnvProxy whether to keep proxy settings taken from the environment
     */
    public static Config inCluster(boolean useEnvProxy) {
        String host = System.getenv("KUBERNETES_SERVICE_HOST");
        if (host == null || host.isBlank() || !Files.isReadable(SERVICE_ACCOUNT_TOKEN)) {
            throw new IllegalStateException("--in-cluster: not running in a Pod (KUBERNETES_SERVICE_HOST is unset or "
                    + SERVICE_ACCOUNT_TOKEN + " is not readable)");
        }
        return proxyPolicy(Config.autoConfigure(null), useEnvProxy);
    }

    /**
     * Applies the proxy policy to a configuration: without {@code useEnvProxy}, a copy with every
     * proxy setting cleared; with it, the configuration unchanged.
     */
    public static Config proxyPolicy(Config config, boolean useEnvProxy) {
        Objects.requireNonNull(config, "config");
        if (useEnvProxy) {
            return config;
        }
        return new ConfigBuilder(config)
                .withHttpProxy(null)
                .withHttpsProxy(null)
                .withProxyUsername(null)
                .withProxyPassword(null)
                .withNoProxy(new String[0])
                .build();
    }

    /** A client for the configuration, on fabric8's JDK HTTP client. */
    public static KubernetesClient client(Config config) {
        Objects.requireNonNull(config, "config");
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
