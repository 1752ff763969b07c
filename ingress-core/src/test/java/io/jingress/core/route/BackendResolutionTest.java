package io.jingress.core.route;

import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.PickContext;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.Endpoints;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.PortRef;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendResolutionTest {

    private static final Service WEB = new Service("default", "web", "ClusterIP", List.of(
            new Service.Port("http", 80, PortRef.number(8080), null),
            new Service.Port("admin", 9000, PortRef.name("admin-port"), null),
            new Service.Port("metrics", 9100, null, null)), null);

    private static final EndpointSlice SLICE = new EndpointSlice("default", "web-abc", "web", "IPv4",
            List.of(EndpointSlice.Port.of("http", 8080), EndpointSlice.Port.of("admin", 9999),
                    EndpointSlice.Port.of("metrics", 9100)),
            List.of(new EndpointSlice.Endpoint(List.of("10.0.0.1"), true, true, false, "zone-a", "web-1"),
                    new EndpointSlice.Endpoint(List.of("10.0.0.2"), null, null, null, null, "web-2"),
                    new EndpointSlice.Endpoint(List.of("10.0.0.3"), false, false, true, null, "web-3")));

    private final Balancers balancers = Balancers.create();

    private Backend resolve(IngressBackend backend, ClusterState.Builder state) {
        RouteTable table = RouteCompiler.create(balancers).compile(
                state.ingress(ingress("i", 0, rule("a.com", prefix("/", backend)))).build());
        return ((Route) table.match("a.com", "/")).backend();
    }

    private static List<String> ids(Backend backend) {
        return backend.endpoints().stream().map(Endpoint::id).toList();
    }

    @Test
    void aServicePortByNumberResolvesToItsTargetPortOnReadyEndpoints() {
        Backend backend = resolve(IngressBackend.service("web", 80), ClusterState.builder().service(WEB).endpointSlice(SLICE));
        assertEquals(Backend.Status.READY, backend.status());
        assertEquals(List.of("10.0.0.1:8080", "10.0.0.2:8080"), ids(backend));
        assertEquals("default/web:80", backend.key());
        assertEquals("zone-a", backend.endpoints().get(0).zone());
        assertEquals("web-1", backend.endpoints().get(0).targetName());
    }

    @Test
    void aServicePortByNameResolvesLikeItsNumber() {
        Backend backend = resolve(IngressBackend.service("web", "http"), ClusterState.builder().service(WEB).endpointSlice(SLICE));
        assertEquals(List.of("10.0.0.1:8080", "10.0.0.2:8080"), ids(backend));
        assertEquals("default/web:http", backend.key());
    }

    @Test
    void aNamedTargetPortResolvesThroughTheSlicePortOfTheServicePortsName() {
        Backend backend = resolve(IngressBackend.service("web", 9000), ClusterState.builder().service(WEB).endpointSlice(SLICE));
        assertEquals(List.of("10.0.0.1:9999", "10.0.0.2:9999"), ids(backend));
    }

    @Test
    void aMissingTargetPortDefaultsToThePort() {
        Backend backend = resolve(IngressBackend.service("web", "metrics"), ClusterState.builder().service(WEB).endpointSlice(SLICE));
        assertEquals(List.of("10.0.0.1:9100", "10.0.0.2:9100"), ids(backend));
    }

    @Test
    void endpointsThatAreNotReadyGetNoTraffic() {
        Backend backend = resolve(IngressBackend.service("web", 80), ClusterState.builder().service(WEB).endpointSlice(SLICE));
        assertTrue(backend.endpoints().stream().noneMatch(e -> e.address().equals("10.0.0.3")));
        assertEquals("2 ready endpoints, 1 not ready", backend.reason());
        for (int i = 0; i < 10; i++) {
            assertTrue(backend.balancer().pick(PickContext.NONE).address().matches("10\\.0\\.0\\.[12]"));
        }
    }

    @Test
    void endpointsFromSeveralSlicesAreUnited() {
        EndpointSlice second = new EndpointSlice("default", "web-def", "web", "IPv4",
                List.of(EndpointSlice.Port.of("http", 8080)), List.of(EndpointSlice.Endpoint.ready("10.0.1.1")));
        Backend backend = resolve(IngressBackend.service("web", 80),
                ClusterState.builder().service(WEB).endpointSlice(SLICE).endpointSlice(second));
        assertEquals(List.of("10.0.0.1:8080", "10.0.0.2:8080", "10.0.1.1:8080"), ids(backend));
    }

    @Test
    void legacyEndpointsAreUsedWhenTheServiceHasNoEndpointSlice() {
        Endpoints legacy = new Endpoints("default", "web", List.of(new Endpoints.Subset(
                List.of("10.1.0.1", "10.1.0.2"), List.of("10.1.0.3"), List.of(EndpointSlice.Port.of("http", 8080)))));
        Backend backend = resolve(IngressBackend.service("web", 80), ClusterState.builder().service(WEB).endpoints(legacy));
        assertEquals(List.of("10.1.0.1:8080", "10.1.0.2:8080"), ids(backend));
    }

    @Test
    void anExternalNameServiceResolvesToItsDnsNameAtTheBackendPort() {
        Service external = new Service("default", "ext", "ExternalName", List.of(), "api.example.org");
        Backend backend = resolve(IngressBackend.service("ext", 443), ClusterState.builder().service(external));
        assertEquals(Backend.Status.READY, backend.status());
        assertEquals(List.of("api.example.org:443"), ids(backend));
    }

    private static final Service DNS = new Service("default", "dns", "ClusterIP", List.of(
            new Service.Port("dns-udp", 80, PortRef.number(5353), "UDP"),
            new Service.Port("dns-tcp", 80, PortRef.number(8053), null),
            new Service.Port("sig", 9000, null, "SCTP")), null);

    private static final EndpointSlice DNS_SLICE = new EndpointSlice("default", "dns-abc", "dns", "IPv4",
            List.of(new EndpointSlice.Port("dns-udp", 5353, "UDP"), EndpointSlice.Port.of("dns-tcp", 8053),
                    new EndpointSlice.Port("sig", 9000, "SCTP")),
            List.of(EndpointSlice.Endpoint.ready("10.0.0.1")));

    @Test
    void aBackendPortByNumberIsTheServicesTcpPortNotAUdpPortOfTheSameNumber() {
        Backend backend = resolve(IngressBackend.service("dns", 80), ClusterState.builder().service(DNS).endpointSlice(DNS_SLICE));
        assertEquals(Backend.Status.READY, backend.status());
        assertEquals(List.of("10.0.0.1:8053"), ids(backend));
    }

    @Test
    void aServicePortThatIsNotTcpIsRefusedSayingItsProtocol() {
        ClusterState.Builder state = ClusterState.builder().service(DNS).endpointSlice(DNS_SLICE);
        Backend udp = resolve(IngressBackend.service("dns", "dns-udp"), state);
        assertEquals(Backend.Status.PORT_NOT_FOUND, udp.status());
        assertEquals(List.of(), udp.endpoints());
        assertEquals("service default/dns port 80 (\"dns-udp\") is UDP: an Ingress routes TCP only", udp.reason());
        Backend sctp = resolve(IngressBackend.service("dns", 9000), ClusterState.builder().service(DNS).endpointSlice(DNS_SLICE));
        assertEquals(Backend.Status.PORT_NOT_FOUND, sctp.status());
        assertEquals("service default/dns port 9000 (\"sig\") is SCTP: an Ingress routes TCP only", sctp.reason());
        Backend missing = resolve(IngressBackend.service("dns", 81), ClusterState.builder().service(DNS).endpointSlice(DNS_SLICE));
        assertEquals("service default/dns has no port 81 (ports: dns-udp:80/UDP, dns-tcp:80, sig:9000/SCTP)",
                missing.reason());
    }

    @Test
    void anEndpointPortThatIsNotTcpIsNeverTheTarget() {
        // hand-written objects: one unnamed Service port, endpoints with an unnamed UDP and TCP port each
        Service service = Service.of("default", "web", new Service.Port(null, 80, PortRef.number(8080), null));
        List<EndpointSlice.Port> ports = List.of(new EndpointSlice.Port(null, 5353, "UDP"),
                new EndpointSlice.Port(null, 8080, "TCP"));
        EndpointSlice slice = new EndpointSlice("default", "web-abc", "web", "IPv4", ports,
                List.of(EndpointSlice.Endpoint.ready("10.0.0.1")));
        Endpoints legacy = new Endpoints("default", "web", List.of(new Endpoints.Subset(List.of("10.1.0.1"), List.of(), ports)));
        assertEquals(List.of("10.0.0.1:8080"),
                ids(resolve(IngressBackend.service("web", 80), ClusterState.builder().service(service).endpointSlice(slice))));
        assertEquals(List.of("10.1.0.1:8080"),
                ids(resolve(IngressBackend.service("web", 80), ClusterState.builder().service(service).endpoints(legacy))));
    }

    @Test
    void aNamedTargetPortOnlyAUdpEndpointPortCarriesIsPortNotFound() {
        Service service = Service.of("default", "dns", Service.Port.of("dns", 53, "dns-port"));
        EndpointSlice slice = new EndpointSlice("default", "dns-abc", "dns", "IPv4",
                List.of(new EndpointSlice.Port("dns-port", 5353, "UDP")), List.of(EndpointSlice.Endpoint.ready("10.0.0.1")));
        Backend backend = resolve(IngressBackend.service("dns", 53), ClusterState.builder().service(service).endpointSlice(slice));
        assertEquals(Backend.Status.PORT_NOT_FOUND, backend.status());
        assertEquals("service default/dns port 53 (\"dns\"): targetPort \"dns-port\" is not a port of its EndpointSlices",
                backend.reason());
    }

    @Test
    void anExternalNameServiceIsReachedAtANumericTargetPortElseAtThePortItself() {
        Service external = new Service("default", "ext", "ExternalName", List.of(
                new Service.Port("http", 80, PortRef.number(8080), null),
                new Service.Port("plain", 81, null, null),
                new Service.Port("https", 443, PortRef.name("https-port"), null)), "api.example.org");
        Backend byNumber = resolve(IngressBackend.service("ext", 80), ClusterState.builder().service(external));
        assertEquals(List.of("api.example.org:8080"), ids(byNumber));
        assertEquals("ExternalName api.example.org:8080", byNumber.reason());
        assertEquals(List.of("api.example.org:8080"),
                ids(resolve(IngressBackend.service("ext", "http"), ClusterState.builder().service(external))));
        // no targetPort defaults to the port; a named one names a Pod's port, and there are no Pods
        assertEquals(List.of("api.example.org:81"),
                ids(resolve(IngressBackend.service("ext", "plain"), ClusterState.builder().service(external))));
        assertEquals(List.of("api.example.org:443"),
                ids(resolve(IngressBackend.service("ext", 443), ClusterState.builder().service(external))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"api.example.org", "API.Example.org.", "my-svc.other-ns.svc.cluster.local", "10.0.0.7",
        "8.8.8.8", "169.253.0.1", "128.0.0.1", "localhost.example.org", "xn--bcher-kva.example",
        "100.100.100.201", "100.64.0.1", "223.255.255.255", "240.0.0.1", "255.255.255.254", "192.168.1.1"})
    void anExternalNameServiceMayNameAnyOtherHost(String externalName) {
        Service external = new Service("default", "ext", "ExternalName", List.of(), externalName);
        Backend backend = resolve(IngressBackend.service("ext", 443), ClusterState.builder().service(external));
        assertEquals(Backend.Status.READY, backend.status(), backend.reason());
        assertEquals(List.of(externalName + ":443"), ids(backend));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "localhost|names the local host",
        "LocalHost.|names the local host",
        "app.localhost|names the local host",
        "127.0.0.1|is a loopback address (127.0.0.0/8)",
        "127.255.3.4|is a loopback address (127.0.0.0/8)",
        "0.0.0.0|is in 0.0.0.0/8, which connects to the local host",
        "169.254.169.254|is a link-local address (169.254.0.0/16)",
        "100.100.100.200|is the address where Alibaba Cloud serves instance metadata (100.100.100.200)",
        "224.0.0.1|is a multicast address (224.0.0.0/4)",
        "239.255.255.250|is a multicast address (224.0.0.0/4)",
        "255.255.255.255|is the broadcast address (255.255.255.255)",
        "::1|is an IPv6 address",
        "[::1]|is an IPv6 address",
        "::ffff:127.0.0.1|is an IPv6 address",
        "fe80::1|is an IPv6 address",
        "127.1|is neither a DNS name nor an IPv4 address",
        "2130706433|is neither a DNS name nor an IPv4 address",
        "0x7f.1|is neither a DNS name nor an IPv4 address",
        "0x7f000001|is neither a DNS name nor an IPv4 address",
        "0177.0.0.1|is neither a DNS name nor an IPv4 address",
        "127.0.0.01|is neither a DNS name nor an IPv4 address",
        "example.0x10|is neither a DNS name nor an IPv4 address",
        "foo_bar.example.org|must be a DNS name",
        "-foo.example.org|must be a DNS name",
        "foo..example.org|must be a DNS name",
        "a b.example.org|must be a DNS name"})
    void anExternalNameServiceNamingTheLocalHostOrNoValidHostIsRefused(String externalName, String why) {
        Service external = new Service("default", "ext", "ExternalName", List.of(Service.Port.of("http", 80, 80)),
                externalName);
        Backend backend = resolve(IngressBackend.service("ext", 80), ClusterState.builder().service(external));
        assertEquals(Backend.Status.NO_READY_ENDPOINTS, backend.status());
        assertEquals(List.of(), backend.endpoints());
        assertEquals(null, backend.balancer().pick(PickContext.NONE));
        assertTrue(backend.reason().startsWith("ExternalName service default/ext: spec.externalName \""
                + externalName + "\" " + why), backend.reason());
    }

    @Test
    void aRefusedExternalNameSaysWhyAndLeavesOtherBackendsServing() {
        Service external = new Service("default", "admin", "ExternalName", List.of(), "localhost");
        RouteTable table = RouteCompiler.create(balancers).compile(ClusterState.builder()
                .service(WEB).endpointSlice(SLICE).service(external)
                .ingress(ingress("i", 0, rule("a.com", prefix("/", IngressBackend.service("web", 80)),
                        prefix("/admin", IngressBackend.service("admin", 9901))))).build());
        Backend refused = ((Route) table.match("a.com", "/admin/routes")).backend();
        assertEquals(Backend.Status.NO_READY_ENDPOINTS, refused.status());
        assertEquals("ExternalName service default/admin: spec.externalName \"localhost\" names the local host"
                + " (RFC 6761): it would route to the controller's own ports", refused.reason());
        assertEquals(Backend.Status.READY, ((Route) table.match("a.com", "/")).backend().status());
        assertEquals(1, table.problems().size());
        assertEquals(Problem.Severity.WARNING, table.problems().get(0).severity());
        assertTrue(table.problems().get(0).toString().contains("spec.externalName \"localhost\""),
                table.problems().get(0).toString());
    }

    @Test
    void anFqdnEndpointThatIsALoopbackNumberGetsNoTrafficAndIsReportedWhileItsNamedNeighboursServe() {
        Service db = new Service("default", "db", "ClusterIP", List.of(new Service.Port("http", 80, PortRef.number(8080), null)), null);
        EndpointSlice fqdn = new EndpointSlice("default", "db-fqdn", "db", "FQDN", List.of(EndpointSlice.Port.of("http", 8080)),
                List.of(EndpointSlice.Endpoint.ready("127.0.0.1"), EndpointSlice.Endpoint.ready("db.example.com"),
                        EndpointSlice.Endpoint.ready("127.1"), EndpointSlice.Endpoint.ready("localhost"),
                        EndpointSlice.Endpoint.ready("10.1.2.3")));
        RouteTable table = RouteCompiler.create(balancers).compile(ClusterState.builder().service(db).endpointSlice(fqdn)
                .ingress(ingress("i", 0, rule("a.com", prefix("/", IngressBackend.service("db", 80))))).build());

        Backend backend = ((Route) table.match("a.com", "/")).backend();
        assertEquals(Backend.Status.READY, backend.status());
        // a DNS name, localhost too, is checked by what it resolves to when the proxy connects
        assertEquals(List.of("db.example.com:8080", "localhost:8080", "10.1.2.3:8080"), ids(backend));
        assertEquals(List.of("endpoints[0].addresses[0]", "endpoints[2].addresses[0]"),
                table.problems().stream().map(Problem::field).toList());
        Problem loopback = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, loopback.severity());
        assertEquals("default/db-fqdn", loopback.object());
        assertTrue(loopback.toString().contains("\"127.0.0.1\" is a loopback address (127.0.0.0/8): it would route to"
                + " the controller's own ports: this endpoint gets no traffic"), loopback.toString());
        assertTrue(table.problems().get(1).toString().contains("\"127.1\" is neither a DNS name nor an IPv4 address"),
                table.problems().get(1).toString());
    }

    @Test
    void anIpv4SliceMayPointAtLoopbackAsAManifestForThisMachineDoes() {
        EndpointSlice local = new EndpointSlice("default", "web-local", "web", "IPv4", List.of(EndpointSlice.Port.of("http", 8080)),
                List.of(EndpointSlice.Endpoint.ready("127.0.0.1")));
        Backend backend = resolve(IngressBackend.service("web", 80), ClusterState.builder().service(WEB).endpointSlice(local));
        assertEquals(List.of("127.0.0.1:8080"), ids(backend));
    }

    @Test
    void aMissingServiceIsServiceNotFound() {
        Backend backend = resolve(IngressBackend.service("nope", 80), ClusterState.builder().service(WEB));
        assertEquals(Backend.Status.SERVICE_NOT_FOUND, backend.status());
        assertEquals("service default/nope not found", backend.reason());
        assertEquals(null, backend.balancer().pick(PickContext.NONE));
    }

    @Test
    void aMissingServicePortIsPortNotFound() {
        Backend backend = resolve(IngressBackend.service("web", 81), ClusterState.builder().service(WEB).endpointSlice(SLICE));
        assertEquals(Backend.Status.PORT_NOT_FOUND, backend.status());
        assertEquals("service default/web has no port 81 (ports: http:80, admin:9000, metrics:9100)", backend.reason());
    }

    @Test
    void aNamedTargetPortMissingFromTheEndpointsIsPortNotFound() {
        Service service = Service.of("default", "web", Service.Port.of("grpc", 50051, "grpc-port"));
        Backend backend = resolve(IngressBackend.service("web", 50051), ClusterState.builder().service(service).endpointSlice(SLICE));
        assertEquals(Backend.Status.PORT_NOT_FOUND, backend.status());
    }

    @Test
    void aServiceWhoseEndpointsAreAllUnreadyHasNoReadyEndpoints() {
        EndpointSlice unready = new EndpointSlice("default", "web-abc", "web", "IPv4",
                List.of(EndpointSlice.Port.of("http", 8080)),
                List.of(new EndpointSlice.Endpoint(List.of("10.0.0.3"), false, false, true, null, null)));
        Backend backend = resolve(IngressBackend.service("web", 80), ClusterState.builder().service(WEB).endpointSlice(unready));
        assertEquals(Backend.Status.NO_READY_ENDPOINTS, backend.status());
        assertEquals("service default/web port 80 (\"http\") has no ready endpoints (1 not ready)", backend.reason());
    }

    @Test
    void aServiceWithoutAnyEndpointsHasNoReadyEndpoints() {
        Backend backend = resolve(IngressBackend.service("web", 80), ClusterState.builder().service(WEB));
        assertEquals(Backend.Status.NO_READY_ENDPOINTS, backend.status());
    }

    @Test
    void brokenBackendsAreReportedAsWarnings() {
        RouteTable table = RouteCompiler.create(balancers).compile(ClusterState.builder().service(WEB)
                .ingress(ingress("i", 0, rule("a.com", prefix("/", IngressBackend.service("web", 81))))).build());
        assertEquals(1, table.problems().size());
        assertEquals(Problem.Severity.WARNING, table.problems().get(0).severity());
        assertEquals("spec.rules[0].http.paths[0].backend", table.problems().get(0).field());
    }

    @Test
    void endpointsKeepTheirIdentityAcrossCompilesAndGoneOnesAreReleased() {
        ClusterState.Builder first = ClusterState.builder().service(WEB).endpointSlice(SLICE);
        Endpoint before = resolve(IngressBackend.service("web", 80), first).endpoints().get(0);
        Endpoint after = resolve(IngressBackend.service("web", 80), ClusterState.builder().service(WEB).endpointSlice(SLICE))
                .endpoints().get(0);
        assertSame(before, after);
        resolve(IngressBackend.service("web", 80), ClusterState.builder().service(WEB));
        Endpoint returned = resolve(IngressBackend.service("web", 80), ClusterState.builder().service(WEB).endpointSlice(SLICE))
                .endpoints().get(0);
        assertNotSame(before, returned);
    }
}
