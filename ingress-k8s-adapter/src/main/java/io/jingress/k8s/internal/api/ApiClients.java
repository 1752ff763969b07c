package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Utils;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
     * @param useEnvProxy whether to use the file's {@code proxy-url} and the proxy settings of the
     *     environment ({@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY}, ...), or none
     */
    public static Config fromKubeconfig(Path kubeconfig, String context, boolean useEnvProxy) {
        return fromKubeconfig(kubeconfig, context, useEnvProxy, System.getenv());
    }

    /** {@link #fromKubeconfig(Path, String, boolean)} with the environment variables given. */
    static Config fromKubeconfig(Path kubeconfig, String context, boolean useEnvProxy, Map<String, String> env) {
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        Objects.requireNonNull(env, "env");
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
        if (useEnvProxy) {
            applyEnvironmentProxy(config, env);
        }
        return proxyPolicy(config, useEnvProxy);
    }

    /**
     * Does to a configuration read from a kubeconfig what fabric8's auto-configuration
     * ({@code Config.configFromSysPropsOrEnvVars}, run by {@code Config.autoConfigure} and so by
     * {@link #inCluster}) does to its proxy settings: {@code Config.fromKubeconfig} starts from
     * {@code Config.empty()} and never runs it. Like fabric8 8.0.0, a proxy the kubeconfig's
     * {@code proxy-url} set is kept (it only fills the HTTP or the HTTPS proxy, and the other is
     * still taken from the environment), {@code ALL_PROXY} stands in for a missing
     * {@code HTTP_PROXY}/{@code HTTPS_PROXY}, and {@code NO_PROXY} replaces the list. The
     * configuration is set in place, as fabric8 does: it was just read and nothing else holds it.
     */
    private static void applyEnvironmentProxy(Config config, Map<String, String> env) {
        if (Utils.isNullOrEmpty(config.getHttpProxy())) {
            String all = setting(Config.KUBERNETES_ALL_PROXY, env, config.getHttpProxy());
            config.setHttpProxy(setting(Config.KUBERNETES_HTTP_PROXY, env, all));
        }
        if (Utils.isNullOrEmpty(config.getHttpsProxy())) {
            String all = setting(Config.KUBERNETES_ALL_PROXY, env, config.getHttpsProxy());
            config.setHttpsProxy(setting(Config.KUBERNETES_HTTPS_PROXY, env, all));
        }
        config.setProxyUsername(setting(Config.KUBERNETES_PROXY_USERNAME, env, config.getProxyUsername()));
        config.setProxyPassword(setting(Config.KUBERNETES_PROXY_PASSWORD, env, config.getProxyPassword()));
        String noProxy = setting(Config.KUBERNETES_NO_PROXY, env, null);
        if (noProxy != null) {
            config.setNoProxy(noProxy.split(","));
        }
    }

    /**
     * fabric8's {@code Utils.getSystemPropertyOrEnvVar} with the environment given: the system
     * property (say {@code https.proxy}), else the variable of its upper-cased name with dots as
     * underscores ({@code HTTPS_PROXY}; the lower-case {@code https_proxy} of curl is not read),
     * else the fallback; an empty value counts as unset.
     */
    private static String setting(String property, Map<String, String> env, String fallback) {
        String fromProperty = System.getProperty(property);
        if (Utils.isNotNullOrEmpty(fromProperty)) {
            return fromProperty;
        }
        String fromEnv = env.get(Utils.convertSystemPropertyNameToEnvVar(property));
        return Utils.isNotNullOrEmpty(fromEnv) ? fromEnv : fallback;
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
