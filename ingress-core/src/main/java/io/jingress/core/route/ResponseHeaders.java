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
    private final String origin;  // where they come from, as describe() says it
    private volatile Object compiled;

    ResponseHeaders(String configMap, Map<String, String> headers) {
        this(configMap, headers, "custom-headers, ConfigMap " + configMap);
    }

    private ResponseHeaders(String configMap, Map<String, String> headers, String origin) {
        this.configMap = Objects.requireNonNull(configMap, "configMap");
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.origin = origin;
    }

    /** The controller ConfigMap's {@code add-headers}: the headers of the ConfigMap {@code configMap}. */
    static ResponseHeaders addHeaders(String configMap, Map<String, String> headers) {
        return new ResponseHeaders(configMap, headers, "add-headers, ConfigMap " + configMap);
    }

    /**
     * These headers with an Ingress's own {@code custom-headers} {@code own} over them (a name both
     * set is {@code own}'s), as ingress-nginx's {@code more_set_headers} of a location over its
     * server's; {@code own} may be null.
     */
    ResponseHeaders under(ResponseHeaders own) {
        if (own == null) {
            return this;
        }
        Map<String, String> merged = new java.util.TreeMap<>(own.headers);
        headers.forEach((name, value) -> {
            if (!own.sets(name)) {
                merged.put(name, value);
            }
        });
        return new ResponseHeaders(own.configMap, merged, origin + "; " + own.origin);
    }

    /**
     * The ConfigMap they come from, {@code namespace/name}: the Ingress's {@code custom-headers} one,
     * or the controller ConfigMap's {@code add-headers} one when the Ingress has none.
     */
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
        return "response headers " + String.join(", ", set) + " (" + origin + ")";
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
