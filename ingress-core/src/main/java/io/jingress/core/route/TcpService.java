package io.jingress.core.route;

import io.jingress.core.model.PortRef;

import java.util.Locale;
import java.util.Objects;

/**
 * One entry of the TCP services ConfigMap (ingress-nginx's {@code --tcp-services-configmap}): the
 * port the proxy listens on (the entry's key) and the Service port its connections go to (the
 * value, {@code namespace/service:port[:PROXY[:PROXY]]}).
 *
 * <pre>{@code
 * TcpService ssh = TcpService.parse("2222", "gitlab/gitlab-shell:22");
 * // ssh.port() == 2222, ssh.serviceKey() == "gitlab/gitlab-shell:22"
 * TcpService mqtt = TcpService.parse("1883", "iot/broker:mqtt:PROXY");   // decodes PROXY from clients
 * }</pre>
 *
 * @param port the port the proxy listens on, 1 to 65535
 * @param namespace the Service's namespace
 * @param serviceName the Service's name
 * @param servicePort the Service port, by number (a Service's {@code port}) or by name
 * @param decodeProxyProtocol the first {@code PROXY}: clients on this port send a PROXY protocol
 *     header first (v1 or v2), and the client address is taken from it
 * @param sendProxyProtocol the second {@code PROXY}: the upstream is sent a PROXY protocol v1 header
 *     naming the client first
 */
public record TcpService(int port, String namespace, String serviceName, PortRef servicePort,
        boolean decodeProxyProtocol, boolean sendProxyProtocol) {

    public TcpService {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(port + " is not a port number (1 to 65535)");
        }
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(servicePort, "servicePort");
    }

    /**
     * Parses one ConfigMap entry, as ingress-nginx does, but strictly: the key is a port number
     * 1 to 65535 (digits only); the value is {@code namespace/service:port}, then optionally
     * {@code :PROXY} (or empty) and {@code :PROXY} (or empty), {@code PROXY} in any case; the
     * Service port is a number 1 to 65535 or a name.
     *
     * @throws IllegalArgumentException saying, in words, what is wrong with the key or the value
     */
    public static TcpService parse(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        int port = portNumber(key.trim());
        if (port < 0) {
            throw new IllegalArgumentException("key \"" + key + "\" is not a port number (1 to 65535)");
        }
        String[] parts = value.trim().split(":", -1);
        String format = "\"" + value + "\" is not namespace/service:port[:PROXY[:PROXY]]";
        if (parts.length < 2 || parts.length > 4) {
            throw new IllegalArgumentException(format);
        }
        int slash = parts[0].indexOf('/');
        if (slash <= 0 || slash == parts[0].length() - 1 || parts[0].indexOf('/', slash + 1) >= 0
                || parts[0].chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(format + ": \"" + parts[0] + "\" is not namespace/service");
        }
        String servicePort = parts[1];
        PortRef portRef;
        if (servicePort.isEmpty() || servicePort.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(format + ": the Service port is missing");
        } else if (servicePort.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int number = portNumber(servicePort);
            if (number < 0) {
                throw new IllegalArgumentException(format + ": Service port " + servicePort
                        + " is not a port number (1 to 65535)");
            }
            portRef = PortRef.number(number);
        } else {
            portRef = PortRef.name(servicePort);
        }
        boolean decode = proxyFlag(parts, 2, format);
        boolean send = proxyFlag(parts, 3, format);
        return new TcpService(port, parts[0].substring(0, slash), parts[0].substring(slash + 1), portRef, decode, send);
    }

    private static boolean proxyFlag(String[] parts, int index, String format) {
        if (parts.length <= index || parts[index].isEmpty()) {
            return false;
        }
        if (parts[index].toUpperCase(Locale.ROOT).equals("PROXY")) {
            return true;
        }
        throw new IllegalArgumentException(format + ": \"" + parts[index] + "\" is neither PROXY nor empty");
    }

    // 1 to 65535 in decimal digits, else -1
    private static int portNumber(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int number = Integer.parseInt(text);
        return number >= 1 && number <= 65535 ? number : -1;
    }

    /** {@code namespace/service:port}, e.g. {@code gitlab/gitlab-shell:22}. */
    public String serviceKey() {
        return namespace + "/" + serviceName + ":" + servicePort;
    }
}
