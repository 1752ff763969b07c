package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.TlsTestServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A keep-alive connection the lean connection handed to Jetty's (at an absolute-form target, or a
 * chunked body) goes on serving a client that sends its next request the moment it has read an
 * answer. Each connection is a fresh try at the race between the end of one exchange (finished on
 * another thread when there is an access log) and the next request's arrival, so many are opened,
 * by a few clients at once.
 */
class HandedConnectionKeepAliveTest {
    private static final int CONNECTIONS = 200;
    private static final int CLIENTS = 4;
    private static final String ABSOLUTE_FORM = "GET http://app.test/first/{i} HTTP/1.1\r\nHost: app.test\r\n\r\n";
    /** Sent in three writes ("|" between them), as clients stream an upload. */
    private static final String CHUNKED_UPLOAD = "POST /first/{i} HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "|5\r\nhello\r\n|0\r\n\r\n";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private final StringBuffer log = new StringBuffer();

    private IngressServer proxy(boolean accessLog) {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer.Builder builder = IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0);
        return proxies.start(accessLog ? builder.accessLog(log) : builder);
    }

    private interface Connect {
        Socket open() throws IOException;
    }

    private static Connect plain(int port) {
        return () -> new Socket(InetAddress.getLoopbackAddress(), port);
    }

    private static Connect tls(int port) {
        return () -> TlsTestServer.connect(port, "app.test", List.of("http/1.1"));
    }

    /**
     * Opens {@link #CONNECTIONS} connections, {@link #CLIENTS} at a time; on each, sends
     * {@code first}, then an absolute-form GET and an origin-form one, each as soon as the answer
     * before it is read.
     * Returns what went wrong.
     */
    private static List<String> exchangesOnHandedConnections(Connect connect, String first) {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int t = 0; t < CLIENTS; t++) {
            clients.execute(() -> {
                for (int i; (i = next.getAndIncrement()) < CONNECTIONS; ) {
                    try (Socket socket = connect.open()) {
                        socket.setSoTimeout(10_000);
                        socket.setTcpNoDelay(true);
                        OutputStream out = socket.getOutputStream();
                        InputStream in = new BufferedInputStream(socket.getInputStream());
                        for (String part : first.replace("{i}", Integer.toString(i)).split("\\|")) {
                            send(out, part);
                        }
                        assertAnswered(in, "first " + i);
                        send(out, "GET http://app.test/next/" + i + " HTTP/1.1\r\nHost: app.test\r\n\r\n");
                        assertAnswered(in, "next " + i);
                        send(out, "GET /last/" + i + " HTTP/1.1\r\nHost: app.test\r\n\r\n");
                        assertAnswered(in, "last " + i);
                    } catch (IOException | AssertionError e) {
                        failures.add("connection " + i + ": " + e);
                    }
                }
            });
        }
        clients.shutdown();
        try {
            assertTrue(clients.awaitTermination(2, TimeUnit.MINUTES), "the clients are done");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return failures;
    }

    private static void send(OutputStream out, String bytes) throws IOException {
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one answer with a Content-Length body, and fails unless it is a 200. */
    private static void assertAnswered(InputStream in, String request) throws IOException {
        String head = RawHttp.readHead(in);
        if (head.isEmpty()) {
            throw new AssertionError(request + ": the connection was closed instead of answered");
        }
        assertEquals(200, RawHttp.status(head), request + ": " + head);
        in.readNBytes(Integer.parseInt(RawHttp.header(head, "Content-Length")));
    }

    private static void assertNoFailures(List<String> failures) {
        assertTrue(failures.isEmpty(), failures.size() + " of " + CONNECTIONS + " connections failed: " + failures);
    }

    private void assertEveryRequestLogged() {
        Await.until(() -> log.toString().lines().filter(l -> l.contains("/last/")).count() == CONNECTIONS,
                "every connection's last request is logged");
        List<String> lines = log.toString().lines().toList();
        for (int i = 0; i < CONNECTIONS; i++) {
            for (String path : List.of("/first/" + i + " ", "/next/" + i + " ", "/last/" + i + " ")) {
                String target = path;
                assertEquals(1, lines.stream().filter(l -> l.contains(target)).count(), path + "logged once");
            }
        }
    }

    @Test
    void aClientSendingAtOnceAfterAnAbsoluteFormRequestIsAnsweredAndLoggedEveryTime() {
        IngressServer proxy = proxy(true);

        assertNoFailures(exchangesOnHandedConnections(plain(proxy.httpPort()), ABSOLUTE_FORM));
        assertEveryRequestLogged();
    }

    @Test
    void aClientSendingAtOnceAfterAChunkedUploadIsAnsweredAndLoggedEveryTime() {
        IngressServer proxy = proxy(true);

        assertNoFailures(exchangesOnHandedConnections(plain(proxy.httpPort()), CHUNKED_UPLOAD));
        assertEveryRequestLogged();
    }

    @Test
    void overTlsAClientSendingAtOnceAfterAnAbsoluteFormRequestIsAnsweredAndLoggedEveryTime() {
        IngressServer proxy = proxy(true);

        assertNoFailures(exchangesOnHandedConnections(tls(proxy.httpsPort()), ABSOLUTE_FORM));
        assertEveryRequestLogged();
    }

    @Test
    void withoutAnAccessLogAClientSendingAtOnceAfterAHandedRequestIsAnsweredEveryTime() {
        IngressServer proxy = proxy(false);

        assertNoFailures(exchangesOnHandedConnections(plain(proxy.httpPort()), ABSOLUTE_FORM));
        assertNoFailures(exchangesOnHandedConnections(plain(proxy.httpPort()), CHUNKED_UPLOAD));
        assertNoFailures(exchangesOnHandedConnections(tls(proxy.httpsPort()), CHUNKED_UPLOAD));
    }
}
