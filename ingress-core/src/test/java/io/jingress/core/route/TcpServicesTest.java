package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.PickContext;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.PortRef;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TcpServicesTest {
    private static final Map<Integer, String> RESERVED = Map.of(80, "the HTTP port", 443, "the HTTPS port",
            10254, "the admin port");

    private static ClusterState state(Map<String, String> data) {
        return ClusterState.builder()
                .service(service("web")).endpointSlice(slice("web", "10.0.0.1", "10.0.0.2"))
                .service(Service.of("default", "empty", Service.Port.of("http", 80, 8080)))
                .endpointSlice(new EndpointSlice("default", "empty-x1", "empty", "IPv4",
                        List.of(EndpointSlice.Port.of("http", 8080)), List.of()))
                .configMap(new ConfigMap("ingress", "tcp-services", data))
                .build();
    }

    private static RouteTable compile(Map<String, String> data) {
        return RouteCompiler.create(Balancers.create()).withTcpServices("ingress/tcp-services", RESERVED)
                .compile(state(data));
    }

    private static List<String> problems(RouteTable table) {
        return table.problems().stream().map(Problem::toString).toList();
    }

    @Test
    void anEntryParsesAsIngressNginxWritesIt() {
        TcpService ssh = TcpService.parse("2222", "gitlab/gitlab-shell:22");
        assertEquals(new TcpService(2222, "gitlab", "gitlab-shell", PortRef.number(22), false, false), ssh);
        assertEquals("gitlab/gitlab-shell:22", ssh.serviceKey());

        TcpService named = TcpService.parse("1883", "iot/broker:mqtt:PROXY");
        assertEquals(PortRef.name("mqtt"), named.servicePort());
        assertTrue(named.decodeProxyProtocol());
        assertFalse(named.sendProxyProtocol());

        TcpService both = TcpService.parse("5432", "db/pg:5432:proxy:PROXY");
        assertTrue(both.decodeProxyProtocol() && both.sendProxyProtocol());
        TcpService sendOnly = TcpService.parse("5432", "db/pg:5432::PROXY");
        assertFalse(sendOnly.decodeProxyProtocol());
        assertTrue(sendOnly.sendProxyProtocol());
    }

    @Test
    void badKeysAndValuesSayWhatIsWrong() {
        assertEquals("key \"ssh\" is not a port number (1 to 65535)",
                assertThrows(IllegalArgumentException.class, () -> TcpService.parse("ssh", "a/b:22")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TcpService.parse("0", "a/b:22"));
        assertThrows(IllegalArgumentException.class, () -> TcpService.parse("65536", "a/b:22"));
        assertThrows(IllegalArgumentException.class, () -> TcpService.parse("-1", "a/b:22"));
        assertEquals("\"default/web\" is not namespace/service:port[:PROXY[:PROXY]]",
                assertThrows(IllegalArgumentException.class, () -> TcpService.parse("22", "default/web")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TcpService.parse("22", "web:22"));
        assertThrows(IllegalArgumentException.class, () -> TcpService.parse("22", "a/b/c:22"));
        assertThrows(IllegalArgumentException.class, () -> TcpService.parse("22", "a/b:"));
        assertThrows(IllegalArgumentException.class, () -> TcpService.parse("22", "a/b:70000"));
        assertThrows(IllegalArgumentException.class, () -> TcpService.parse("22", "a/b:22:PROXY_V2"));
        assertThrows(IllegalArgumentException.class, () -> TcpService.parse("22", "a/b:22:PROXY:PROXY:PROXY"));
    }

    @Test
    void eachGoodEntryIsServedByPortWithTheServicesReadyEndpoints() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("9000", "default/web:80");
        data.put("2222", "default/web:http:PROXY:PROXY");
        RouteTable table = compile(data);

        TcpServices tcp = table.tcpServices();
        assertEquals("ingress/tcp-services", tcp.configMap());
        assertTrue(tcp.configMapFound());
        assertEquals(List.of(2222, 9000), tcp.routes().stream().map(TcpRoute::port).toList());
        TcpRoute web = tcp.route(9000);
        assertTrue(web.backend().isReady());
        assertEquals(List.of("10.0.0.1:8080", "10.0.0.2:8080"), web.backend().endpoints().stream().map(Endpoint::id).toList());
        assertTrue(tcp.route(2222).service().sendProxyProtocol());
        assertEquals(List.of(), problems(table));
        // round robin across connections
        Endpoint first = web.backend().balancer().pick(PickContext.NONE);
        Endpoint second = web.backend().balancer().pick(PickContext.NONE);
        assertFalse(first.equals(second));
    }

    @Test
    void aBadEntryIsOneWarningNamingTheConfigMapTheFieldAndTheValueAndTheRestServe() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("9000", "default/web:80");
        data.put("ssh", "default/web:80");
        data.put("70000", "default/web:80");
        data.put("2222", "default/web");
        data.put("2223", "default/missing:22");
        data.put("2224", "default/web:23");
        data.put("80", "default/web:80");
        data.put("10254", "default/web:80");
        RouteTable table = compile(data);

        assertEquals(List.of(9000), table.tcpServices().routes().stream().map(TcpRoute::port).toList());
        assertEquals(List.of(
                "ConfigMap ingress/tcp-services: data[\"10254\"]: port 10254 is the admin port of Jingress: this entry is"
                        + " not served",
                "ConfigMap ingress/tcp-services: data[\"2222\"]: \"default/web\" is not"
                        + " namespace/service:port[:PROXY[:PROXY]]: this entry is not served",
                "ConfigMap ingress/tcp-services: data[\"2223\"]: \"default/missing:22\": service default/missing not"
                        + " found: this entry is not served",
                "ConfigMap ingress/tcp-services: data[\"2224\"]: \"default/web:23\": service default/web has no port 23"
                        + " (ports: http:80): this entry is not served",
                "ConfigMap ingress/tcp-services: data[\"70000\"]: key \"70000\" is not a port number (1 to 65535):"
                        + " this entry is not served",
                "ConfigMap ingress/tcp-services: data[\"80\"]: port 80 is the HTTP port of Jingress: this entry is not"
                        + " served",
                "ConfigMap ingress/tcp-services: data[\"ssh\"]: key \"ssh\" is not a port number (1 to 65535): this"
                        + " entry is not served"), problems(table));
        assertTrue(table.problems().stream().allMatch(p -> p.severity() == Problem.Severity.WARNING));
    }

    @Test
    void anEntryWithoutReadyEndpointsKeepsItsPortWithAWarning() {
        RouteTable table = compile(Map.of("3306", "default/empty:80"));

        TcpRoute route = table.tcpServices().route(3306);
        assertFalse(route.backend().isReady());
        assertNull(route.backend().balancer().pick(PickContext.NONE));
        assertEquals(List.of("ConfigMap ingress/tcp-services: data[\"3306\"]: \"default/empty:80\": service default/empty"
                + " port 80 (\"http\") has no ready endpoints: connections to port 3306 are closed until one is ready"),
                problems(table));
    }

    @Test
    void noConfigMapMeansNoPortsAndNoProblem() {
        RouteTable table = RouteCompiler.create(Balancers.create()).withTcpServices("ingress/other", RESERVED)
                .compile(state(Map.of("9000", "default/web:80")));

        assertTrue(table.tcpServices().isEmpty());
        assertFalse(table.tcpServices().configMapFound());
        assertEquals("ingress/other", table.tcpServices().configMap());
        assertEquals(List.of(), problems(table));
    }

    @Test
    void withoutTheOptionTheConfigMapIsNotRead() {
        RouteTable table = RouteCompiler.create(Balancers.create()).compile(state(Map.of("9000", "default/web:80")));

        assertSame(TcpServices.none(), table.tcpServices());
        assertNull(table.tcpServices().configMap());
    }

    @Test
    void theTcpServicesSurviveTheSourcesProblemsAndOtherOptions() {
        RouteTable table = RouteCompiler.create(Balancers.create()).withTcpServices("ingress/tcp-services", RESERVED)
                .withSslPassthrough(true).compile(state(Map.of("9000", "default/web:80")))
                .withSourceProblems(List.of(Problem.warning("Ingress", "a/b", "", "x")));

        assertEquals(List.of(9000), table.tcpServices().routes().stream().map(TcpRoute::port).toList());
    }

    @Test
    void theConfigMapNameMustBeNamespaceSlashName() {
        RouteCompiler compiler = RouteCompiler.create(Balancers.create());
        assertThrows(IllegalArgumentException.class, () -> compiler.withTcpServices("tcp-services", RESERVED));
        assertThrows(IllegalArgumentException.class, () -> compiler.withTcpServices("a/b/c", RESERVED));
    }
}
