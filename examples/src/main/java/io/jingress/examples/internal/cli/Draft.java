package io.jingress.examples.internal.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options as the flags set them, before the checks that look at several flags at once. */
final class Draft {
    Path manifests;
    Path kubeconfig;
    boolean inCluster;
    String context;
    Integer httpPort;
    Integer httpsPort;
    Integer httpsRedirectPort;
    Long hstsMaxAge;
    Long proxyBodySize;
    Integer adminPort;
    String adminAddress;
    String ingressClass;
    String controllerClass;
    String gatewayController;
    boolean watchIngressWithoutClass;
    final List<String> watchNamespaces = new ArrayList<>();
    final List<String> publishStatusAddresses = new ArrayList<>();
    String publishService;
    String defaultSslCertificate;
    String electionId;
    boolean useEnvProxy;
    boolean accessLog;
    boolean proxyProtocol;
    boolean sslPassthrough;
    final List<String> trustedProxies = new ArrayList<>();
    final List<String> allowedResponseHeaders = new ArrayList<>();
    String explain;
    String tcpServicesConfigMap;
    String configMap;
    String defaultBackendService;
    String watchNamespaceSelector;
}
