package io.jingress.core.route;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default certificate's Secret, ingress-nginx's --default-ssl-certificate, carried by the table. */
class DefaultCertificateTest {
    private static final TlsSecret WILDCARD = new TlsSecret("ingress", "wildcard-tls", "CERT", "KEY");

    private static ClusterState.Builder state() {
        return ClusterState.builder()
                .ingress(ingress("web", 1, rule("web.example.com", prefix("/", backend("web")))))
                .service(Fixtures.service("web")).endpointSlice(Fixtures.slice("web", "10.0.0.1"));
    }

    @Test
    void theNamedSecretIsTheTablesDefaultCertificate() {
        RouteTable table = RouteCompiler.create(Balancers.create()).withDefaultCertificate("ingress/wildcard-tls")
                .compile(state().secret(WILDCARD).secret(new TlsSecret("ingress", "other", "C", "K")).build());

        assertEquals(WILDCARD, table.defaultCertificate());
        assertEquals(List.of(), table.problems());
        assertEquals(WILDCARD, table.withSourceProblems(List.of(Problem.warning("Ingress", "a/b", "", "x")))
                .defaultCertificate(), "kept with the source's problems");
    }

    @Test
    void aMissingSecretIsAWarningAndTheRoutesServe() {
        RouteTable table = RouteCompiler.create(Balancers.create()).withDefaultCertificate("ingress/wildcard-tls")
                .compile(state().build());

        assertNull(table.defaultCertificate());
        assertEquals(List.of("Secret ingress/wildcard-tls: the default certificate's Secret (of type kubernetes.io/tls)"
                + " is not found: names without a certificate of their own get the self-signed one"),
                table.problems().stream().map(Problem::toString).toList());
        assertInstanceOf(Route.class, table.match("web.example.com", "/"));
    }

    @Test
    void withoutOneTheTableHasNone() {
        RouteCompiler compiler = RouteCompiler.create(Balancers.create());

        assertNull(compiler.defaultCertificate());
        assertNull(compiler.compile(state().secret(WILDCARD).build()).defaultCertificate());
        assertNull(RouteTable.empty().defaultCertificate());
        assertEquals("ingress/wildcard-tls", compiler.withDefaultCertificate("ingress/wildcard-tls")
                .withSslPassthrough(true).withGatewayController("x/y").defaultCertificate(), "kept by the other withs");
    }

    @Test
    void aNameThatIsNotNamespaceSlashNameIsRefused() {
        RouteCompiler compiler = RouteCompiler.create(Balancers.create());

        for (String bad : List.of("wildcard-tls", "a/b/c", "/b", "a/", "a b/c")) {
            assertThrows(IllegalArgumentException.class, () -> compiler.withDefaultCertificate(bad), bad);
        }
    }
}
