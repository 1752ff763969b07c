package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestCertificates;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller ConfigMap's {@code use-gzip} through {@link IngressServer}, with a real endpoint: the
 * answers that qualify reach a client that accepts gzip compressed (and whole once inflated), the
 * others and the clients that do not accept it get the endpoint's bytes; on the lean HTTP/1.1 path,
 * over HTTP/2, on Jetty's path (a chunked upload), and for a streamed answer, whose first part is
 * not held back.
 */
class CompressionEndToEndTest {
    private static final String PAGE = "<p>Jingress compresses what ingress-nginx compresses.</p>\n".repeat(100);

    @RegisterExtension
    final Proxies proxies = new Proxies();

    private final CountDownLatch secondPart = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean secondWritten = new java.util.concurrent.atomic.AtomicBoolean();
    private Server endpoint;

    @AfterEach
    void stopEndpoint() throws Exception {
        secondPart.countDown();
        if (endpoint != null) {
            endpoint.stop();
        }
    }

    /** The endpoint: answers by path, see the cases below. */
    private int startEndpoint() throws Exception {
        endpoint = new Server();
        ServerConnector connector = new ServerConnector(endpoint);
        connector.setHost("127.0.0.1");
        endpoint.addConnector(connector);
        endpoint.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = Request.getPathInContext(request);
                byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
                String type = "text/html; charset=utf-8";
                switch (path) {
                    case "/small" -> body = "<p>short</p>".getBytes(StandardCharsets.UTF_8);
                    case "/png" -> type = "image/png";
                    case "/error" -> response.setStatus(500);
                    case "/notransform" -> response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, no-transform");
                    case "/gzipped" -> {
                        body = gzip(body);
                        response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
                    }
                    case "/echo" -> {
                        ByteBuffer read = Content.Source.asByteBuffer(request);
                        body = new byte[read.remaining()];
                        read.get(body);
                        type = "text/plain";
                    }
                    case "/stream" -> {
                        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                        Content.Sink.write(response, false, "first part\n", Callback.from(() -> new Thread(() -> {
                            try {
                                secondPart.await(5, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            secondWritten.set(true);
                            Content.Sink.write(response, true, "second part\n", callback);
                        }).start(), callback::failed));
                        return true;
                    }
                    default -> response.getHeaders().put(HttpHeader.ETAG, "\"v1\"");
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        });
        endpoint.start();
        return connector.getLocalPort();
    }

    private IngressServer proxy(Map<String, String> controller) throws Exception {
        TestRoutes routes = TestRoutes.create().configMap("jingress-controller", controller)
                .controllerConfigMap("jingress-controller")
                .tlsRoute("shop.test", "/", "app", TestCertificates.pkcs8Secret(),
                        Map.of("nginx.ingress.kubernetes.io/ssl-redirect", "false"), startEndpoint());
        return proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    private static String gunzip(byte[] bytes) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One HTTP/1.1 exchange on a raw socket: the head as text, the body de-chunked. */
    private record Answer(String head, byte[] body) {
        int status() {
            return RawHttp.status(head);
        }

        String header(String name) {
            return RawHttp.header(head, name);
        }
    }

    private static Answer get(IngressServer proxy, String path, String acceptEncoding) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: shop.test\r\n"
                    + (acceptEncoding == null ? "" : "Accept-Encoding: " + acceptEncoding + "\r\n")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = RawHttp.readHead(in);
            byte[] rest = in.readAllBytes();
            return new Answer(head, "chunked".equalsIgnoreCase(RawHttp.header(head, "Transfer-Encoding")) ? dechunk(rest) : rest);
        }
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int i = 0;
        while (true) {
            int lineEnd = indexOf(chunked, i);
            int size = Integer.parseInt(new String(chunked, i, lineEnd - i, StandardCharsets.US_ASCII).trim(), 16);
            i = lineEnd + 2;
            if (size == 0) {
                return body.toByteArray();
            }
            body.write(chunked, i, size);
            i += size + 2;
        }
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        throw new AssertionError("no CRLF after " + from);
    }

