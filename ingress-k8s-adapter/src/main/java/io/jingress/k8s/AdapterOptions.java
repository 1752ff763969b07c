package io.jingress.k8s;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The options both route sources share (the manifest files and the API server). The names follow
 * ingress-nginx's flags where one exists:
 *
 * <pre>{@code
 * AdapterOptions options = AdapterOptions.builder()
 *     .ingressClass("jingress")                 // --ingress-class
 *     .watchIngressWithoutClass(true)           // --watch-ingress-without-class
 *     .watchNamespaces(Set.of("shop"))          // --watch-namespace
 *     .build();
 * }</pre>
 *
 * @param ingressClass {@code --ingress-class}: the name of our IngressClass; Ingresses naming it are
 *     ours even when no IngressClass object of that name exists (default {@value #DEFAULT_INGRESS_CLASS})
 * @param controllerClass {@code --controller-class}: the {@code spec.controller} that makes an
 *     IngressClass ours (default {@value #DEFAULT_CONTROLLER_CLASS})
 * @param watchIngressWithoutClass {@code --watch-ingress-without-class}: serve Ingresses that name no
 *     class even when none of our IngressClasses is the cluster default
 * @param watchNamespaces {@code --watch-namespace}: the namespaces to serve; empty means all
 * @param publishStatusAddresses {@code --publish-status-address}: the addresses (IPs or host names)
 *     written into the status of the Ingresses we serve; empty when not given
 * @param publishService {@code --publish-service}: {@code namespace/name} of the Service whose
 *     address is written into Ingress status, or {@code null}
 * @param electionId {@code --election-id}: the name of the Lease that elects the one replica that
 *     writes status (default {@value #DEFAULT_ELECTION_ID})
 * @param defaultSslCertificate {@code --default-ssl-certificate}: {@code namespace/name} of the TLS
 *     Secret served to names without a certificate of their own, carried in the state whatever
 *     namespaces are watched; or {@code null}
 * @param tcpServicesConfigMap {@code --tcp-services-configmap}: {@code namespace/name} of the
 *     ConfigMap of TCP services (port to {@code namespace/service:port[:PROXY[:PROXY]]}), carried in
 *     the state with the Services it names, whatever namespaces are watched; or {@code null}
 * @param configMap {@code --configmap}: {@code namespace/name} of the controller's ConfigMap
 *     (ingress-nginx's settings: annotation defaults, {@code global-auth-url}, ...), carried in the
 *     state whatever namespaces are watched; or {@code null}
 * @param defaultBackendService {@code --default-backend-service}: {@code namespace/name} of the Service
 *     that takes the requests no rule takes (at its first port), carried in the state with its
 *     EndpointSlices whatever namespaces are watched; or {@code null}
 * @param watchNamespaceSelector {@code --watch-namespace-selector}: a label selector ({@code team=shop},
 *     {@code env in (prod,staging)}, ...) the Namespaces of the Ingresses served must match, followed as
 *     their labels change; or {@code null} for all (with {@code watchNamespaces}, both must hold)
 */
public record AdapterOptions(
        String ingressClass,
        String controllerClass,
        boolean watchIngressWithoutClass,
        Set<String> watchNamespaces,
        List<String> publishStatusAddresses,
        String publishService,
        String electionId,
        String defaultSslCertificate,
        String tcpServicesConfigMap,
        String configMap,
        String defaultBackendService,
        String watchNamespaceSelector) {

    /** The default {@code --ingress-class}. */
    public static final String DEFAULT_INGRESS_CLASS = "jingress";
    /** The default {@code --controller-class}. */
    public static final String DEFAULT_CONTROLLER_CLASS = "jingress.io/ingress-controller";
    /** The default {@code --election-id}. */
    public static final String DEFAULT_ELECTION_ID = "jingress-leader";

    public AdapterOptions {
        Objects.requireNonNull(ingressClass, "ingressClass");
        Objects.requireNonNull(controllerClass, "controllerClass");
        Objects.requireNonNull(electionId, "electionId");
        if (ingressClass.isBlank()) {
            throw new IllegalArgumentException("ingressClass must not be blank");
        }
        if (controllerClass.isBlank()) {
            throw new IllegalArgumentException("controllerClass must not be blank");
        }
        watchNamespaces = watchNamespaces == null ? Set.of() : Set.copyOf(watchNamespaces);
        publishStatusAddresses = publishStatusAddresses == null ? List.of() : List.copyOf(publishStatusAddresses);
        if (publishService != null && publishService.indexOf('/') <= 0) {
            throw new IllegalArgumentException("publishService must read namespace/name, got \"" + publishService + "\"");
        }
        requireNamespacedName("defaultSslCertificate", defaultSslCertificate);
        requireNamespacedName("tcpServicesConfigMap", tcpServicesConfigMap);
        requireNamespacedName("configMap", configMap);
        requireNamespacedName("defaultBackendService", defaultBackendService);
        if (watchNamespaceSelector != null) {
            io.jingress.k8s.internal.translate.NamespaceSelector.parse(watchNamespaceSelector);  // throws saying what is wrong
        }
    }

    /** Options without a namespace selector, as before it was carried. */
    public AdapterOptions(String ingressClass, String controllerClass, boolean watchIngressWithoutClass,
            Set<String> watchNamespaces, List<String> publishStatusAddresses, String publishService, String electionId,
            String defaultSslCertificate, String tcpServicesConfigMap, String configMap, String defaultBackendService) {
        this(ingressClass, controllerClass, watchIngressWithoutClass, watchNamespaces, publishStatusAddresses,
                publishService, electionId, defaultSslCertificate, tcpServicesConfigMap, configMap, defaultBackendService, null);
    }

    // null, or exactly one '/' between two parts without blanks
    private static void requireNamespacedName(String field, String value) {
        if (value != null && !value.matches("[^/\\s]+/[^/\\s]+")) {
            throw new IllegalArgumentException(field + " must read namespace/name, got \"" + value + "\"");
        }
    }

    /** Options without a default backend Service, as before it was carried. */
    public AdapterOptions(String ingressClass, String controllerClass, boolean watchIngressWithoutClass,
            Set<String> watchNamespaces, List<String> publishStatusAddresses, String publishService, String electionId,
            String defaultSslCertificate, String tcpServicesConfigMap, String configMap) {
        this(ingressClass, controllerClass, watchIngressWithoutClass, watchNamespaces, publishStatusAddresses,
                publishService, electionId, defaultSslCertificate, tcpServicesConfigMap, configMap, null, null);
    }

    /** Options without the controller's ConfigMap, as before it was carried. */
    public AdapterOptions(String ingressClass, String controllerClass, boolean watchIngressWithoutClass,
            Set<String> watchNamespaces, List<String> publishStatusAddresses, String publishService, String electionId,
            String defaultSslCertificate, String tcpServicesConfigMap) {
        this(ingressClass, controllerClass, watchIngressWithoutClass, watchNamespaces, publishStatusAddresses,
                publishService, electionId, defaultSslCertificate, tcpServicesConfigMap, null, null, null);
    }

    /** Options without TCP services, as before they were carried. */
    public AdapterOptions(String ingressClass, String controllerClass, boolean watchIngressWithoutClass,
            Set<String> watchNamespaces, List<String> publishStatusAddresses, String publishService, String electionId,
            String defaultSslCertificate) {
        this(ingressClass, controllerClass, watchIngressWithoutClass, watchNamespaces, publishStatusAddresses,
                publishService, electionId, defaultSslCertificate, null, null, null, null);
    }

    /** Options without a default certificate, as before it was carried. */
    public AdapterOptions(String ingressClass, String controllerClass, boolean watchIngressWithoutClass,
            Set<String> watchNamespaces, List<String> publishStatusAddresses, String publishService, String electionId) {
        this(ingressClass, controllerClass, watchIngressWithoutClass, watchNamespaces, publishStatusAddresses,
                publishService, electionId, null, null, null, null, null);
    }

    /** The defaults: class {@code jingress}, controller {@code jingress.io/ingress-controller}, all namespaces. */
    public static AdapterOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder()
                .ingressClass(ingressClass)
                .controllerClass(controllerClass)
                .watchIngressWithoutClass(watchIngressWithoutClass)
                .watchNamespaces(watchNamespaces)
                .publishStatusAddresses(publishStatusAddresses)
                .publishService(publishService)
                .electionId(electionId)
                .defaultSslCertificate(defaultSslCertificate)
                .tcpServicesConfigMap(tcpServicesConfigMap)
                .configMap(configMap)
                .defaultBackendService(defaultBackendService)
                .watchNamespaceSelector(watchNamespaceSelector);
    }

    /** Whether objects of this namespace are served. */
    public boolean watchesNamespace(String namespace) {
        return watchNamespaces.isEmpty() || watchNamespaces.contains(namespace);
    }

    /** Builds {@link AdapterOptions}. */
    public static final class Builder {
        private String ingressClass = DEFAULT_INGRESS_CLASS;
        private String controllerClass = DEFAULT_CONTROLLER_CLASS;
        private boolean watchIngressWithoutClass;
        private Set<String> watchNamespaces = Set.of();
        private List<String> publishStatusAddresses = List.of();
        private String publishService;
        private String electionId = DEFAULT_ELECTION_ID;
        private String defaultSslCertificate;
        private String tcpServicesConfigMap;
        private String configMap;
        private String defaultBackendService;
        private String watchNamespaceSelector;

        private Builder() {
        }

        public Builder ingressClass(String ingressClass) {
            this.ingressClass = Objects.requireNonNull(ingressClass, "ingressClass");
            return this;
        }

        public Builder controllerClass(String controllerClass) {
            this.controllerClass = Objects.requireNonNull(controllerClass, "controllerClass");
            return this;
        }

        public Builder watchIngressWithoutClass(boolean watchIngressWithoutClass) {
            this.watchIngressWithoutClass = watchIngressWithoutClass;
            return this;
        }

        public Builder watchNamespaces(Set<String> watchNamespaces) {
            this.watchNamespaces = Objects.requireNonNull(watchNamespaces, "watchNamespaces");
            return this;
        }

        public Builder publishStatusAddresses(List<String> publishStatusAddresses) {
            this.publishStatusAddresses = Objects.requireNonNull(publishStatusAddresses, "publishStatusAddresses");
            return this;
        }

        /** {@code namespace/name} of the Service whose address goes into Ingress status. */
        public Builder publishService(String publishService) {
            this.publishService = publishService;
            return this;
        }

        public Builder electionId(String electionId) {
            this.electionId = Objects.requireNonNull(electionId, "electionId");
            return this;
        }

        /** {@code --default-ssl-certificate}: {@code namespace/name} of the default certificate's TLS Secret; null: none. */
        public Builder defaultSslCertificate(String defaultSslCertificate) {
            this.defaultSslCertificate = defaultSslCertificate;
            return this;
        }

        /** {@code --tcp-services-configmap}: {@code namespace/name} of the TCP services ConfigMap; null: none. */
        public Builder tcpServicesConfigMap(String tcpServicesConfigMap) {
            this.tcpServicesConfigMap = tcpServicesConfigMap;
            return this;
        }

        /** {@code --configmap}: {@code namespace/name} of the controller's ConfigMap; null: none. */
        public Builder configMap(String configMap) {
            this.configMap = configMap;
            return this;
        }

        /** {@code --default-backend-service}: {@code namespace/name} of the default backend Service; null: none. */
        public Builder defaultBackendService(String defaultBackendService) {
            this.defaultBackendService = defaultBackendService;
            return this;
        }

        /** {@code --watch-namespace-selector}: the label selector Ingresses' Namespaces must match; null: all. */
        public Builder watchNamespaceSelector(String watchNamespaceSelector) {
            this.watchNamespaceSelector = watchNamespaceSelector;
            return this;
        }

        public AdapterOptions build() {
            return new AdapterOptions(ingressClass, controllerClass, watchIngressWithoutClass, watchNamespaces,
                    publishStatusAddresses, publishService, electionId, defaultSslCertificate, tcpServicesConfigMap,
                    configMap, defaultBackendService, watchNamespaceSelector);
        }
    }
}
