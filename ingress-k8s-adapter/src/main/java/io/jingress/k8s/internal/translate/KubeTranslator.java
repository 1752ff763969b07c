package io.jingress.k8s.internal.translate;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TypedLocalObjectReference;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.Endpoints;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressClass;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.PortRef;
import io.jingress.core.model.Service;
import io.jingress.core.model.OpaqueSecret;
import io.jingress.core.model.TlsSecret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns fabric8 model objects into the core model: one translation shared by the API-server source
 * and the manifest files, so a manifest routes the same way in both modes.
 *
 * <p>It carries everything over as written, even what is invalid (a path without {@code /}, an
 * unknown {@code pathType} is kept as written): judging an Ingress is the validator's job. Port
 * numbers of Services, EndpointSlices and Endpoints are carried as written too: the route compiler
 * reports one outside 1 to 65535, naming the object and field, and serves the object without that
 * port. It throws {@link TranslationException} only for what the core model cannot hold at all (no
 * name, an Ingress backend port number below 1, both a port number and name, a timestamp or base64
 * that does not parse).
 * An object without a namespace is taken to be in {@value #DEFAULT_NAMESPACE}, as kubectl does.
 * A {@code resource} backend is described as {@code apiGroup/Kind/name} ({@code Kind/name} for the
 * core group), for the router to report as unsupported.
 */
public final class KubeTranslator {

    /** The namespace of objects that name none. */
    public static final String DEFAULT_NAMESPACE = "default";
    /** The Secret type of {@code kubectl create secret generic}: what auth-secret names. */
    public static final String OPAQUE_SECRET_TYPE = "Opaque";
    /** The Secret type that carries a certificate and key. */
    public static final String TLS_SECRET_TYPE = "kubernetes.io/tls";
    static final String TLS_CRT = "tls.crt";
    static final String TLS_KEY = "tls.key";
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private KubeTranslator() {
    }

    /** A {@code networking.k8s.io/v1} Ingress. */
    public static Ingress toIngress(io.fabric8.kubernetes.api.model.networking.v1.Ingress source)
            throws TranslationException {
        Objects.requireNonNull(source, "source");
        String kind = "Ingress";
        String namespace = namespace(source);
        String name = name(kind, source);
        String key = namespace + "/" + name;
        ObjectMeta meta = source.getMetadata();
        Ingress.Builder builder = Ingress.builder(namespace, name)
                .uid(meta.getUid())
                .creationTimestamp(creationTimestamp(kind, key, meta));
        if (meta.getAnnotations() != null) {
            // an annotation written without a value (`key:` in YAML) is the empty string, as the API server stores it
            meta.getAnnotations().forEach((annotation, value) -> builder.annotation(annotation, value == null ? "" : value));
        }
        IngressSpec spec = source.getSpec();
        if (spec == null) {
            return builder.build();
        }
        builder.ingressClassName(spec.getIngressClassName());
        if (spec.getDefaultBackend() != null) {
            builder.defaultBackend(backend(key, "spec.defaultBackend", spec.getDefaultBackend()));
        }
        for (IngressTLS tls : nonNull(spec.getTls())) {
            builder.tls(new IngressTls(tls.getHosts(), tls.getSecretName()));
        }
        List<io.fabric8.kubernetes.api.model.networking.v1.IngressRule> rules = nonNull(spec.getRules());
        for (int r = 0; r < rules.size(); r++) {
            io.fabric8.kubernetes.api.model.networking.v1.IngressRule rule = rules.get(r);
            List<HttpIngressPath> paths = new ArrayList<>();
            List<HTTPIngressPath> sourcePaths = rule.getHttp() == null ? List.of() : nonNull(rule.getHttp().getPaths());
            for (int p = 0; p < sourcePaths.size(); p++) {
                HTTPIngressPath path = sourcePaths.get(p);
                String field = "spec.rules[" + r + "].http.paths[" + p + "].backend";
                IngressBackend backend = path.getBackend() == null ? null : backend(key, field, path.getBackend());
                paths.add(HttpIngressPath.of(path.getPath(), path.getPathType(), backend));
            }
            builder.rule(new IngressRule(rule.getHost(), paths));
        }
        return builder.build();
    }

    /** A {@code networking.k8s.io/v1} IngressClass (cluster-scoped: named without namespace). */
    public static IngressClass toIngressClass(io.fabric8.kubernetes.api.model.networking.v1.IngressClass source)
            throws TranslationException {
        Objects.requireNonNull(source, "source");
        String name = name("IngressClass", source);
        String controller = source.getSpec() == null ? null : source.getSpec().getController();
        return new IngressClass(name, controller, source.getMetadata().getAnnotations());
    }

    /** A v1 Service: type, ports (targetPort by number or name), externalName and clusterIP. */
    public static Service toService(io.fabric8.kubernetes.api.model.Service source) throws TranslationException {
        Objects.requireNonNull(source, "source");
        String namespace = namespace(source);
        String name = name("Service", source);
        if (source.getSpec() == null) {
            return new Service(namespace, name, null, List.of(), null);
        }
        List<Service.Port> ports = new ArrayList<>();
        List<ServicePort> sourcePorts = nonNull(source.getSpec().getPorts());
        for (int i = 0; i < sourcePorts.size(); i++) {
            ServicePort port = sourcePorts.get(i);
            ports.add(new Service.Port(emptyToNull(port.getName()), port.getPort() == null ? 0 : port.getPort(),
                    targetPort(port.getTargetPort()), port.getProtocol(), emptyToNull(port.getAppProtocol())));
        }
        return new Service(namespace, name, source.getSpec().getType(), ports, source.getSpec().getExternalName(),
                source.getSpec().getClusterIP());
    }

    /**
     * A {@code discovery.k8s.io/v1} EndpointSlice, tied to its Service by the label
     * {@value EndpointSlice#SERVICE_NAME_LABEL} (a slice without it belongs to no Service).
     */
    public static EndpointSlice toEndpointSlice(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice source)
            throws TranslationException {
        Objects.requireNonNull(source, "source");
        String namespace = namespace(source);
        String name = name("EndpointSlice", source);
        Map<String, String> labels = source.getMetadata().getLabels();
        String serviceName = labels == null ? null : labels.get(EndpointSlice.SERVICE_NAME_LABEL);
        List<EndpointSlice.Port> ports = new ArrayList<>();
        for (io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort port : nonNull(source.getPorts())) {
            ports.add(new EndpointSlice.Port(emptyToNull(port.getName()), port.getPort(), port.getProtocol()));
        }
        List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();
        for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint : nonNull(source.getEndpoints())) {
            var conditions = endpoint.getConditions();
            ObjectReference target = endpoint.getTargetRef();
            endpoints.add(new EndpointSlice.Endpoint(endpoint.getAddresses(),
                    conditions == null ? null : conditions.getReady(),
                    conditions == null ? null : conditions.getServing(),
                    conditions == null ? null : conditions.getTerminating(),
                    endpoint.getZone(),
                    target == null ? null : target.getName()));
        }
        return new EndpointSlice(namespace, name, serviceName, source.getAddressType(), ports, endpoints);
    }

    /** Legacy v1 Endpoints (named as their Service). */
    public static Endpoints toEndpoints(io.fabric8.kubernetes.api.model.Endpoints source) throws TranslationException {
        Objects.requireNonNull(source, "source");
        String namespace = namespace(source);
        String name = name("Endpoints", source);
        List<Endpoints.Subset> subsets = new ArrayList<>();
        for (EndpointSubset subset : nonNull(source.getSubsets())) {
            List<EndpointSlice.Port> ports = new ArrayList<>();
            for (io.fabric8.kubernetes.api.model.EndpointPort port : nonNull(subset.getPorts())) {
                ports.add(new EndpointSlice.Port(emptyToNull(port.getName()), port.getPort(), port.getProtocol()));
            }
            subsets.add(new Endpoints.Subset(ips(subset.getAddresses()), ips(subset.getNotReadyAddresses()), ports));
        }
        return new Endpoints(namespace, name, subsets);
    }

    /** Whether a Secret is of type {@value #TLS_SECRET_TYPE}. */
    public static boolean isTlsSecret(Secret secret) {
        return secret != null && TLS_SECRET_TYPE.equals(secret.getType());
    }

    /**
     * A Secret of type {@value #TLS_SECRET_TYPE}: {@code tls.crt} and {@code tls.key} decoded from
     * base64 {@code data}, or taken as they are from {@code stringData}, which wins when both hold a
     * key (as the API server merges them). A missing key becomes {@code null}, for the TLS code to report.
     */
    public static TlsSecret toTlsSecret(Secret source) throws TranslationException {
        Objects.requireNonNull(source, "source");
        String namespace = namespace(source);
        String name = name("Secret", source);
        String key = namespace + "/" + name;
        if (!isTlsSecret(source)) {
            throw TranslationException.of("Secret", key, "type",
                    (source.getType() == null ? "not given, so Opaque" : "is " + quote(source.getType()))
                            + ", not " + TLS_SECRET_TYPE + ": a certificate is read only from a Secret of that type");
        }
        return new TlsSecret(namespace, name, secretValue(key, source, TLS_CRT), secretValue(key, source, TLS_KEY));
    }

    /** Whether a Secret is of type {@value #OPAQUE_SECRET_TYPE} (a Secret that names no type is). */
    public static boolean isOpaqueSecret(Secret secret) {
        return secret != null && (secret.getType() == null || OPAQUE_SECRET_TYPE.equals(secret.getType()));
    }

    /**
     * A Secret of type {@value #OPAQUE_SECRET_TYPE} that an annotation names ({@code auth-secret}):
     * every key of {@code data}, base64-decoded, and of {@code stringData}, which wins.
     */
    public static OpaqueSecret toOpaqueSecret(Secret source) throws TranslationException {
        Objects.requireNonNull(source, "source");
        String namespace = namespace(source);
        String name = name("Secret", source);
        String key = namespace + "/" + name;
        if (!isOpaqueSecret(source)) {
            throw TranslationException.of("Secret", key, "type", "is " + quote(source.getType()) + ", not "
                    + OPAQUE_SECRET_TYPE + ": the users of auth-secret are read only from a Secret of that type");
        }
        return toSecretData(source);
    }

    /** A ConfigMap an annotation names ({@code custom-headers}): its {@code data} ({@code binaryData} is not read). */
    public static io.jingress.core.model.ConfigMap toConfigMap(io.fabric8.kubernetes.api.model.ConfigMap source)
            throws TranslationException {
        Objects.requireNonNull(source, "source");
        String name = name("ConfigMap", source);
        Map<String, String> data = new LinkedHashMap<>();
        if (source.getData() != null) {
            source.getData().forEach((key, value) -> {
                if (key != null && value != null) {
                    data.put(key, value);
                }
            });
        }
        return new io.jingress.core.model.ConfigMap(namespace(source), name, data);
    }

    /**
     * Every key of a Secret's {@code data}, base64-decoded, and of {@code stringData}, which wins,
     * whatever its type: what {@code proxy-ssl-secret} names ({@code ca.crt}, {@code tls.crt},
     * {@code tls.key}), which may be Opaque or {@code kubernetes.io/tls}.
     */
    public static OpaqueSecret toSecretData(Secret source) throws TranslationException {
        Objects.requireNonNull(source, "source");
        String namespace = namespace(source);
        String name = name("Secret", source);
        String key = namespace + "/" + name;
        Map<String, String> data = new LinkedHashMap<>();
        if (source.getData() != null) {
            for (String dataKey : source.getData().keySet()) {
                String value = secretValue(key, source, dataKey);
                if (value != null) {
                    data.put(dataKey, value);
                }
            }
        }
        if (source.getStringData() != null) {
            source.getStringData().forEach((dataKey, value) -> {
                if (value != null) {
                    data.put(dataKey, value);
                }
            });
        }
        return new OpaqueSecret(namespace, name, data);
    }

    /** The namespace of an object, {@value #DEFAULT_NAMESPACE} when it names none. */
    public static String namespace(HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        String namespace = meta == null ? null : meta.getNamespace();
        return namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
    }

    static String name(String kind, HasMetadata object) throws TranslationException {
        ObjectMeta meta = object.getMetadata();
        String name = meta == null ? null : meta.getName();
        if (name == null || name.isBlank()) {
            String where = "IngressClass".equals(kind) ? "(unnamed)" : namespace(object) + "/(unnamed)";
            throw TranslationException.of(kind, where, "metadata.name", "required");
        }
        return name;
    }

    static Instant creationTimestamp(String kind, String key, ObjectMeta meta) throws TranslationException {
        String value = meta.getCreationTimestamp();
        if (value == null || value.isEmpty()) {
            return Instant.EPOCH;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw TranslationException.of(kind, key, "metadata.creationTimestamp",
                    quote(value) + " is not an RFC 3339 time");
        }
    }

    private static IngressBackend backend(String key, String field,
            io.fabric8.kubernetes.api.model.networking.v1.IngressBackend backend) throws TranslationException {
        IngressServiceBackend service = backend.getService();
        String serviceName = null;
        PortRef port = null;
        if (service != null) {
            serviceName = service.getName() == null ? "" : service.getName();
            port = servicePort(key, field + ".service.port", service.getPort());
        }
        TypedLocalObjectReference resource = backend.getResource();
        String resourceText = null;
        if (resource != null) {
            String group = resource.getApiGroup() == null || resource.getApiGroup().isEmpty()
                    ? "" : resource.getApiGroup() + "/";
            resourceText = group + resource.getKind() + "/" + resource.getName();
        }
        return new IngressBackend(serviceName, port, resourceText);
    }

    private static PortRef servicePort(String key, String field, ServiceBackendPort port) throws TranslationException {
        if (port == null) {
            return null;
        }
        Integer number = port.getNumber();
        String name = emptyToNull(port.getName());
        if (number != null && name != null) {
            throw TranslationException.of("Ingress", key, field, "may name a number or a name, not both");
        }
        if (name != null) {
            return PortRef.name(name);
        }
        if (number == null) {
            return null;
        }
        if (number < 1) {
            throw TranslationException.of("Ingress", key, field + ".number",
                    number + " must be between 1 and 65535");
        }
        return PortRef.number(number);
    }

    private static PortRef targetPort(IntOrString target) {
        if (target == null) {
            return null;
        }
        // 0 and "" mean the port itself, as the API server defaults them; any other number is carried
        // as written, for the route compiler to report when it is no port number
        if (target.getIntVal() != null) {
            return target.getIntVal() != 0 ? PortRef.number(target.getIntVal()) : null;
        }
        String text = emptyToNull(target.getStrVal());
        if (text == null) {
            return null;
        }
        // Hand-written YAML often quotes a number ("8080"); a real port name always has a letter.
        if (text.chars().allMatch(Character::isDigit) && text.length() <= 5) {
            int number = Integer.parseInt(text);
            return number != 0 ? PortRef.number(number) : null;
        }
        return PortRef.name(text);
    }

    private static String secretValue(String key, Secret secret, String dataKey) throws TranslationException {
        if (secret.getStringData() != null && secret.getStringData().get(dataKey) != null) {
            return secret.getStringData().get(dataKey);
        }
        String encoded = secret.getData() == null ? null : secret.getData().get(dataKey);
        if (encoded == null) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(WHITESPACE.matcher(encoded).replaceAll("")), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw TranslationException.of("Secret", key, "data[" + dataKey + "]", "not valid base64: " + e.getMessage());
        }
    }

    private static List<String> ips(List<EndpointAddress> addresses) {
        List<String> ips = new ArrayList<>();
        for (EndpointAddress address : nonNull(addresses)) {
            if (address.getIp() != null) {
                ips.add(address.getIp());
            }
        }
        return ips;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }
}
