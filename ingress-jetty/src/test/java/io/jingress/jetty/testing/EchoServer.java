package io.jingress.jetty.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP echo server on loopback, a thread per connection: it writes back every byte it reads and,
 * at the end of its input, shuts its output (a half-close answered with one). With
 * {@link #readingProxyHeader()} it first reads one line, the PROXY protocol header a proxy sends,
 * and keeps it in {@link #proxyHeaders()}. Close it after the test.
 *
 * <pre>{@code
 * try (EchoServer echo = EchoServer.start()) {
 *     routes.service("default", "echo", echo.port());
 * }
 * }</pre>
 */
public final class EchoServer implements AutoCloseable {
    private final ServerSocket listener;
    private final boolean readsProxyHeader;
    private final List<String> proxyHeaders = new CopyOnWriteArrayList<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private EchoServer(boolean readsProxyHeader) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.readsProxyHeader = readsProxyHeader;
        Thread acceptor = new Thread(this::acceptLoop, "echo-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static EchoServer start() throws IOException {
        return new EchoServer(false);
    }

    /** An echo server whose connections start with a PROXY protocol v1 header, kept, not echoed. */
    public static EchoServer readingProxyHeader() throws IOException {
        return new EchoServer(true);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The PROXY protocol headers received, one per connection, with their CRLF. */
    public List<String> proxyHeaders() {
        return proxyHeaders;
    }

    /** How many connections it accepted. */
    public int connections() {
        return accepted.size();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                accepted.add(socket);
                Thread echo = new Thread(() -> echo(socket), "echo-connection");
                echo.setDaemon(true);
                echo.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void echo(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            if (readsProxyHeader) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int b;
                while ((b = in.read()) >= 0) {
                    line.write(b);
                    if (b == '\n') {
                        break;
                    }
                }
                proxyHeaders.add(line.toString(StandardCharsets.US_ASCII));
            }
            byte[] buffer = new byte[32 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
            socket.shutdownOutput();
        } catch (IOException ignored) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
