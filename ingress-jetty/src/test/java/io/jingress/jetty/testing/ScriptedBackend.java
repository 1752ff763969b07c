package io.jingress.jetty.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

import io.jingress.jetty.internal.tls.TlsCertificates;

import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A raw-socket HTTP/1.1 backend that keeps connections open and answers each request with what a
 * {@link Script} says: exact bytes, then either keep reading requests on the connection or close
 * it. For framings and failures a well-behaved server does not produce on demand. Started with
 * {@link #startReadingBodies}, it first reads each request's body, by its Content-Length or its
 * chunks, without ever sending {@code 100 Continue} (as an HTTP/1.0 server reads one).
 *
 * <pre>{@code
 * ScriptedBackend backend = ScriptedBackend.start((connection, request, head) ->
 *     ScriptedBackend.Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
 * }</pre>
 */
public final class ScriptedBackend implements AutoCloseable {
    /** What to answer to the {@code request}-th request (from 1) on the {@code connection}-th connection (from 1). */
    @FunctionalInterface
    public interface Script {
        Answer answer(int connection, int request, String head);
    }

    /**
     * Bytes to write, then whether to close the connection, or to hold it until the peer closes it;
     * {@code unasked}: bytes written after them in a write of their own, as a misbehaving server
     * sends what nobody asked for (null: none).
     */
    public record Answer(String bytes, boolean close, boolean hold, String unasked) {
        public static Answer keepOpen(String bytes) {
            return new Answer(bytes, false, false, null);
        }

        public static Answer thenClose(String bytes) {
            return new Answer(bytes, true, false, null);
        }

        /** Writes {@code bytes}, then drops whatever the peer still sends and waits until it closes the connection. */
        public static Answer thenHoldUntilPeerCloses(String bytes) {
            return new Answer(bytes, false, true, null);
        }

        /** Writes {@code bytes}, then at once {@code unasked} in a second write, and reads the next request. */
        public static Answer keepOpenThenSend(String bytes, String unasked) {
            return new Answer(bytes, false, false, unasked);
        }
    }

    private final ServerSocket socket;
    private final Script script;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger unaskedWritten = new AtomicInteger();
    private final ConcurrentLinkedDeque<String> heads = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<Socket> open = new ConcurrentLinkedDeque<>();
    private final CountDownLatch peerClosedWhileHeld = new CountDownLatch(1);
    private final boolean readBodies;
    private final ConcurrentLinkedDeque<Integer> bodyLengths = new ConcurrentLinkedDeque<>();

    private ScriptedBackend(Script script, boolean readBodies, SSLContext tls) {
        this.script = script;
        this.readBodies = readBodies;
        try {
            socket = tls == null
                    ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
                    : tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "scripted-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static ScriptedBackend start(Script script) {
        return new ScriptedBackend(script, false, null);
    }

    /** A backend that reads each request's body, by {@code Content-Length} or chunked, before it answers (see {@link #bodyLengths}). */
    public static ScriptedBackend startReadingBodies(Script script) {
        return new ScriptedBackend(script, true, null);
    }

    /**
     * A backend spoken to over TLS (as {@code backend-protocol: HTTPS} asks), with a self-signed
     * certificate; each {@link Answer} part goes out in TLS records of its own.
     */
    public static ScriptedBackend startTls(Script script) {
        try {
            SslContextFactory.Server sides = TlsCertificates.create().sslContextFactory();
            sides.start();
            return new ScriptedBackend(script, false, sides.getSslContext());
        } catch (Exception e) {
            throw new IllegalStateException("no TLS server side", e);
        }
    }

    private void accept() {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return;
            }
            try {
                client.setTcpNoDelay(true);  // each write goes out at once, as written
            } catch (IOException e) {
                // keeps Nagle's algorithm: only later writes may wait a little
            }
            open.add(client);
            int number = connections.incrementAndGet();
            Thread serving = new Thread(() -> serve(client, number), "scripted-backend-" + number);
            serving.setDaemon(true);
            serving.start();
        }
    }

    private void serve(Socket client, int connection) {
        try (client) {
            InputStream in = client.getInputStream();
            for (int request = 1; ; request++) {
                String head = RawHttp.readHead(in);
                if (!head.endsWith("\r\n\r\n")) {
                    return;
                }
                heads.add(head);
                if (readBodies) {
                    String length = RawHttp.header(head, "Content-Length");
                    String coding = RawHttp.header(head, "Transfer-Encoding");
                    if (coding != null && coding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
                        bodyLengths.add(RawHttp.readChunkedBody(in));
                    } else {
                        int expected = length == null ? 0 : Integer.parseInt(length.trim());
                        bodyLengths.add(in.readNBytes(expected).length);
                    }
                }
                Answer answer = script.answer(connection, request, head);
                try {
                    client.getOutputStream().write(answer.bytes().getBytes(StandardCharsets.ISO_8859_1));
                    client.getOutputStream().flush();
                    if (answer.unasked() != null) {
                        client.getOutputStream().write(answer.unasked().getBytes(StandardCharsets.ISO_8859_1));
                        client.getOutputStream().flush();
                        unaskedWritten.incrementAndGet();
                    }
                } catch (IOException e) {
                    if (answer.hold()) {
                        // the peer closed while the answer was still being written
                        peerClosedWhileHeld.countDown();
                    }
                    return;
                }
                if (answer.hold()) {
                    // what the peer still sends (a body) is read and dropped, so the close is its own
                    byte[] sink = new byte[8192];
                    while (in.read(sink) >= 0) {
                        // drained
                    }
                    peerClosedWhileHeld.countDown();
                    return;
                }
                if (answer.close()) {
                    return;
                }
            }
        } catch (IOException e) {
            // the proxy closed the connection, or close() did
        } finally {
            open.remove(client);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** How many {@link Answer#unasked()} bytes were written whole so far (on loopback: delivered). */
    public int unaskedWritten() {
        return unaskedWritten.get();
    }

    /** The request heads received, in order. */
    public List<String> heads() {
        return List.copyOf(heads);
    }

    /** The lengths of the request bodies read, in order (only when started with {@link #startReadingBodies}). */
    public List<Integer> bodyLengths() {
        return List.copyOf(bodyLengths);
    }

    /** Waits until a peer closed a connection on which a request was being held. */
    public boolean awaitPeerClosedWhileHeld(long timeout, TimeUnit unit) throws InterruptedException {
        return peerClosedWhileHeld.await(timeout, unit);
    }

    /**
     * Closes every connection accepted so far, as an upstream's keep-alive timeout does, and
     * returns once their serving threads have ended (each socket closed whole, over TLS after its
     * close_notify); keeps listening.
     */
    public void closeConnections() {
        List<Socket> closing = List.copyOf(open);
        try {
            for (Socket client : closing) {
                // the end of the stream goes out now: a close alone waits for the serving thread's read
                if (!client.isClosed() && !client.isOutputShutdown()) {
                    try {
                        client.shutdownOutput();
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
                client.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closing.stream().anyMatch(open::contains)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a serving thread did not end");
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
            for (Socket client : open) {
                client.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
