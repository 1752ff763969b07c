package io.jingress.jetty.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ProxyHeaderV1Test {

    private static String header(SocketAddress client, SocketAddress proxy) {
        return StandardCharsets.US_ASCII.decode(ProxyHeaderV1.of(client, proxy)).toString();
    }

    private static InetSocketAddress at(String address, int port) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    @Test
    void ipv4AndIpv6ClientsAreNamedWithTheirFamily() throws Exception {
        assertEquals("PROXY TCP4 203.0.113.7 10.0.0.5 51234 2222\r\n",
                header(at("203.0.113.7", 51234), at("10.0.0.5", 2222)));
        assertEquals("PROXY TCP6 2001:db8:0:0:0:0:0:7 2001:db8:0:0:0:0:0:1 51234 2222\r\n",
                header(at("2001:db8::7", 51234), at("2001:db8::1", 2222)));
    }

    @Test
    void addressesOfTwoFamiliesOrNoneAreUnknown() throws Exception {
        assertEquals("PROXY UNKNOWN\r\n", header(at("203.0.113.7", 51234), at("2001:db8::1", 2222)));
        assertEquals("PROXY UNKNOWN\r\n", header(null, at("10.0.0.5", 2222)));
        assertEquals("PROXY UNKNOWN\r\n", header(InetSocketAddress.createUnresolved("client.example", 1),
                at("10.0.0.5", 2222)));
    }
}
