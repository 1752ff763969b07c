package io.jingress.core.model;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Secret of type {@code Opaque} that an Ingress names in an annotation (today
 * {@code auth-secret}): its {@code data}, base64-decoded (and {@code stringData}, which wins), as
 * UTF-8 text by key. Sources carry only the Secrets an Ingress of the class names; the core reads
 * what the annotation needs and never prints a value.
 *
 * @param namespace the namespace
 * @param name the name
 * @param data the values by key, decoded
 */
public record OpaqueSecret(String namespace, String name, Map<String, String> data) {

    public OpaqueSecret {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    public String key() {
        return namespace + "/" + name;
    }

    @Override
    public String toString() {
        // never print the values: they are password hashes, or worse
        return "OpaqueSecret[" + key() + ", keys " + new TreeMap<>(data).keySet() + "]";
    }
}
