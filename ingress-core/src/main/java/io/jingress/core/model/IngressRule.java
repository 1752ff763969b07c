package io.jingress.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One rule of an Ingress: an optional host and its HTTP paths.
 *
 * @param host the host, or {@code null} for a rule that matches any host
 * @param paths the paths of {@code http}; empty when the rule has no {@code http} (harmless)
 */
public record IngressRule(String host, List<HttpIngressPath> paths) {

    public IngressRule {
        paths = paths == null ? List.of() : List.copyOf(paths);
    }

    public static IngressRule of(String host, HttpIngressPath... paths) {
        Objects.requireNonNull(paths, "paths");
        for (int i = 0; i < paths.length; i++) {
            Objects.requireNonNull(paths[i], "paths[" + i + "]");
        }
        return new IngressRule(host, List.of(paths));
    }
}
