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

class ProxySslVerifyAnnotationTest {
    private static final String PROTOCOL = "nginx.ingress.kubernetes.io/backend-protocol";
    private static final String VERIFY = "nginx.ingress.kubernetes.io/proxy-ssl-verify";

    @Test
    void onWithHttpsRefusesTheRoutesAndSaysSo() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(PROTOCOL, "HTTPS", VERIFY, "on"));

        assertTrue(parsed.policy().proxySslVerify());
        assertEquals(List.of("endpoints spoken to in HTTPS, certificates not verified (backend-protocol)",
                "answered 502: proxy-ssl-verify is on and endpoint certificates are not verified"), parsed.policy().describe());
        assertEquals(List.of(VERIFY + ": \"on\" asks that endpoint certificates be verified, and Jingress does not verify"
                + " them: the Ingress's requests are answered 502, and nothing is sent to the endpoints unverified"),
                parsed.problems());
    }

    @Test
    void oursIsReadOverIngressNginxs() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(PROTOCOL, "HTTPS", VERIFY, "on",
                "jingress.io/proxy-ssl-verify", "off"));

        assertFalse(parsed.policy().proxySslVerify());
        assertEquals(List.of(), parsed.problems());
        assertTrue(RouteAnnotations.parse(Map.of(PROTOCOL, "HTTPS", "jingress.io/proxy-ssl-verify", "on"))
                .policy().proxySslVerify());
    }

    @Test
    void onWithAutoHttpRefusesOnlyClientsOverTls() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(PROTOCOL, "AUTO_HTTP", VERIFY, "on"));

        assertTrue(parsed.policy().proxySslVerify());
        assertTrue(parsed.policy().describe().contains(
                "answered 502 for a client over TLS: proxy-ssl-verify is on and endpoint certificates are not verified"),
                parsed.policy().describe().toString());
        assertEquals(1, parsed.problems().size());
        assertTrue(parsed.problems().get(0).contains("requests from clients over TLS (which backend-protocol AUTO_HTTP sends"
                + " to endpoints over TLS) are answered 502, those over plain HTTP are proxied"), parsed.problems().get(0));
    }

    @Test
    void offAndAbsentChangeNothing() {
        RouteAnnotations.Parsed off = RouteAnnotations.parse(Map.of(PROTOCOL, "HTTPS", VERIFY, "off"));

        assertFalse(off.policy().proxySslVerify());
        assertEquals(List.of(), off.problems());
        assertEquals(List.of("endpoints spoken to in HTTPS, certificates not verified (backend-protocol)"), off.policy().describe());
        assertSame(RoutePolicy.NONE, RouteAnnotations.parse(Map.of(VERIFY, "off")).policy());
        assertFalse(RoutePolicy.NONE.proxySslVerify());
    }

    @Test
    void onWithoutHttpsHasNoEffectAndSaysSo() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(VERIFY, "on"));

        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of(VERIFY + ": \"on\" has no effect without backend-protocol HTTPS: the endpoints are spoken to"
                + " in plain HTTP"), parsed.problems());
        RouteAnnotations.Parsed grpc = RouteAnnotations.parse(Map.of(PROTOCOL, "GRPCS", VERIFY, "on"));
        assertFalse(grpc.policy().proxySslVerify());
        assertTrue(grpc.problems().contains(VERIFY + ": \"on\" has no effect without backend-protocol HTTPS: the Ingress's"
                + " routes answer 502 for backend-protocol GRPCS"), grpc.problems().toString());
    }

    @Test
    void aValueNeitherOnNorOffIsReadAsOnWithHttpsTheSafeSide() {
        for (String value : List.of("ON", "true", "yes", "")) {
            RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(PROTOCOL, "HTTPS", VERIFY, value));

            assertTrue(parsed.policy().proxySslVerify(), value);
            assertEquals(List.of(VERIFY + ": \"" + value + "\" is neither on nor off: it is read as on, the safe side"
                    + " (Jingress does not verify endpoint certificates): the Ingress's requests are answered 502, and"
                    + " nothing is sent to the endpoints unverified; \"off\" sends them unverified"), parsed.problems());
        }
    }

    @Test
    void aValueNeitherOnNorOffWithoutHttpsHasNoEffectAndSaysSo() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(VERIFY, "true"));

        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of(VERIFY + ": \"true\" is neither on nor off, and has no effect without backend-protocol HTTPS:"
                + " the endpoints are spoken to in plain HTTP"), parsed.problems());
    }

    @Test
    void theIngressGetsOneWarningAndProxySslSecretIsNotReportedAsMerelyWithoutEffect() {
        Ingress verifying = Ingress.builder("default", "keycloak").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(PROTOCOL, "HTTPS")
                .annotation(VERIFY, "on")
                .annotation("nginx.ingress.kubernetes.io/proxy-ssl-secret", "default/keycloak-ca")
                .annotation("nginx.ingress.kubernetes.io/proxy-ssl-name", "keycloak.internal")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();
        Ingress other = Ingress.builder("default", "argocd").creationTimestamp(Instant.ofEpochSecond(2))
                .annotation(PROTOCOL, "HTTPS")
                .rule(rule("b.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();

        RouteTable table = compile(verifying, other);

        assertTrue(assertInstanceOf(Route.class, table.match("a.example.com", "/")).policy().proxySslVerify());
        assertFalse(assertInstanceOf(Route.class, table.match("b.example.com", "/")).policy().proxySslVerify());
        List<String> messages = table.problems().stream().map(Problem::message).toList();
        assertEquals(3, messages.size(), messages.toString());
        assertTrue(table.problems().stream().allMatch(p -> p.object().equals("default/keycloak")
                && p.severity() == Problem.Severity.WARNING && p.field().equals("metadata.annotations")), messages.toString());
        assertTrue(messages.contains(VERIFY + ": \"on\" asks that endpoint certificates be verified, and Jingress does not"
                + " verify them: the Ingress's requests are answered 502, and nothing is sent to the endpoints unverified"),
                messages.toString());
        assertTrue(messages.contains("nginx.ingress.kubernetes.io/proxy-ssl-secret is not implemented by Jingress: no"
                + " client certificate is presented to the endpoints, and its CA verifies nothing (endpoint certificates"
                + " are not verified; with proxy-ssl-verify: \"on\" the requests that would go to them over TLS are"
                + " answered 502)"), messages.toString());
        assertTrue(messages.contains("nginx.ingress.kubernetes.io/proxy-ssl-name is not implemented by Jingress: it has no"
                + " effect"), messages.toString());
    }
}
