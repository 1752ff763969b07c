package io.jingress.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngressValidatorTest {

    private static final IngressBackend WEB = IngressBackend.service("web", 80);

    private static Ingress withRule(String host, HttpIngressPath path) {
        return Ingress.builder("default", "web").rule(IngressRule.of(host, path)).build();
    }

    private static List<String> problems(Ingress ingress) {
        return IngressValidator.validate(ingress).stream().map(Problem::toString).toList();
    }

    @Test
    void aValidIngressHasNoProblems() {
        Ingress ingress = Ingress.builder("default", "web")
                .rule(IngressRule.of("foo.example.com", HttpIngressPath.prefix("/", WEB),
                        HttpIngressPath.exact("/a-b_c.d~e/%C3%A9;x=1@y:z", IngressBackend.service("web", "http"))))
                .rule(IngressRule.of("*.example.com", HttpIngressPath.prefix("/", WEB)))
                .rule(IngressRule.of(null, new HttpIngressPath("/api/(.*)", PathType.IMPLEMENTATION_SPECIFIC, WEB)))
                .rule(new IngressRule("no-http.example.com", List.of()))
                .tls(new IngressTls(List.of("foo.example.com", "*.example.com"), "cert"))
                .build();
        assertEquals(List.of(), problems(ingress));
    }

    @Test
    void aPathThatDoesNotStartWithSlashIsRejected() {
        Ingress ingress = Ingress.builder("default", "web")
                .rule(IngressRule.of("a.com", HttpIngressPath.prefix("/", WEB)))
                .rule(IngressRule.of("b.com", HttpIngressPath.prefix("foo", WEB)))
                .build();
        List<Problem> found = IngressValidator.validate(ingress);
        assertEquals(List.of("Ingress default/web: spec.rules[1].http.paths[0].path: \"foo\" must start with \"/\""),
                found.stream().map(Problem::toString).toList());
        assertTrue(IngressValidator.isRejected(found));
    }

    @Test
    void anEmptyExactPathIsRejected() {
        assertEquals(List.of("Ingress default/web: spec.rules[0].http.paths[0].path: path must be specified and start with \"/\""),
                problems(withRule("a.com", HttpIngressPath.exact("", WEB))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a//b", "/a/./b", "/a/../b", "/a%2fb", "/a%2Fb", "/a/..", "/a/."})
    void exactAndPrefixPathsRejectWhatTheApiServerRejects(String path) {
        assertEquals(1, problems(withRule("a.com", HttpIngressPath.prefix(path, WEB))).size(), path);
        assertEquals(1, problems(withRule("a.com", HttpIngressPath.exact(path, WEB))).size(), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/[a-z]+", "/a b", "/a?b", "/a#b", "/a[0]", "/a{1}", "/a^", "/a|b", "/a\\b", "/caf\u00e9",
        "/a%zz", "/a%5Cb", "/a%00"})
    void exactAndPrefixPathsMustBeLiteral(String path) {
        List<String> found = problems(withRule("a.com", HttpIngressPath.prefix(path, WEB)));
        assertEquals(1, found.size(), path);
        assertTrue(found.get(0).contains("spec.rules[0].http.paths[0].path"), found.get(0));
    }

    @Test
    void anImplementationSpecificPathMayHoldRegexCharactersButMustStartWithSlash() {
        assertEquals(List.of(), problems(withRule("a.com", new HttpIngressPath("/a/(.*)", PathType.IMPLEMENTATION_SPECIFIC, WEB))));
        assertEquals(1, problems(withRule("a.com", new HttpIngressPath("a/(.*)", PathType.IMPLEMENTATION_SPECIFIC, WEB))).size());
    }

    @Test
    void aMissingPathTypeIsRejected() {
        assertEquals(List.of("Ingress default/web: spec.rules[0].http.paths[0].pathType: pathType must be specified"
                + " (Exact, Prefix or ImplementationSpecific)"),
                problems(withRule("a.com", new HttpIngressPath("/", null, WEB))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Regex", "prefix", "EXACT", ""})
    void anUnsupportedPathTypeIsNamedWithTheSupportedOnes(String pathType) {
        assertEquals(List.of("Ingress default/web: spec.rules[0].http.paths[0].pathType: \"" + pathType
                + "\" is not supported: pathType must be Exact, Prefix or ImplementationSpecific"),
                problems(withRule("a.com", HttpIngressPath.of("/", pathType, WEB))));
    }

    @Test
    void aPathTypeSpeltAsTheApiSpellsItIsValid() {
        assertEquals(List.of(), problems(withRule("a.com", HttpIngressPath.of("/", "ImplementationSpecific", WEB))));
        assertEquals(HttpIngressPath.prefix("/", WEB), HttpIngressPath.of("/", "Prefix", WEB));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Foo.com", "foo_bar.com", "-foo.com", "foo-.com", "foo..com", "foo.com.", "*", "*.", "*.*.foo.com",
        "foo.*.com", "f*o.com", "**.foo.com", "a b.com"})
    void aHostMustBeALowerCaseDnsSubdomainOrOneWildcardLabel(String host) {
        List<String> found = problems(withRule(host, HttpIngressPath.prefix("/", WEB)));
        assertEquals(1, found.size(), host);
        assertTrue(found.get(0).startsWith("Ingress default/web: spec.rules[0].host: "), found.get(0));
    }

    @Test
    void aHostLongerThan253CharactersIsRejected() {
        String host = ("a".repeat(60) + ".").repeat(4) + "b".repeat(10);
        assertEquals(1, problems(withRule(host, HttpIngressPath.prefix("/", WEB))).size());
    }

    @Test
    void aLabelLongerThan63CharactersIsRejected() {
        assertEquals(1, problems(withRule("a".repeat(64) + ".com", HttpIngressPath.prefix("/", WEB))).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "192.168.1.255", "::1", "[::1]", "2001:db8::1"})
    void aHostMustNotBeAnIpAddress(String host) {
        List<String> found = problems(withRule(host, HttpIngressPath.prefix("/", WEB)));
        assertEquals(1, found.size(), host);
        assertTrue(found.get(0).contains("not an IP address"), found.get(0));
    }

    @Test
    void aHostMustNotCarryAPort() {
        assertEquals(List.of("Ingress default/web: spec.rules[0].host: \"foo.com:8080\" must not carry a port: use \"foo.com\""),
                problems(withRule("foo.com:8080", HttpIngressPath.prefix("/", WEB))));
    }

    @Test
    void aBackendNeedsExactlyOneOfServiceAndResource() {
        assertEquals(1, problems(withRule("a.com", HttpIngressPath.prefix("/", new IngressBackend(null, null, null)))).size());
        assertEquals(List.of("Ingress default/web: spec.rules[0].http.paths[0].backend: exactly one of service and resource"
                + " must be specified, not both"),
                problems(withRule("a.com", HttpIngressPath.prefix("/", new IngressBackend("web", PortRef.number(80), "x/Y/z")))));
    }

    @Test
    void aMissingBackendIsRejected() {
        assertEquals(1, problems(withRule("a.com", HttpIngressPath.prefix("/", null))).size());
    }

    @Test
    void aResourceBackendIsValid() {
        assertEquals(List.of(), problems(withRule("a.com", HttpIngressPath.prefix("/", new IngressBackend(null, null, "x/Y/z")))));
    }

    @Test
    void aServicePortNumberMustBeInRange() {
        assertEquals(List.of("Ingress default/web: spec.rules[0].http.paths[0].backend.service.port.number: 65536 must be"
                + " between 1 and 65535"), problems(withRule("a.com", HttpIngressPath.prefix("/", IngressBackend.service("web", 65536)))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP", "http_alt", "-http", "http-", "ht--tp", "1234", "a-very-long-port-name"})
    void aServicePortNameMustBeAValidPortName(String name) {
        List<String> found = problems(withRule("a.com", HttpIngressPath.prefix("/", IngressBackend.service("web", name))));
        assertEquals(1, found.size(), name);
        assertTrue(found.get(0).contains("backend.service.port.name"), found.get(0));
    }

    @Test
    void aServicePortIsRequired() {
        assertEquals(1, problems(withRule("a.com", HttpIngressPath.prefix("/", new IngressBackend("web", null, null)))).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Web", "9web", "web_app", ""})
    void aServiceNameMustBeADns1035Label(String name) {
        assertEquals(1, problems(withRule("a.com", HttpIngressPath.prefix("/", new IngressBackend(name, PortRef.number(80), null)))).size());
    }

    @Test
    void anIngressWithoutRulesOrDefaultBackendIsRejected() {
        assertEquals(List.of("Ingress default/web: spec: either defaultBackend or rules must be specified"),
                problems(Ingress.builder("default", "web").build()));
    }

    @Test
    void anInvalidDefaultBackendIsRejected() {
        assertEquals(1, problems(Ingress.builder("default", "web").defaultBackend(IngressBackend.service("web", 70000)).build()).size());
    }

    @Test
    void aRuleWithoutHttpIsHarmless() {
        assertEquals(List.of(), problems(Ingress.builder("default", "web")
                .rule(new IngressRule("a.com", List.of())).defaultBackend(WEB).build()));
    }

    @Test
    void tlsHostsMustBeValid() {
        Ingress ingress = Ingress.builder("default", "web").defaultBackend(WEB)
                .tls(new IngressTls(List.of("ok.com", "Bad_Host"), "cert")).build();
        List<String> found = problems(ingress);
        assertEquals(1, found.size());
        assertTrue(found.get(0).startsWith("Ingress default/web: spec.tls[0].hosts[1]: "), found.get(0));
    }

    @Test
    void everyProblemIsNamed() {
        Ingress ingress = Ingress.builder("default", "web")
                .rule(IngressRule.of("Bad", HttpIngressPath.prefix("x", IngressBackend.service("web", 0 + 70000))))
                .build();
        List<Problem> found = IngressValidator.validate(ingress);
        assertEquals(3, found.size(), found.toString());
        assertFalse(found.stream().anyMatch(p -> p.severity() != Problem.Severity.ERROR));
    }
}
