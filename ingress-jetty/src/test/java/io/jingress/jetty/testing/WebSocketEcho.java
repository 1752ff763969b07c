package io.jingress.jetty.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A minimal RFC 6455 server on 127.0.0.1:0 over plain sockets: answers the handshake with 101
 * (naming itself in {@code Server}, as servers do), echoes text and binary frames, answers pings,
 * and echoes a close before closing. It records every handshake head it receives. Obtain one from {@link Backends#startWebSocketEcho()}, or
 * construct one and close it.
 *
 * <p>Paths choose other behaviours, for tests of how a proxy copes with an upstream: {@code /greet}
 * sends a frame in the same write as its 101; {@code /session} sets the cookie
 * {@link #SESSION_COOKIE} on its 101; {@code /moved} refuses with a 302 to {@link #MOVED_TO};
 * {@code /forbidden} refuses with 403;
 * {@code /huge} sends an oversized head; {@code /hang-up} closes without answering;
 * {@code /silent} never answers; {@code /chunked} and {@code /until-close} answer a plain 200
 * with {@link #refusalBody()}, chunked or delimited by closing.
 */
public final class WebSocketEcho implements AutoCloseable {
    /** The {@code Server} field of its 101. */
    public static final String SERVER = "ws-echo/0.1";
    /** The {@code Set-Cookie} of the 101 of {@code /session}. */
    public static final String SESSION_COOKIE = "sid=1; Domain=internal.test; Path=/internal/; HttpOnly";
    /** The {@code Location} of the 302 of {@code /moved}. */
    public static final String MOVED_TO = "http://internal.test/internal/login";
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket serverSocket;
    private final ConcurrentLinkedDeque<String> heads = new ConcurrentLinkedDeque<>();
    private final CountDownLatch closedByPeer = new CountDownLatch(1);

    public WebSocketEcho() {
        this(loopbackServerSocket());
    }

    /** Serves on {@code serverSocket}, bound already: an {@code SSLServerSocket} makes a wss backend. */
    public WebSocketEcho(ServerSocket serverSocket) {
        this.serverSocket = serverSocket;
        Thread acceptor = new Thread(this::accept, "ws-echo");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static ServerSocket loopbackServerSocket() {
        try {
            return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** The handshake request heads received, in order. */
    public List<String> heads() {
        return List.copyOf(heads);
    }

    /** Waits until a client connection reaches end of input (the peer closed or half-closed it). */
    public boolean awaitClosedByPeer(long timeout, TimeUnit unit) throws InterruptedException {
        return closedByPeer.await(timeout, unit);
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                Thread connection = new Thread(() -> serve(socket), "ws-echo-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String head = RawHttp.readHead(in);
            if (!head.endsWith("\r\n\r\n")) {
                return;
            }
            heads.add(head);
            String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            if (path.startsWith("/hang-up")) {
                return;
            }
            if (path.startsWith("/silent")) {
                while (in.read() >= 0) {
                    // say nothing until the proxy gives up
                }
                return;
            }
            if (path.startsWith("/forbidden")) {
                out.write(("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nX-Reason: members only\r\n"
                        + "Content-Length: 8\r\n\r\nno entry").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            if (path.startsWith("/moved")) {
                out.write(("HTTP/1.1 302 Found\r\nLocation: " + MOVED_TO + "\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            if (path.startsWith("/chunked") || path.startsWith("/until-close")) {
                writePlainAnswer(out, path.startsWith("/chunked"));
                return;
            }
            if (path.startsWith("/huge")) {
                out.write(("HTTP/1.1 101 Switching Protocols\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            answer.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Server: " + SERVER + "\r\nSec-WebSocket-Accept: " + accept(RawHttp.header(head, "Sec-WebSocket-Key")) + "\r\n"
                    + (path.startsWith("/session") ? "Set-Cookie: " + SESSION_COOKIE + "\r\n" : "") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            if (path.startsWith("/greet")) {
                answer.writeBytes(frame(0x81, "welcome".getBytes(StandardCharsets.UTF_8)));
            }
            out.write(answer.toByteArray());
            out.flush();
            echo(in, out);
        } catch (IOException | RuntimeException e) {
            // the client went away: nothing to echo
        }
    }

    private static void writePlainAnswer(OutputStream out, boolean chunked) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "Connection: close\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] body = refusalBody();
        for (int at = 0; at < body.length; at += 7_000) {
            int length = Math.min(7_000, body.length - at);
            if (chunked) {
                out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write(body, at, length);
            if (chunked) {
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        if (chunked) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    private void echo(InputStream in, OutputStream out) throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                closedByPeer.countDown();
                return;
            }
            int second = readByte(in);
            long length = second & 0x7F;
            if (length == 126) {
                length = (readByte(in) << 8) | readByte(in);
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte(in);
                }
            }
            byte[] mask = (second & 0x80) != 0 ? in.readNBytes(4) : null;
            byte[] payload = in.readNBytes((int) length);
            if (payload.length != length) {
                throw new EOFException();
            }
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
            }
            int opcode = first & 0x0F;
            if (opcode == 0x9) {
                out.write(frame(0x8A, payload));
            } else if (opcode == 0x8) {
                out.write(frame(0x88, payload));
                out.flush();
                return;
            } else if (opcode != 0xA) {
                out.write(frame(first, payload));
            }
            out.flush();
        }
    }

    /** The body of the plain 200 answers of {@code /chunked} and {@code /until-close}: 150,000 fixed bytes. */
    public static byte[] refusalBody() {
        byte[] body = new byte[150_000];
        new Random(42).nextBytes(body);
        return body;
    }

    /** The {@code Sec-WebSocket-Accept} value that answers {@code key}. */
    public static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unmasked frame, as a server sends it. */
    public static byte[] frame(int first, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 10);
        frame.write(first);
        if (payload.length < 126) {
            frame.write(payload.length);
        } else if (payload.length < 65536) {
            frame.write(126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (((long) payload.length >>> shift) & 0xFF));
            }
        }
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    /** A masked text frame of under 126 bytes, as a client sends it. */
    public static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteBuffer frame = ByteBuffer.allocate(2 + 4 + payload.length);
        frame.put((byte) 0x81).put((byte) (0x80 | payload.length)).put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i % 4]));
        }
        return frame.array();
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }
}
