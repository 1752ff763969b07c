package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.EchoServer;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCP services ({@code --tcp-services-configmap}): ports whose connections are relayed to a Service. */
class TcpServicesTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final StringBuffer accessLog = new StringBuffer();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeAfter) {
            closeable.close();
        }
    }

    private EchoServer echo(EchoServer server) {
        closeAfter.add(server);
        return server;
    }

    private Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        closeAfter.add(socket);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    // a port free on loopback now: the ConfigMap names the port to listen on, so the test picks one
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Routes with Service {@code default/service} (port 80 "http") at 127.0.0.1:{@code endpoints}, and port's entry {@code value}. */
    private static TestRoutes serving(int port, String value, String service, int... endpoints) {
        return TestRoutes.create().service("default", service, endpoints)
                .configMap("tcp-services", Map.of(Integer.toString(port), value)).tcpServices("tcp-services");
    }

    private IngressServer proxy(TestRoutes routes) {
        return proxies.start(IngressServer.builder(routes.router()).accessLog(accessLog));
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    private List<String> accessLines() {
        return Arrays.stream(accessLog.toString().split("\n")).filter(line -> line.contains("\"TCP ")).toList();
    }

    @Test
    void severalMebibytesAreEchoedIntactAndAHalfCloseTravelsBothWays() throws Exception {
        EchoServer echo = echo(EchoServer.start());
        int port = freePort();
        TestRoutes routes = serving(port, "default/echo:80", "echo", echo.port());
        IngressServer proxy = proxy(routes);
        assertEquals(List.of(port), proxy.tcpPorts());

        byte[] sent = new byte[8 * 1024 * 1024];
        new Random(7).nextBytes(sent);
        Socket socket = connect(port);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (int offset = 0; offset < sent.length; offset += 64 * 1024) {
                    out.write(sent, offset, Math.min(64 * 1024, sent.length - offset));
                }
                socket.shutdownOutput();  // a half-close: the answer still comes, then the backend's end
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] received = readToEnd(socket.getInputStream());
        writer.get(10, TimeUnit.SECONDS);

        assertEquals(sent.length, received.length);
        assertArrayEquals(sent, received);
        Await.until(() -> accessLines().size() == 1, "the connection is logged");
        String line = accessLines().get(0);
        assertTrue(line.startsWith("127.0.0.1 - - ["), line);
        assertTrue(line.contains("\"TCP " + port + "\" 200 " + sent.length + " \"-\" \"-\" " + sent.length + " "), line);
        assertTrue(line.contains("[default/echo:80] [] 127.0.0.1:" + echo.port() + " "), line);
    }

    @Test
    void aRefusingEndpointIsSkippedForTheNextOne() throws Exception {
        EchoServer echo = echo(EchoServer.start());
        int refusing = freePort();
        int port = freePort();
        TestRoutes routes = serving(port, "default/echo:http", "echo", refusing, echo.port());
        proxy(routes);

        for (int i = 0; i < 4; i++) {  // round robin: half of them pick the refusing endpoint first
            try (Socket socket = connect(port)) {
                assertEquals("hello " + i, roundTrip(socket, "hello " + i));
            }
        }
        assertEquals(4, echo.connections());
    }

    @Test
    void withoutAReadyEndpointTheConnectionIsClosedAtOnceAndCounted503() throws Exception {
        int port = freePort();
        TestRoutes routes = serving(port, "default/empty:80", "empty");
        IngressServer proxy = proxy(routes);

        Socket socket = connect(port);
        assertEquals(-1, readEndOrReset(socket));
        Await.until(() -> accessLines().size() == 1, "the connection is logged");
        assertTrue(accessLines().get(0).contains("\"TCP " + port + "\" 503 0 "), accessLines().get(0));
        String metrics = admin(proxy, "/metrics");
        assertTrue(metrics.contains("jingress_tcp_connections_total{port=\"" + port + "\",status=\"503\"} 1"), metrics);
    }

    // -1 at the end of the stream; a reset counts as an end too
    private static int readEndOrReset(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    @Test
    void portsComeAndGoAtRuntimeWithoutTouchingAnotherPortsOpenConnection() throws Exception {
        EchoServer first = echo(EchoServer.start());
        EchoServer second = echo(EchoServer.start());
        EchoServer third = echo(EchoServer.start());
        int a = freePort();
        int b = freePort();
        TestRoutes routes = TestRoutes.create().service("default", "first", first.port())
                .service("default", "second", second.port())
                .service("default", "third", third.port())
                .configMap("tcp-services", Map.of(Integer.toString(a), "default/first:80")).tcpServices("tcp-services");
        IngressServer proxy = proxy(routes);
        Socket onA = connect(a);
        assertEquals("before", roundTrip(onA, "before"));

        routes.configMap("tcp-services", Map.of(Integer.toString(a), "default/first:80", Integer.toString(b),
                "default/second:80"));
        assertEquals(List.of(Math.min(a, b), Math.max(a, b)), proxy.tcpPorts());
        Socket onB = connect(b);
        assertEquals("on b", roundTrip(onB, "on b"));
        assertEquals(1, second.connections());

        routes.configMap("tcp-services", Map.of(Integer.toString(a), "default/first:80"));
        assertEquals(List.of(a), proxy.tcpPorts());
        Await.until(() -> refuses(b), "port " + b + " refuses connections");
        assertEquals("still open", roundTrip(onA, "still open"));
        assertEquals("draining", roundTrip(onB, "draining"), "a removed port's open connection goes on");
        onB.close();

        // the entry's Service changes: the listener stays, the open connection too, new ones go to the new one
        // (a Service of its own: the probes of port b above may have reached the second one)
        routes.configMap("tcp-services", Map.of(Integer.toString(a), "default/third:80"));
        try (Socket again = connect(a)) {
            assertEquals("to third", roundTrip(again, "to third"));
        }
        assertEquals(1, third.connections());
        assertEquals("after", roundTrip(onA, "after"));
        assertEquals(1, first.connections());

        routes.removeConfigMap("tcp-services");
        assertEquals(List.of(), proxy.tcpPorts());
    }

    private static boolean refuses(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    @Test
    void aPortThatDecodesProxyProtocolTakesTheClientAddressFromItAndRefusesConnectionsWithout() throws Exception {
        EchoServer echo = echo(EchoServer.start());
        int port = freePort();
        TestRoutes routes = serving(port, "default/echo:80:PROXY", "echo", echo.port());
        proxy(routes);

        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(("PROXY TCP4 203.0.113.7 192.0.2.1 5555 " + port + "\r\nfirst bytes")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals("first bytes", new String(socket.getInputStream().readNBytes(11), StandardCharsets.US_ASCII));
        }
        Await.until(() -> accessLines().size() == 1, "the connection is logged");
        assertTrue(accessLines().get(0).startsWith("203.0.113.7 - - ["), accessLines().get(0));

        try (Socket without = connect(port)) {
            without.getOutputStream().write("no header here\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, readEndOrReset(without));
        }
        assertEquals(1, echo.connections());
    }

    @Test
    void aPortThatSendsProxyProtocolNamesTheClientToTheUpstreamFirst() throws Exception {
        EchoServer echo = echo(EchoServer.readingProxyHeader());
        int port = freePort();
        TestRoutes routes = serving(port, "default/echo:80::PROXY", "echo", echo.port());
        proxy(routes);

        try (Socket socket = connect(port)) {
            assertEquals("hello", roundTrip(socket, "hello"));
            assertEquals(List.of("PROXY TCP4 127.0.0.1 127.0.0.1 " + socket.getLocalPort() + " " + port + "\r\n"),
                    echo.proxyHeaders());
        }
    }

    @Test
    void decodedAndSentTheUpstreamHearsOfTheOriginalClient() throws Exception {
        EchoServer echo = echo(EchoServer.readingProxyHeader());
        int port = freePort();
        TestRoutes routes = serving(port, "default/echo:80:PROXY:PROXY", "echo", echo.port());
        proxy(routes);

        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(("PROXY TCP4 203.0.113.7 192.0.2.1 5555 443\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello", roundTrip(socket, "hello"));
            assertEquals(List.of("PROXY TCP4 203.0.113.7 192.0.2.1 5555 443\r\n"), echo.proxyHeaders());
        }
    }

    @Test
    void aPortInUseIsAWarningNamingTheEntryAndTheOtherPortsServe() throws Exception {
        EchoServer echo = echo(EchoServer.start());
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        closeAfter.add(taken);
        int port = freePort();
        TestRoutes routes = TestRoutes.create().service("default", "echo", echo.port())
                .configMap("tcp-services", Map.of(Integer.toString(port), "default/echo:80",
                        Integer.toString(taken.getLocalPort()), "default/echo:80")).tcpServices("tcp-services");
        IngressServer proxy = proxy(routes);

        assertEquals(List.of(port), proxy.tcpPorts());
        try (Socket socket = connect(port)) {
            assertEquals("served", roundTrip(socket, "served"));
        }
        String json = admin(proxy, "/routes");
        assertTrue(json.contains("ConfigMap default/tcp-services: data[\\\"" + taken.getLocalPort() + "\\\"]: port "
                + taken.getLocalPort() + " cannot be listened on"), json);
        assertTrue(json.contains("\"configMap\" : \"default/tcp-services\""), json);
        assertTrue(json.contains("\"service\" : \"default/echo:80\""), json);

        // let go by its holder, the port is listened on without a change to the ConfigMap
        int freed = taken.getLocalPort();
        taken.close();
        Await.until(() -> proxy.tcpPorts().contains(freed), "the freed port listened on at a retry");
        try (Socket socket = connect(freed)) {
            assertEquals("served too", roundTrip(socket, "served too"));
        }
        assertFalse(admin(proxy, "/routes").contains("cannot be listened on"));
    }

    @Test
    void aStoppingServerStopsAcceptingAndLetsAnOpenConnectionFinish() throws Exception {
        EchoServer echo = echo(EchoServer.start());
        int port = freePort();
        TestRoutes routes = serving(port, "default/echo:80", "echo", echo.port());
        IngressServer proxy = proxy(routes);
        Socket open = connect(port);
        assertEquals("before", roundTrip(open, "before"));

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(proxy::stop);
        Await.until(() -> refuses(port), "the port stops accepting");
        assertEquals("during", roundTrip(open, "during"));
        open.shutdownOutput();
        assertEquals(-1, open.getInputStream().read());
        stopping.get(10, TimeUnit.SECONDS);
    }

    private String admin(IngressServer proxy, String path) throws Exception {
        ContentResponse response = proxies.client().GET("http://127.0.0.1:" + proxy.adminPort() + path);
        return response.getContentAsString();
    }
}
