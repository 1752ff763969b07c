package io.jingress.core.route;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.matched;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * server-alias and from-to-www-redirect as the compiler lays them into the table: an alias matches
 * as its host does, a redirected name has a route that redirects, and neither takes a name that
 * has rules of its own.
 */
class HostAliasesTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String ALIAS = NGINX + "server-alias";
    private static final String WWW = NGINX + "from-to-www-redirect";
    // subjectAltName www.example.test, example.test, alias.example.test
    private static final TlsSecret WWW_CERT = secret("www", "www.crt");
    private static final TlsSecret PKCS1 = secret("pkcs1", "pkcs1.crt");  // pkcs1.example.test

    private static TlsSecret secret(String name, String resource) {
        try (InputStream in = HostAliasesTest.class.getResourceAsStream("/tls/" + resource)) {
            return new TlsSecret("default", name, new String(in.readAllBytes(), StandardCharsets.US_ASCII), "KEY");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Ingress.Builder ingress(String name, long created, Map<String, String> annotations, IngressRule... rules) {
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(created));
        for (IngressRule rule : rules) {
            builder.rule(rule);
        }
        annotations.forEach(builder::annotation);
        return builder;
    }

    private static RouteTable compile(Ingress.Builder... ingresses) {
        ClusterState.Builder state = ClusterState.builder().service(service("web")).endpointSlice(slice("web", "10.0.0.1"))
                .secret(WWW_CERT).secret(PKCS1);
        for (Ingress.Builder ingress : ingresses) {
            state.ingress(ingress.build());
        }
        return RouteCompiler.create(Balancers.create()).compile(state.build());
    }

    private static List<String> problems(RouteTable table) {
        return table.problems().stream().map(Problem::toString).toList();
    }

    private static RouteRedirect redirectOf(RouteTable table, String host, String path) {
        return ((Route) table.match(host, path)).policy().redirectFor(path);
    }

    @Test
    void anAliasMatchesExactlyAsItsHostWithThePathsOfEveryIngressOfTheHost() {
        RouteTable table = compile(
                ingress("shop", 2, Map.of(ALIAS, "a.example.com, *.example.org"),
                        rule("shop.example.com", prefix("/", backend("web")), HttpIngressPath.exact("/api", backend("web")))),
                ingress("older", 1, Map.of(), rule("shop.example.com", prefix("/admin", backend("web")))));

        for (String alias : List.of("a.example.com", "A.Example.COM:8080", "x.example.org")) {
            for (String path : List.of("/", "/api", "/admin/users", "/api/v2")) {
                assertSame(table.match("shop.example.com", path), table.match(alias, path), alias + path);
            }
        }
        assertEquals("default/older shop.example.com /admin Prefix", matched(table, "a.example.com", "/admin"));
        assertEquals("default/shop shop.example.com /api Exact", matched(table, "x.example.org", "/api"));
        // a wildcard alias covers one label, as a wildcard host does
        assertEquals("NO_HOST", matched(table, "a.b.example.org", "/"));
        assertEquals("NO_HOST", matched(table, "example.org", "/"));
        assertEquals(Map.of("a.example.com", "shop.example.com", "*.example.org", "shop.example.com"), table.hostAliases());
        assertEquals(List.of(), problems(table));
    }

    @Test
    void anAliasThatIsAnotherIngresssHostLosesToItWhateverItsAgeWithAWarning() {
        RouteTable table = compile(
                ingress("shop", 1, Map.of(ALIAS, "blog.example.com, a.example.com"), rule("shop.example.com", prefix("/", backend("web")))),
                ingress("blog", 2, Map.of(), rule("blog.example.com", prefix("/", backend("web")))));

        assertEquals("default/blog blog.example.com / Prefix", matched(table, "blog.example.com", "/x"));
        assertEquals("default/shop shop.example.com / Prefix", matched(table, "a.example.com", "/x"));
        assertEquals(Map.of("a.example.com", "shop.example.com"), table.hostAliases());
        assertEquals(List.of("Ingress default/shop: metadata.annotations: " + ALIAS + ": \"blog.example.com, a.example.com\":"
                + " the alias blog.example.com is not served: it is a host of the rules of Ingress default/blog, which serve"
                + " it (a host wins over an alias, as in ingress-nginx)"), problems(table));
        assertEquals(Problem.Severity.WARNING, table.problems().get(0).severity());
    }

    @Test
    void anAliasAnOlderIngressHasAlreadyLosesWithAWarning() {
        RouteTable table = compile(
                ingress("first", 1, Map.of(ALIAS, "a.example.com"), rule("one.example.com", prefix("/", backend("web")))),
                ingress("second", 2, Map.of(ALIAS, "a.example.com"), rule("two.example.com", prefix("/", backend("web")))));

        assertEquals("default/first one.example.com / Prefix", matched(table, "a.example.com", "/"));
        assertEquals(List.of("Ingress default/second: metadata.annotations: " + ALIAS + ": \"a.example.com\": the alias"
                + " a.example.com is not served: it is already an alias of host one.example.com (the older Ingress"
                + " default/first)"), problems(table));
    }

    @Test
    void anIngressWithSeveralHostsGivesItsAliasesTheFirstByNameAndSaysSo() {
        RouteTable table = compile(ingress("shop", 1, Map.of(ALIAS, "a.example.com"),
                rule("zeta.example.com", prefix("/", backend("web"))), rule("beta.example.com", prefix("/beta", backend("web")))));

        assertEquals("default/shop beta.example.com /beta Prefix", matched(table, "a.example.com", "/beta"));
        assertEquals(List.of("Ingress default/shop: metadata.annotations: " + ALIAS + ": \"a.example.com\": the Ingress has"
                + " several hosts (beta.example.com, zeta.example.com); each alias serves the paths of beta.example.com, the"
                + " first by name, as nginx serves a name that several of ingress-nginx's servers list"), problems(table));
    }

    @Test
    void theOldestIngressOfAHostSetsItsAliasesAndAYoungerOnesAreNotUsed() {
        RouteTable table = compile(
                ingress("first", 1, Map.of(ALIAS, "a.example.com"), rule("shop.example.com", prefix("/", backend("web")))),
                ingress("second", 2, Map.of(ALIAS, "b.example.com"), rule("shop.example.com", prefix("/b", backend("web")))));

        assertEquals(Map.of("a.example.com", "shop.example.com"), table.hostAliases());
        assertEquals("NO_HOST", matched(table, "b.example.com", "/b"));
        assertEquals(List.of("Ingress default/second: metadata.annotations: " + ALIAS + ": \"b.example.com\" is not used"
                + " for shop.example.com (Ingress default/first): an older Ingress's server-alias sets the aliases of that"
                + " host, as in ingress-nginx"), problems(table));
    }

    @Test
    void anAliasOfRulesWithoutHostHasNoEffectAndIsReported() {
        RouteTable table = compile(ingress("any", 1, Map.of(ALIAS, "a.example.com"), rule(null, prefix("/", backend("web")))));

        assertEquals(Map.of(), table.hostAliases());
        assertEquals(List.of("Ingress default/any: metadata.annotations: " + ALIAS + ": \"a.example.com\" has no effect: the"
                + " Ingress's rules have no host, and the rules without host serve every host that has no rules of its own"
                + " already"), problems(table));
    }

    @Test
    void theNameWithoutWwwRedirectsToAWwwHostWith308KeepingSchemePortPathAndQuery() {
        RouteTable table = compile(ingress("www", 1, Map.of(WWW, "true"), rule("www.example.com", prefix("/", backend("web")))));

        RouteRedirect redirect = redirectOf(table, "example.com", "/a/b");
        assertEquals(308, redirect.status());
        assertEquals("from-to-www-redirect", redirect.annotation());
        assertEquals("https://www.example.com/a/b?q=1",
                redirect.locationFor("https", "example.com", "example.com", "/a/b", "/a/b?q=1"));
        assertEquals("http://www.example.com:8080/",
                redirect.locationFor("http", "example.com", "example.com:8080", "/", "/"));
        assertEquals(List.of("redirect 308 to $scheme://www.example.com$request_uri (from-to-www-redirect)"),
                ((Route) table.match("example.com", "/")).policy().describe());
        // the host itself is served as before
        assertNull(redirectOf(table, "www.example.com", "/a/b"));
        assertEquals(List.of(), problems(table));
    }

    @Test
    void theWwwNameRedirectsToAHostWithoutWww() {
        RouteTable table = compile(ingress("bare", 1, Map.of(WWW, "true"), rule("example.com", prefix("/shop", backend("web")))));

        Route route = (Route) table.match("WWW.example.com", "/anything");
        assertEquals("www.example.com", route.host());
        assertEquals("default/bare", route.ingress());
        assertFalse(route.sslRedirect());
        assertEquals("http://example.com/anything", route.policy().redirectFor("/anything")
                .locationFor("http", "www.example.com", "www.example.com", "/anything", "/anything"));
        assertTrue(table.routes().contains(route));
    }

    @Test
    void aNameWithRulesOfItsOwnIsNotRedirectedWhateverTheAgeOfItsIngress() {
        RouteTable table = compile(
                ingress("bare", 2, Map.of(WWW, "true"), rule("example.com", prefix("/", backend("web")))),
                ingress("www", 3, Map.of(), rule("www.example.com", prefix("/", backend("web")))));

        assertEquals("default/www www.example.com / Prefix", matched(table, "www.example.com", "/x"));
        assertNull(redirectOf(table, "www.example.com", "/x"));
        assertEquals(List.of("Ingress default/bare: metadata.annotations: " + WWW + ": \"true\": www.example.com is not"
                + " redirected to example.com: it has rules of its own (Ingress default/www), which serve it, as in"
                + " ingress-nginx"), problems(table));
    }

    @Test
    void anAliasWinsOverAWwwRedirect() {
        RouteTable table = compile(
                ingress("bare", 1, Map.of(WWW, "true"), rule("example.com", prefix("/", backend("web")))),
                ingress("shop", 2, Map.of(ALIAS, "www.example.com"), rule("shop.example.com", prefix("/", backend("web")))));

        assertEquals("default/shop shop.example.com / Prefix", matched(table, "www.example.com", "/"));
        assertEquals(List.of("Ingress default/bare: metadata.annotations: " + WWW + ": \"true\": www.example.com is not"
                + " redirected to example.com: it is an alias of host shop.example.com (server-alias of Ingress"
                + " default/shop), which serves it"), problems(table));
    }

    @Test
    void aWildcardHostHasNoWwwNameToRedirect() {
        RouteTable table = compile(ingress("wild", 1, Map.of(WWW, "true"), rule("*.example.com", prefix("/", backend("web")))));

        assertEquals("default/wild *.example.com / Prefix", matched(table, "www.example.com", "/"));
        assertEquals(List.of("Ingress default/wild: metadata.annotations: " + WWW + ": \"true\": the wildcard host"
                + " *.example.com has no www. name to redirect: none is made for it"), problems(table));
    }

    @Test
    void theRedirectedNameAndAnAliasGetTheHostsCertificateWhenItNamesThem() {
        RouteTable table = compile(ingress("www", 1, Map.of(WWW, "true", ALIAS, "alias.example.test"),
                rule("www.example.test", prefix("/", backend("web"))))
                .tls(new IngressTls(List.of("www.example.test"), "www")));

        assertEquals(WWW_CERT, table.certificates().get("example.test"));
        assertEquals(WWW_CERT, table.certificates().get("alias.example.test"));
        // the alias shares the host's routes, and with them the redirect of plain HTTP to HTTPS
        assertTrue(((Route) table.match("alias.example.test", "/")).sslRedirect());
        // the redirected name answers in the scheme it was asked in: http to http, as ingress-nginx
        assertFalse(((Route) table.match("example.test", "/")).sslRedirect());
        assertEquals(List.of(), problems(table));
    }

    @Test
    void aNameTheHostsCertificateDoesNotNameGetsTheDefaultCertificateWithAWarning() {
        RouteTable table = compile(ingress("pkcs1", 1, Map.of(WWW, "true", ALIAS, "alias.example.test"),
                rule("pkcs1.example.test", prefix("/", backend("web"))))
                .tls(new IngressTls(List.of("pkcs1.example.test"), "pkcs1")));

        assertNull(table.certificates().get("www.pkcs1.example.test"));
        assertNull(table.certificates().get("alias.example.test"));
        String prefix = "Ingress default/pkcs1: metadata.annotations: ";
        assertEquals(List.of(
                prefix + ALIAS + ": \"alias.example.test\": the alias alias.example.test gets the default certificate over"
                        + " HTTPS: the certificate of secret default/pkcs1 (of host pkcs1.example.test) does not name it"
                        + " (pkcs1.example.test), so a client that checks certificates cannot reach it over HTTPS",
                prefix + WWW + ": \"true\": the redirected name www.pkcs1.example.test gets the default certificate over"
                        + " HTTPS: the certificate of secret default/pkcs1 (of host pkcs1.example.test) does not name it"
                        + " (pkcs1.example.test), so a client that checks certificates cannot reach it over HTTPS"),
                problems(table));
        // the redirect itself is made: over plain HTTP it works
        assertEquals(308, redirectOf(table, "www.pkcs1.example.test", "/").status());
    }

    @Test
    void anExactAliasOrRedirectedNameWinsOverAWildcardHostThatCoversItAsAnExactHostDoes() {
        RouteTable table = compile(
                ingress("wild", 1, Map.of(), rule("*.example.com", prefix("/", backend("web")))),
                ingress("shop", 2, Map.of(ALIAS, "a.example.com", WWW, "true"), rule("example.com", prefix("/", backend("web")))));

        assertEquals("default/shop example.com / Prefix", matched(table, "a.example.com", "/"));
        assertEquals(308, redirectOf(table, "www.example.com", "/").status());
        assertEquals("default/wild *.example.com / Prefix", matched(table, "b.example.com", "/"));
        assertEquals(List.of(), problems(table));
    }

    @Test
    void anAliasOfARegexHostWithADefaultBackendMatchesItsRegexesAndFallback() {
        RouteTable table = compile(ingress("regex", 1, Map.of(ALIAS, "a.example.com", NGINX + "use-regex", "true"),
                rule("shop.example.com", HttpIngressPath.of("/items/[0-9]+", "ImplementationSpecific", backend("web"))))
                .defaultBackend(backend("web")));

        for (String path : List.of("/items/42", "/other")) {
            assertSame(table.match("shop.example.com", path), table.match("a.example.com", path), path);
        }
        assertEquals("default/regex shop.example.com /items/[0-9]+ ImplementationSpecific",
                matched(table, "a.example.com", "/items/42"));
        assertEquals("default-backend default/regex", matched(table, "a.example.com", "/other"));
    }

    @Test
    void aNameThatSpecTlsListsButNoRuleHasIsRedirectedAndKeepsItsCertificate() {
        RouteTable table = compile(ingress("www", 1, Map.of(WWW, "true"), rule("www.example.test", prefix("/", backend("web"))))
                .tls(new IngressTls(List.of("www.example.test"), "www"))
                .tls(new IngressTls(List.of("example.test"), "pkcs1")));

        assertEquals(308, redirectOf(table, "example.test", "/").status());
        assertEquals(PKCS1, table.certificates().get("example.test"));
        // pkcs1.crt (not for example.test) only tells the certificate apart from www's: that one warning is all
        assertEquals(List.of("Ingress default/www: spec.tls[1].hosts[0]: the certificate of secret default/pkcs1 is for"
                + " pkcs1.example.test, not example.test: it is served for example.test, and clients that check the name"
                + " refuse it"), problems(table));
    }

    @Test
    void aHostWhoseSecretHoldsNoReadableCertificateGivesItsAliasTheDefaultOneWithAWarning() {
        ClusterState state = ClusterState.builder().service(service("web")).endpointSlice(slice("web", "10.0.0.1"))
                .secret(new TlsSecret("default", "junk", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "KEY"))
                .ingress(ingress("shop", 1, Map.of(ALIAS, "a.example.com"), rule("shop.example.com", prefix("/", backend("web"))))
                        .tls(new IngressTls(List.of("shop.example.com"), "junk")).build())
                .build();

        RouteTable table = RouteCompiler.create(Balancers.create()).compile(state);

        assertNull(table.certificates().get("a.example.com"));
        assertEquals(List.of("Ingress default/shop: metadata.annotations: " + ALIAS + ": \"a.example.com\": the alias"
                + " a.example.com gets the default certificate over HTTPS: the tls.crt of secret default/junk (of host"
                + " shop.example.com) is not a PEM certificate, so a client that checks certificates cannot reach it over"
                + " HTTPS"), problems(table));
    }

    @Test
    void anIngressWithoutTheseAnnotationsAddsNoHost() {
        RouteTable table = compile(ingress("plain", 1, Map.of(), rule("example.com", prefix("/", backend("web")))));

        assertEquals(Map.of(), table.hostAliases());
        assertEquals("NO_HOST", matched(table, "www.example.com", "/"));
        assertEquals(1, table.routes().size());
    }
}
