package io.jingress.examples.internal.cli;

import io.jingress.k8s.AdapterOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A parsed, checked command line: what {@link CommandLine#parse(String...)} returns inside a
 * {@link Command.Run}. Ports are {@code 0} for "any free port" and {@link #OFF} for a listener that
 * is switched off; every other value has its default filled in.
 */
public final class Options {

    /** A listener that is switched off. */
    public static final int OFF = -1;
    /** {@link #httpsRedirectPort()}: the HTTPS listener's port. */
    public static final int SAME_PORT = 0;

    public static final int DEMO_HTTP_PORT = 30880;
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_HTTPS_PORT = 8443;
    public static final int DEFAULT_ADMIN_PORT = 10254;
    /** ingress-nginx's {@code hsts-max-age}, in seconds: a year. */
    public static final long DEFAULT_HSTS_MAX_AGE = 31_536_000;
    public static final String DEFAULT_ADMIN_ADDRESS = "127.0.0.1";
    public static final String DEFAULT_INGRESS_CLASS = AdapterOptions.DEFAULT_INGRESS_CLASS;
    public static final String DEFAULT_CONTROLLER_CLASS = AdapterOptions.DEFAULT_CONTROLLER_CLASS;
    public static final String DEFAULT_ELECTION_ID = AdapterOptions.DEFAULT_ELECTION_ID;
    public static final String DEFAULT_GATEWAY_CONTROLLER = io.jingress.core.model.GatewayClass.JINGRESS_CONTROLLER;

    private final Mode mode;
    private final Path manifests;
    private final Path kubeconfig;
    private final boolean inCluster;
    private final String context;
    private final int httpPort;
    private final int httpsPort;
    private final int httpsRedirectPort;
    private final long hstsMaxAge;
    private final long proxyBodySize;
    private final int adminPort;
    private final String adminAddress;
    private final String ingressClass;
    private final String controllerClass;
    private final String gatewayController;
    private final boolean watchIngressWithoutClass;
    private final List<String> watchNamespaces;
    private final List<String> publishStatusAddresses;
    private final String publishService;
    private final String defaultSslCertificate;
    private final String electionId;
    private final boolean useEnvProxy;
    private final boolean accessLog;
    private final boolean proxyProtocol;
    private final boolean sslPassthrough;
    private final List<String> trustedProxies;
    private final List<String> allowedResponseHeaders;
    private final String tcpServicesConfigMap;
    private final String configMap;
    private final String defaultBackendService;
    private final String watchNamespaceSelector;
    private final List<String> warnings;

    /** The draft's values, with the defaults of {@code mode} for what the flags left unset. */
    Options(Draft draft, Mode mode, List<String> warnings) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.warnings = List.copyOf(warnings);
        this.manifests = draft.manifests;
        this.kubeconfig = draft.kubeconfig;
        this.inCluster = draft.inCluster;
        this.context = draft.context;
        this.httpPort = draft.httpPort != null ? draft.httpPort
                : mode == Mode.DEMO ? DEMO_HTTP_PORT : DEFAULT_HTTP_PORT;
        this.httpsPort = draft.httpsPort != null ? draft.httpsPort : mode == Mode.DEMO ? OFF : DEFAULT_HTTPS_PORT;
        this.httpsRedirectPort = draft.httpsRedirectPort != null ? draft.httpsRedirectPort : SAME_PORT;
        this.hstsMaxAge = draft.hstsMaxAge != null ? draft.hstsMaxAge : DEFAULT_HSTS_MAX_AGE;
        this.proxyBodySize = draft.proxyBodySize != null ? draft.proxyBodySize : 0;
        this.adminPort = draft.adminPort != null ? draft.adminPort : DEFAULT_ADMIN_PORT;
        this.adminAddress = draft.adminAddress != null ? draft.adminAddress : DEFAULT_ADMIN_ADDRESS;
        this.ingressClass = draft.ingressClass != null ? draft.ingressClass : DEFAULT_INGRESS_CLASS;
        this.controllerClass = draft.controllerClass != null ? draft.controllerClass : DEFAULT_CONTROLLER_CLASS;
        this.gatewayController = draft.gatewayController != null ? draft.gatewayController : DEFAULT_GATEWAY_CONTROLLER;
        this.watchIngressWithoutClass = draft.watchIngressWithoutClass;
        this.watchNamespaces = List.copyOf(draft.watchNamespaces);
        this.publishStatusAddresses = List.copyOf(draft.publishStatusAddresses);
        this.publishService = draft.publishService;
        this.defaultSslCertificate = draft.defaultSslCertificate;
        this.electionId = draft.electionId != null ? draft.electionId : DEFAULT_ELECTION_ID;
        this.useEnvProxy = draft.useEnvProxy;
        this.accessLog = draft.accessLog;
        this.proxyProtocol = draft.proxyProtocol;
        this.sslPassthrough = draft.sslPassthrough;
        this.trustedProxies = List.copyOf(draft.trustedProxies);
        this.allowedResponseHeaders = List.copyOf(draft.allowedResponseHeaders);
        this.tcpServicesConfigMap = draft.tcpServicesConfigMap;
        this.configMap = draft.configMap;
        this.defaultBackendService = draft.defaultBackendService;
        this.watchNamespaceSelector = draft.watchNamespaceSelector;
    }

    /** Where routes come from. */
    public Mode mode() {
        return mode;
    }

    /** The file or directory of {@code --manifests}, or {@code null}. */
    public Path manifests() {
        return manifests;
    }

    /** The file of {@code --kubeconfig}, or {@code null}. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public boolean inCluster() {
        return inCluster;
    }

    /** The kubeconfig context, or {@code null} for the file's current one. */
    public String context() {
        return context;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The HTTPS port, or {@link #OFF}. */
    public int httpsPort() {
        return httpsPort;
    }

    /**
     * The port the 308 of plain-HTTP requests to TLS hosts names: {@link #SAME_PORT} for the HTTPS
     * listener's own (no redirect without one), {@link #OFF} for no redirect, else the port.
     */
    public int httpsRedirectPort() {
        return httpsRedirectPort;
    }

    /** The {@code Strict-Transport-Security} max-age of HTTPS answers in seconds, or {@link #OFF} for none. */
    public long hstsMaxAge() {
        return hstsMaxAge;
    }

    /** The largest request body of a route whose Ingress sets no {@code proxy-body-size}, in bytes; 0: no limit. */
    public long proxyBodySize() {
        return proxyBodySize;
    }

    /** The admin port, or {@link #OFF}. */
    public int adminPort() {
        return adminPort;
    }

    public String adminAddress() {
        return adminAddress;
    }

    public String ingressClass() {
        return ingressClass;
    }

    public String controllerClass() {
        return controllerClass;
    }

    /** The {@code spec.controllerName} of the GatewayClasses whose Gateways, HTTPRoutes and GRPCRoutes are served. */
    public String gatewayController() {
        return gatewayController;
    }

    public boolean watchIngressWithoutClass() {
        return watchIngressWithoutClass;
    }

    /** The namespaces to watch; empty means all. */
    public List<String> watchNamespaces() {
        return watchNamespaces;
    }

    /** Addresses for Ingress status; empty when not given. */
    public List<String> publishStatusAddresses() {
        return publishStatusAddresses;
    }

    /** {@code namespace/name} of the TLS Secret of the default certificate, or {@code null}: a self-signed one. */
    public String defaultSslCertificate() {
        return defaultSslCertificate;
    }

    /** {@code namespace/name} of the Service whose addresses go to Ingress status, or {@code null}. */
    public String publishService() {
        return publishService;
    }

    /** {@code --tcp-services-configmap}: {@code namespace/name} of the TCP services ConfigMap, or {@code null}. */
    public String tcpServicesConfigMap() {
        return tcpServicesConfigMap;
    }

    /** {@code --configmap}: {@code namespace/name} of the controller's ConfigMap, or {@code null}. */
    public String configMap() {
        return configMap;
    }

    /** {@code --watch-namespace-selector}: the label selector of the Namespaces served, or {@code null}. */
    public String watchNamespaceSelector() {
        return watchNamespaceSelector;
    }

    /** {@code --default-backend-service}: {@code namespace/name} of the default backend Service, or {@code null}. */
    public String defaultBackendService() {
        return defaultBackendService;
    }

    public String electionId() {
        return electionId;
    }

    /** Whether the API server is reached through the environment's HTTP proxy. */
    public boolean useEnvProxy() {
        return useEnvProxy;
    }

    public boolean accessLog() {
        return accessLog;
    }

    public boolean proxyProtocol() {
        return proxyProtocol;
    }

    /** Whether {@code --enable-ssl-passthrough} was given: the {@code ssl-passthrough} annotation is honoured. */
    public boolean sslPassthrough() {
        return sslPassthrough;
    }

    /** The ranges of {@code --trusted-proxies}, as given; empty: none. */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    /** The header names of {@code --allowed-response-headers}, as given; empty: none. */
    public List<String> allowedResponseHeaders() {
        return allowedResponseHeaders;
    }

    /** What the flags allow but a user most likely did not mean, one line each, to log at start; empty: none. */
    public List<String> warnings() {
        return warnings;
    }
}
