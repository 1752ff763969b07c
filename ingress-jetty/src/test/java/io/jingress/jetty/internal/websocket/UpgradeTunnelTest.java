package io.jingress.jetty.internal.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** client -> Jetty server whose handler calls UpgradeTunnel -> hand-written WebSocket backend, all on loopback. */
class UpgradeTunnelTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private WebSocketEchoBackend backend;
    private Server proxy;
    private ServerConnector connector;
    private TunnelTestHandler handler;

    @BeforeEach
    void start() throws Exception {
        backend = new WebSocketEchoBackend();
        startProxy(Duration.ofSeconds(30));
    }

    private void startProxy(Duration idleTimeout) throws Exception {
        proxy = new Server();
        connector = new ServerConnector(proxy);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        proxy.addConnector(connector);
        UpgradeTunnel tunnel = UpgradeTunnel.builder().idleTimeout(idleTimeout).build();
        proxy.addBean(tunnel);
        handler = new TunnelTestHandler(tunnel, Balancers.create().endpoint("127.0.0.1", backend.port(), null, null, 1));
        proxy.setHandler(handler);
        proxy.start();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.stop();
        backend.close();
    }

    private URI uri(String scheme, String pathAndQuery) {
        return URI.create(scheme + "://127.0.0.1:" + connector.getLocalPort() + pathAndQuery);
    }

    @Test
    void webSocketTextAndBinaryMessagesAreEchoedThroughTheTunnel() throws Exception {
        Messages messages = new Messages();
        WebSocket webSocket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri("ws", "/echo"), messages).get(10, TimeUnit.SECONDS);

        webSocket.sendText("hello through the tunnel", true).get(10, TimeUnit.SECONDS);
        assertEquals("text:hello through the tunnel", messages.next());

        byte[] small = {0, 1, 2, (byte) 0xff};
        webSocket.sendBinary(ByteBuffer.wrap(small), true).get(10, TimeUnit.SECONDS);
        assertEquals("binary:" + List.of(0, 1, 2, 255), messages.next());

        byte[] large = new byte[300_000];
        new Random(7).nextBytes(large);
        webSocket.sendBinary(ByteBuffer.wrap(large), true).get(10, TimeUnit.SECONDS);
        assertArrayEquals(large, messages.nextBinary());

        webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertEquals("close:1000", messages.next());
    }

    @Test
    void upstreamSeesTheTargetTheHeadersAndTheClientsUpgrade() throws Exception {
        Messages messages = new Messages();
        HttpClient.newHttpClient().newWebSocketBuilder()
                .header("X-Room", "lobby")
                .buildAsync(uri("ws", "/echo?room=1&x=%20y"), messages).get(10, TimeUnit.SECONDS);

        String head = backend.requestHeads.poll(10, TimeUnit.SECONDS);
        assertNotNull(head);
        assertTrue(head.startsWith("GET /echo?room=1&x=%20y HTTP/1.1\r\n"), head);
        assertEquals("Upgrade", WebSocketEchoBackend.header(head, "connection"));
        assertEquals("websocket", WebSocketEchoBackend.header(head, "upgrade"));
        assertEquals("lobby", WebSocketEchoBackend.header(head, "x-room"));
        assertEquals("127.0.0.1", WebSocketEchoBackend.header(head, "x-forwarded-for"));
        assertEquals("127.0.0.1:" + connector.getLocalPort(), WebSocketEchoBackend.header(head, "host"));
        assertNotNull(WebSocketEchoBackend.header(head, "sec-websocket-key"));
    }

    @Test
    void bytesTheUpstreamSendsWithIts101ReachTheClientFirst() throws Exception {
        Messages messages = new Messages();
        WebSocket webSocket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri("ws", "/greet"), messages).get(10, TimeUnit.SECONDS);

        assertEquals("text:welcome", messages.next());
        webSocket.sendText("and then", true).get(10, TimeUnit.SECONDS);
        assertEquals("text:and then", messages.next());
    }

    @Test
    void bytesTheClientSendsWithItsRequestHeadReachTheUpstream() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), connector.getLocalPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            byte[] head = upgradeRequest("/echo").getBytes(StandardCharsets.US_ASCII);
            byte[] early = maskedTextFrame("sent before the 101");
            ByteBuffer both = ByteBuffer.allocate(head.length + early.length).put(head).put(early);
            out.write(both.array());
            out.flush();

            InputStream in = new BufferedInputStream(socket.getInputStream());
            String responseHead = WebSocketEchoBackend.readHead(in);
            assertTrue(responseHead.startsWith("HTTP/1.1 101 "), responseHead);
            assertEquals(WebSocketEchoBackend.accept("dGhlIHNhbXBsZSBub25jZQ=="),
                    WebSocketEchoBackend.header(responseHead, "sec-websocket-accept"));
            assertEquals("sent before the 101", readTextFrame(in));
        }
    }

    @Test
    void clientHangingUpClosesTheUpstreamConnection() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), connector.getLocalPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(upgradeRequest("/echo").getBytes(StandardCharsets.US_ASCII));
            String responseHead = WebSocketEchoBackend.readHead(new BufferedInputStream(socket.getInputStream()));
            assertTrue(responseHead.startsWith("HTTP/1.1 101 "), responseHead);
        }
        assertTrue(backend.closedByPeer.await(10, TimeUnit.SECONDS), "backend saw the end of input");
    }

    @Test
    void idleTunnelIsClosedOnBothSides() throws Exception {
        proxy.stop();
        startProxy(Duration.ofMillis(300));
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), connector.getLocalPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(upgradeRequest("/echo").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            assertTrue(WebSocketEchoBackend.readHead(in).startsWith("HTTP/1.1 101 "));

            assertEquals(-1, in.read(), "the proxy closed the idle client connection");
        }
        assertTrue(backend.closedByPeer.await(10, TimeUnit.SECONDS), "the proxy closed the idle upstream connection");
    }

    @Test
    void refusedUpgradeIsRelayedAsAnOrdinaryResponse() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), connector.getLocalPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(upgradeRequest("/forbidden").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String responseHead = WebSocketEchoBackend.readHead(in);

            assertTrue(responseHead.startsWith("HTTP/1.1 403 "), responseHead);
            assertEquals("members only", WebSocketEchoBackend.header(responseHead, "x-reason"));
            assertNull(WebSocketEchoBackend.header(responseHead, "upgrade"));
            int length = Integer.parseInt(WebSocketEchoBackend.header(responseHead, "content-length"));
            assertEquals("no entry", new String(in.readNBytes(length), StandardCharsets.US_ASCII));
        }
        assertEquals(0, handler.endpoint.inFlight());
        assertEquals(0, handler.endpoint.failures());
    }

    @Test
    void nonUpgradeAnswerWithALargeChunkedOrCloseDelimitedBodyIsRelayedWhole() throws Exception {
        for (String path : List.of("/chunked", "/until-close")) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), connector.getLocalPort())) {
                socket.setSoTimeout((int) WAIT.toMillis());
                socket.getOutputStream().write(upgradeRequest(path).getBytes(StandardCharsets.US_ASCII));
                InputStream in = new BufferedInputStream(socket.getInputStream());
                String responseHead = WebSocketEchoBackend.readHead(in);

                assertTrue(responseHead.startsWith("HTTP/1.1 200 "), path + ": " + responseHead);
                assertArrayEquals(WebSocketEchoBackend.refusalBody(), readBody(in, responseHead), path);
            }
        }
    }

    @Test
    void upstreamRefusingTheUpgradeFailsTheJdkClientHandshakeWith403() throws Exception {
        Throwable failure = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri("ws", "/forbidden"), new Messages())
                .handle((webSocket, error) -> error).get(10, TimeUnit.SECONDS);

        assertNotNull(failure);
        WebSocketHandshakeException handshake =
                (WebSocketHandshakeException) failure.getCause();
        assertEquals(403, handshake.getResponse().statusCode());
    }

    @Test
    void unreachableEndpointMakesHandleReturnFalse() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        handler.endpoint = Balancers.create().endpoint("127.0.0.1", closedPort, null, null, 1);

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), connector.getLocalPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(upgradeRequest("/echo").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String responseHead = WebSocketEchoBackend.readHead(in);
            assertTrue(responseHead.startsWith("HTTP/1.1 502 "), responseHead);
            int length = Integer.parseInt(WebSocketEchoBackend.header(responseHead, "content-length"));
            assertEquals("tunnel could not connect", new String(in.readNBytes(length), StandardCharsets.US_ASCII));
        }
        assertEquals(Boolean.FALSE, handler.handleResults.poll(10, TimeUnit.SECONDS));
        assertEquals(1, handler.endpoint.requests());
        assertEquals(1, handler.endpoint.failures());
        assertEquals(0, handler.endpoint.inFlight());
    }

    @Test
    void upstreamHangingUpBeforeAnsweringGives502() throws Exception {
        assertEquals("HTTP/1.1 502 Bad Gateway", statusLineOfUpgradeTo("/hang-up"));
        assertEquals(1, handler.endpoint.failures());
        assertEquals(0, handler.endpoint.inFlight());
    }

    @Test
    void upstreamSilentPastTheIdleTimeoutGives504() throws Exception {
        proxy.stop();
        startProxy(Duration.ofMillis(300));

        assertEquals("HTTP/1.1 504 Gateway Timeout", statusLineOfUpgradeTo("/silent"));
        assertEquals(1, handler.endpoint.failures());
    }

    @Test
    void upstreamResponseHeadPastTheLimitGives502() throws Exception {
        assertEquals("HTTP/1.1 502 Bad Gateway", statusLineOfUpgradeTo("/huge"));
        assertEquals(1, handler.endpoint.failures());
    }

    @Test
    void endpointAccountingEndsWithTheHandshake() throws Exception {
        Messages messages = new Messages();
        WebSocket webSocket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri("ws", "/echo"), messages).get(10, TimeUnit.SECONDS);
        webSocket.sendText("ping", true).get(10, TimeUnit.SECONDS);
        assertEquals("text:ping", messages.next());

        assertEquals(1, handler.endpoint.requests());
        assertEquals(0, handler.endpoint.failures());
        assertEquals(0, handler.endpoint.inFlight());
        assertEquals(Boolean.TRUE, handler.handleResults.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void onlyHttp11UpgradeRequestsWithoutABodyAreTunnelled() throws Exception {
        // (Upgrade without "Connection: upgrade" never reaches a handler: Jetty answers 400 itself.)
        assertEquals("HTTP/1.1 418 ", statusLineOf(
                "GET /echo HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n\r\n").substring(0, 13));
        assertEquals("HTTP/1.1 418 ", statusLineOf(
                "POST /echo HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 2\r\n\r\nhi")
                .substring(0, 13));
        assertEquals("HTTP/1.1 418 ", statusLineOf(
                "GET /echo HTTP/1.0\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n").substring(0, 13));
    }

    private String statusLineOfUpgradeTo(String path) throws IOException {
        return statusLineOf(upgradeRequest(path));
    }

    private String statusLineOf(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), connector.getLocalPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String head = WebSocketEchoBackend.readHead(new BufferedInputStream(socket.getInputStream()));
            return head.substring(0, head.indexOf("\r\n"));
        }
    }

    /** The body of a response whose head was just read: by Content-Length, chunked, or up to the end. */
    private static byte[] readBody(InputStream in, String head) throws IOException {
        String length = WebSocketEchoBackend.header(head, "content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length));
        }
        if (!"chunked".equalsIgnoreCase(WebSocketEchoBackend.header(head, "transfer-encoding"))) {
            return in.readAllBytes();
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                readLine(in);
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("end of input inside a line");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static String upgradeRequest(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: ws.example.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    }

    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteBuffer frame = ByteBuffer.allocate(2 + 4 + payload.length);
        frame.put((byte) 0x81).put((byte) (0x80 | payload.length)).put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i % 4]));
        }
        return frame.array();
    }

    private static String readTextFrame(InputStream in) throws IOException {
        int b0 = in.read();
        int length = in.read() & 0x7f;
        assertEquals(0x81, b0);
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Collects whole messages as "text:...", "binary:[...]" and "close:code". */
    private static final class Messages implements WebSocket.Listener {
        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                queue.add("text:" + text);
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                queue.add(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            queue.add("close:" + statusCode);
            return null;
        }

        Object take() throws InterruptedException {
            Object message = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(message, "no message within " + WAIT);
            return message;
        }

        String next() throws InterruptedException {
            Object message = take();
            if (message instanceof byte[] bytes) {
                List<Integer> unsigned = new ArrayList<>();
                for (byte b : bytes) {
                    unsigned.add(b & 0xff);
                }
                return "binary:" + unsigned;
            }
            return (String) message;
        }

        byte[] nextBinary() throws InterruptedException {
            return (byte[]) take();
        }
    }
}
