package io.jingress.core.route;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code spec.tls} host counts only for the Ingress that serves it, as in ingress-nginx: another
 * namespace's Ingress that lists a host it has no rule for cannot give that host its certificate
 * or its HTTPS redirect.
 */
class TlsHostOwnershipTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final TlsSecret MINE = new TlsSecret("attacker", "mine", "ATTACKER-CERT", "KEY");
    private static final TlsSecret SHOP = new TlsSecret("default", "shop", "SHOP-CERT", "KEY");

    private static Ingress.Builder ingress(String namespace, String name, long created, IngressRule... rules) {
        Ingress.Builder builder = Ingress.builder(namespace, name).creationTimestamp(Instant.ofEpochSecond(created));
        for (IngressRule rule : rules) {
            builder.rule(rule);
        }
        return builder;
    }

    private static IngressRule web(String host) {
        return rule(host, prefix("/", backend("web")));
    }

    private static RouteTable compile(Ingress.Builder... ingresses) {
        ClusterState.Builder state = ClusterState.builder()
                .service(service("web")).endpointSlice(slice("web", "10.0.0.1"))
                .service(io.jingress.core.model.Service.of("attacker", "web",
                        io.jingress.core.model.Service.Port.of("http", 80, 8080)))
                .secret(MINE).secret(SHOP);
        for (Ingress.Builder ingress : ingresses) {
            state.ingress(ingress.build());
        }
        return RouteCompiler.create(Balancers.create()).compile(state.build());
    }

    private static List<String> tlsProblems(RouteTable table) {
        return table.problems().stream().filter(p -> p.field().startsWith("spec.tls")).map(Problem::toString).toList();
    }

    private static boolean redirected(RouteTable table, String host) {
        return ((Route) table.match(host, "/")).sslRedirect();
    }

    @Test
    void anotherNamespacesIngressListingAHostItHasNoRuleForGivesItNeitherCertificateNorRedirect() {
        RouteTable table = compile(
                ingress("attacker", "mine", 1, web("evil.test"))
                        .tls(new IngressTls(List.of("secure.test", "plain.test"), "mine")),
                ingress("default", "plain", 2, web("plain.test")));

        assertNull(table.certificates().get("plain.test"));
        assertNull(table.certificates().get("secure.test"));
        assertFalse(redirected(table, "plain.test"));
        assertEquals(List.of(
                "Ingress attacker/mine: spec.tls[0].hosts[0]: host secure.test is ignored: Ingress attacker/mine does not"
                        + " serve it (no rule of it has this host, nor is it a server-alias or from-to-www-redirect name"
                        + " the Ingress serves), so this entry gives it no certificate and no HTTPS redirect, as in"
                        + " ingress-nginx",
                "Ingress attacker/mine: spec.tls[0].hosts[1]: host plain.test is ignored: Ingress attacker/mine does not"
                        + " serve it (no rule of it has this host, nor is it a server-alias or from-to-www-redirect name"
                        + " the Ingress serves), so this entry gives it no certificate and no HTTPS redirect, as in"
                        + " ingress-nginx"),
                tlsProblems(table));
    }

    @Test
    void theOwnerOfTheHostKeepsItsCertificateBesideAnOlderIngressThatListsItWithoutARule() {
        RouteTable table = compile(
                ingress("attacker", "mine", 1, web("evil.test")).tls(new IngressTls(List.of("shop.test"), "mine")),
                ingress("default", "shop", 2, web("shop.test")).tls(new IngressTls(List.of("shop.test"), "shop")));

        assertEquals(SHOP, table.certificates().get("shop.test"));
        assertTrue(redirected(table, "shop.test"));
        assertEquals(List.of("spec.tls[0].hosts[0]"), table.problems().stream().filter(p -> p.field().startsWith("spec.tls"))
                .map(Problem::field).toList());
    }

    @Test
    void aHostOfTheIngresssOwnRulesGetsItsCertificateAndRedirectWithoutWarning() {
        RouteTable table = compile(ingress("default", "shop", 1, web("shop.test"), web("plain.test"))
                .tls(new IngressTls(List.of("shop.test"), "shop")));

        assertEquals(SHOP, table.certificates().get("shop.test"));
        assertTrue(redirected(table, "shop.test"));
        assertFalse(redirected(table, "plain.test"));
        assertEquals(List.of(), tlsProblems(table));
    }

    @Test
    void theIngresssOwnWwwNameAndAliasListedInSpecTlsKeepTheirCertificate() {
        RouteTable table = compile(ingress("default", "shop", 1, web("shop.test"))
                .annotation(NGINX + "from-to-www-redirect", "true")
                .annotation(NGINX + "server-alias", "alias.test")
                .tls(new IngressTls(List.of("shop.test", "www.shop.test", "alias.test"), "shop")));

        assertEquals(SHOP, table.certificates().get("www.shop.test"));
        assertEquals(SHOP, table.certificates().get("alias.test"));
        assertEquals(SHOP, table.certificates().get("shop.test"));
        assertEquals(List.of(), tlsProblems(table));
    }

    @Test
    void anAliasOrWwwNameThatIsAnotherIngresssHostDoesNotLetSpecTlsTakeIt() {
        RouteTable table = compile(
                ingress("attacker", "mine", 1, web("shop.test"))
                        .annotation(NGINX + "from-to-www-redirect", "true")
                        .annotation(NGINX + "server-alias", "plain.test")
                        .tls(new IngressTls(List.of("plain.test", "www.shop.test"), "mine")),
                ingress("default", "plain", 2, web("plain.test"), web("www.shop.test")));

        assertNull(table.certificates().get("plain.test"));
        assertNull(table.certificates().get("www.shop.test"));
        assertFalse(redirected(table, "plain.test"));
        assertFalse(redirected(table, "www.shop.test"));
        assertEquals(List.of("spec.tls[0].hosts[0]", "spec.tls[0].hosts[1]"), table.problems().stream()
                .filter(p -> p.field().startsWith("spec.tls")).map(Problem::field).toList());
    }

    @Test
    void anIngressWhoseRulesHaveNoHostGivesItsTlsHostsNothing() {
        RouteTable table = compile(
                ingress("attacker", "mine", 1, web(null)).tls(new IngressTls(List.of("plain.test"), "mine")),
                ingress("default", "plain", 2, web("plain.test")));

        assertNull(table.certificates().get("plain.test"));
        assertFalse(redirected(table, "plain.test"));
        assertEquals(List.of("Ingress attacker/mine: spec.tls[0].hosts[0]: host plain.test is ignored: Ingress"
                + " attacker/mine does not serve it (its rules have no host), so this entry gives it no certificate and"
                + " no HTTPS redirect, as in ingress-nginx"), tlsProblems(table));
    }

    @Test
    void aWildcardTlsHostCountsForTheIngresssOwnHostsBelowItOnly() {
        RouteTable table = compile(
                ingress("attacker", "mine", 1, web("a.secure.test")).tls(new IngressTls(List.of("*.secure.test"), "mine")),
                ingress("default", "plain", 2, web("b.secure.test")));

        assertEquals(MINE, table.certificates().get("a.secure.test"));
        assertTrue(redirected(table, "a.secure.test"));
        assertNull(table.certificates().get("*.secure.test"));
        assertNull(table.certificates().get("b.secure.test"));
        assertFalse(redirected(table, "b.secure.test"));
        assertEquals(List.of(), tlsProblems(table));
    }

    @Test
    void aWildcardTlsHostOfAWildcardRuleHostStillCoversTheHostsBelowIt() {
        RouteTable table = compile(ingress("default", "shop", 1, web("*.shop.test"))
                .tls(new IngressTls(List.of("*.shop.test"), "shop")));

        assertEquals(SHOP, table.certificates().get("*.shop.test"));
        assertTrue(redirected(table, "a.shop.test"));
        assertEquals(List.of(), tlsProblems(table));
    }
}
