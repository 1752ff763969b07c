package io.jingress.jetty.internal.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A Jetty server on 127.0.0.1, port 0, for one test; closing it stops it. */
final class LoopbackServer implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Server server;
    private final ServerConnector connector;

    private LoopbackServer(Handler handler, Consumer<Server> customizer, Consumer<ServerConnector> connectorCustomizer) {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connectorCustomizer.accept(connector);
        server.addConnector(connector);
        server.setHandler(handler);
        customizer.accept(server);
    }

    static LoopbackServer start(Handler handler) throws Exception {
        return start(handler, s -> { }, c -> { });
    }

    static LoopbackServer start(Handler handler, Consumer<Server> customizer, Consumer<ServerConnector> connectorCustomizer)
            throws Exception {
        LoopbackServer loopback = new LoopbackServer(handler, customizer, connectorCustomizer);
        try {
            loopback.server.start();
        } catch (Exception e) {
            loopback.close();
            throw e;
        }
        return loopback;
    }

    Server jetty() {
        return server;
    }

    int port() {
        return connector.getLocalPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends {@code rawRequest} (which should ask for {@code Connection: close}) and reads until the server closes. */
    String exchangeRaw(String rawRequest) throws IOException {
        try (Socket socket = connect()) {
            OutputStream output = socket.getOutputStream();
            output.write(rawRequest.getBytes(StandardCharsets.ISO_8859_1));
            output.flush();
            InputStream input = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            input.transferTo(received);
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the test server", e);
        }
    }
}
