package io.jingress.core.route;

import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.Endpoints;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.PortRef;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A port number outside 1 to 65535 in a Service, EndpointSlice or Endpoints is reported and skipped, never thrown. */
class BadPortNumbersTest {

    private static final Service WEB = Service.of("default", "web", Service.Port.of("http", 80, 8080));

    private final Balancers balancers = Balancers.create();

    private RouteTable compile(ClusterState.Builder state) {
        return RouteCompiler.create(balancers).compile(state
                .ingress(ingress("i", 0,
                        rule("a.com", prefix("/", IngressBackend.service("web", 80))),
                        rule("b.com", prefix("/", IngressBackend.service("other", 80)))))
                .build());
    }

    private static Backend backendOf(RouteTable table, String host) {
        return ((Route) table.match(host, "/")).backend();
    }

    private static List<String> ids(Backend backend) {
        return backend.endpoints().stream().map(Endpoint::id).toList();
    }

    private static EndpointSlice slice(String service, String name, List<EndpointSlice.Port> ports, String address) {
        return new EndpointSlice("default", name, service, "IPv4", ports, List.of(EndpointSlice.Endpoint.ready(address)));
    }

    /** Service "other" with a good slice, served beside whatever is wrong with "web". */
    private static ClusterState.Builder withOther() {
        return ClusterState.builder()
                .service(Service.of("default", "other", Service.Port.of("http", 80, 8080)))
                .endpointSlice(slice("other", "other-1", List.of(EndpointSlice.Port.of("http", 8080)), "10.9.0.1"));
    }

    private static void assertReported(RouteTable table, String kind, String object, String field, int value) {
        Problem expected = Problem.warning(kind, object, field,
                value + " is not a port number (1 to 65535): this port is not served");
        assertTrue(table.problems().contains(expected), "expected " + expected + " in " + table.problems());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 70000, -1, 65536})
    void anEndpointSlicePortOutOfRangeIsReportedAndTheOtherSlicesServe(int bad) {
        RouteTable table = compile(withOther().service(WEB)
                .endpointSlice(slice("web", "web-good", List.of(EndpointSlice.Port.of("http", 8080)), "10.0.0.1"))
                .endpointSlice(slice("web", "web-bad", List.of(new EndpointSlice.Port("http", bad, null)), "10.0.0.2")));

        assertEquals(List.of("10.0.0.1:8080"), ids(backendOf(table, "a.com")));
        assertEquals(List.of("10.9.0.1:8080"), ids(backendOf(table, "b.com")));
        assertReported(table, "EndpointSlice", "default/web-bad", "ports[0].port", bad);
    }

    @Test
    void onlyThePortOutOfRangeIsSkippedAndTheSlicesOtherPortsServe() {
        Service twoPorts = Service.of("default", "web", Service.Port.of("http", 80, 8080),
                Service.Port.of("admin", 81, 9000));
        RouteTable table = RouteCompiler.create(balancers).compile(ClusterState.builder()
                .ingress(ingress("i", 0, rule("a.com", prefix("/", IngressBackend.service("web", 80))),
                        rule("admin.com", prefix("/", IngressBackend.service("web", 81)))))
                .service(twoPorts)
                .endpointSlice(slice("web", "web-1", List.of(EndpointSlice.Port.of("http", 8080),
                        EndpointSlice.Port.of("admin", 70000)), "10.0.0.1"))
                .build());

        assertEquals(List.of("10.0.0.1:8080"), ids(backendOf(table, "a.com")));
        Backend admin = backendOf(table, "admin.com");
        assertEquals(Backend.Status.PORT_NOT_FOUND, admin.status());
        assertReported(table, "EndpointSlice", "default/web-1", "ports[1].port", 70000);
    }

    @Test
    void aLegacyEndpointsPortOutOfRangeIsReportedAndTheRestServes() {
        Endpoints legacy = new Endpoints("default", "web", List.of(
                new Endpoints.Subset(List.of("10.1.0.1"), List.of(), List.of(EndpointSlice.Port.of("http", 70000))),
                new Endpoints.Subset(List.of("10.1.0.2"), List.of(), List.of(EndpointSlice.Port.of("http", 8080)))));

        RouteTable table = compile(withOther().service(WEB).endpoints(legacy));

        assertEquals(List.of("10.1.0.2:8080"), ids(backendOf(table, "a.com")));
        assertEquals(List.of("10.9.0.1:8080"), ids(backendOf(table, "b.com")));
        assertReported(table, "Endpoints", "default/web", "subsets[0].ports[0].port", 70000);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 70000, -80})
    void aServicePortOutOfRangeIsReportedAndNotServed(int bad) {
        Service web = new Service("default", "web", "ClusterIP", List.of(new Service.Port("http", bad, null, null)), null);

        RouteTable table = RouteCompiler.create(balancers).compile(withOther()
                .ingress(ingress("i", 0, rule("a.com", prefix("/", IngressBackend.service("web", "http"))),
                        rule("b.com", prefix("/", IngressBackend.service("other", 80)))))
                .service(web)
                .endpointSlice(slice("web", "web-1", List.of(), "10.0.0.1"))
                .build());

        Backend backend = backendOf(table, "a.com");
        assertEquals(Backend.Status.PORT_NOT_FOUND, backend.status());
        assertEquals("service default/web has no port \"http\" (ports: none)", backend.reason());
        assertEquals(List.of("10.9.0.1:8080"), ids(backendOf(table, "b.com")));
        assertReported(table, "Service", "default/web", "spec.ports[0].port", bad);
    }

    @ParameterizedTest
    @ValueSource(ints = {70000, -1})
    void aNumericTargetPortOutOfRangeIsReportedAndThatServicePortIsNotServed(int bad) {
        // a slice without ports takes the numeric targetPort as is: this reached the Endpoint constructor
        Service web = new Service("default", "web", "ClusterIP", List.of(
                new Service.Port("http", 80, PortRef.number(bad), null),
                new Service.Port("alt", 81, PortRef.number(8081), null)), null);

        RouteTable table = RouteCompiler.create(balancers).compile(withOther()
                .ingress(ingress("i", 0, rule("a.com", prefix("/", IngressBackend.service("web", 80))),
                        rule("alt.com", prefix("/", IngressBackend.service("web", 81)))))
                .service(web)
                .endpointSlice(slice("web", "web-1", List.of(), "10.0.0.1"))
                .build());

        assertEquals(Backend.Status.PORT_NOT_FOUND, backendOf(table, "a.com").status());
        assertEquals(List.of("10.0.0.1:8081"), ids(backendOf(table, "alt.com")));
        assertReported(table, "Service", "default/web", "spec.ports[0].targetPort", bad);
    }

    @Test
    void aTargetPortOfZeroMeansThePortItselfAsTheApiServerDefaultsIt() {
        Service web = Service.of("default", "web", Service.Port.of("http", 80, 0));

        RouteTable table = compile(withOther().service(web)
                .endpointSlice(slice("web", "web-1", List.of(), "10.0.0.1")));

        assertEquals(List.of("10.0.0.1:80"), ids(backendOf(table, "a.com")));
        assertEquals(List.of(), table.problems());
    }
}
