package io.jingress.core.route;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class ServiceUpstreamTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static Ingress ingress(String name, String host, String serviceUpstream) {
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(1))
                .rule(rule(host, prefix("/", backend("web")), prefix("/api", backend("web"))));
        if (serviceUpstream != null) {
            builder.annotation(NGINX + "service-upstream", serviceUpstream);
        }
        return builder.build();
    }

    private static RouteTable compile(Service web, Ingress... ingresses) {
        ClusterState.Builder state = ClusterState.builder().service(web).endpointSlice(slice("web", "10.0.0.1", "10.0.0.2"));
        for (Ingress ingress : ingresses) {
            state.ingress(ingress);
        }
        return RouteCompiler.create(Balancers.create()).compile(state.build());
    }

    private static Service web(String type, String clusterIP) {
        return new Service("default", "web", type, List.of(Service.Port.of("http", 80, 8080)), null, clusterIP);
    }

    private static List<String> endpoints(RouteTable table, String host) {
        Route route = assertInstanceOf(Route.class, table.match(host, "/"));
        return route.backend().endpoints().stream().map(Endpoint::id).toList();
    }

    private static List<Problem> annotationWarnings(RouteTable table) {
        return table.problems().stream().filter(p -> p.field().equals("metadata.annotations")).toList();
    }

    @Test
    void theBackendsOneEndpointIsTheServicesClusterIpAndPort() {
        RouteTable table = compile(web("ClusterIP", "10.96.0.7"),
                ingress("upstream", "svc.example.com", "true"), ingress("pods", "pods.example.com", null));

        assertEquals(List.of("10.96.0.7:80"), endpoints(table, "svc.example.com"), "the Service port, not the targetPort");
        assertEquals(List.of("10.0.0.1:8080", "10.0.0.2:8080"), endpoints(table, "pods.example.com"),
                "another Ingress of the same Service keeps its endpoints");
        Route route = (Route) table.match("svc.example.com", "/");
        assertEquals(List.of("to the Service's ClusterIP (service-upstream)"), route.policy().describe());
        assertEquals(List.of(), annotationWarnings(table));
    }

    @Test
    void falseAndNotSetKeepTheEndpoints() {
        RouteTable table = compile(web("ClusterIP", "10.96.0.7"), ingress("off", "svc.example.com", "false"));

        assertEquals(List.of("10.0.0.1:8080", "10.0.0.2:8080"), endpoints(table, "svc.example.com"));
        assertEquals(List.of(), annotationWarnings(table));
    }

    @Test
    void aHeadlessServiceKeepsItsEndpointsWithOneWarning() {
        RouteTable table = compile(web("ClusterIP", "None"), ingress("upstream", "svc.example.com", "true"));

        assertEquals(List.of("10.0.0.1:8080", "10.0.0.2:8080"), endpoints(table, "svc.example.com"));
        List<Problem> warnings = annotationWarnings(table);
        assertEquals(1, warnings.size(), "once, though two paths name the Service: " + warnings);
        assertEquals(Problem.Severity.WARNING, warnings.get(0).severity());
        assertEquals("default/upstream", warnings.get(0).object());
        assertEquals("service-upstream: service default/web is headless (clusterIP: None): its endpoints are used",
                warnings.get(0).message());
    }

    @Test
    void anExternalNameServiceKeepsItsNameWithAWarning() {
        Service external = new Service("default", "web", "ExternalName", List.of(Service.Port.of("http", 80, 80)),
                "api.example.org", null);
        RouteTable table = compile(external, ingress("upstream", "svc.example.com", "true"));

        assertEquals(List.of("api.example.org:80"), endpoints(table, "svc.example.com"));
        assertEquals(List.of("service-upstream: service default/web is an ExternalName Service, which has no ClusterIP: "
                + "its endpoints are used"), annotationWarnings(table).stream().map(Problem::message).toList());
    }

    @Test
    void aValueThatIsNotABooleanIsReportedAndTheEndpointsServe() {
        RouteTable table = compile(web("ClusterIP", "10.96.0.7"), ingress("upstream", "svc.example.com", "yes"));

        assertEquals(List.of("10.0.0.1:8080", "10.0.0.2:8080"), endpoints(table, "svc.example.com"));
        assertEquals(List.of(NGINX + "service-upstream: \"yes\" is not \"true\" or \"false\": the Services' endpoints are used"),
                annotationWarnings(table).stream().map(Problem::message).toList());
    }

    @Test
    void theAnnotationCountsAsRead() {
        assertTrue(RouteAnnotations.READ.contains(NGINX + "service-upstream"));
    }
}
