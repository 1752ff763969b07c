package io.jingress.jetty.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.route.AuthTls;
import io.jingress.core.route.RouteTable;
import io.jingress.jetty.testing.TestRoutes;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ClientCertificateHostsTest {
    private static final String SECRET = "nginx.ingress.kubernetes.io/auth-tls-secret";
    private static final String VERIFY = "nginx.ingress.kubernetes.io/auth-tls-verify-client";
    private static final String CA = TestCertificates.ca("Hosts CA").pem();

    @Test
    void aHostIsFoundByItsNameOrItsParentsWildcardIgnoringCaseAndPort() {
        RouteTable table = TestRoutes.create()
                .opaqueSecret("client-ca", Map.of("ca.crt", CA))
                .route("*.secure.test", "/", "app", Map.of(SECRET, "client-ca"), 8080)
                .route("open.test", "/", "app", 8080)
                .router().current();

        ClientCertificateHosts.Cache cache = new ClientCertificateHosts.Cache();
        ClientCertificateHosts hosts = cache.of(table);

        assertEquals(CA, hosts.forHost("a.secure.test").caPem());
        assertEquals(CA, hosts.forHost("A.Secure.TEST.:8443").caPem());
        assertNull(hosts.forHost("secure.test"));
        assertNull(hosts.forHost("b.a.secure.test"));
        assertNull(hosts.forHost("open.test"));
        assertSame(hosts, cache.of(table), "made once per table");
    }

    @Test
    void theOldestIngressOfTheHostDecides() {
        RouteTable table = TestRoutes.create()
                .opaqueSecret("client-ca", Map.of("ca.crt", CA))
                .route("secure.test", "/a", "app", Map.of(SECRET, "client-ca", VERIFY, "optional"), 8080)
                .route("secure.test", "/b", "app", Map.of(SECRET, "client-ca", VERIFY, "on"), 8080)
                .router().current();

        assertEquals(AuthTls.VerifyClient.OPTIONAL, ClientCertificateHosts.of(table).forHost("secure.test").verifyClient());
    }

    @Test
    void aTableWithoutAuthTlsIsEmpty() {
        RouteTable table = TestRoutes.create().route("open.test", "/", "app", 8080).router().current();

        assertTrue(ClientCertificateHosts.of(table).isEmpty());
        assertNull(ClientCertificateHosts.of(table).forHost("open.test"));
    }
}
