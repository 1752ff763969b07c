package io.jingress.core.model;

import java.util.Map;
import java.util.Objects;

/**
 * A ConfigMap that an Ingress names in an annotation ({@code custom-headers}) or a BackendTLSPolicy
 * in {@code caCertificateRefs}: its {@code data} by key ({@code binaryData} is not carried). Sources
 * carry only the ConfigMaps such objects name.
 *
 * @param namespace the namespace
 * @param name the name
 * @param data the values by key
 */
public record ConfigMap(String namespace, String name, Map<String, String> data) {

    public ConfigMap {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    public String key() {
        return namespace + "/" + name;
    }
}
