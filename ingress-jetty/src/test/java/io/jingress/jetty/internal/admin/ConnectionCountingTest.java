package io.jingress.jetty.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.route.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionCountingTest {
    private final ProxyMetrics metrics = new ProxyMetrics();

    /** Answers "ok"; a request to /hold waits for {@link #release} before answering. */
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    private final Handler handler = new Handler.Abstract() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            metrics.onRequestBegin();
            try {
                if (Request.getPathInContext(request).equals("/hold")) {
                    holding.countDown();
                    assertTrue(release.await(10, TimeUnit.SECONDS));
                }
                Content.Sink.write(response, true, "ok", callback);
            } finally {
                metrics.onRequestEnd();
            }
            return true;
        }
    };

    @Test
    void openConnectionsAreActiveAndClosedOnesAreNot() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(handler, s -> { },
                c -> c.addBean(metrics.connectionListener()))) {
            try (Socket first = server.connect(); Socket second = server.connect()) {
                exchange(first, "/");
                exchange(second, "/");
                awaitEquals(2, metrics::activeConnections);
                assertEquals(2, metrics.acceptedConnections());
                assertEquals(2, metrics.handledConnections());
                assertEquals(2, metrics.clientRequests());
                // the handler ends its request just after the client has read the response
                awaitEquals(2, metrics::waitingConnections);
            }
            awaitEquals(0, metrics::activeConnections);
            assertEquals(2, metrics.acceptedConnections());
        }
    }

    @Test
    void keepAliveRequestsCountAsRequestsButNotAsConnections() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(handler, s -> { },
                c -> c.addBean(metrics.connectionListener()))) {
            try (Socket socket = server.connect()) {
                exchange(socket, "/a");
                exchange(socket, "/b");
                exchange(socket, "/c");
                assertEquals(1, metrics.acceptedConnections());
                assertEquals(3, metrics.clientRequests());
            }
        }
    }

    @Test
    void statusPageOfTheAdminServerShowsARequestInProgressAsWritingAndAnIdleConnectionAsWaiting() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(handler, s -> { },
                c -> c.addBean(metrics.connectionListener()));
                LoopbackServer admin = LoopbackServer.start(new AdminHandler(Router.create(), metrics))) {
            try (Socket idle = server.connect(); Socket busy = server.connect()) {
                exchange(idle, "/");
                // the handler ends its request just after the client has read the response
                awaitEquals(0, metrics::writingConnections);
                send(busy, "/hold");
                assertTrue(holding.await(10, TimeUnit.SECONDS));
                awaitEquals(2, metrics::activeConnections);
                assertEquals(1, metrics.writingConnections());
                assertEquals(1, metrics.waitingConnections());
                HttpResponse<String> status = admin.get("/status");
                assertEquals(200, status.statusCode());
                assertEquals("Active connections: 2 \nserver accepts handled requests\n 2 2 2 \n"
                        + "Reading: 0 Writing: 1 Waiting: 1 \n", status.body());
                release.countDown();
                readResponse(busy);
                awaitEquals(0, metrics::writingConnections);
                assertEquals("Active connections: 2 \nserver accepts handled requests\n 2 2 2 \n"
                        + "Reading: 0 Writing: 0 Waiting: 2 \n", admin.get("/status").body());
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void aConnectionWithPartOfARequestHeadIsReadingAndAnIdleOneIsNot() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(handler, s -> { },
                c -> c.addBean(metrics.connectionListener()))) {
            try (Socket idle = server.connect(); Socket slow = server.connect()) {
                exchange(idle, "/");
                awaitEquals(2, metrics::activeConnections);
                assertEquals(0, metrics.readingConnections());
                // the handler ends its request just after the client has read the response
                awaitEquals(0, metrics::writingConnections);

                write(slow, "GET / HTTP/1.1\r\nHo");
                awaitEquals(1, metrics::readingConnections);
                write(slow, "st: test\r\n");
                assertEquals(1, metrics.readingConnections());
                assertEquals(0, metrics.writingConnections());
                awaitEquals(1, metrics::waitingConnections);

                write(slow, "\r\n");
                readResponse(slow);
                awaitEquals(0, metrics::readingConnections);
                awaitEquals(2, metrics::waitingConnections);
            }
        }
    }

    @Test
    void aTlsConnectionCountsOnceThoughJettyStacksTwoConnectionsOnIt(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "secret")
                .redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, keytool.exitValue(), new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keyStore.toString());
        tls.setKeyStorePassword("secret");
        try (LoopbackServer server = LoopbackServer.start(handler)) {
            HttpConfiguration https = new HttpConfiguration();
            https.addCustomizer(new SecureRequestCustomizer(false));
            ServerConnector secure = new ServerConnector(server.jetty(),
                    new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
            secure.setHost("127.0.0.1");
            secure.addBean(metrics.connectionListener());
            server.jetty().addConnector(secure);
            secure.start();
            try (Socket socket = clientContext(keyStore).getSocketFactory().createSocket("127.0.0.1", secure.getLocalPort())) {
                socket.setSoTimeout(10_000);
                exchange(socket, "/");
                exchange(socket, "/");
                awaitEquals(1, metrics::activeConnections);
                assertEquals(1, metrics.acceptedConnections());
                assertEquals(2, metrics.clientRequests());
                assertEquals(0, metrics.readingConnections());
                // over TLS the HTTP connection inside is the one reading
                write(socket, "GET / HTTP/1.1\r\nHost: te");
                awaitEquals(1, metrics::readingConnections);
                write(socket, "st\r\n\r\n");
                readResponse(socket);
                awaitEquals(0, metrics::readingConnections);
            }
            awaitEquals(0, metrics::activeConnections);
            assertEquals(1, metrics.acceptedConnections());
        }
    }

    private static SSLContext clientContext(Path keyStore) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            trusted.load(in, "secret".toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void exchange(Socket socket, String path) throws IOException {
        send(socket, path);
        readResponse(socket);
    }

    private static void write(Socket socket, String bytes) throws IOException {
        OutputStream output = socket.getOutputStream();
        output.write(bytes.getBytes(StandardCharsets.US_ASCII));
        output.flush();
    }

    private static void send(Socket socket, String path) throws IOException {
        OutputStream output = socket.getOutputStream();
        output.write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        output.flush();
    }

    /** Reads one response whose body is "ok" (Jetty sends it with Content-Length: 2). */
    private static void readResponse(Socket socket) throws IOException {
        InputStream input = socket.getInputStream();
        StringBuilder received = new StringBuilder();
        while (!(received.indexOf("\r\n\r\n") >= 0 && received.toString().endsWith("ok"))) {
            int b;
            try {
                b = input.read();
            } catch (IOException e) {
                throw new IOException("after " + received, e);
            }
            if (b < 0) {
                throw new IOException("connection closed after " + received);
            }
            received.append((char) b);
        }
        assertTrue(received.toString().startsWith("HTTP/1.1 200"), received.toString());
    }

    /** Polls until {@code actual} reads {@code expected}; connection close is seen by Jetty asynchronously. */
    static void awaitEquals(long expected, LongSupplier actual) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (actual.getAsLong() != expected && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(expected, actual.getAsLong());
    }
}
