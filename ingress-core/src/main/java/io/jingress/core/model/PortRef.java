package io.jingress.core.model;

/**
 * A port given by number or by name, as in an Ingress backend's {@code service.port} or a Service's
 * {@code targetPort} (an IntOrString). Exactly one of {@link #number()} (not 0) and {@link #name()}
 * is set. A number is carried as written: one outside 1 to 65535 is reported by the validator or
 * the route compiler, not refused here.
 */
public record PortRef(int number, String name) {

    public PortRef {
        if ((number != 0) == (name != null)) {
            throw new IllegalArgumentException("a port has exactly one of number (not 0) and name, got number "
                    + number + " and name " + (name == null ? "null" : "\"" + name + "\""));
        }
    }

    public static PortRef number(int number) {
        return new PortRef(number, null);
    }

    public static PortRef name(String name) {
        return new PortRef(0, java.util.Objects.requireNonNull(name, "name"));
    }

    public boolean isNumber() {
        return name == null;
    }

    @Override
    public String toString() {
        return isNumber() ? Integer.toString(number) : name;
    }
}