    @Test
    void aQualifyingAnswerIsGzippedForAClientThatAcceptsItAndLeftAloneForOneThatDoesNot() throws Exception {
        IngressServer proxy = proxy(Map.of("use-gzip", "true"));

        Answer compressed = get(proxy, "/page", "gzip, deflate, br");
        Answer plain = get(proxy, "/page", null);
        Answer refused = get(proxy, "/page", "gzip;q=0, identity");

        assertEquals(200, compressed.status(), compressed.head());
        assertEquals("gzip", compressed.header("Content-Encoding"));
        assertEquals("Accept-Encoding", compressed.header("Vary"));
        assertEquals("W/\"v1\"", compressed.header("ETag"), "the bytes are not the endpoint's");
        String length = compressed.header("Content-Length");
        assertTrue(length == null || length.equals(Integer.toString(compressed.body().length)),
                "the compressed length, or chunked: " + compressed.head());
        assertEquals(PAGE, gunzip(compressed.body()));
        assertTrue(compressed.body().length < PAGE.length() / 5, compressed.body().length + " bytes");
        for (Answer same : List.of(plain, refused)) {
            assertEquals(200, same.status(), same.head());
            assertNull(same.header("Content-Encoding"), same.head());
            assertEquals(Integer.toString(PAGE.length()), same.header("Content-Length"));
            assertEquals("\"v1\"", same.header("ETag"));
            assertEquals(PAGE, new String(same.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shortOtherTypesErrorsNoTransformAndEncodedAnswersPassAsTheyCame() throws Exception {
        IngressServer proxy = proxy(Map.of("use-gzip", "true"));

        for (String path : List.of("/small", "/png", "/error", "/notransform")) {
            Answer answer = get(proxy, path, "gzip");
            assertNull(answer.header("Content-Encoding"), path + ": " + answer.head());
            assertNull(answer.header("Vary"), path + ": " + answer.head());
            assertEquals(answer.header("Content-Length"), Integer.toString(answer.body().length), path);
        }
        Answer gzipped = get(proxy, "/gzipped", "gzip");
        assertEquals("gzip", gzipped.header("Content-Encoding"));
        assertEquals(PAGE, gunzip(gzipped.body()), "compressed once, by the endpoint");
    }

    @Test
    void withoutUseGzipNothingIsCompressedAndTheLevelAndTypesFollowTheConfigMap() throws Exception {
        IngressServer off = proxy(Map.of());
        assertNull(get(off, "/page", "gzip").header("Content-Encoding"));
        endpoint.stop();

        IngressServer png = proxy(Map.of("use-gzip", "true", "gzip-types", "image/png", "gzip-level", "9"));
        Answer answer = get(png, "/png", "gzip");
        assertEquals("gzip", answer.header("Content-Encoding"));
        assertEquals(PAGE, gunzip(answer.body()));
        assertEquals("gzip", get(png, "/page", "gzip").header("Content-Encoding"), "text/html always");
    }

    @Test
    void overHttp2AndOnJettysPathTheAnswerIsGzippedToo() throws Exception {
        IngressServer proxy = proxy(Map.of("use-gzip", "true"));

        // Jetty's client asks for gzip and inflates what it gets
        ContentResponse h2 = proxies.http2Client().newRequest("https://shop.test:" + proxy.httpsPort() + "/page")
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, h2.getVersion());
        assertEquals(PAGE, h2.getContentAsString());
        assertTrue(h2.getHeaders().contains(HttpHeader.VARY, "Accept-Encoding"), h2.getHeaders().toString());

        try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            byte[] upload = PAGE.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: shop.test\r\nAccept-Encoding: gzip\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + Integer.toHexString(upload.length) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(upload);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = RawHttp.readHead(in);
            assertEquals("gzip", RawHttp.header(head, "Content-Encoding"), head);
            byte[] rest = in.readAllBytes();
            assertEquals(PAGE, gunzip("chunked".equalsIgnoreCase(RawHttp.header(head, "Transfer-Encoding")) ? dechunk(rest) : rest));
        }
    }

    @Test
    void aStreamedAnswersFirstPartReachesTheClientBeforeTheRestIsWritten() throws Exception {
        IngressServer proxy = proxy(Map.of("use-gzip", "true", "gzip-min-length", "0"));

        try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /stream HTTP/1.1\r\nHost: shop.test\r\n"
                    + "Accept-Encoding: gzip\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = RawHttp.readHead(in);
            assertEquals("gzip", RawHttp.header(head, "Content-Encoding"), head);
            GZIPInputStream body = new GZIPInputStream(new ChunkedInput(in));
            byte[] first = new byte["first part\n".length()];
            int n = 0;
            while (n < first.length) {
                int read = body.read(first, n, first.length - n);
                assertTrue(read > 0, "the stream ended early");
                n += read;
            }
            assertEquals("first part\n", new String(first, StandardCharsets.UTF_8));
            assertFalse(secondWritten.get(), "the first part came before the endpoint wrote the rest");
            secondPart.countDown();
            assertEquals("second part\n", new String(body.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The body of a chunked HTTP/1.1 answer, read as it comes. */
    private static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private int left;
        private boolean ended;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (ended) {
                return -1;
            }
            if (left == 0) {
                String line = line();
                if (line.isEmpty()) {
                    line = line();  // the CRLF after the previous chunk
                }
                left = Integer.parseInt(line.trim(), 16);
                if (left == 0) {
                    ended = true;
                    return -1;
                }
            }
            int read = in.read(buffer, offset, Math.min(length, left));
            if (read > 0) {
                left -= read;
            }
            return read;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }
}
