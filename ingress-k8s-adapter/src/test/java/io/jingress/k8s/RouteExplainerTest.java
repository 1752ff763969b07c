package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.PathType;
import io.jingress.core.model.PortRef;
import io.jingress.core.model.Service;
import io.jingress.core.model.TlsSecret;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteExplainerTest {

    @TempDir
    Path dir;

    private static Path resourcePath(String name) {
        try {
            return Path.of(RouteExplainerTest.class.getResource("/manifests/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final RouteExplainer KUBIA = RouteExplainer.fromManifests(resourcePath("kubia"));

    /** Ingress default/web, sending http://web.example.com/ to {@code service}:80. */
    private static Ingress.Builder webIngressTo(String service) {
        return Ingress.builder("default", "web")
                .rule(IngressRule.of("web.example.com", HttpIngressPath.prefix("/", IngressBackend.service(service, 80))));
    }

    @Test
    void kubiaRequestIsForwardedToTheThreeReadyPods() {
        RouteExplanation e = KUBIA.explain("GET", "http://myapp.kubia.com/path?x=1");

        assertEquals(200, e.status(), e.toString());
        assertTrue(e.forwarded());
        assertEquals("default/ingress-myapp", e.ingress());
        assertEquals(0, e.ruleIndex());
        assertEquals(0, e.pathIndex());
        assertEquals("/", e.rulePath());
        assertEquals(PathType.PREFIX, e.pathType());
        assertEquals("default/kubia", e.service());
        assertEquals(PortRef.number(80), e.servicePort());
        assertEquals(PortRef.number(8080), e.targetPort());
        assertEquals(List.of("10.244.1.5:8080", "10.244.2.7:8080", "10.244.3.9:8080"), e.endpoints());
        assertEquals("/path", e.path());
        assertTrue(e.toString().startsWith("GET http://myapp.kubia.com/path?x=1 -> 200 forwarded\n"
                + "  Ingress default/ingress-myapp, rule 0, path 0: / (Prefix)\n"
                + "  Service default/kubia, port 80 -> targetPort 8080\n"
                + "  ready endpoints: 10.244.1.5:8080, 10.244.2.7:8080, 10.244.3.9:8080"), e.toString());
    }

    @Test
    void charsAUriMayNotHoldRawAreEscapedAsTheProxyEscapesThem() {
        RouteExplanation e = KUBIA.explain("http://myapp.kubia.com/wiki/\u65e5\u672c/<1>?q=caf\u00e9");

        assertEquals(200, e.status(), e.toString());
        assertEquals("/wiki/%E6%97%A5%E6%9C%AC/%3C1%3E", e.path());
        assertEquals(400, KUBIA.explain("http://myapp.kubia.com/wiki/\ufffd").status());
        assertEquals(400, KUBIA.explain("http://myapp.kubia.com/?q=\ufffd").status());
    }

    @Test
    void anEncodedSlashIsForwardedWhereDecodingItWouldNotChangeTheRouteAndElse400() {
        RouteExplainer explainer = RouteExplainer.fromState(ClusterState.builder()
                .ingress(webIngressTo("web").build())
                .ingress(Ingress.builder("default", "admin").creationTimestamp(Instant.ofEpochSecond(1))
                        .rule(IngressRule.of("web.example.com", HttpIngressPath.prefix("/admin", IngressBackend.service("web", 80))))
                        .build())
                .build());

        RouteExplanation within = explainer.explain("http://web.example.com/projects/group%2fproject");
        assertEquals("default/web", within.ingress(), within.toString());
        assertEquals("/projects/group%2Fproject", within.path());
        RouteExplanation across = explainer.explain("http://web.example.com/admin%2Fusers");
        assertEquals(400, across.status(), across.toString());
        assertTrue(across.toString().contains("encoded slash (%2F) would choose another route"), across.toString());
        assertEquals(400, explainer.explain("http://web.example.com/a/..%2Fadmin").status());
    }

    @Test
    void unknownHostIs404WithTheReason() {
        RouteExplanation e = KUBIA.explain("http://nobody.kubia.com/");

        assertEquals(404, e.status());
        assertFalse(e.matched());
        assertEquals("no rule matches this host", e.reason());
        assertTrue(e.toString().contains("-> 404 no rule matches this host"), e.toString());
    }

    @Test
    void anIngressesDefaultBackendIsExplainedForItsOwnHostAndNotForAnotherTenantsHost() {
        ClusterState state = ClusterState.builder()
                .ingress(Ingress.builder("team-a", "a")
                        .rule(IngressRule.of("a.com", HttpIngressPath.prefix("/app", IngressBackend.service("app", 80))))
                        .defaultBackend(IngressBackend.service("svc1", 80)).build())
                .ingress(Ingress.builder("default", "b")
                        .rule(IngressRule.of("b.com", HttpIngressPath.prefix("/b", IngressBackend.service("web", 80))))
                        .build())
                .build();
        RouteExplainer explainer = RouteExplainer.fromState(state);

        RouteExplanation own = explainer.explain("http://a.com/other");
        assertEquals("team-a/a", own.ingress());
        assertTrue(own.defaultBackend());
        assertEquals("team-a/svc1", own.service());
        assertEquals("a.com", own.defaultBackendHost());
        assertTrue(own.toString().contains("Ingress team-a/a, defaultBackend of host a.com (none of its paths matched)"),
                own.toString());

        RouteExplanation other = explainer.explain("http://b.com/other");
        assertEquals(404, other.status(), other.toString());
        assertFalse(other.matched());
        assertEquals(404, explainer.explain("http://unknown.com/").status());
    }

    @Test
    void theCatchAllDefaultBackendOfAnIngressWithoutRulesIsExplainedAsTakingAnyHost() {
        ClusterState state = ClusterState.builder()
                .ingress(Ingress.builder("default", "fallback").defaultBackend(IngressBackend.service("svc1", 80)).build())
                .ingress(Ingress.builder("default", "b")
                        .rule(IngressRule.of("b.com", HttpIngressPath.prefix("/b", IngressBackend.service("web", 80))))
                        .build())
                .build();

        RouteExplanation e = RouteExplainer.fromState(state).explain("http://unknown.com/x");

        assertEquals("default/fallback", e.ingress());
        assertTrue(e.defaultBackend());
        assertNull(e.defaultBackendHost());
        assertTrue(e.toString().contains("Ingress default/fallback, defaultBackend (no rule matched)"), e.toString());
    }

    @Test
    void hostInTheUrlIsMatchedWithoutItsPortAndCaseInsensitively() {
        assertEquals(200, KUBIA.explain("http://MyApp.Kubia.com:8080/").status());
    }

    @Test
    void serviceWithoutEndpointsIs503NamingTheBrokenHop() {
        ClusterState state = ClusterState.builder()
                .ingress(webIngressTo("web").build())
                .service(Service.of("default", "web", Service.Port.of("http", 80, 8080)))
                .build();

        RouteExplanation e = RouteExplainer.fromState(state).explain("http://web.example.com/");

        assertEquals(503, e.status());
        assertEquals("default/web", e.ingress());
        assertEquals(List.of(), e.endpoints());
        assertTrue(e.reason().contains("default/web"), e.reason());
        assertTrue(e.toString().contains("no ready endpoints"), e.toString());
    }

    @Test
    void missingServiceIs503() {
        ClusterState state = ClusterState.builder()
                .ingress(webIngressTo("gone").build())
                .build();

        RouteExplanation e = RouteExplainer.fromState(state).explain("http://web.example.com/");

        assertEquals(503, e.status());
        assertNull(e.targetPort());
        assertTrue(e.reason().contains("not found"), e.reason());
    }

    @Test
    void namedServicePortResolvesToItsTargetPortAndReadyEndpoints() {
        RouteExplainer explainer = RouteExplainer.fromManifests(resourcePath("kubia-list.json"));

        RouteExplanation e = explainer.explain("http://shop.kubia.com/cart");

        assertEquals(200, e.status(), e.toString());
        assertEquals("shop/kubia", e.service());
        assertEquals(PortRef.name("http"), e.servicePort());
        assertEquals(PortRef.name("web"), e.targetPort());
        assertEquals(List.of("10.244.1.5:8080", "10.244.2.7:8080"), e.endpoints());
    }

    @Test
    void manifestWithAPortOutOfRangeIsExplainedWithTheProblemNotThrown() throws IOException {
        Files.writeString(dir.resolve("kubia.yaml"), ManifestSourceTest.resource("kubia-all.yaml")
                .replace("port: 8080", "port: 70000"));

        RouteExplainer explainer = RouteExplainer.fromManifests(dir);
        RouteExplanation e = explainer.explain("http://myapp.kubia.com/");

        assertEquals(503, e.status());
        assertTrue(explainer.problems().stream().anyMatch(p -> p.kind().equals("EndpointSlice")
                && p.field().equals("ports[0].port") && p.message().startsWith("70000 is not a port number")),
                explainer.problems().toString());
    }

    @Test
    void ingressOfAnotherClassIsNamedIn404() throws IOException {
        Files.writeString(dir.resolve("theirs.yaml"),
                ApiObjects.ingressYaml("theirs", "nginx", "theirs.example.com", "/", "web"));

        RouteExplanation e = RouteExplainer.fromManifests(dir).explain("http://theirs.example.com/");

        assertEquals(404, e.status());
        assertTrue(e.reason().contains("Ingress default/theirs has a rule for this host but is not served: "
                + "its class nginx is not ours"), e.reason());
    }

    @Test
    void anIngressClassFlagNamingAnotherControllersClassIsSaidSoIn404() throws IOException {
        // taking over ingress-nginx's Ingresses with --ingress-class nginx alone: its IngressClass is still theirs
        Files.writeString(dir.resolve("theirs.yaml"),
                ApiObjects.ingressYaml("theirs", "nginx", "theirs.example.com", "/", "web") + "\n---\n" + """
                apiVersion: networking.k8s.io/v1
                kind: IngressClass
                metadata:
                  name: nginx
                spec:
                  controller: k8s.io/ingress-nginx
                """);
        AdapterOptions options = AdapterOptions.builder().ingressClass("nginx").build();

        RouteExplanation e = RouteExplainer.fromManifests(dir, options).explain("http://theirs.example.com/");

        assertEquals(404, e.status());
        assertTrue(e.reason().contains("its class nginx is not ours: IngressClass nginx names the controller "
                + "k8s.io/ingress-nginx, not jingress.io/ingress-controller (--controller-class)"), e.reason());
        RouteExplanation taken = RouteExplainer.fromManifests(dir, options.toBuilder()
                .controllerClass("k8s.io/ingress-nginx").build()).explain("http://theirs.example.com/");
        assertEquals("default/theirs", taken.ingress(), taken.toString());
    }

    @Test
    void classlessIngressIsServedWhenTheFilesMarkOurIngressClassDefault() throws IOException {
        String classless = ApiObjects.ingressYaml("ingress-myapp", null, "myapp.kubia.com", "/", "kubia");
        Files.writeString(dir.resolve("ingress.yaml"), classless);
        assertEquals(404, RouteExplainer.fromManifests(dir).explain("http://myapp.kubia.com/").status(),
                "without a default class a classless Ingress is not ours");

        Files.writeString(dir.resolve("class.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: IngressClass
                metadata:
                  name: jingress
                  annotations:
                    ingressclass.kubernetes.io/is-default-class: "true"
                spec:
                  controller: jingress.io/ingress-controller
                """);

        RouteExplanation e = RouteExplainer.fromManifests(dir).explain("http://myapp.kubia.com/");
        assertEquals("default/ingress-myapp", e.ingress(), e.toString());
    }

    @Test
    void wildcardThatLooksAsIfItCoveredTheHostIsNamedIn404() {
        ClusterState state = ClusterState.builder()
                .ingress(Ingress.builder("shop", "wild")
                        .rule(IngressRule.of("*.example.com", HttpIngressPath.prefix("/", IngressBackend.service("web", 80))))
                        .build())
                .service(Service.of("shop", "web", Service.Port.of("http", 80, 8080)))
                .build();
        RouteExplainer explainer = RouteExplainer.fromState(state);

        RouteExplanation deeper = explainer.explain("http://api.eu.example.com/");
        assertEquals(404, deeper.status());
        assertTrue(deeper.reason().endsWith("; *.example.com (Ingress shop/wild) covers exactly one label in place of *,"
                + " and api.eu.example.com has more"), deeper.reason());

        RouteExplanation bare = explainer.explain("http://Example.com/");
        assertEquals(404, bare.status());
        assertTrue(bare.reason().endsWith("; *.example.com (Ingress shop/wild) does not cover Example.com itself,"
                + " only names one label longer"), bare.reason());

        RouteExplanation elsewhere = explainer.explain("http://example.org/");
        assertEquals(404, elsewhere.status());
        assertFalse(elsewhere.reason().contains("*.example.com"), elsewhere.reason());
        assertEquals(503, explainer.explain("http://eu.example.com/").status(), "covered: a Service without endpoints");
    }

    @Test
    void rejectedIngressIsNamedIn404() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"),
                ApiObjects.ingressYaml("bad", "jingress", "bad.example.com", "api", "web"));

        RouteExplainer explainer = RouteExplainer.fromManifests(dir);
        RouteExplanation e = explainer.explain("http://bad.example.com/api");

        assertEquals(404, e.status());
        assertTrue(e.reason().contains("Ingress default/bad is rejected: spec.rules[0].http.paths[0].path"), e.reason());
        assertFalse(explainer.problems().isEmpty());
    }

    @Test
    void tlsHostOverPlainHttpIsRedirectedAndOverHttpsForwarded() {
        ClusterState state = ClusterState.builder()
                .ingress(webIngressTo("web").tls(new IngressTls(List.of("web.example.com"), "web-tls")).build())
                .service(Service.of("default", "web", Service.Port.of(null, 80, 8080)))
                .endpointSlice(new io.jingress.core.model.EndpointSlice("default", "web-x", "web", "IPv4",
                        List.of(new io.jingress.core.model.EndpointSlice.Port(null, 8080, "TCP")),
                        List.of(io.jingress.core.model.EndpointSlice.Endpoint.ready("10.0.0.1"))))
                .secret(new TlsSecret("default", "web-tls", "CERT", "KEY"))
                .build();
        RouteExplainer explainer = RouteExplainer.fromState(state);

        RouteExplanation plain = explainer.explain("http://web.example.com/a?b=c");
        RouteExplanation secure = explainer.explain("https://web.example.com/a?b=c");

        assertEquals(308, plain.status(), plain.toString());
        assertEquals("https://web.example.com/a?b=c", plain.location());
        assertEquals(200, secure.status(), secure.toString());

        // the port a server redirects to (a NodePort), and a server that redirects nothing
        RouteExplanation nodePort = explainer.httpsRedirectPort(30443).explain("http://web.example.com/a?b=c");
        assertEquals(308, nodePort.status(), nodePort.toString());
        assertEquals("https://web.example.com:30443/a?b=c", nodePort.location());
        RouteExplanation noRedirect = explainer.httpsRedirectPort(0).explain("http://web.example.com/a?b=c");
        assertEquals(200, noRedirect.status(), noRedirect.toString());
        assertNull(noRedirect.location());
        assertEquals("https://web.example.com/a?b=c", explainer.explain("http://web.example.com/a?b=c").location(),
                "the explainer it came from is unchanged");
        assertThrows(IllegalArgumentException.class, () -> explainer.httpsRedirectPort(65536));
    }

    @Test
    void unsafePathIs400() {
        RouteExplanation e = KUBIA.explain("http://myapp.kubia.com/a/%2e%2e/%2e%2e/etc");

        assertEquals(400, e.status(), e.toString());
        assertNull(e.path());
    }

    @Test
    void pathsTheProxysUriComplianceRefusesAre400AsThere() {
        // the proxy's listeners (Jetty's UriCompliance) answer 400 to these before any route is looked at
        for (String path : List.of("/a/%2e/b", "/a/.%2e/b", "/a/%2E%2E/b", "/a/%2e", "/a/..;/b", "/a/.;x/b", "/a/..;",
                "/a/%25/b", "/a/%2541")) {
            RouteExplanation e = KUBIA.explain("http://myapp.kubia.com" + path);
            assertEquals(400, e.status(), path + ": " + e);
            assertFalse(e.forwarded(), path);
        }
        // and take these: a dot in a longer segment, parameters on other segments, an encoded ';'
        for (String path : List.of("/a/%2ex/b", "/a;x/b", "/a/b;c", "/a/..x/b", "/a/..%3B/b", "/a/.../b")) {
            RouteExplanation e = KUBIA.explain("http://myapp.kubia.com" + path);
            assertEquals(200, e.status(), path + ": " + e);
        }
    }

    @Test
    void connectIs405() {
        assertEquals(405, KUBIA.explain("CONNECT", "http://myapp.kubia.com/").status());
    }

    @Test
    void traceIs405() {
        assertEquals(405, KUBIA.explain("TRACE", "http://myapp.kubia.com/").status());
    }

    @Test
    void relativeUrlIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> KUBIA.explain("/path"));
    }

    @Test
    void manifestThatDoesNotParseIsRefusedNamingTheFile() throws IOException {
        Files.writeString(dir.resolve("broken.yaml"), "kind: [\n");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RouteExplainer.fromManifests(dir));

        assertTrue(e.getMessage().contains(dir.resolve("broken.yaml") + ":1 (document 1): not valid YAML"), e.getMessage());
    }
}
