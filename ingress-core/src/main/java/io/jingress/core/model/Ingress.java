package io.jingress.core.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the router needs of a {@code networking.k8s.io/v1} Ingress. Immutable; build one with
 * {@link #builder(String, String)}:
 *
 * <pre>{@code
 * Ingress ingress = Ingress.builder("default", "ingress-myapp")
 *     .rule(IngressRule.of("myapp.kubia.com",
 *         HttpIngressPath.prefix("/", IngressBackend.service("kubia", 80))))
 *     .build();
 * }</pre>
 *
 * @param namespace the namespace
 * @param name the name
 * @param uid the uid, or {@code null} when not known (files)
 * @param creationTimestamp when it was created; decides conflicts (oldest wins). Never null:
 *     sources without one use {@link Instant#EPOCH}
 * @param ingressClassName {@code spec.ingressClassName}, or {@code null}
 * @param annotations the annotations
 * @param defaultBackend {@code spec.defaultBackend}, or {@code null}
 * @param tls {@code spec.tls}
 * @param rules {@code spec.rules}
 */
public record Ingress(
        String namespace,
        String name,
        String uid,
        Instant creationTimestamp,
        String ingressClassName,
        Map<String, String> annotations,
        IngressBackend defaultBackend,
        List<IngressTls> tls,
        List<IngressRule> rules) {

    public Ingress {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        creationTimestamp = creationTimestamp == null ? Instant.EPOCH : creationTimestamp;
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        tls = tls == null ? List.of() : List.copyOf(tls);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /** {@code namespace/name}, the way logs and reports name it. */
    public String key() {
        return namespace + "/" + name;
    }

    public static Builder builder(String namespace, String name) {
        return new Builder(namespace, name);
    }

    /** A builder starting from this Ingress. */
    public Builder toBuilder() {
        Builder b = new Builder(namespace, name);
        b.uid = uid;
        b.creationTimestamp = creationTimestamp;
        b.ingressClassName = ingressClassName;
        b.annotations.putAll(annotations);
        b.defaultBackend = defaultBackend;
        b.tls.addAll(tls);
        b.rules.addAll(rules);
        return b;
    }

    /** Builds an {@link Ingress}. */
    public static final class Builder {
        private final String namespace;
        private final String name;
        private String uid;
        private Instant creationTimestamp = Instant.EPOCH;
        private String ingressClassName;
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private IngressBackend defaultBackend;
        private final List<IngressTls> tls = new ArrayList<>();
        private final List<IngressRule> rules = new ArrayList<>();

        private Builder(String namespace, String name) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder uid(String uid) {
            this.uid = uid;
            return this;
        }

        public Builder creationTimestamp(Instant creationTimestamp) {
            this.creationTimestamp = creationTimestamp;
            return this;
        }

        public Builder ingressClassName(String ingressClassName) {
            this.ingressClassName = ingressClassName;
            return this;
        }

        public Builder annotation(String key, String value) {
            annotations.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder defaultBackend(IngressBackend defaultBackend) {
            this.defaultBackend = defaultBackend;
            return this;
        }

        public Builder tls(IngressTls entry) {
            tls.add(Objects.requireNonNull(entry, "entry"));
            return this;
        }

        public Builder rule(IngressRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        public Ingress build() {
            return new Ingress(namespace, name, uid, creationTimestamp, ingressClassName, annotations,
                    defaultBackend, tls, rules);
        }
    }
}
