package io.jingress.jetty.internal.tcp;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.io.EndPoint;

/**
 * The PROXY protocol v1 header a TCP service's upstream is sent first when its entry says so (the
 * second {@code PROXY}), as nginx's {@code proxy_protocol on} in a stream server: {@code PROXY TCP4
 * client proxy clientport proxyport\r\n} ({@code TCP6} for IPv6), with the client's and the
 * listener's addresses, which are the ones a decoded PROXY header named when the port decodes
 * one; {@code PROXY UNKNOWN\r\n} when they are not IP addresses of one family.
 */
final class ProxyHeaderV1 {
    private ProxyHeaderV1() {
    }

    static ByteBuffer of(EndPoint clientEndPoint) {
        return of(clientEndPoint.getRemoteSocketAddress(), clientEndPoint.getLocalSocketAddress());
    }

    static ByteBuffer of(SocketAddress client, SocketAddress proxy) {
        String line = "PROXY UNKNOWN\r\n";
        if (client instanceof InetSocketAddress from && proxy instanceof InetSocketAddress to
                && from.getAddress() != null && to.getAddress() != null) {
            boolean fromV4 = from.getAddress() instanceof Inet4Address;
            if (fromV4 == to.getAddress() instanceof Inet4Address) {
                line = "PROXY " + (fromV4 ? "TCP4 " : "TCP6 ") + text(from) + " " + text(to) + " " + from.getPort() + " "
                        + to.getPort() + "\r\n";
            }
        }
        return ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    }

    // without an IPv6 scope ("%eth0"), which the header has no room for
    private static String text(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        int scope = host.indexOf('%');
        return scope < 0 ? host : host.substring(0, scope);
    }
}
