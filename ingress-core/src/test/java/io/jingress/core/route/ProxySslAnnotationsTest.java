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

class ProxySslAnnotationsTest {
    private static final String PROTOCOL = "nginx.ingress.kubernetes.io/backend-protocol";
    private static final String VERIFY = "nginx.ingress.kubernetes.io/proxy-ssl-verify";

    @Test
    void onWithHttpsRefusesTheRoutesAndSaysSo() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(PROTOCOL, "HTTPS", VERIFY, "on"));

        assertTrue(parsed.policy().proxySslVerify());
        assertEquals(List.of("endpoints spoken to in HTTPS, certificates not verified (backend-protocol)",
                "answered 502 over TLS to the endpoints: proxy-ssl-verify is on and no proxy-ssl-secret names the CA"),
                parsed.policy().describe());
        assertEquals(List.of(VERIFY + ": \"on\" asks that endpoint certificates be verified, and no proxy-ssl-secret"
                + " names the CA: the Ingress's requests are answered 502, and nothing is sent to the endpoints unverified"),
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
                "answered 502 for a client over TLS: proxy-ssl-verify is on and no proxy-ssl-secret names the CA"),
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
        RouteAnnotations.Parsed grpc = RouteAnnotations.parse(Map.of(PROTOCOL, "GRPC", VERIFY, "on"));
        assertFalse(grpc.policy().proxySslVerify());
        assertTrue(grpc.problems().contains(VERIFY + ": \"on\" has no effect without backend-protocol HTTPS: the endpoints"
                + " are spoken to in cleartext HTTP/2 (gRPC)"), grpc.problems().toString());
        RouteAnnotations.Parsed fcgi = RouteAnnotations.parse(Map.of(PROTOCOL, "FCGI", VERIFY, "on"));
        assertTrue(fcgi.problems().contains(VERIFY + ": \"on\" has no effect without backend-protocol HTTPS: the Ingress's"
                + " routes answer 502 for backend-protocol FCGI"), fcgi.problems().toString());
    }

    @Test
    void grpcsIsVerifiedAsHttpsIsWhereIngressNginxWouldSendItUnverified() {
        RouteAnnotations.Parsed grpcs = RouteAnnotations.parse(Map.of(PROTOCOL, "GRPCS", VERIFY, "on"));
        assertTrue(grpcs.policy().proxySslVerify());
        assertEquals(List.of("endpoints spoken to in gRPC over TLS, certificates not verified (backend-protocol GRPCS)",
                "answered 502 over TLS to the endpoints: proxy-ssl-verify is on and no proxy-ssl-secret names the CA"),
                grpcs.policy().describe());
        assertEquals(List.of(VERIFY + ": \"on\" asks that endpoint certificates be verified, and no proxy-ssl-secret"
                + " names the CA: the Ingress's requests are answered 502, and nothing is sent to the endpoints unverified"),
                grpcs.problems());
    }

    @Test
    void aValueNeitherOnNorOffIsReadAsOnWithHttpsTheSafeSide() {
        for (String value : List.of("ON", "true", "yes", "")) {
            RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(PROTOCOL, "HTTPS", VERIFY, value));

            assertTrue(parsed.policy().proxySslVerify(), value);
            assertEquals(List.of(VERIFY + ": \"" + value + "\" is neither on nor off, is read as on (the safe side), asks"
                    + " that endpoint certificates be verified, and no proxy-ssl-secret names the CA: the Ingress's requests"
                    + " are answered 502, and nothing is sent to the endpoints unverified"), parsed.problems());
        }
    }

    @Test
    void aValueNeitherOnNorOffWithoutHttpsHasNoEffectAndSaysSo() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(VERIFY, "true"));

        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of(VERIFY + ": \"true\" is neither on nor off, and has no effect without backend-protocol HTTPS:"
                + " the endpoints are spoken to in plain HTTP"), parsed.problems());
    }

    private static final String SECRET = "nginx.ingress.kubernetes.io/proxy-ssl-secret";
    private static final String CA = "-----BEGIN CERTIFICATE-----\n"
            + "MIIBfzCCASWgAwIBAgIUNQ1ZbBf5n2fV0Z0xgqPq2cQ3JkYwCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n";

    private static RouteTable compileWithSecret(Ingress ingress, Map<String, String> data) {
        io.jingress.core.model.ClusterState.Builder state = io.jingress.core.model.ClusterState.builder().ingress(ingress);
        if (data != null) {
            state.opaqueSecret(new io.jingress.core.model.OpaqueSecret("default", "upstream", data));
        }
        RouteTable table = RouteCompiler.create(io.jingress.core.lb.Balancers.create()).compile(state.build());
        return table;
    }

    private static List<String> annotationProblems(RouteTable table) {
        return table.problems().stream().filter(p -> p.field().equals("metadata.annotations")).map(Problem::message).toList();
    }

    private static Ingress verifying(String secret) {
        return Ingress.builder("default", "keycloak").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(PROTOCOL, "HTTPS")
                .annotation(VERIFY, "on")
                .annotation(SECRET, secret)
                .annotation("nginx.ingress.kubernetes.io/proxy-ssl-name", "keycloak.internal")
                .annotation("nginx.ingress.kubernetes.io/proxy-ssl-server-name", "on")
                .annotation("nginx.ingress.kubernetes.io/proxy-ssl-verify-depth", "2")
                .rule(rule("a.example.com", HttpIngressPath.prefix("/", backend("web"))))
                .build();
    }

    @Test
    void aSecretWithAReadableCaVerifiesWithTheNameDepthAndSniAsked() throws Exception {
        String ca = new String(ProxySslAnnotationsTest.class.getResourceAsStream("/upstream-ca.crt").readAllBytes(),
                java.nio.charset.StandardCharsets.US_ASCII);
        RouteTable table = compileWithSecret(verifying("default/upstream"), Map.of("ca.crt", ca));

        ProxySsl ssl = assertInstanceOf(Route.class, table.match("a.example.com", "/")).policy().proxySsl();
        assertEquals(null, ssl.refusal());
        assertTrue(ssl.verify());
        assertEquals(2, ssl.verifyDepth());
        assertEquals("keycloak.internal", ssl.name());
        assertTrue(ssl.serverName());
        assertEquals(ca, ssl.caPem());
        assertEquals(null, ssl.clientCertificatePem());
        assertEquals(List.of(), annotationProblems(table));
    }

    @Test
    void aMissingSecretOrOneOfAnotherNamespaceRefusesWithAWarningNamingIt() {
        RouteTable missing = compileWithSecret(verifying("default/upstream"), null);
        assertEquals("the Secret default/upstream of proxy-ssl-secret is not found",
                assertInstanceOf(Route.class, missing.match("a.example.com", "/")).policy().proxySsl().refusal());
        assertEquals(List.of(SECRET + ": \"default/upstream\": there is no Secret default/upstream; the Ingress's requests"
                + " are answered 502 until there is"), annotationProblems(missing));

        RouteTable other = compileWithSecret(verifying("vault/upstream"), Map.of("ca.crt", CA));
        assertTrue(assertInstanceOf(Route.class, other.match("a.example.com", "/")).policy().proxySsl().refusal() != null);
        assertTrue(other.problems().get(0).message().contains("names a Secret of another namespace"), other.problems().toString());
        assertEquals("default/keycloak", other.problems().get(0).object());
    }

    @Test
    void anUnreadableCaRefusesWhenVerifyingAndIsOnlyAWarningWhenNot() {
        RouteTable table = compileWithSecret(verifying("default/upstream"), Map.of("ca.crt", "not a certificate"));
        assertEquals("proxy-ssl-verify is on and the Secret default/upstream has no usable ca.crt",
                assertInstanceOf(Route.class, table.match("a.example.com", "/")).policy().proxySsl().refusal());
        assertEquals(List.of(SECRET + ": \"default/upstream\": the Secret default/upstream key \"ca.crt\" is no PEM certificate"
                + " (unreadable); the Ingress's requests are answered 502, nothing is sent unverified"),
                annotationProblems(table));

        RouteAnnotations.Parsed off = RouteAnnotations.parse(Map.of(PROTOCOL, "HTTPS", SECRET, "upstream"),
                new BasicAuthAnnotations.Context("default", key -> new io.jingress.core.model.OpaqueSecret("default",
                        "upstream", Map.of("ca.crt", "junk", "tls.crt", "c", "tls.key", "k")), new BasicAuthAnnotations.Memos()),
                DefaultBackendAnnotations.Services.NONE);
        assertEquals(null, off.policy().proxySsl().refusal());
        assertEquals("c", off.policy().proxySsl().clientCertificatePem());
        assertEquals(1, off.problems().size(), off.problems().toString());
    }

    @Test
    void protocolsCiphersAndDepthOutsideWhatIsDoneAreWarnings() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(PROTOCOL, "HTTPS",
                "nginx.ingress.kubernetes.io/proxy-ssl-protocols", "TLSv1 TLSv1.3",
                "nginx.ingress.kubernetes.io/proxy-ssl-ciphers", "HIGH:!aNULL",
                "nginx.ingress.kubernetes.io/proxy-ssl-verify-depth", "deep"));

        assertEquals(List.of("TLSv1.3"), parsed.policy().proxySsl().protocols());
        assertEquals(1, parsed.policy().proxySsl().verifyDepth());
        assertEquals(4, parsed.problems().size(), parsed.problems().toString());
        assertTrue(parsed.problems().contains("nginx.ingress.kubernetes.io/proxy-ssl-ciphers: \"HIGH:!aNULL\": OpenSSL's keywords"
                + " and operators are not read, only suite names (ECDHE-RSA-AES128-GCM-SHA256, or"
                + " TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256): HIGH !aNULL left out"), parsed.problems().toString());
        assertTrue(parsed.problems().contains("nginx.ingress.kubernetes.io/proxy-ssl-ciphers: \"HIGH:!aNULL\" names no TLS 1.2"
                + " cipher suite Jingress can offer: Java's defaults are offered"), parsed.problems().toString());
        assertEquals(List.of(), parsed.policy().proxySsl().cipherSuites(), "Java's defaults");
    }

    @Test
    void proxySslCiphersNameTheTls12SuitesOfferedByOpenSslOrStandardNames() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(PROTOCOL, "HTTPS",
                "nginx.ingress.kubernetes.io/proxy-ssl-ciphers", "ECDHE-RSA-AES256-GCM-SHA384:TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));

        assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
                parsed.policy().proxySsl().cipherSuites());
        assertEquals(List.of(), parsed.problems());
        assertTrue(parsed.policy().describe().toString().contains("TLS 1.2 suites TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
                + " TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), parsed.policy().describe().toString());
        assertEquals(List.of(), RouteAnnotations.parse(Map.of(PROTOCOL, "HTTPS", "nginx.ingress.kubernetes.io/proxy-ssl-ciphers",
                "DEFAULT")).problems(), "ingress-nginx's default");
    }
}
