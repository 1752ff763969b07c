package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * {@code service-upstream: "true"}: the Ingress's backends are their Services' ClusterIP and port,
 * one endpoint each, which kube-proxy balances over the Pods, in place of the Pods' endpoints
 * ({@link RoutePolicy#serviceUpstream()}). A Service without a ClusterIP (headless, ExternalName)
 * keeps its endpoints, with a warning (see {@link RouteCompiler}).
 *
 * <p>Its value is a Go boolean, as ingress-nginx reads it ({@code strconv.ParseBool}): anything else
 * is reported, and the endpoints are used.
 */
final class ServiceUpstreamAnnotation {
    static final String NAME = "service-upstream";

    private ServiceUpstreamAnnotation() {
    }

    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        if (named == null) {
            return;
        }
        Boolean on = RouteAnnotations.parseBool(named.value());
        if (on == null) {
            problems.add(named.quoted() + " is not \"true\" or \"false\": the Services' endpoints are used");
        } else if (on) {
            builder.serviceUpstream();
        }
    }
}
