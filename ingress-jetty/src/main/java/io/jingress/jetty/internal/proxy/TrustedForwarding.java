package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.TrustedProxies;
import io.jingress.jetty.internal.admin.AccessLog;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * What a trusted proxy in front ({@code IngressServer.Builder.trustedProxies}) says about the
 * client, believed only when the connection's peer (after the PROXY protocol) is in one of its
 * ranges, as ingress-nginx's {@code use-forwarded-headers} with {@code proxy-real-ip-cidr}:
 * <ul>
 *   <li>{@code X-Forwarded-Proto: https} (or {@code http}, any case) is the scheme the client used
 *       ({@link Exchange#secure()}): for the redirect to HTTPS, HSTS, the affinity cookie's
 *       {@code Secure}, {@code $scheme} and the {@code X-Forwarded-Proto} sent upstream. Another
 *       value, or several, is ignored: the connection's scheme holds.</li>
 *   <li>{@code X-Forwarded-For} names the client, as nginx's realip module with
 *       {@code real_ip_recursive on} reads it ({@link TrustedProxies#clientOf}): source ranges,
 *       rate limits, {@code X-Real-IP}, the access log and auth requests see it.</li>
 *   <li>{@code X-Forwarded-Host} and {@code X-Forwarded-Port} go upstream in place of ours when
 *       present (a port only when it is 1 to 65535); nothing here routes by them.</li>
 * </ul>
 * From any other peer the client's {@code X-Forwarded-*} are replaced as always.
 */
final class TrustedForwarding {
    static final byte HTTP = 1;
    static final byte HTTPS = 2;

    private TrustedForwarding() {
    }

    /** Reads what a trusted peer says into {@code exchange}; nothing when the peer is not trusted. */
    static void apply(Exchange exchange, TrustedProxies trusted) {
        String peer = exchange.clientAddress();
        if (!trusted.contains(peer)) {
            return;
        }
        HttpFields headers = exchange.getHeaders();
        String forwardedFor = null;
        String proto = null;
        int protoFields = 0;
        for (HttpField field : headers) {
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.X_FORWARDED_FOR) {
                String value = field.getValue();
                forwardedFor = forwardedFor == null ? value : forwardedFor + ", " + value;
            } else if (header == HttpHeader.X_FORWARDED_PROTO) {
                proto = field.getValue();
                protoFields++;
            }
        }
        TrustedProxies.Forwarded forwarded = trusted.clientOf(peer, forwardedFor);
        exchange.clientAddress = forwarded.client();
        exchange.trustedForwardedFor = forwarded.forwardedFor();
        if (protoFields == 1 && proto != null) {
            proto = proto.strip();
            if (proto.equalsIgnoreCase("https")) {
                exchange.forwardedScheme = HTTPS;
            } else if (proto.equalsIgnoreCase("http")) {
                exchange.forwardedScheme = HTTP;
            }
        }
        if (exchange.logged) {
            exchange.setAttribute(AccessLog.CLIENT_ADDR, forwarded.client());
        }
    }

    /** The trusted peer's {@code X-Forwarded-Host}, or {@code ours} when it sent none. */
    static String host(Exchange exchange, String ours) {
        String host = exchange.getHeaders().get(HttpHeader.X_FORWARDED_HOST);
        return host == null || host.isBlank() ? ours : host.strip();
    }

    /** The trusted peer's {@code X-Forwarded-Port} when it is a port, else {@code ours}. */
    static String port(Exchange exchange, String ours) {
        String port = exchange.getHeaders().get(HttpHeader.X_FORWARDED_PORT);
        if (port == null) {
            return ours;
        }
        port = port.strip();
        if (port.isEmpty() || port.length() > 5) {
            return ours;
        }
        int value = 0;
        for (int i = 0; i < port.length(); i++) {
            char c = port.charAt(i);
            if (c < '0' || c > '9') {
                return ours;
            }
            value = value * 10 + (c - '0');
        }
        return value >= 1 && value <= 65535 ? port : ours;
    }
}
