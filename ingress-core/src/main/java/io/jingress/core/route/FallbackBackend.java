package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The Service an Ingress's {@code default-backend} annotation names, resolved when the table is
 * compiled: a Service of the Ingress's namespace, at its first port (as ingress-nginx takes it).
 * A request of the Ingress's routes whose own backend has no ready endpoint (where the proxy would
 * answer 503) goes to it instead, with ingress-nginx's {@code X-Code: 503}, {@code X-Format},
 * {@code X-Namespace}, {@code X-Ingress-Name}, {@code X-Service-Name} and {@code X-Service-Port}
 * headers. With {@code custom-http-errors}, an answer of the routes' endpoints with one of
 * {@link #errorCodes()} is replaced by the answer of this Service to a {@code GET} of {@code /}
 * ({@link #errorPageRoute()}), as ingress-nginx's error pages are fetched. An Ingress with
 * {@code custom-http-errors} and no {@code default-backend} fetches its error pages from the default
 * backend Service ({@link RouteCompiler#withDefaultBackendService}), when there is one: then that
 * Service is this, and only for the error pages ({@link #takesUnavailable()} false), as in
 * ingress-nginx. Immutable; its
 * {@link #backend()} is one of {@link RouteTable#backends()}, so its endpoints follow the cluster's
 * as every route backend's do.
 */
public final class FallbackBackend {
    private final String annotation;
    private final Backend backend;
    private final List<Integer> errorCodes;
    private final boolean[] intercepted = new boolean[600];
    private final Route errorPageRoute;
    private final boolean takesUnavailable;

    FallbackBackend(String annotation, Backend backend, List<Integer> errorCodes) {
        this(annotation, backend, errorCodes, true);
    }

    FallbackBackend(String annotation, Backend backend, List<Integer> errorCodes, boolean takesUnavailable) {
        this.takesUnavailable = takesUnavailable;
        this.annotation = Objects.requireNonNull(annotation, "annotation");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.errorCodes = List.copyOf(errorCodes);
        for (int code : this.errorCodes) {
            intercepted[code] = true;
        }
        this.errorPageRoute = new Route(service(), null, null, null, -1, -1, true, false, RoutePolicy.NONE, backend);
    }

    /**
     * The Service the Ingress's {@code default-backend} names, {@code namespace/name}; null when it
     * names none (not set, or not a Service name). A source delivers that Service and its
     * endpoints with the ones the Ingress's rules name, so the table can resolve it.
     */
    public static String serviceNamedBy(io.jingress.core.model.Ingress ingress) {
        return DefaultBackendAnnotations.serviceKey(ingress.annotations(), ingress.namespace());
    }

    /**
     * The annotation as written on the Ingress, e.g. {@code nginx.ingress.kubernetes.io/default-backend}
     * (its {@code custom-http-errors} when the error pages come from the default backend Service).
     */
    public String annotation() {
        return annotation;
    }

    /** The Service's backend: {@code namespace/service:port}, its endpoints and balancer. */
    public Backend backend() {
        return backend;
    }

    /**
     * The statuses of {@code custom-http-errors} (400 to 599) whose answers are replaced by this
     * Service's error page, in the order written; empty when not set.
     */
    public List<Integer> errorCodes() {
        return errorCodes;
    }

    /**
     * Whether the requests of a route whose own backend has no endpoint to give go to this Service
     * (the {@code default-backend} annotation's); false for the default backend Service, which only
     * serves the error pages of {@code custom-http-errors} (those requests are answered 503).
     */
    public boolean takesUnavailable() {
        return takesUnavailable;
    }

    /** Whether an endpoint's answer with {@code status} is replaced by an error page. */
    public boolean intercepts(int status) {
        return status >= 0 && status < intercepted.length && intercepted[status];
    }

    /**
     * The route error pages are fetched by: this Service's backend, with none of the Ingress's policy
     * (as ingress-nginx's error location sets only its own headers); its {@code ingress()} is the
     * Service's {@code namespace/name}.
     */
    public Route errorPageRoute() {
        return errorPageRoute;
    }

    /** {@code namespace/service}. */
    public String service() {
        return backend.namespace() + "/" + backend.serviceName();
    }

    /** The phrases of {@link RoutePolicy#describe()}. */
    List<String> phrases() {
        List<String> phrases = new ArrayList<>(1);
        if (takesUnavailable) {
            phrases.add("no ready endpoint: goes to default-backend " + backend.key()
                    + (backend.isReady() ? "" : " (" + backend.reason() + ")"));
        }
        if (!errorCodes.isEmpty()) {
            phrases.add("answers " + errorCodes.stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + " replaced by the error page of " + (takesUnavailable ? "default-backend " : "the default backend Service ")
                    + backend.key() + (takesUnavailable || backend.isReady() ? "" : " (" + backend.reason() + ")")
                    + " (custom-http-errors)");
        }
        return phrases;
    }

    @Override
    public String toString() {
        return "FallbackBackend[" + backend.key() + "]";
    }
}
