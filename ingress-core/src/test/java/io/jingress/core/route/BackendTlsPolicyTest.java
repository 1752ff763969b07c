package io.jingress.core.route;

import io.jingress.core.model.BackendTlsPolicy;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteFilter;
import io.jingress.core.model.HttpRouteMatch;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.core.model.Service;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.jingress.core.route.GatewayFixtures.compile;
import static io.jingress.core.route.GatewayFixtures.gateway;
import static io.jingress.core.route.GatewayFixtures.problemsOf;
import static io.jingress.core.route.GatewayFixtures.route;
import static io.jingress.core.route.GatewayFixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BackendTLSPolicies compiled: which backend of which route gets which TLS setting ({@link Backend#tls()}),
 * precedence among policies, refusals of what cannot be used, the WARNINGs and the policies' verdicts.
 */
class BackendTlsPolicyTest {
    private static final String CA = ca();

    private static String ca() {
        try {
            return new String(BackendTlsPolicyTest.class.getResourceAsStream("/upstream-ca.crt").readAllBytes(),
                    StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BackendTlsPolicy policy(String name, long createdSecond, String service, String sectionName,
            String hostname, BackendTlsPolicy.LocalRef... refs) {
        return new BackendTlsPolicy("default", name, Instant.ofEpochSecond(createdSecond),
                List.of(BackendTlsPolicy.TargetRef.service(service, sectionName)), List.of(refs), null, hostname, List.of(),
                Map.of());
    }

    private static ConfigMap caMap(String name) {
        return new ConfigMap("default", name, Map.of("ca.crt", CA));
    }

    private static HttpRoute routeTo(String... services) {
        List<HttpBackendRef> refs = new java.util.ArrayList<>();
        for (String service : services) {
            refs.add(HttpBackendRef.service(service, 80));
        }
        return route("default", "r", 1, List.of("h.example.com"), HttpRouteRule.of(List.of(), refs));
    }

    private static Route routeOf(RouteTable table) {
        return (Route) table.match("h.example.com", "/");
    }

    private static List<String> brief(List<GatewayStatus.Condition> conditions) {
        return conditions.stream().map(c -> c.type() + "=" + (c.status() ? "True" : "False") + " " + c.reason()).toList();
    }

    @Test
    void aPolicyOnTheServiceGivesItsBackendTheTlsToSpeakAndIsAcceptedUnderTheGateway() {
        RouteTable table = compile(state(gateway(null), "secure").configMap(caMap("secure-ca"))
                .backendTlsPolicy(policy("secure-tls", 1, "secure", null, "secure.example.com",
                        BackendTlsPolicy.LocalRef.configMap("secure-ca")))
                .httpRoute(routeTo("secure")).build());

        ProxySsl tls = routeOf(table).backend().tls();
        assertNotNull(tls, "the backend goes over TLS");
        assertEquals("default/secure-tls", tls.policy());
        assertEquals(CA + "\n", tls.caPem());
        assertTrue(tls.verify() && tls.serverName());
        assertEquals("secure.example.com", tls.nameFor("default", "secure"));
        assertNull(tls.refusal());
        assertEquals("TLS to endpoints (BackendTLSPolicy default/secure-tls): certificates verified against the ca.crt of"
                + " ConfigMap secure-ca, name secure.example.com, SNI secure.example.com", tls.describe());
        assertEquals(List.of(), problemsOf(table));
        GatewayStatus.PolicyVerdict verdict = table.gatewayStatus().policy("BackendTLSPolicy", "default", "secure-tls");
        assertEquals(List.of("infra/web"), verdict.ancestors());
        assertEquals(List.of("Accepted=True Accepted", "ResolvedRefs=True ResolvedRefs"), brief(verdict.conditions()));
    }

    @Test
    void onlyTheBackendsOfTheTargetedServiceGoOverTlsInASplitRule() {
        RouteTable table = compile(state(gateway(null), "secure", "plain").configMap(caMap("ca"))
                .backendTlsPolicy(policy("p", 1, "secure", null, "secure.example.com", BackendTlsPolicy.LocalRef.configMap("ca")))
                .httpRoute(routeTo("secure", "plain")).build());

        BackendSplit split = routeOf(table).split();
        assertNotNull(split);
        assertEquals("secure", split.backends().get(0).serviceName());
        assertNotNull(split.backends().get(0).tls());
        assertEquals("plain", split.backends().get(1).serviceName());
        assertNull(split.backends().get(1).tls(), "a Service no policy targets is spoken to in cleartext");
        assertEquals("default/secure:80 (weight 1, over TLS by BackendTLSPolicy default/p), default/plain:80 (weight 1)",
                split.describe());
    }

    @Test
    void theOlderPolicyForATargetAppliesAndTheOtherIsConflicted() {
        RouteTable table = compile(state(gateway(null), "secure").configMap(caMap("ca"))
                .backendTlsPolicy(policy("young", 5, "secure", null, "young.example.com", BackendTlsPolicy.LocalRef.configMap("ca")))
                .backendTlsPolicy(policy("old", 2, "secure", null, "old.example.com", BackendTlsPolicy.LocalRef.configMap("ca")))
                .httpRoute(routeTo("secure")).build());

        assertEquals("default/old", routeOf(table).backend().tls().policy());
        assertEquals(List.of("BackendTLSPolicy default/young: spec.targetRefs: BackendTLSPolicy default/old is older (or"
                + " first by name) and targets the same Service; this one applies to nothing"), problemsOf(table));
        // the loser is not used by any route: no ancestor to report it under
        assertNull(table.gatewayStatus().policy("BackendTLSPolicy", "default", "young"));
    }

    @Test
    void aPolicyNamingThePortAppliesBeforeOneNamingTheWholeService() {
        ClusterState state = ClusterState.builder().gatewayClass(GatewayFixtures.CLASS).gateway(gateway(null))
                .service(Service.of("default", "two", Service.Port.of("http", 80, 8080), Service.Port.of("admin", 81, 8081)))
                .endpointSlice(new EndpointSlice("default", "two-x1", "two", "IPv4", List.of(EndpointSlice.Port.of("http", 8080),
                        EndpointSlice.Port.of("admin", 8081)), List.of(EndpointSlice.Endpoint.ready("10.0.0.1"))))
                .configMap(caMap("ca"))
                .backendTlsPolicy(policy("whole", 1, "two", null, "whole.example.com", BackendTlsPolicy.LocalRef.configMap("ca")))
                .backendTlsPolicy(policy("port", 9, "two", "http", "port.example.com", BackendTlsPolicy.LocalRef.configMap("ca")))
                .httpRoute(route("default", "r", 1, List.of("h.example.com"), HttpRouteRule.of(List.of(HttpRouteMatch.pathPrefix("/a")),
                        List.of(HttpBackendRef.service("two", 80))), HttpRouteRule.of(List.of(HttpRouteMatch.pathPrefix("/b")),
                        List.of(HttpBackendRef.service("two", 81)))))
                .build();
        RouteTable table = compile(state);

        assertEquals("default/port", ((Route) table.match("h.example.com", "/a")).backend().tls().policy());
        assertEquals("default/whole", ((Route) table.match("h.example.com", "/b")).backend().tls().policy());
        assertEquals(List.of(), problemsOf(table), "different targets: no conflict");
    }

    @Test
    void aMissingConfigMapRefusesTheRequestsWithResolvedRefsFalseAndAWarning() {
        RouteTable table = compile(state(gateway(null), "secure")
                .backendTlsPolicy(policy("p", 1, "secure", null, "secure.example.com", BackendTlsPolicy.LocalRef.configMap("gone")))
                .httpRoute(routeTo("secure")).build());

        ProxySsl tls = routeOf(table).backend().tls();
        assertEquals("the CA certificates of BackendTLSPolicy default/p cannot be used"
                + " (spec.validation.caCertificateRefs[0]: ConfigMap default/gone does not exist)", tls.refusal());
        assertEquals(List.of("BackendTLSPolicy default/p: spec.validation.caCertificateRefs[0]: ConfigMap default/gone does"
                + " not exist; requests to its Services are answered 502"), problemsOf(table));
        GatewayStatus.PolicyVerdict verdict = table.gatewayStatus().policy("BackendTLSPolicy", "default", "p");
        assertEquals(List.of("Accepted=False NoValidCACertificate", "ResolvedRefs=False InvalidCACertificateRef"),
                brief(verdict.conditions()));
    }

    @Test
    void aConfigMapWithoutACertificateAndAnotherKindAreRefusedEach() {
        RouteTable table = compile(state(gateway(null), "secure")
                .configMap(new ConfigMap("default", "nokey", Map.of("ca.pem", CA)))
                .configMap(new ConfigMap("default", "junk", Map.of("ca.crt", "not a certificate")))
                .backendTlsPolicy(policy("p", 1, "secure", null, "secure.example.com", BackendTlsPolicy.LocalRef.configMap("nokey"),
                        BackendTlsPolicy.LocalRef.configMap("junk"), new BackendTlsPolicy.LocalRef("", "Secret", "s")))
                .httpRoute(routeTo("secure")).build());

        List<String> problems = problemsOf(table);
        assertEquals(3, problems.size(), problems.toString());
        assertEquals("BackendTLSPolicy default/p: spec.validation.caCertificateRefs[0]: ConfigMap default/nokey has no key"
                + " ca.crt; requests to its Services are answered 502", problems.get(0));
        assertTrue(problems.get(1).startsWith("BackendTLSPolicy default/p: spec.validation.caCertificateRefs[1]: no PEM"
                + " certificate in it (ConfigMap default/junk ca.crt)") || problems.get(1).contains("not PEM certificates"),
                problems.get(1));
        assertEquals("BackendTLSPolicy default/p: spec.validation.caCertificateRefs[2]: Secret is not a kind Jingress reads"
                + " CA certificates from (ConfigMaps are); requests to its Services are answered 502", problems.get(2));
        assertNotNull(routeOf(table).backend().tls().refusal());
        assertEquals(List.of("Accepted=False NoValidCACertificate", "ResolvedRefs=False InvalidCACertificateRef"),
                brief(table.gatewayStatus().policy("BackendTLSPolicy", "default", "p").conditions()));
    }

    @Test
    void anInvalidPolicyIsNotAcceptedAndStillKeepsItsServiceFromCleartext() {
        BackendTlsPolicy both = new BackendTlsPolicy("default", "both", Instant.EPOCH,
                List.of(BackendTlsPolicy.TargetRef.service("secure", null)), List.of(BackendTlsPolicy.LocalRef.configMap("ca")),
                "System", "*.example.com", List.of(), Map.of());
        RouteTable table = compile(state(gateway(null), "secure").configMap(caMap("ca")).backendTlsPolicy(both)
                .httpRoute(routeTo("secure")).build());

        assertEquals(List.of("BackendTLSPolicy default/both: spec.validation.hostname: \"*.example.com\" is not a DNS name"
                        + " without wildcard; requests to its Services are answered 502",
                "BackendTLSPolicy default/both: spec.validation: must not contain both caCertificateRefs and"
                        + " wellKnownCACertificates; requests to its Services are answered 502"), problemsOf(table));
        assertTrue(routeOf(table).backend().tls().refusal().startsWith("BackendTLSPolicy default/both is not valid"));
        assertEquals(List.of("Accepted=False Invalid", "ResolvedRefs=True ResolvedRefs"),
                brief(table.gatewayStatus().policy("BackendTLSPolicy", "default", "both").conditions()));
    }

    @Test
    void wellKnownSystemCertificatesAndSubjectAltNamesAreCarried() {
        BackendTlsPolicy system = new BackendTlsPolicy("default", "public", Instant.EPOCH,
                List.of(BackendTlsPolicy.TargetRef.service("secure", null)), List.of(), "System", "api.example.com",
                List.of(BackendTlsPolicy.SubjectAltName.hostname("*.Example.com"),
                        BackendTlsPolicy.SubjectAltName.uri("spiffe://cluster.local/ns/default/sa/api")),
                Map.of("example.com/min-version", "1.3"));
        RouteTable table = compile(state(gateway(null), "secure").backendTlsPolicy(system).httpRoute(routeTo("secure")).build());

        ProxySsl tls = routeOf(table).backend().tls();
        assertTrue(tls.systemTrust());
        assertNull(tls.caPem());
        assertEquals(List.of("DNS:*.example.com", "URI:spiffe://cluster.local/ns/default/sa/api"), tls.subjectAltNames());
        assertEquals("TLS to endpoints (BackendTLSPolicy default/public): certificates verified against the JDK's trusted"
                + " CAs, one of DNS:*.example.com, URI:spiffe://cluster.local/ns/default/sa/api, SNI api.example.com",
                tls.describe());
        assertEquals(List.of("BackendTLSPolicy default/public: spec.options.example.com/min-version: not read by Jingress;"
                + " the policy applies without it"), problemsOf(table));
    }

    @Test
    void aTargetThatIsNotAServiceAndAPortThatDoesNotExistAreWarnedOf() {
        BackendTlsPolicy policy = new BackendTlsPolicy("default", "p", Instant.EPOCH,
                List.of(new BackendTlsPolicy.TargetRef("gateway.networking.k8s.io", "Gateway", "web", null),
                        BackendTlsPolicy.TargetRef.service("secure", "grpc")),
                List.of(BackendTlsPolicy.LocalRef.configMap("ca")), null, "secure.example.com", List.of(), Map.of());
        RouteTable table = compile(state(gateway(null), "secure").configMap(caMap("ca")).backendTlsPolicy(policy)
                .httpRoute(routeTo("secure")).build());

        assertEquals(List.of("BackendTLSPolicy default/p: spec.targetRefs[0]: gateway.networking.k8s.io/Gateway is not a"
                        + " target Jingress serves (Services are); this target is ignored",
                "BackendTLSPolicy default/p: spec.targetRefs[1].sectionName: Service default/secure has no port named grpc;"
                        + " the policy applies to none"), problemsOf(table));
        assertNull(routeOf(table).backend().tls());
    }

    @Test
    void aMirrorToAServiceSpokenToOverTlsSendsNoCopies() {
        HttpRouteRule rule = new HttpRouteRule(List.of(), List.of(HttpRouteFilter.mirror(HttpBackendRef.service("secure", 80))),
                List.of(HttpBackendRef.service("plain", 80)));
        RouteTable table = compile(state(gateway(null), "secure", "plain").configMap(caMap("ca"))
                .backendTlsPolicy(policy("p", 1, "secure", null, "secure.example.com", BackendTlsPolicy.LocalRef.configMap("ca")))
                .httpRoute(route("default", "r", 1, List.of("h.example.com"), rule)).build());

        assertNull(routeOf(table).policy().mirror());
        assertEquals(List.of("HTTPRoute default/r: spec.rules[0].filters: RequestMirror: BackendTLSPolicy default/p applies"
                + " to Service default/secure, and Jingress mirrors in cleartext only; no copies are sent"), problemsOf(table));
        assertFalse(routeOf(table).backend().tls() != null, "the rule's own backend is plain");
    }

    @Test
    void theGatewaysBackendClientCertificateGoesWithThePolicysTlsAndAMissingOneIsReported() {
        io.jingress.core.model.TlsSecret client = new io.jingress.core.model.TlsSecret("infra", "gw-client", "CERT", "KEY");
        io.jingress.core.model.Gateway presenting = gateway(null).withBackendClientCertificate(
                new io.jingress.core.model.Gateway.SecretRef(null, "gw-client"));
        RouteTable table = compile(state(presenting, "secure").configMap(caMap("ca")).secret(client)
                .backendTlsPolicy(policy("p", 1, "secure", null, "secure.example.com", BackendTlsPolicy.LocalRef.configMap("ca")))
                .httpRoute(routeTo("secure")).build());

        ProxySsl tls = routeOf(table).backend().tls();
        assertEquals("CERT", tls.clientCertificatePem());
        assertEquals("KEY", tls.clientKeyPem());
        assertTrue(tls.describe().endsWith(", client certificate of Secret infra/gw-client presented"), tls.describe());
        assertEquals("ResolvedRefs=True ResolvedRefs", brief(List.of(table.gatewayStatus().gateway("infra", "web")
                .condition(GatewayStatus.RESOLVED_REFS))).get(0));

        io.jingress.core.model.Gateway missing = gateway(null).withBackendClientCertificate(
                new io.jingress.core.model.Gateway.SecretRef("other", "gw-client"));
        RouteTable refused = compile(state(missing, "secure").configMap(caMap("ca"))
                .backendTlsPolicy(policy("p", 1, "secure", null, "secure.example.com", BackendTlsPolicy.LocalRef.configMap("ca")))
                .httpRoute(routeTo("secure")).build());
        assertNull(routeOf(refused).backend().tls().clientCertificatePem());
        assertEquals(List.of("Gateway infra/web: spec.tls.backend.clientCertificateRef: Secret other/gw-client is in another"
                + " namespace and no ReferenceGrant there allows it; no client certificate is presented to the endpoints"),
                problemsOf(refused));
        assertEquals("ResolvedRefs=False RefNotPermitted", brief(List.of(refused.gatewayStatus().gateway("infra", "web")
                .condition(GatewayStatus.RESOLVED_REFS))).get(0));
    }
}
