package io.jingress.examples.internal.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One pod of the walkthrough's {@code luksa/kubia} ReplicaSet: an HTTP server that answers every
 * request with {@code You've hit <pod name>}, as the Node.js app in the image does.
 */
public final class KubiaPod implements AutoCloseable {

    private final String name;
    private final HttpServer server;

    private KubiaPod(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    /**
     * Starts a pod listening on {@code address:port} ({@code port} 0 for any free port).
     *
     * @throws IOException when the address cannot be bound
     */
    public static KubiaPod start(String name, String address, int port) throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
        byte[] body = ("You've hit " + name + "\n").getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                boolean head = "HEAD".equals(exchange.getRequestMethod());
                exchange.sendResponseHeaders(200, head ? -1 : body.length);
                if (!head) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        });
        server.start();
        return new KubiaPod(name, server);
    }

    /** The pod's name, {@code kubia-} and five characters. */
    public String name() {
        return name;
    }

    /** The address the pod listens on, as an EndpointSlice lists it. */
    public String address() {
        return server.getAddress().getAddress().getHostAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    @Override
    public String toString() {
        return name + " " + address() + ":" + port();
    }
}
