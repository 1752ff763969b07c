package io.jingress.core.route;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The headers the controller's ConfigMap's {@code proxy-set-headers} sets on every request the
 * Ingresses' routes send to their endpoints (ingress-nginx's {@code proxy_set_header}): the entries
 * of the ConfigMap it names that passed the checks, each replacing the client's field of that name.
 * Immutable.
 */
public final class RequestHeaders {
    private final String configMap;
    private final Map<String, String> headers;

    RequestHeaders(String configMap, Map<String, String> headers) {
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

    /** {@code request headers X-Env: "prod" (proxy-set-headers, ConfigMap ingress/upstream-headers)}. */
    public String describe() {
        List<String> set = new ArrayList<>();
        headers.forEach((name, value) -> set.add(name + ": \"" + value + "\""));
        return "request headers " + String.join(", ", set) + " (proxy-set-headers, ConfigMap " + configMap + ")";
    }

    @Override
    public String toString() {
        return "RequestHeaders[" + describe() + "]";
    }
}
