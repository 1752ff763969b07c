package io.jingress.jetty.internal.admin;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.Service;
import io.jingress.core.model.TlsSecret;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.RouteTable;
import java.time.Instant;
import java.util.List;

/**
 * A small cluster compiled by the real core: kubia.example.com serves {@code /} from Service kubia
 * (two ready Pods) and {@code /api} (Exact) from Service api, which does not exist; Ingress
 * default/broken is rejected for a path without a leading slash; Ingress default/fallback gives a
 * default backend; kubia.example.com has TLS from Secret default/kubia-tls.
 */
final class SmallTable {
    static final String PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nTUlJRXZnSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2d3\n-----END PRIVATE KEY-----\n";

    private SmallTable() {
    }

    static RouteTable compile() {
        return compiler().compile(state());
    }

    /** As {@link #compile()}, serving Secret default/kubia-tls as the default certificate too. */
    static RouteTable compileWithDefaultCertificate() {
        return compiler().withDefaultCertificate("default/kubia-tls").compile(state());
    }

    private static RouteCompiler compiler() {
        return RouteCompiler.create(Balancers.create());
    }

    private static ClusterState state() {
        Ingress kubia = Ingress.builder("default", "kubia")
                .creationTimestamp(Instant.ofEpochSecond(100))
                .tls(new IngressTls(List.of("kubia.example.com"), "kubia-tls"))
                .rule(IngressRule.of("kubia.example.com",
                        HttpIngressPath.prefix("/", IngressBackend.service("kubia", 80)),
                        HttpIngressPath.exact("/api", IngressBackend.service("api", 80))))
                .build();
        Ingress broken = Ingress.builder("default", "broken")
                .creationTimestamp(Instant.ofEpochSecond(200))
                .rule(IngressRule.of("broken.example.com", HttpIngressPath.prefix("nope", IngressBackend.service("kubia", 80))))
                .build();
        Ingress fallback = Ingress.builder("default", "fallback")
                .creationTimestamp(Instant.ofEpochSecond(300))
                .defaultBackend(IngressBackend.service("kubia", 80))
                .build();
        EndpointSlice pods = new EndpointSlice("default", "kubia-abc12", "kubia", "IPv4",
                List.of(EndpointSlice.Port.of("http", 8080)),
                List.of(new EndpointSlice.Endpoint(List.of("10.244.1.7"), true, true, false, "zone-a", "kubia-4mcp9"),
                        new EndpointSlice.Endpoint(List.of("10.244.2.9"), true, true, false, "zone-b", "kubia-7xk2p")));
        ClusterState state = ClusterState.builder()
                .ingress(kubia).ingress(broken).ingress(fallback)
                .service(Service.of("default", "kubia", Service.Port.of("http", 80, 8080)))
                .endpointSlice(pods)
                .secret(new TlsSecret("default", "kubia-tls", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                        PRIVATE_KEY))
                .build();
        return state;
    }

    static Route route(RouteTable table, String host, String path) {
        return (Route) table.match(host, path);
    }
}
