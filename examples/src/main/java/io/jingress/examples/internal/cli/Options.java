package io.jingress.examples.internal.cli;

import io.jingress.k8s.AdapterOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A parsed, checked command line. Ports are {@code 0} for "any free port" and {@link #OFF} for a
 * listener that is switched off.
 *
 * @param mode where routes come from
 * @param manifests the file or directory of {@code --manifests}, or {@code null}
 * @param kubeconfig the file of {@code --kubeconfig}, or {@code null}
 * @param inCluster {@code --in-cluster}
 * @param context the kubeconfig context, or {@code null} for the current one
 * @param httpPort the plain-HTTP port
 * @param httpsPort the HTTPS port, or {@link #OFF}
 * @param adminPort the admin port, or {@link #OFF}
 * @param adminAddress the address the admin port binds to
 * @param ingressClass the IngressClass name we serve
 * @param controllerClass the {@code spec.controller} of our IngressClass
 * @param watchIngressWithoutClass serve Ingresses that name no class
 * @param watchNamespaces the namespaces to watch; empty means all
 * @param publishStatusAddresses addresses written to Ingress status; empty means not given
 * @param publishService {@code namespace/name} of the Service whose address goes to Ingress status, or {@code null}
 * @param electionId the name of the leader-election Lease
 * @param useEnvProxy reach the API server through the environment's HTTP proxy
 * @param accessLog log one line per request
 */
public record Options(
        Mode mode,
        Path manifests,
        Path kubeconfig,
        boolean inCluster,
        String context,
        int httpPort,
        int httpsPort,
        int adminPort,
        String adminAddress,
        String ingressClass,
        String controllerClass,
        boolean watchIngressWithoutClass,
        List<String> watchNamespaces,
        List<String> publishStatusAddresses,
        String publishService,
        String electionId,
        boolean useEnvProxy,
        boolean accessLog) {

    /** A listener that is switched off. */
    public static final int OFF = -1;

    public static final int DEMO_HTTP_PORT = 30880;
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_HTTPS_PORT = 8443;
    public static final int DEFAULT_ADMIN_PORT = 10254;
    public static final String DEFAULT_ADMIN_ADDRESS = "127.0.0.1";
    public static final String DEFAULT_INGRESS_CLASS = AdapterOptions.DEFAULT_INGRESS_CLASS;
    public static final String DEFAULT_CONTROLLER_CLASS = AdapterOptions.DEFAULT_CONTROLLER_CLASS;
    public static final String DEFAULT_ELECTION_ID = AdapterOptions.DEFAULT_ELECTION_ID;

    public Options {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(adminAddress, "adminAddress");
        Objects.requireNonNull(ingressClass, "ingressClass");
        Objects.requireNonNull(controllerClass, "controllerClass");
        Objects.requireNonNull(electionId, "electionId");
        watchNamespaces = List.copyOf(watchNamespaces);
        publishStatusAddresses = List.copyOf(publishStatusAddresses);
    }
}
