package io.jingress.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.OpaqueSecret;
import io.jingress.core.model.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AuthTlsAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String CA = readCa();

    private static String readCa() {
        try (InputStream in = AuthTlsAnnotationsTest.class.getResourceAsStream("/upstream-ca.crt")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RouteAnnotations.Parsed parse(Map<String, String> annotations, Map<String, String> secretData) {
        return RouteAnnotations.parse(annotations, new BasicAuthAnnotations.Context("default",
                key -> key.equals("default/client-ca") && secretData != null
                        ? new OpaqueSecret("default", "client-ca", secretData) : null,
                new BasicAuthAnnotations.Memos()), DefaultBackendAnnotations.Services.NONE);
    }

    @Test
    void aSecretWithACaAsksForClientCertificatesWithIngressNginxsDefaults() {
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "auth-tls-secret", "default/client-ca"), Map.of("ca.crt", CA));

        AuthTls auth = parsed.policy().authTls();
        assertEquals(List.of(), parsed.problems());
        assertEquals("default/client-ca", auth.secret());
        assertEquals(CA, auth.caPem());
        assertEquals(AuthTls.VerifyClient.ON, auth.verifyClient());
        assertEquals(1, auth.verifyDepth());
        assertNull(auth.errorPage());
        assertNull(auth.matchCn());
        assertTrue(auth.asksForCertificate());
        assertEquals(List.of("client certificates (auth-tls, per host): verify-client on, CA default/client-ca ca.crt,"
                + " depth 1"), parsed.policy().describe());
    }

    @Test
    void everySettingIsReadInEitherSpellingOursWinning() {
        Map<String, String> annotations = new HashMap<>();
        annotations.put("jingress.io/auth-tls-secret", "client-ca");
        annotations.put(NGINX + "auth-tls-verify-client", "on");
        annotations.put("jingress.io/auth-tls-verify-client", "optional_no_ca");
        annotations.put(NGINX + "auth-tls-verify-depth", "3");
        annotations.put(NGINX + "auth-tls-error-page", "https://login.example.com/cert-error");
        annotations.put("jingress.io/auth-tls-pass-certificate-to-upstream", "true");
        annotations.put(NGINX + "auth-tls-match-cn", "CN=(alice|bob)");
        RouteAnnotations.Parsed parsed = parse(annotations, Map.of("ca.crt", CA));

        AuthTls auth = parsed.policy().authTls();
        assertEquals(List.of(), parsed.problems());
        assertEquals(AuthTls.VerifyClient.OPTIONAL_NO_CA, auth.verifyClient());
        assertEquals(3, auth.verifyDepth());
        assertEquals("https://login.example.com/cert-error", auth.errorPage());
        assertTrue(auth.passCertificate());
        assertEquals("CN=(alice|bob)", auth.matchCn().pattern());
    }

    @Test
    void badValuesFallBackToIngressNginxsDefaultsAndSaySo() {
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "auth-tls-secret", "client-ca",
                NGINX + "auth-tls-verify-client", "maybe", NGINX + "auth-tls-verify-depth", "-2",
                NGINX + "auth-tls-error-page", "javascript:alert(1)", NGINX + "auth-tls-pass-certificate-to-upstream", "yes"),
                Map.of("ca.crt", CA));

        AuthTls auth = parsed.policy().authTls();
        assertEquals(AuthTls.VerifyClient.ON, auth.verifyClient());
        assertEquals(1, auth.verifyDepth());
        assertNull(auth.errorPage());
        assertEquals(false, auth.passCertificate());
        assertNull(auth.refusal());
        assertEquals(4, parsed.problems().size(), parsed.problems().toString());
        assertTrue(parsed.problems().get(0).startsWith(NGINX + "auth-tls-verify-client: \"maybe\" is none of"),
                parsed.problems().toString());
    }

    @Test
    void aSecretThatCannotBeUsedRefusesTheIngressRatherThanServingIt() {
        String missing = parse(Map.of(NGINX + "auth-tls-secret", "client-ca"), null).policy().authTls().refusal();
        String noCa = parse(Map.of(NGINX + "auth-tls-secret", "client-ca"), Map.of("auth", "x")).policy().authTls().refusal();
        String unreadable = parse(Map.of(NGINX + "auth-tls-secret", "client-ca"), Map.of("ca.crt", "not a pem"))
                .policy().authTls().refusal();
        RouteAnnotations.Parsed otherNamespace = parse(Map.of(NGINX + "auth-tls-secret", "kube-system/client-ca"),
                Map.of("ca.crt", CA));
        RouteAnnotations.Parsed badRegex = parse(Map.of(NGINX + "auth-tls-secret", "client-ca",
                NGINX + "auth-tls-match-cn", "CN=(alice"), Map.of("ca.crt", CA));

        assertEquals("there is no Secret default/client-ca", missing);
        assertEquals("the Secret default/client-ca has no \"ca.crt\"", noCa);
        assertTrue(unreadable.contains("is no PEM CA certificate"), unreadable);
        assertNotNull(otherNamespace.policy().authTls().refusal());
        assertTrue(otherNamespace.problems().get(0).contains("answered 503"), otherNamespace.problems().toString());
        assertNotNull(badRegex.policy().authTls().refusal());
        assertTrue(badRegex.problems().get(0).startsWith(NGINX + "auth-tls-match-cn: \"CN=(alice\" is no regular expression"),
                badRegex.problems().toString());
        assertTrue(badRegex.policy().describe().get(0).startsWith("answered 503 (auth-tls): "),
                badRegex.policy().describe().toString());
    }

    // an empty CRL of another CA (made with openssl ca -gencrl): core only reads it, the proxy checks with it
    private static final String CRL = "-----BEGIN X509 CRL-----\n" +
            "MIGvMFcCAQEwCgYIKoZIzj0EAwIwFjEUMBIGA1UEAwwLVGVzdCBDUkwgQ0EXDTI2\n" +
            "MTEyOTE1NTkxN1oYDzIxMjYxMTA1MTU1OTE3WqAOMAwwCgYDVR0UBAMCAQEwCgYI\n" +
            "KoZIzj0EAwIDSAAwRQIgfSKZnwahDmIPCTj37pfKfj28Sv195K0AbjUIaYXAyUIC\n" +
            "IQC1x/AfUfLJKEdU0+YPP9MginSGDTRpEdIRgvI/rYMCwQ==\n" +
            "-----END X509 CRL-----\n";

    @Test
    void aCaCrlIsTakenWithTheCaAndSaidOnRoutes() {
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "auth-tls-secret", "default/client-ca"),
                Map.of("ca.crt", CA, "ca.crl", CRL));

        AuthTls auth = parsed.policy().authTls();
        assertEquals(List.of(), parsed.problems());
        assertEquals(CRL, auth.crlPem());
        assertTrue(auth.describe().contains("CA default/client-ca ca.crt and ca.crl"), auth.describe());
        assertNull(parse(Map.of(NGINX + "auth-tls-secret", "default/client-ca"), Map.of("ca.crt", CA))
                .policy().authTls().crlPem());
    }

    @Test
    void anUnreadableCaCrlRefusesTheIngressRatherThanLetRevokedCertificatesIn() {
        for (String bad : List.of("not a crl", CA)) {
            RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "auth-tls-secret", "default/client-ca"),
                    Map.of("ca.crt", CA, "ca.crl", bad));

            AuthTls auth = parsed.policy().authTls();
            assertNotNull(auth.refusal(), bad);
            assertEquals(1, parsed.problems().size(), parsed.problems()::toString);
            assertTrue(parsed.problems().get(0).contains("key \"ca.crl\" is no PEM revocation list"), parsed.problems().get(0));
            assertTrue(parsed.problems().get(0).contains("answered 503"), parsed.problems().get(0));
        }
    }

    @Test
    void theOtherAnnotationsAloneHaveNoEffectAndSaySo() {
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "auth-tls-verify-client", "optional"), Map.of("ca.crt", CA));

        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of(NGINX + "auth-tls-verify-client: \"optional\" has no effect without " + NGINX
                + "auth-tls-secret (no client certificate is asked for)"), parsed.problems());
    }

    @Test
    void theOldestIngressOfAHostDecidesAndARuleWithoutHostIsWarned() {
        Ingress older = ingress("older", 1, "shop.example.com", "optional");
        Ingress younger = ingress("younger", 2, "shop.example.com", "on");
        Ingress hostless = ingress("hostless", 3, null, "on");
        ClusterState state = ClusterState.builder().ingress(older).ingress(younger).ingress(hostless)
                .opaqueSecret(new OpaqueSecret("default", "client-ca", Map.of("ca.crt", CA))).build();

        RouteTable table = RouteCompiler.create(io.jingress.core.lb.Balancers.create()).compile(state);

        List<Problem> problems = table.problems().stream().filter(p -> p.message().contains("auth-tls")).toList();
        assertEquals(2, problems.size(), problems.toString());
        assertEquals("default/younger", problems.get(0).object());
        assertTrue(problems.get(0).message().contains("takes its client certificate authentication from the older"
                + " Ingress default/older"), problems.get(0).message());
        assertEquals("default/hostless", problems.get(1).object());
        assertEquals("spec.rules[0].host", problems.get(1).field());
        assertTrue(problems.get(1).message().startsWith("auth-tls-secret has no effect on a rule without host"),
                problems.get(1).message());
    }

    private static Ingress ingress(String name, long created, String host, String verify) {
        return Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(created))
                .annotation(NGINX + "auth-tls-secret", "client-ca")
                .annotation(NGINX + "auth-tls-verify-client", verify)
                .rule(IngressRule.of(host, HttpIngressPath.prefix("/" + name, IngressBackend.service("web", 80))))
                .build();
    }
}
