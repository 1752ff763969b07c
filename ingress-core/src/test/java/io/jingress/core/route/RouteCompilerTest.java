package io.jingress.core.route;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.PathType;
import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.jingress.core.model.HttpIngressPath.exact;
import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.matched;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteCompilerTest {

    @Test
    void pathsOfOneHostMergeAcrossIngresses() {
        RouteTable table = compile(
                ingress("shop", 0, rule("example.com", prefix("/shop", backend("web")))),
                ingress("blog", 0, rule("example.com", prefix("/blog", backend("web")))));
        assertEquals("default/shop example.com /shop Prefix", matched(table, "example.com", "/shop/cart"));
        assertEquals("default/blog example.com /blog Prefix", matched(table, "example.com", "/blog"));
        assertTrue(table.problems().isEmpty(), table.problems().toString());
    }

    @Test
    void sourceProblemsComeFirstOnATableServingTheSameRoutes() {
        RouteTable table = compile(
                ingress("young", 200, rule("example.com", prefix("/app", backend("web")))),
                ingress("old", 100, rule("example.com", prefix("/app", backend("web")))));
        Problem unread = Problem.error("File", "/srv/app.yaml", "", "not UTF-8 text");

        RouteTable reported = table.withSourceProblems(List.of(unread));

        assertEquals(List.of(unread, table.problems().get(0)), reported.problems());
        assertEquals(1, table.problems().size(), "the table it came from is unchanged");
        assertSame(table.routes(), reported.routes());
        assertSame(table.match("example.com", "/app"), reported.match("example.com", "/app"));
        assertSame(table, table.withSourceProblems(List.of()));
    }

    @Test
    void theOldestIngressWinsAConflictAndTheLoserIsReported() {
        RouteTable table = compile(
                ingress("young", 200, rule("example.com", prefix("/app", backend("web")))),
                ingress("old", 100, rule("example.com", prefix("/app", backend("web")))));
        assertEquals("default/old example.com /app Prefix", matched(table, "example.com", "/app"));
        assertEquals(1, table.problems().size());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("default/young", problem.object());
        assertEquals("spec.rules[0].http.paths[0]", problem.field());
        assertTrue(problem.message().contains("default/old"), problem.message());
    }

    @Test
    void onEqualCreationTimesTheNamespaceAndNameDecideTheConflict() {
        RouteTable table = compile(
                ingress("b", 100, rule("example.com", prefix("/", backend("web")))),
                ingress("a", 100, rule("example.com", prefix("/", backend("web")))));
        assertEquals("default/a example.com / Prefix", matched(table, "example.com", "/"));
        assertEquals("default/b", table.problems().get(0).object());
    }

    @Test
    void thePrefixWithATrailingSlashConflictsWithTheSamePrefixWithout() {
        RouteTable table = compile(
                ingress("old", 1, rule("example.com", prefix("/app/", backend("web")))),
                ingress("new", 2, rule("example.com", prefix("/app", backend("web")))));
        assertEquals("default/old example.com /app/ Prefix", matched(table, "example.com", "/app"));
        assertEquals(1, table.problems().size());
    }

    @Test
    void theSamePathWithAnotherTypeIsNoConflict() {
        RouteTable table = compile(
                ingress("old", 1, rule("example.com", prefix("/app", backend("web")))),
                ingress("new", 2, rule("example.com", exact("/app", backend("web")))));
        assertEquals("default/new example.com /app Exact", matched(table, "example.com", "/app"));
        assertEquals("default/old example.com /app Prefix", matched(table, "example.com", "/app/x"));
        assertTrue(table.problems().isEmpty());
    }

    @Test
    void theSamePathOnAnotherHostIsNoConflict() {
        RouteTable table = compile(
                ingress("a", 1, rule("a.com", prefix("/", backend("web")))),
                ingress("b", 2, rule("b.com", prefix("/", backend("web")))));
        assertEquals("default/b b.com / Prefix", matched(table, "b.com", "/"));
        assertTrue(table.problems().isEmpty());
    }

    @Test
    void theDefaultBackendOfAnIngressWithoutRulesServesTheHostsWithoutRules() {
        Ingress withDefault = Ingress.builder("default", "fallback").defaultBackend(backend("web")).build();
        RouteTable table = compile(withDefault, ingress("api", 5, rule("api.com", prefix("/v1", backend("web")))));
        assertEquals("default-backend default/fallback", matched(table, "other.com", "/"));
        assertEquals("NO_PATH", matched(table, "api.com", "/v2"), "api.com has rules: not the catch-all's");
        assertEquals("default/api api.com /v1 Prefix", matched(table, "api.com", "/v1"));
        Route route = (Route) table.match("other.com", "/");
        assertTrue(route.isDefaultBackend());
        assertNull(route.host());
        assertSame(route, table.defaultRoute());
    }

    @Test
    void theOldestIngressesDefaultBackendWinsAndTheOthersAreReported() {
        RouteTable table = compile(
                Ingress.builder("default", "young").creationTimestamp(Instant.ofEpochSecond(9))
                        .defaultBackend(backend("web")).build(),
                Ingress.builder("default", "old").creationTimestamp(Instant.ofEpochSecond(1))
                        .defaultBackend(backend("web")).build());
        assertEquals("default-backend default/old", matched(table, "x.com", "/"));
        assertEquals(1, table.problems().size());
        assertEquals("default/young", table.problems().get(0).object());
        assertEquals("spec.defaultBackend", table.problems().get(0).field());
    }

    @Test
    void withoutRulesOrDefaultBackendNothingMatches() {
        assertEquals(NoMatch.NO_HOST, compile().match("x.com", "/"));
        assertTrue(compile().isEmpty());
        assertEquals(NoMatch.NO_HOST, RouteTable.empty().match("x.com", "/"));
    }

    @Test
    void anInvalidIngressIsRejectedWholeAndTheRestIsServed() {
        Ingress bad = ingress("bad", 0, rule("good.com", prefix("/ok", backend("web"))),
                rule("bad.com", prefix("foo", backend("web"))));
        Ingress good = ingress("good", 0, rule("other.com", prefix("/", backend("web"))));
        RouteTable table = compile(bad, good);
        assertEquals("NO_HOST", matched(table, "good.com", "/ok"));
        assertEquals("default/good other.com / Prefix", matched(table, "other.com", "/"));
        assertEquals(List.of("Ingress default/bad: spec.rules[1].http.paths[0].path: \"foo\" must start with \"/\""),
                table.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void aResourceBackendIsServedAsUnsupported() {
        Ingress ingress = ingress("res", 0, rule("r.com", prefix("/", new IngressBackend(null, null, "k8s.example.com/StorageBucket/static"))));
        RouteTable table = compile(ingress);
        Route route = (Route) table.match("r.com", "/");
        assertEquals(Backend.Status.UNSUPPORTED, route.backend().status());
        assertNull(route.backend().balancer().pick(io.jingress.core.lb.PickContext.NONE));
        assertEquals(Problem.Severity.WARNING, table.problems().get(0).severity());
    }

    @Test
    void aBackendWithoutServiceIsKeptAndReported() {
        RouteTable table = compile(ingress("a", 0, rule("a.com", prefix("/", backend("missing")))));
        Route route = assertInstanceOf(Route.class, table.match("a.com", "/"));
        assertEquals(Backend.Status.SERVICE_NOT_FOUND, route.backend().status());
        assertEquals("Ingress default/a: spec.rules[0].http.paths[0].backend: service default/missing not found",
                table.problems().get(0).toString());
    }

    @Test
    void routesToTheSameServicePortShareOneBackend() {
        RouteTable table = compile(
                ingress("a", 0, rule("a.com", prefix("/", backend("web")))),
                ingress("b", 0, rule("b.com", prefix("/", backend("web")))));
        assertEquals(1, table.backends().size());
        assertSame(((Route) table.match("a.com", "/")).backend(), ((Route) table.match("b.com", "/")).backend());
        assertEquals("default/web:80", table.backends().get(0).key());
    }

    @Test
    void tlsHostsMapToTheirSecretAndGetAnSslRedirect() {
        TlsSecret secret = new TlsSecret("default", "cert", "CERT", "KEY");
        Ingress ingress = ingress("tls", 0, rule("secure.com", prefix("/", backend("web"))),
                rule("plain.com", prefix("/", backend("web")))).toBuilder()
                .tls(new IngressTls(List.of("secure.com"), "cert")).build();
        RouteTable table = RouteCompiler.create(Balancers.create()).compile(ClusterState.builder()
                .ingress(ingress).service(service("web")).endpointSlice(slice("web", "10.0.0.1")).secret(secret).build());
        assertEquals(secret, table.certificates().get("secure.com"));
        assertTrue(((Route) table.match("secure.com", "/")).sslRedirect());
        assertFalse(((Route) table.match("plain.com", "/")).sslRedirect());
        assertTrue(table.problems().isEmpty(), table.problems().toString());
    }

    @Test
    void aWildcardCertificateCoversTheHostsBelowIt() {
        Ingress ingress = ingress("tls", 0, rule("a.secure.com", prefix("/", backend("web")))).toBuilder()
                .tls(new IngressTls(List.of("*.secure.com"), "cert")).build();
        RouteTable table = compile(ingress);
        assertTrue(((Route) table.match("a.secure.com", "/")).sslRedirect());
    }

    @Test
    void theSslRedirectAnnotationSwitchesTheRedirectOff() {
        for (String annotation : List.of(RouteCompiler.NGINX_SSL_REDIRECT, RouteCompiler.SSL_REDIRECT)) {
            Ingress ingress = ingress("tls", 0, rule("secure.com", prefix("/", backend("web")))).toBuilder()
                    .tls(new IngressTls(List.of("secure.com"), "cert")).annotation(annotation, "false").build();
            assertFalse(((Route) compile(ingress).match("secure.com", "/")).sslRedirect(), annotation);
        }
    }

    @Test
    void theSslRedirectAnnotationIsReadAsIngressNginxReadsABoolean() {
        for (String value : List.of("0", "f", "F", "FALSE", "False")) {
            Ingress ingress = ingress("tls", 0, rule("secure.com", prefix("/", backend("web")))).toBuilder()
                    .tls(new IngressTls(List.of("secure.com"), "cert")).annotation(RouteCompiler.NGINX_SSL_REDIRECT, value).build();
            RouteTable table = compile(ingress);
            assertFalse(((Route) table.match("secure.com", "/")).sslRedirect(), value);
            assertEquals(List.of(), table.problems().stream().filter(p -> p.message().contains("ssl-redirect")).toList(), value);
        }
    }

    @Test
    void anSslRedirectThatIsNoBooleanIsReportedAndTheRedirectStays() {
        Ingress ingress = ingress("tls", 0, rule("secure.com", prefix("/", backend("web")))).toBuilder()
                .tls(new IngressTls(List.of("secure.com"), "cert")).annotation(RouteCompiler.NGINX_SSL_REDIRECT, "off").build();
        RouteTable table = compile(ingress);
        assertTrue(((Route) table.match("secure.com", "/")).sslRedirect());
        assertEquals(List.of("Ingress default/tls: metadata.annotations: nginx.ingress.kubernetes.io/ssl-redirect: \"off\""
                + " is not \"true\" or \"false\": plain HTTP to the Ingress's TLS hosts is redirected to HTTPS"),
                table.problems().stream().filter(p -> p.message().contains("ssl-redirect")).map(Problem::toString).toList());
    }

    @Test
    void oursSslRedirectWinsOverIngressNginxs() {
        Ingress ingress = ingress("tls", 0, rule("secure.com", prefix("/", backend("web")))).toBuilder()
                .tls(new IngressTls(List.of("secure.com"), "cert")).annotation(RouteCompiler.NGINX_SSL_REDIRECT, "false")
                .annotation(RouteCompiler.SSL_REDIRECT, "true").build();
        assertTrue(((Route) compile(ingress).match("secure.com", "/")).sslRedirect());
    }

    @Test
    void aMissingTlsSecretIsReportedAndTheHostGetsTheDefaultCertificate() {
        Ingress ingress = ingress("tls", 0, rule("secure.com", prefix("/", backend("web")))).toBuilder()
                .tls(new IngressTls(List.of("secure.com"), "gone")).build();
        RouteTable table = compile(ingress);
        assertNull(table.certificates().get("secure.com"));
        assertEquals("Ingress default/tls: spec.tls[0].secretName: no secret default/gone of type kubernetes.io/tls;"
                + " secure.com gets the default certificate", table.problems().get(0).toString());
        assertTrue(((Route) table.match("secure.com", "/")).sslRedirect());
    }

    @Test
    void theOldestIngressesCertificateWinsForAHost() {
        TlsSecret oldCert = new TlsSecret("default", "old-cert", "A", "A");
        TlsSecret newCert = new TlsSecret("default", "new-cert", "B", "B");
        Ingress young = ingress("young", 9, rule("s.com", prefix("/y", backend("web")))).toBuilder()
                .tls(new IngressTls(List.of("s.com"), "new-cert")).build();
        Ingress old = ingress("old", 1, rule("s.com", prefix("/o", backend("web")))).toBuilder()
                .tls(new IngressTls(List.of("s.com"), "old-cert")).build();
        RouteTable table = RouteCompiler.create(Balancers.create()).compile(ClusterState.builder()
                .ingress(young).ingress(old).secret(newCert).secret(oldCert).build());
        assertEquals(oldCert, table.certificates().get("s.com"));
    }

    @Test
    void aLosingPathsBackendIsNeitherResolvedNorReported() {
        RouteTable table = compile(
                ingress("old", 1, rule("example.com", prefix("/app", backend("web")))),
                ingress("new", 2, rule("example.com", prefix("/app", backend("missing")))));
        assertEquals(1, table.backends().size());
        assertEquals(1, table.problems().size());
    }

    @Test
    void anImplementationSpecificPathThatCanNeverMatchIsReportedAndSkipped() {
        RouteTable table = compile(ingress("a", 0, rule("a.com",
                new HttpIngressPath("/a/../../b", PathType.IMPLEMENTATION_SPECIFIC, backend("web")),
                new HttpIngressPath("/ok", PathType.IMPLEMENTATION_SPECIFIC, backend("web")))));
        assertEquals(1, table.routes().size());
        assertEquals(Problem.Severity.WARNING, table.problems().get(0).severity());
        assertEquals("spec.rules[0].http.paths[0].path", table.problems().get(0).field());
    }

    @Test
    void tenThousandIngressesCompileAndMatch() {
        ClusterState.Builder state = ClusterState.builder().service(service("web")).endpointSlice(slice("web", "10.0.0.1"));
        for (int i = 0; i < 10_000; i++) {
            state.ingress(ingress("app-" + i, i, rule("app-" + i + ".example.com",
                    prefix("/", backend("web")), exact("/exact/" + i, backend("web")),
                    new HttpIngressPath("/api/v" + i, PathType.IMPLEMENTATION_SPECIFIC, backend("web")))));
        }
        RouteTable table = RouteCompiler.create(Balancers.create()).compile(state.build());
        assertEquals(30_000, table.routes().size());
        assertTrue(table.problems().isEmpty());
        assertEquals("default/app-9999 app-9999.example.com /exact/9999 Exact",
                matched(table, "APP-9999.example.com:80", "/exact/9999"));
        assertEquals("default/app-42 app-42.example.com /api/v42 ImplementationSpecific",
                matched(table, "app-42.example.com", "/api/v42/users"));
        assertEquals("NO_HOST", matched(table, "app-10000.example.com", "/"));
    }

    @Test
    void theIngressAnnotationsChooseTheBackendsBalancer() {
        Ingress hashed = Ingress.builder("default", "hashed").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation("jingress.io/load-balance", "maglev")
                .annotation("jingress.io/hash-by", "$http_x_user")
                .rule(rule("a.example.com", prefix("/", backend("web"))))
                .build();
        RouteTable table = compile(hashed, ingress("plain", 2, rule("b.example.com", prefix("/", backend("web")))));
        Route maglev = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        Route roundRobin = assertInstanceOf(Route.class, table.match("b.example.com", "/"));
        assertEquals(io.jingress.core.lb.Strategy.MAGLEV, maglev.backend().balancer().strategy());
        assertEquals(io.jingress.core.lb.Strategy.ROUND_ROBIN, roundRobin.backend().balancer().strategy());
        assertTrue(table.problems().isEmpty(), table.problems().toString());
    }

    @Test
    void anUnknownBalancerAnnotationIsReportedAndTheIngressServedWithRoundRobin() {
        Ingress ingress = Ingress.builder("default", "odd").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation("jingress.io/load-balance", "fastest")
                .rule(rule("a.example.com", prefix("/", backend("web"))))
                .build();
        RouteTable table = compile(ingress);
        Route route = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        assertEquals(io.jingress.core.lb.Strategy.ROUND_ROBIN, route.backend().balancer().strategy());
        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("metadata.annotations", problem.field());
        assertTrue(problem.message().contains("jingress.io/load-balance"), problem.message());
    }

    @Test
    void annotationsOfIngressNginxThatAreNotImplementedAreReportedAndTheIngressServed() {
        Ingress ingress = Ingress.builder("default", "migrated").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation("nginx.ingress.kubernetes.io/configuration-snippet", "more_set_headers \"X: y\";")
                .annotation("nginx.ingress.kubernetes.io/server-snippet", "listen 8080;")
                .annotation("nginx.ingress.kubernetes.io/ssl-redirect", "false")
                .annotation("nginx.ingress.kubernetes.io/load-balance", "ewma")
                .annotation("jingress.io/load-balanse", "random")
                .annotation("kubernetes.io/ingress.class", "jingress")
                .annotation("example.com/owner", "team-a")
                .rule(rule("a.example.com", prefix("/", backend("web"))))
                .build();

        RouteTable table = compile(ingress);

        assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        List<String> warnings = table.problems().stream()
                .filter(p -> p.severity() == Problem.Severity.WARNING && p.field().equals("metadata.annotations"))
                .map(Problem::message)
                .toList();
        assertEquals(List.of(
                "jingress.io/load-balanse is no annotation of Jingress: it has no effect",
                "nginx.ingress.kubernetes.io/configuration-snippet is not implemented by Jingress: it has no effect",
                "nginx.ingress.kubernetes.io/server-snippet is not implemented by Jingress: it has no effect"), warnings);
    }
}
