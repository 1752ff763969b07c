package io.jingress.core.model;

import java.util.List;
import java.util.Objects;

/**
 * What the router needs of a {@code gateway.networking.k8s.io/v1beta1} ReferenceGrant: which kinds
 * of object in which namespaces may refer to which objects of the grant's own namespace. Without
 * one, an HTTPRoute's backendRef to a Service of another namespace is refused.
 *
 * <pre>{@code
 * ReferenceGrant grant = new ReferenceGrant("backends", "from-shop",
 *     List.of(new ReferenceGrant.From("gateway.networking.k8s.io", "HTTPRoute", "shop")),
 *     List.of(new ReferenceGrant.To("", "Service", null)));
 * }</pre>
 *
 * @param namespace the namespace whose objects it lets others refer to
 * @param name the name
 * @param from {@code spec.from}
 * @param to {@code spec.to}
 */
public record ReferenceGrant(String namespace, String name, List<From> from, List<To> to) {

    public ReferenceGrant {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        from = from == null ? List.of() : List.copyOf(from);
        to = to == null ? List.of() : List.copyOf(to);
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    /**
     * Whether an object of {@code fromGroup}/{@code fromKind} in {@code fromNamespace} may refer to the
     * object {@code toGroup}/{@code toKind} named {@code toName} in this grant's namespace.
     */
    public boolean allows(String fromGroup, String fromKind, String fromNamespace, String toGroup, String toKind,
            String toName) {
        boolean fromOk = false;
        for (From f : from) {
            fromOk |= f.group().equals(fromGroup) && f.kind().equals(fromKind) && f.namespace().equals(fromNamespace);
        }
        if (!fromOk) {
            return false;
        }
        for (To t : to) {
            if (t.group().equals(toGroup) && t.kind().equals(toKind) && (t.name() == null || t.name().equals(toName))) {
                return true;
            }
        }
        return false;
    }

    /** A {@code spec.from} entry: objects of this group and kind in this namespace. */
    public record From(String group, String kind, String namespace) {
        public From {
            group = group == null ? "" : group;
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(namespace, "namespace");
        }
    }

    /** A {@code spec.to} entry: objects of this group and kind, all of them ({@code name} null) or the one named. */
    public record To(String group, String kind, String name) {
        public To {
            group = group == null ? "" : group;
            Objects.requireNonNull(kind, "kind");
            name = name == null || name.isEmpty() ? null : name;
        }
    }
}
