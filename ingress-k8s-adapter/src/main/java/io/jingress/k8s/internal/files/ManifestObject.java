package io.jingress.k8s.internal.files;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * One Kubernetes object read from a manifest, and where it was read.
 *
 * @param object the object; a namespaced object without namespace has been put in {@code default}
 * @param origin where it was read
 */
public record ManifestObject(HasMetadata object, Origin origin) {

    public ManifestObject {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(origin, "origin");
    }

    /** {@code Kind namespace/name} ({@code Kind name} for cluster-scoped kinds), naming the object in reports. */
    public String describe() {
        String namespace = object.getMetadata() == null ? null : object.getMetadata().getNamespace();
        String name = object.getMetadata() == null ? null : object.getMetadata().getName();
        return object.getKind() + " " + (namespace == null ? "" : namespace + "/") + (name == null ? "(unnamed)" : name);
    }
}
