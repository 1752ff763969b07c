package io.jingress.core.route;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The headers an Ingress's {@code custom-headers} sets on every answer of its routes, the
 * endpoint's and the proxy's own, replacing the endpoint's fields of the same names (ingress-nginx's
 * {@code more_set_headers}): the entries of the ConfigMap it names that passed the checks
 * ({@link RouteCompiler#withAllowedResponseHeaders}). Immutable.
 */
public final class ResponseHeaders {
    private final String configMap;
    private final Map<String, String> headers;
    private volatile Object compiled;

    ResponseHeaders(String configMap, Map<String, String> headers) {
        this.configMap = Objects.requireNonNull(configMap, "configMap");
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The ConfigMap they come from, {@code namespace/name}. */
    public String configMap() {
        return configMap;
    }

    /** The headers set, name to value, in the order they are sent (by name); never empty. */
    public Map<String, String> headers() {
        return headers;
    }

    /** Whether {@code name} (any case) is among {@link #headers()}. */
    public boolean sets(String name) {
        for (String set : headers.keySet()) {
            if (set.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The proxy's own form of these headers (such as pre-encoded fields), made by {@code compiler}
     * at the first call and kept with this value, so it goes with the route table that holds it.
     *
     * @param type the class of the form, which tells one proxy's form from another's
     */
    public <T> T compiled(Class<T> type, Function<ResponseHeaders, ? extends T> compiler) {
        Object form = compiled;
        if (type.isInstance(form)) {
            return type.cast(form);
        }
        T made = Objects.requireNonNull(compiler.apply(this), "compiled form");
        compiled = made;
        return made;
    }

    /**
     * The ConfigMap an Ingress's {@code custom-headers} names, {@code namespace/name}; null when it
     * names none that may be used. What sources use to carry only the ConfigMaps that are needed.
     */
    public static String configMapNamedBy(io.jingress.core.model.Ingress ingress) {
        return CustomHeadersAnnotation.configMapKey(ingress.annotations(), ingress.namespace());
    }

    /** {@code response headers X-Frame-Options: "DENY", X-Team: "shop" (custom-headers, ConfigMap shop/headers)}. */
    public String describe() {
        List<String> set = new ArrayList<>();
        headers.forEach((name, value) -> set.add(name + ": \"" + value + "\""));
        return "response headers " + String.join(", ", set) + " (custom-headers, ConfigMap " + configMap + ")";
    }

    @Override
    public String toString() {
        return "ResponseHeaders[" + describe() + "]";
    }

    /** {@code name} in lower case, the form names are compared in. */
    static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
