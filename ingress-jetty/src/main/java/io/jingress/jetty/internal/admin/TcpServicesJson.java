package io.jingress.jetty.internal.admin;

import io.jingress.core.route.TcpRoute;
import io.jingress.core.route.TcpServices;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code "tcpServices"} of {@code /routes}: the ConfigMap ({@code null} when none is asked
 * for), whether it exists, and each served port with its entry and backend.
 */
final class TcpServicesJson {
    private TcpServicesJson() {
    }

    static ObjectNode render(TcpServices tcp) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("configMap", tcp.configMap());
        node.put("found", tcp.configMapFound());
        ArrayNode ports = node.putArray("ports");
        for (TcpRoute route : tcp.routes()) {
            ObjectNode port = ports.addObject();
            port.put("port", route.port());
            port.put("service", route.service().serviceKey());
            port.put("decodeProxyProtocol", route.service().decodeProxyProtocol());
            port.put("sendProxyProtocol", route.service().sendProxyProtocol());
            port.set("backend", RoutesJson.backend(route.backend()));
        }
        return node;
    }
}
