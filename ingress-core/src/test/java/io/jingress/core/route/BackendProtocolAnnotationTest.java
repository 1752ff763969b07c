package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BackendProtocolAnnotationTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/backend-protocol";

    @Test
    void httpsIsReadInAnyCaseAndWithSpacesAroundIt() {
        for (String value : List.of("HTTPS", "https", "Https", " HTTPS ")) {
            RoutePolicy policy = policyOf(Map.of(NGINX, value));
            assertEquals(BackendProtocol.HTTPS, policy.backendProtocol(), value);
            assertEquals(List.of("endpoints spoken to in HTTPS, certificates not verified (backend-protocol)"),
                    policy.describe());
        }
    }

    @Test
    void httpIsTheDefaultAndAskingForItAsksNothing() {
        assertSame(RoutePolicy.NONE, policyOf(Map.of(NGINX, "HTTP")));
        assertSame(RoutePolicy.NONE, policyOf(Map.of(NGINX, "http")));
        assertEquals(BackendProtocol.HTTP, RoutePolicy.NONE.backendProtocol());
    }

    @Test
    void autoHttpFollowsTheClientsScheme() {
        RoutePolicy policy = policyOf(Map.of(NGINX, "auto_http"));
        assertEquals(BackendProtocol.AUTO_HTTP, policy.backendProtocol());
        assertTrue(policy.backendProtocol().upstreamTls(true));
        assertFalse(policy.backendProtocol().upstreamTls(false));
        assertTrue(BackendProtocol.HTTPS.upstreamTls(false));
        assertFalse(BackendProtocol.HTTP.upstreamTls(true));
        assertTrue(policy.describe().get(0).startsWith("endpoints spoken to in HTTPS when the client came over TLS"),
                policy.describe().toString());
    }

    @Test
    void oursWinsOverIngressNginxs() {
        RoutePolicy policy = policyOf(Map.of(NGINX, "HTTP", "jingress.io/backend-protocol", "HTTPS"));
        assertEquals(BackendProtocol.HTTPS, policy.backendProtocol());
    }

    @Test
    void grpcIsHttp2InCleartextAndGrpcsOverTls() {
        RouteAnnotations.Parsed grpc = RouteAnnotations.parse(Map.of(NGINX, "grpc"));
        assertEquals(BackendProtocol.GRPC, grpc.policy().backendProtocol());
        assertTrue(grpc.policy().backendProtocol().spoken());
        assertTrue(grpc.policy().backendProtocol().http2());
        assertFalse(grpc.policy().backendProtocol().upstreamTls(true), "cleartext, whatever the client came over");
        assertEquals(List.of(), grpc.problems());
        assertEquals(List.of("endpoints spoken to in gRPC, HTTP/2 in cleartext (backend-protocol GRPC)"),
                grpc.policy().describe());

        RouteAnnotations.Parsed grpcs = RouteAnnotations.parse(Map.of(NGINX, " GRPCS "));
        assertEquals(BackendProtocol.GRPCS, grpcs.policy().backendProtocol());
        assertTrue(grpcs.policy().backendProtocol().http2());
        assertTrue(grpcs.policy().backendProtocol().upstreamTls(false), "TLS, whatever the client came over");
        assertEquals(List.of(), grpcs.problems());
        assertEquals(List.of("endpoints spoken to in gRPC over TLS, certificates not verified (backend-protocol GRPCS)"),
                grpcs.policy().describe());
        assertFalse(BackendProtocol.HTTPS.http2());
    }

    @Test
    void fcgiIsUnderstoodButNotSpokenAndIsReportedAsAnswered502() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(NGINX, "FCGI"));
        BackendProtocol protocol = parsed.policy().backendProtocol();
        assertEquals(BackendProtocol.FCGI, protocol);
        assertFalse(protocol.spoken());
        assertEquals(1, parsed.problems().size(), parsed.problems().toString());
        String problem = parsed.problems().get(0);
        assertTrue(problem.startsWith(NGINX + ": \"FCGI\" is not supported by Jingress"), problem);
        assertTrue(problem.contains("not FastCGI: the Ingress's routes answer 502 with a body that says so"), problem);
        assertEquals(List.of("answered 502: backend-protocol FCGI is not supported"), parsed.policy().describe());
    }

    @Test
    void aBadValueIsReportedNamingTheAnnotationAndTheEndpointsAreSpokenToInHttp() {
        Ingress bad = Ingress.builder("default", "dashboard").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX, "TLS")
                .annotation("nginx.ingress.kubernetes.io/proxy-body-size", "1m")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();
        Ingress other = Ingress.builder("default", "argocd").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(NGINX, "HTTPS")
                .rule(rule("b.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();

        RouteTable table = compile(bad, other);

        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        assertEquals(BackendProtocol.HTTP, route.policy().backendProtocol());
        assertEquals(1L << 20, route.policy().maxRequestBodyBytes(), "the Ingress's other settings are kept");
        Route otherRoute = assertInstanceOf(Route.class, table.match("b.example.com", "/"));
        assertEquals(BackendProtocol.HTTPS, otherRoute.policy().backendProtocol());
        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("metadata.annotations", problem.field());
        assertEquals("default/dashboard", problem.object());
        assertEquals(NGINX + ": \"TLS\" is not a backend protocol (HTTP, HTTPS, AUTO_HTTP, GRPC, GRPCS or FCGI):"
                + " the Ingress's endpoints are spoken to in HTTP", problem.message());
    }

    @Test
    void ajpWhichIngressNginxNoLongerTakesIsABadValue() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(NGINX, "AJP"));
        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(1, parsed.problems().size());
    }

    private static RoutePolicy policyOf(Map<String, String> annotations) {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(annotations);
        assertTrue(parsed.problems().isEmpty(), parsed.problems().toString());
        return parsed.policy();
    }
}
