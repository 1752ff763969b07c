package io.jingress.core.model;

import java.util.Map;
import java.util.Objects;

/**
 * A {@code networking.k8s.io/v1} IngressClass.
 *
 * @param name the (cluster-scoped) name
 * @param controller {@code spec.controller}
 * @param annotations the annotations
 */
public record IngressClass(String name, String controller, Map<String, String> annotations) {

    /** The annotation that makes a class the default for Ingresses without a class. */
    public static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

    public IngressClass {
        Objects.requireNonNull(name, "name");
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** Whether this class is marked the cluster's default. */
    public boolean isDefault() {
        return "true".equalsIgnoreCase(annotations.get(DEFAULT_CLASS_ANNOTATION));
    }
}
