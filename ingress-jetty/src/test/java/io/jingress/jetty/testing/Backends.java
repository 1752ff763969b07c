package io.jingress.jetty.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Jetty backend servers on 127.0.0.1, port 0, for every proxy integration test; registered as
 * a JUnit extension they are all stopped after each test:
 *
 * <pre>{@code
 * @RegisterExtension final Backends backends = new Backends();
 *
 * Backends.Echo a = backends.start("a");
 * ... send through the proxy ...
 * assertEquals("GET", a.lastRequest().method());
 * }</pre>
 *
 * <p>An {@link Echo} backend answers every request with 200, headers {@code X-Backend} (its name),
 * {@code X-Echo-Method}, {@code X-Echo-Path-Query}, {@code X-Echo-Body-Length} and
 * {@code X-Echo-Body-Sha256}, and the request body as its body, and records what it received.
 * Special paths: {@code /download/N} streams N pseudo-random bytes (see {@link #pattern});
 * {@code /upload...} answers without echoing the body; {@code /hold...} waits until
 * {@link Echo#release()} (or the backend stops) before answering. A request with
 * {@code X-Echo-Location} is answered 302 with that {@code Location}; one with {@code X-Echo-Refresh}
 * gets that {@code Refresh} header.
 *
 * <p>A {@link Raw} backend answers every connection with one canned response, byte for byte, for
 * tests about exactly what a backend sends.
 */
public final class Backends implements AfterEachCallback, AutoCloseable {
    private final List<Echo> started = new ArrayList<>();
    private final List<Raw> raws = new ArrayList<>();
    private final List<WebSocketEcho> webSockets = new ArrayList<>();

    /** Starts an echo backend named {@code name}. */
    public synchronized Echo start(String name) {
        Echo echo = new Echo(name);
        started.add(echo);
        echo.start();
        return echo;
    }

    /** A port where nothing listens: a backend that was started and killed. */
    public int deadPort() {
        Echo dead = start("dead");
        dead.kill();
        return dead.port();
    }

    /** Starts a raw backend answering every request with {@code response} (CRLF line ends) and closing. */
    public synchronized Raw startRaw(String response) {
        Raw raw = new Raw(response);
        raws.add(raw);
        return raw;
    }

    /** Starts a WebSocket echo backend. */
    public synchronized WebSocketEcho startWebSocketEcho() {
        WebSocketEcho echo = new WebSocketEcho();
        webSockets.add(echo);
        return echo;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public synchronized void close() {
        for (Echo echo : started) {
            echo.kill();
        }
        started.clear();
        for (Raw raw : raws) {
            raw.close();
        }
        raws.clear();
        for (WebSocketEcho echo : webSockets) {
            echo.close();
        }
        webSockets.clear();
    }

    /** The bytes {@code /download/N} streams: a fixed pseudo-random sequence, seeded by N. */
    public static void pattern(long length, PatternSink sink) throws Exception {
        Random random = new Random(length);
        byte[] chunk = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            random.nextBytes(chunk);
            int n = (int) Math.min(chunk.length, left);
            sink.accept(chunk, n);
            left -= n;
        }
    }

    /** SHA-256 of {@link #pattern}{@code (length)}, as hex. */
    public static String patternSha256(long length) throws Exception {
        MessageDigest digest = sha256();
        pattern(length, (bytes, n) -> digest.update(bytes, 0, n));
        return HexFormat.of().formatHex(digest.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Receives a chunk of {@link #pattern}. */
    @FunctionalInterface
    public interface PatternSink {
        void accept(byte[] bytes, int length) throws Exception;
    }

    /** What a backend received. */
    public record Seen(String method, String pathQuery, HttpFields headers, long bodyLength) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** One echo backend server. */
    public static final class Echo {
        private final String name;
        private final Server server;
        private final KillableConnector connector;
        private final ConcurrentLinkedDeque<Seen> seen = new ConcurrentLinkedDeque<>();
        private final AtomicInteger requests = new AtomicInteger();
        private final CountDownLatch release = new CountDownLatch(1);
        private final CountDownLatch holding = new CountDownLatch(1);
        private int port;

        private Echo(String name) {
            this.name = name;
            QueuedThreadPool threads = new QueuedThreadPool(32, 4);
            threads.setName("backend-" + name);
            this.server = new Server(threads);
            this.connector = new KillableConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(new EchoHandler());
            server.setStopTimeout(0);
        }

        private void start() {
            try {
                server.start();
                port = connector.getLocalPort();
            } catch (Exception e) {
                throw new IllegalStateException("backend " + name + " did not start", e);
            }
        }

        public String name() {
            return name;
        }

        /** The port it listens on (or listened on, once killed). */
        public int port() {
            return port;
        }

        /** Requests received so far. */
        public int requests() {
            return requests.get();
        }

        /** The last request received, or null. */
        public Seen lastRequest() {
            return seen.peekLast();
        }

        /** The requests received so far, oldest first. */
        public java.util.List<Seen> seenRequests() {
            return java.util.List.copyOf(seen);
        }

        /** Connections accepted and not closed yet. */
        public int openConnections() {
            return connector.getConnectedEndPoints().size();
        }

        /** Lets the requests waiting on {@code /hold} answer. */
        public void release() {
            release.countDown();
        }

        /** Waits until a request is held on {@code /hold}. */
        public boolean awaitHolding(long timeout, TimeUnit unit) throws InterruptedException {
            return holding.await(timeout, unit);
        }

        /**
         * Dies as a killed process does: the port refuses connections and every open connection is
         * closed (reset when a request was left unread) with no answer, before the server stops.
         * A stopping Jetty server alone does not: it may answer a request it is reading as the
         * connector stops with a 500 error page, and it may leave a connection accepted as it
         * stopped open, never read nor closed.
         */
        public void kill() {
            connector.kill();
            release.countDown();
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("backend " + name + " did not stop", e);
            }
        }

        /**
         * A connector that keeps the connections it accepted, so that {@link #kill()} can close them
         * all as the kernel closes the sockets of a process that died.
         */
        private static final class KillableConnector extends ServerConnector {
            private final Set<SocketChannel> accepted = ConcurrentHashMap.newKeySet();
            private volatile boolean killed;

            KillableConnector(Server server) {
                super(server, 1, 1);
            }

            @Override
            protected void configure(Socket socket) {
                super.configure(socket);
                accepted.removeIf(channel -> !channel.isOpen());
                SocketChannel channel = socket.getChannel();
                accepted.add(channel);
                if (killed) {
                    // accepted as kill() closed the listening socket: kill() may not have seen it
                    closeQuietly(channel);
                }
            }

            /**
             * Closes the listening socket, then every accepted connection. Through {@code shutdown()},
             * which also ends the acceptor's loop: after {@code close()} alone it spins until the
             * server stops, and may trip over the stopping connector.
             */
            void kill() {
                killed = true;
                shutdown();
                for (SocketChannel channel : accepted) {
                    closeQuietly(channel);
                }
            }

            private static void closeQuietly(SocketChannel channel) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closed it is, as far as anyone can tell
                }
            }
        }

        private final class EchoHandler extends Handler.Abstract {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                requests.incrementAndGet();
                if (request.getHttpURI().getPath().startsWith("/refuse")) {
                    // answered before the body is read, as a server refusing an upload does; then
                    // the body is read and dropped until it ends or the peer closes, as a server
                    // that closes only after a lingering read does: closing with bytes unread
                    // would send a TCP reset, which can destroy the answer before the peer reads it
                    response.setStatus(HttpStatus.PAYLOAD_TOO_LARGE_413);
                    response.write(true, ByteBuffer.wrap("too large".getBytes(StandardCharsets.US_ASCII)),
                            Callback.from(() -> Content.Source.consumeAll(request, callback), callback::failed));
                    return true;
                }
                String pathQuery = request.getHttpURI().getPathQuery();
                MessageDigest digest = sha256();
                byte[] body;
                try (InputStream in = Content.Source.asInputStream(request)) {
                    body = in.readAllBytes();
                }
                digest.update(body);
                seen.add(new Seen(request.getMethod(), pathQuery, HttpFields.build(request.getHeaders()).asImmutable(), body.length));

                if (request.getHttpURI().getPath().startsWith("/hold")) {
                    holding.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }
                HttpFields.Mutable headers = response.getHeaders();
                headers.put("X-Backend", name);
                headers.put("X-Echo-Method", request.getMethod());
                headers.put("X-Echo-Path-Query", pathQuery);
                headers.put("X-Echo-Body-Length", Integer.toString(body.length));
                headers.put("X-Echo-Body-Sha256", HexFormat.of().formatHex(digest.digest()));
                // a redirect as the request asks for it, for tests of what the proxy does with one
                String location = request.getHeaders().get("X-Echo-Location");
                if (location != null) {
                    response.setStatus(HttpStatus.FOUND_302);
                    headers.put(HttpHeader.LOCATION, location);
                }
                String refresh = request.getHeaders().get("X-Echo-Refresh");
                if (refresh != null) {
                    headers.put("Refresh", refresh);
                }

                String path = request.getHttpURI().getPath();
                if (path.startsWith("/download/")) {
                    long length = Long.parseLong(path.substring("/download/".length()));
                    headers.put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
                    try (OutputStream out = Content.Sink.asOutputStream(response)) {
                        pattern(length, (bytes, n) -> out.write(bytes, 0, n));
                    }
                    callback.succeeded();
                    return true;
                }
                if (path.startsWith("/upload")) {
                    body = new byte[0];
                }
                headers.put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
                headers.put(HttpHeader.CONTENT_LENGTH, body.length);
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        }
    }

    /** A backend that reads a request head and writes a canned response, then closes. */
    public static final class Raw implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread acceptor;
        private final ConcurrentLinkedDeque<String> heads = new ConcurrentLinkedDeque<>();

        private Raw(String response) {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket client = socket.accept()) {
                        heads.add(RawHttp.readHead(client.getInputStream()));
                        client.getOutputStream().write(bytes);
                        client.getOutputStream().flush();
                    } catch (IOException e) {
                        // closed by close(), or a client gone: either way, next connection
                    }
                }
            }, "raw-backend");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        public int port() {
            return socket.getLocalPort();
        }

        /** The request heads received (request line and headers). */
        public List<String> heads() {
            return List.copyOf(heads);
        }

        @Override
        public void close() {
            try {
                socket.close();
                acceptor.join(5_000);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
