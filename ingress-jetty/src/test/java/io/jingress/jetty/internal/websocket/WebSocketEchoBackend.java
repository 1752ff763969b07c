package io.jingress.jetty.internal.websocket;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A small RFC 6455 server over a plain {@link ServerSocket} on 127.0.0.1:0: it answers the
 * handshake and echoes every data frame, answers pings, and closes after echoing a close. Paths
 * choose other behaviours: {@code /greet} sends a frame in the same write as its 101;
 * {@code /forbidden} refuses with 403; {@code /huge} sends an oversized head; {@code /hang-up}
 * closes without answering; {@code /silent} never answers; {@code /chunked} and
 * {@code /until-close} answer a plain 200 with a 150,000-byte body, chunked or delimited by closing.
 */
final class WebSocketEchoBackend implements AutoCloseable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket serverSocket;
    private final Thread acceptor;
    /** Every request head received, in order. */
    final BlockingQueue<String> requestHeads = new LinkedBlockingQueue<>();
    /** Counted down each time a client connection reaches end of input. */
    final CountDownLatch closedByPeer = new CountDownLatch(1);

    WebSocketEchoBackend() throws IOException {
        serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "ws-echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                Thread connection = new Thread(() -> serve(socket), "ws-echo-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String head = readHead(in);
            requestHeads.add(head);
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
            if (path.startsWith("/chunked") || path.startsWith("/until-close")) {
                boolean chunked = path.startsWith("/chunked");
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
                return;
            }
            if (path.startsWith("/huge")) {
                out.write(("HTTP/1.1 101 Switching Protocols\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            String key = header(head, "sec-websocket-key");
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            answer.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (path.startsWith("/greet")) {
                answer.writeBytes(frame(0x81, "welcome".getBytes(StandardCharsets.UTF_8)));
            }
            out.write(answer.toByteArray());
            out.flush();
            echo(in, out);
        } catch (IOException | RuntimeException e) {
            // the client went away; nothing to report
        }
    }

    private void echo(InputStream in, OutputStream out) throws IOException {
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                closedByPeer.countDown();
                return;
            }
            int b1 = readByte(in);
            long length = b1 & 0x7f;
            if (length == 126) {
                length = (readByte(in) << 8) | readByte(in);
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte(in);
                }
            }
            byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
            byte[] payload = in.readNBytes((int) length);
            if (payload.length != length) {
                throw new EOFException();
            }
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
            }
            int opcode = b0 & 0x0f;
            if (opcode == 0x9) {
                out.write(frame(0x8a, payload));
            } else if (opcode == 0x8) {
                out.write(frame(0x88, payload));
                out.flush();
                return;
            } else {
                out.write(frame(b0, payload));
            }
            out.flush();
        }
    }

    /** The body of the plain 200 answers of {@code /chunked} and {@code /until-close}: 150,000 fixed bytes. */
    static byte[] refusalBody() {
        byte[] body = new byte[150_000];
        new java.util.Random(42).nextBytes(body);
        return body;
    }

    /** An unmasked frame, as a server sends it. */
    static byte[] frame(int firstByte, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 10);
        frame.write(firstByte);
        if (payload.length < 126) {
            frame.write(payload.length);
        } else if (payload.length < 65536) {
            frame.write(126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = readByte(in);
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }
}
