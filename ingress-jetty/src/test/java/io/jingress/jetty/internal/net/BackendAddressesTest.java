package io.jingress.jetty.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackendAddressesTest {
    private static List<InetSocketAddress> addresses(String... literals) throws UnknownHostException {
        List<InetSocketAddress> list = new ArrayList<>();
        for (String literal : literals) {
            list.add(new InetSocketAddress(InetAddress.getByName(literal), 80));
        }
        return list;
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.7", "127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "fe80::1", "2001:db8::7"})
    void dottedQuadsAndIpv6AddressesAreLiteralsThatNeedNoLookup(String host) {
        assertTrue(BackendAddresses.isIpLiteral(host));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localtest.me", "127.0.0.1.nip.io", "127.1", "2130706433", "127.0.0.01",
        "0177.0.0.1", "1.2.3.4.5", "1.2.3.", ".1.2.3", "256.0.0.1", "1.2.3.1000", "99999999999.1.1.1", ""})
    void namesAndNumbersInOtherFormsAreNotLiterals(String host) {
        assertFalse(BackendAddresses.isIpLiteral(host));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.9.9.9", "::1", "0.0.0.0", "::", "169.254.169.254", "fe80::1"})
    void loopbackAnyLocalAndLinkLocalAddressesAreLocal(String literal) throws Exception {
        assertTrue(BackendAddresses.isLocal(InetAddress.getByName(literal)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.7", "192.168.1.1", "100.100.100.200", "8.8.8.8", "2001:db8::7", "fc00::1"})
    void privateAndPublicAddressesAreNotLocal(String literal) throws Exception {
        assertFalse(BackendAddresses.isLocal(InetAddress.getByName(literal)));
    }

    @Test
    void aNameWithAddressesBesideLocalOnesKeepsThoseInTheirOrder() throws Exception {
        List<InetSocketAddress> resolved = addresses("127.0.0.1", "10.0.0.7", "::1", "192.168.1.1");

        assertEquals(addresses("10.0.0.7", "192.168.1.1"), BackendAddresses.withoutLocal("mixed.example", resolved));
    }

    @Test
    void aNameWithoutLocalAddressesKeepsThemAll() throws Exception {
        List<InetSocketAddress> resolved = addresses("10.0.0.7", "192.168.1.1");

        assertEquals(resolved, BackendAddresses.withoutLocal("app.example", resolved));
    }

    @Test
    void aNameWithOnlyLocalAddressesIsRefusedNamingItAndThem() throws Exception {
        List<InetSocketAddress> resolved = addresses("127.0.0.1", "::1", "169.254.169.254");

        BackendAddresses.LocalAddressRefused refused = assertThrows(BackendAddresses.LocalAddressRefused.class,
                () -> BackendAddresses.withoutLocal("localtest.me", resolved));

        assertEquals("backend name localtest.me resolves only to loopback, any-local or link-local addresses"
                + " [127.0.0.1, 0:0:0:0:0:0:0:1, 169.254.169.254]: not connecting to the proxy's own host by a"
                + " name (an endpoint given as an IP address is not checked)", refused.getMessage());
    }

    @Test
    void aNameResolvingOnlyToLoopbackHasNoAddressToConnectToUnlessLocalNamesAreAllowed() throws Exception {
        assertThrows(BackendAddresses.LocalAddressRefused.class, () -> BackendAddresses.resolve("localhost", 80, false));
        assertTrue(BackendAddresses.resolve("localhost", 80, true).getAddress().isLoopbackAddress());
        assertEquals(new InetSocketAddress("127.0.0.1", 80), BackendAddresses.resolve("127.0.0.1", 80, false));
    }

    @Test
    void aNumberInAnotherFormThanADottedQuadIsNeverConnectedTo() {
        assertThrows(UnknownHostException.class, () -> BackendAddresses.resolve("127.1", 80, false));
        assertThrows(UnknownHostException.class, () -> BackendAddresses.resolve("127.1", 80, true));
    }
}
