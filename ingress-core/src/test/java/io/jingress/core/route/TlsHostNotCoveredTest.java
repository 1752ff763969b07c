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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host that {@code spec.tls} lists with a Secret whose certificate is not valid for it: every
 * client that checks the name refuses the handshake, and the table says why (ingress-nginx logs
 * "SSL certificate ... does not contain a Common Name or Subject Alternative Name for server").
 */
class TlsHostNotCoveredTest {
    private static final TlsSecret WILD = secret("wild", "wildcard.crt");        // *.wild.example.test
    private static final TlsSecret CN_ONLY = secret("cn-only", "cn-only.crt");   // CN cn.example.test, no SAN
    private static final TlsSecret SAN_AND_CN = secret("san", "san-and-cn.crt"); // SAN san.example.test, CN cn.example.test

    private static TlsSecret secret(String name, String resource) {
        try (InputStream in = TlsHostNotCoveredTest.class.getResourceAsStream("/tls/" + resource)) {
            return new TlsSecret("default", name, new String(in.readAllBytes(), StandardCharsets.US_ASCII), "KEY");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RouteTable compile(IngressTls tls, TlsSecret secret, String... hosts) {
        Ingress.Builder ingress = Ingress.builder("default", "shop").creationTimestamp(Instant.ofEpochSecond(1)).tls(tls);
        for (String host : hosts) {
            ingress.rule(rule(host, prefix("/", backend("web"))));
        }
        return RouteCompiler.create(Balancers.create()).compile(ClusterState.builder().ingress(ingress.build())
                .service(service("web")).endpointSlice(slice("web", "10.0.0.1")).secret(secret).build());
    }

    private static List<String> problems(RouteTable table) {
        return table.problems().stream().map(Problem::toString).toList();
    }

    @Test
    void aListedHostTheCertificateDoesNotCoverIsReportedNamingWhatItCovers() {
        RouteTable table = compile(new IngressTls(List.of("a.wild.example.test", "shop.example.test"), "wild"), WILD,
                "a.wild.example.test", "shop.example.test");

        assertEquals(List.of("Ingress default/shop: spec.tls[0].hosts[1]: the certificate of secret default/wild is for"
                + " *.wild.example.test, not shop.example.test: it is served for shop.example.test, and clients that check"
                + " the name refuse it"), problems(table));
        // served all the same, and redirected, as a listed host is
        assertEquals(WILD, table.certificates().get("shop.example.test"));
        assertTrue(((Route) table.match("shop.example.test", "/")).sslRedirect());
    }

    @Test
    void aWildcardOnlyCoversOneLabelAndItsOwnWildcardHost() {
        RouteTable table = compile(new IngressTls(List.of("*.wild.example.test", "a.b.wild.example.test", "wild.example.test"),
                "wild"), WILD, "*.wild.example.test", "a.b.wild.example.test", "wild.example.test");

        assertEquals(List.of("spec.tls[0].hosts[1]", "spec.tls[0].hosts[2]"),
                table.problems().stream().map(Problem::field).toList(), problems(table).toString());
    }

    @Test
    void theCommonNameCountsOnlyWithoutSubjectAlternativeNames() {
        assertEquals(List.of(), problems(compile(new IngressTls(List.of("cn.example.test"), "cn-only"), CN_ONLY,
                "cn.example.test")));
        assertEquals(List.of("Ingress default/shop: spec.tls[0].hosts[0]: the certificate of secret default/san is for"
                + " san.example.test, not cn.example.test: it is served for cn.example.test, and clients that check the"
                + " name refuse it"), problems(compile(new IngressTls(List.of("cn.example.test"), "san"), SAN_AND_CN,
                "cn.example.test")));
    }
}
