package io.jingress.jetty.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.AsyncRequestLogWriter;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {
    private static final long REQUEST_NANOS = 13_456_789L;

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final AtomicLong beginNanos = new AtomicLong();
    private final AtomicLong timeStamp = new AtomicLong();

    @Test
    void requestWithoutUpstreamIsLoggedWithDashes() throws Exception {
        String raw = "GET /kubia?x=1 HTTP/1.1\r\n"
                + "Host: kubia.example.com\r\n"
                + "User-Agent: curl/8.5.0\r\n"
                + "Connection: close\r\n"
                + "\r\n";
        String line = logOf(raw, Map.of());

        assertEquals("127.0.0.1 - - [" + timeLocal() + "] \"GET /kubia?x=1 HTTP/1.1\" 200 5 \"-\" \"curl/8.5.0\" "
                + raw.length() + " 0.013 [-] [] - - - - -", line);
    }

    @Test
    void requestWithUpstreamAttributesLogsUpstreamAddressStatusTimeAndRequestId() throws Exception {
        String raw = "POST /orders HTTP/1.1\r\n"
                + "Host: shop.example.com\r\n"
                + "Referer: https://shop.example.com/cart\r\n"
                + "User-Agent: Mozilla/5.0 (X11)\r\n"
                + "Content-Length: 11\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + "{\"qty\": 2}\n";
        String line = logOf(raw, Map.of(
                AccessLog.ROUTE, SmallTable.route(SmallTable.compile(), "kubia.example.com", "/"),
                AccessLog.UPSTREAM_ADDR, "10.244.1.7:8080",
                AccessLog.UPSTREAM_STATUS, 200,
                AccessLog.UPSTREAM_NANOS, 7_999_999L,
                AccessLog.REQUEST_ID, "5f0c6d1e8a"));

        assertEquals("127.0.0.1 - - [" + timeLocal() + "] \"POST /orders HTTP/1.1\" 200 5 "
                + "\"https://shop.example.com/cart\" \"Mozilla/5.0 (X11)\" " + raw.length() + " 0.013 "
                + "[default/kubia:80] [] 10.244.1.7:8080 5 0.007 200 5f0c6d1e8a", line);
    }

    @Test
    void quotesAndBackslashesInHeadersAreEscapedAsNginxDoes() throws Exception {
        String raw = "GET /q?\"quoted\" HTTP/1.1\r\n"
                + "Host: a\r\n"
                + "User-Agent: evil\"agent\\x\r\n"
                + "Connection: close\r\n"
                + "\r\n";
        String line = logOf(raw, Map.of());

        assertTrue(line.contains(" \"GET /q?\\x22quoted\\x22 HTTP/1.1\" "), line);
        assertTrue(line.contains(" \"evil\\x22agent\\x5Cx\" "), line);
        // the escapes do not count: the request length is what the client sent
        assertTrue(line.contains(" " + raw.length() + " 0.013 "), line);
    }

    @Test
    void bytesAboveAsciiAreEscapedAsNginxDoes() throws Exception {
        // "é" and "€" in UTF-8, sent as the bytes they are
        String raw = "GET /x HTTP/1.1\r\n"
                + "Host: a\r\n"
                + "User-Agent: caf\u00c3\u00a9 \u00e2\u0082\u00ac\r\n"
                + "Connection: close\r\n"
                + "\r\n";
        String line = logOf(raw, Map.of());

        assertTrue(line.contains(" \"caf\\xC3\\xA9 \\xE2\\x82\\xAC\" "), line);
        assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), line);
    }

    @Test
    void aTargetBeyondAsciiIsLoggedAsTheBytesSent() throws Exception {
        // "caf\u00e9" in UTF-8, unescaped: Jetty decodes the target from UTF-8, header values not
        String raw = "GET /?q=caf\u00c3\u00a9 HTTP/1.1\r\n"
                + "Host: a\r\n"
                + "Connection: close\r\n"
                + "\r\n";
        String line = logOf(raw, Map.of());

        assertTrue(line.contains(" \"GET /?q=caf\\xC3\\xA9 HTTP/1.1\" "), line);
        assertTrue(line.contains(" " + raw.length() + " 0.013 "), line);
    }

    @Test
    void anAsyncFileWriterIsStartedWithTheServerAndReceivesTheLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        AccessLog accessLog = new AccessLog(new AsyncRequestLogWriter(file.toString()));
        try (LoopbackServer server = LoopbackServer.start(handler(Map.of()), s -> s.setRequestLog(accessLog), c -> { })) {
            server.exchangeRaw("GET /written HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            String content = "";
            while (!content.contains("\"GET /written HTTP/1.1\" 200 5") && Instant.now().isBefore(deadline)) {
                LockSupport.parkNanos(1_000_000);
                content = Files.exists(file) ? Files.readString(file) : "";
            }
            assertTrue(content.startsWith("127.0.0.1 - - ["), content);
            assertTrue(content.contains("\"GET /written HTTP/1.1\" 200 5 \"-\" \"-\" "), content);
            assertTrue(content.endsWith(" [-] [] - - - - -" + System.lineSeparator()), content);
        }
        assertTrue(accessLog.isStopped());
    }

    private String logOf(String rawRequest, Map<String, Object> attributes) throws Exception {
        Appendable sink = new LineSink(lines);
        AccessLog accessLog = new AccessLog(AccessLog.appending(sink), null, ZoneOffset.UTC, () -> beginNanos.get() + REQUEST_NANOS);
        try (LoopbackServer server = LoopbackServer.start(handler(attributes), s -> s.setRequestLog(accessLog), c -> { })) {
            String response = server.exchangeRaw(rawRequest);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertNotNull(line, "no access log line written");
            return line;
        }
    }

    /** Answers "hello" after reading the body, having set {@code attributes} as the proxy would. */
    private Handler handler(Map<String, Object> attributes) {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                beginNanos.set(request.getBeginNanoTime());
                timeStamp.set(Request.getTimeStamp(request));
                attributes.forEach(request::setAttribute);
                Content.Source.consumeAll(request, Callback.from(
                        () -> Content.Sink.write(response, true, "hello", callback), callback::failed));
                return true;
            }
        };
    }

    private String timeLocal() {
        return DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
                .format(Instant.ofEpochMilli(timeStamp.get()).atZone(ZoneOffset.UTC));
    }

    /** Collects what the log appends, one queue entry per line. */
    private static final class LineSink implements Appendable {
        private final BlockingQueue<String> lines;
        private final StringBuilder pending = new StringBuilder();

        LineSink(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public Appendable append(CharSequence text) {
            for (int i = 0; i < text.length(); i++) {
                append(text.charAt(i));
            }
            return this;
        }

        @Override
        public Appendable append(CharSequence text, int start, int end) {
            return append(text.subSequence(start, end));
        }

        @Override
        public Appendable append(char c) {
            if (c == '\n') {
                lines.add(pending.toString());
                pending.setLength(0);
            } else {
                pending.append(c);
            }
            return this;
        }
    }

}
