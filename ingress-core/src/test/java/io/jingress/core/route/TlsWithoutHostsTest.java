package io.jingress.core.route;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressTls;
import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * A {@code spec.tls} entry without hosts, and rule hosts no entry lists: served with the first of
 * the Ingress's certificates that covers them, as ingress-nginx does.
 */
class TlsWithoutHostsTest {
    private static final TlsSecret WILD = secret("wild", "wildcard.crt");        // *.wild.example.test
    private static final TlsSecret PKCS1 = secret("pkcs1", "pkcs1.crt");         // pkcs1.example.test
    private static final TlsSecret CN_ONLY = secret("cn-only", "cn-only.crt");   // CN cn.example.test, no SAN
    private static final TlsSecret SAN_AND_CN = secret("san", "san-and-cn.crt"); // SAN san.example.test, CN cn.example.test

    private static TlsSecret secret(String name, String resource) {
        try (InputStream in = TlsWithoutHostsTest.class.getResourceAsStream("/tls/" + resource)) {
            return new TlsSecret("default", name, new String(in.readAllBytes(), StandardCharsets.US_ASCII), "KEY");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Ingress ingress(List<IngressTls> tls, String... hosts) {
        Ingress.Builder builder = Ingress.builder("default", "shop").creationTimestamp(Instant.ofEpochSecond(1));
        for (String host : hosts) {
            builder.rule(rule(host, prefix("/", backend("web"))));
        }
        tls.forEach(builder::tls);
        return builder.build();
    }

    private static RouteTable compile(Ingress ingress, TlsSecret... secrets) {
        ClusterState.Builder state = ClusterState.builder().ingress(ingress)
                .service(service("web")).endpointSlice(slice("web", "10.0.0.1"));
        for (TlsSecret secret : secrets) {
            state.secret(secret);
        }
        return RouteCompiler.create(Balancers.create()).compile(state.build());
    }

    private static boolean redirected(RouteTable table, String host) {
        return ((Route) table.match(host, "/")).sslRedirect();
    }

    private static List<String> problems(RouteTable table) {
        return table.problems().stream().map(Problem::toString).toList();
    }

    @Test
    void aTlsEntryWithoutHostsServesTheRuleHostsItsCertificateCoversAndRedirectsThem() {
        RouteTable table = compile(ingress(List.of(new IngressTls(List.of(), "wild")),
                "shop.wild.example.test", "plain.example.test"), WILD);

        assertEquals(WILD, table.certificates().get("shop.wild.example.test"));
        assertTrue(redirected(table, "shop.wild.example.test"));
        assertNull(table.certificates().get("plain.example.test"));
        assertFalse(redirected(table, "plain.example.test"));
        assertTrue(table.problems().isEmpty(), table.problems().toString());
    }

    @Test
    void aWildcardNameCoversExactlyOneMoreLabelAndAWildcardRuleHostOnlyTheSameWildcard() {
        RouteTable table = compile(ingress(List.of(new IngressTls(List.of(), "wild")),
                "a.b.wild.example.test", "wild.example.test", "*.wild.example.test"), WILD);

        assertNull(table.certificates().get("a.b.wild.example.test"));
        assertNull(table.certificates().get("wild.example.test"));
        assertEquals(WILD, table.certificates().get("*.wild.example.test"));
        assertTrue(redirected(table, "x.wild.example.test"));
        assertFalse(redirected(table, "wild.example.test"));
    }

    @Test
    void aRuleHostNoEntryListsGetsTheFirstOfTheIngressesCertificatesThatCoversIt() {
        RouteTable table = compile(ingress(List.of(
                        new IngressTls(List.of("pkcs1.example.test"), "pkcs1"),
                        new IngressTls(List.of("listed.wild.example.test"), "wild"),
                        new IngressTls(List.of(), "wild-too")),
                "pkcs1.example.test", "listed.wild.example.test", "unlisted.wild.example.test"),
                PKCS1, WILD, new TlsSecret("default", "wild-too", WILD.certificateChainPem(), "KEY"));

        assertEquals(PKCS1, table.certificates().get("pkcs1.example.test"));
        assertEquals(WILD, table.certificates().get("unlisted.wild.example.test"));
        assertTrue(redirected(table, "unlisted.wild.example.test"));
    }

    @Test
    void theCommonNameCountsOnlyWhenTheCertificateHasNoDnsNames() {
        RouteTable cnOnly = compile(ingress(List.of(new IngressTls(List.of(), "cn-only")), "cn.example.test"), CN_ONLY);
        assertEquals(CN_ONLY, cnOnly.certificates().get("cn.example.test"));

        RouteTable sanAndCn = compile(ingress(List.of(new IngressTls(List.of(), "san")),
                "cn.example.test", "san.example.test"), SAN_AND_CN);
        assertEquals(SAN_AND_CN, sanAndCn.certificates().get("san.example.test"));
        assertNull(sanAndCn.certificates().get("cn.example.test"));
        assertFalse(redirected(sanAndCn, "cn.example.test"));
    }

    @Test
    void anEntryWithoutHostsWhoseCertificateCoversNoRuleHostIsReported() {
        RouteTable table = compile(ingress(List.of(new IngressTls(List.of(), "pkcs1")), "shop.example.test"), PKCS1);

        assertEquals(List.of("Ingress default/shop: spec.tls[0]: this entry has no hosts and the certificate of secret"
                + " default/pkcs1 (pkcs1.example.test) covers none of the Ingress's rule hosts that spec.tls does not"
                + " list (shop.example.test): it serves no host"), problems(table));
        assertEquals(Problem.Severity.WARNING, table.problems().get(0).severity());
        assertFalse(redirected(table, "shop.example.test"));
    }

    @Test
    void anEntryWithoutHostsWhoseSecretIsNoCertificateOrMissingIsReported() {
        RouteTable unreadable = compile(ingress(List.of(new IngressTls(List.of(), "junk")), "shop.example.test"),
                new TlsSecret("default", "junk", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "KEY"));
        assertEquals(List.of("Ingress default/shop: spec.tls[0]: this entry has no hosts and the tls.crt of secret"
                + " default/junk is not a PEM certificate, so no rule host can be matched to it: it serves no host"),
                problems(unreadable));

        RouteTable missing = compile(ingress(List.of(new IngressTls(List.of(), "gone")), "shop.example.test"));
        assertEquals(List.of("Ingress default/shop: spec.tls[0].secretName: this entry has no hosts and its Secret"
                + " default/gone is missing: it serves no host"), problems(missing));

        // the proxy reports an unreadable certificate where it loads it; the compiler only skips it
        RouteTable listed = compile(ingress(List.of(new IngressTls(List.of("listed.example.test"), "junk")),
                "listed.example.test", "other.example.test"), new TlsSecret("default", "junk", "CERT", "KEY"));
        assertTrue(listed.problems().isEmpty(), listed.problems().toString());
        assertFalse(redirected(listed, "other.example.test"));
    }
}
