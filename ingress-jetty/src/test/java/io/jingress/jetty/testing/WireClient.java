package io.jingress.jetty.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One raw client connection to 127.0.0.1 that writes exact bytes and reads HTTP/1.x responses off
 * the wire, framing them itself (no body for HEAD, 1xx, 204 and 304; else chunked, Content-Length,
 * or until the server closes), so a test sees exactly what a client would. Every read gives up
 * after ten seconds, failing the test instead of hanging it.
 *
 * <pre>{@code
 * try (WireClient client = WireClient.connect(proxy.httpPort())) {
 *     client.send("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
 *     WireClient.Response response = client.read();
 *     assertEquals(200, response.status());
 * }
 * }</pre>
 */
public final class WireClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port} with a ten-second read timeout. */
    public static WireClient connect(int port) throws IOException {
        return connectFrom(InetAddress.getLoopbackAddress(), port);
    }

    /** Connects to 127.0.0.1:{@code port} from {@code local} (on Linux, any 127.x.y.z). */
    public static WireClient connectFrom(InetAddress local, int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, local, 0);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        return new WireClient(socket);
    }

    /** Writes {@code bytes} (ISO-8859-1) in one write. */
    public WireClient send(String bytes) throws IOException {
        return send(bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes {@code bytes} in one write. */
    public WireClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Shuts down the sending side (a TCP half-close): the server reads end of stream, and can still answer. */
    public WireClient shutdownOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** Sends {@code request} and reads one response. */
    public Response exchange(String request) throws IOException {
        return send(request).read();
    }

    /** A body-less GET of {@code pathQuery} for {@code host}. */
    public static String get(String host, String pathQuery) {
        return "GET " + pathQuery + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    }

    /** Reads the next final response (interim 1xx ones are skipped) to a request other than HEAD. */
    public Response read() throws IOException {
        return read(false);
    }

    /** Reads the very next response, an interim (1xx) one included, to a request other than HEAD. */
    public Response readInterimOrFinal() throws IOException {
        try {
            return readOne(false);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no complete response within 10 s", e);
        }
    }

    /** Reads the next response to a HEAD request: never a body, whatever its headers say. */
    public Response readHeadResponse() throws IOException {
        return read(true);
    }

    private Response read(boolean head) throws IOException {
        try {
            Response response;
            do {
                response = readOne(head);
            } while (response.status() >= 100 && response.status() < 200 && response.status() != 101);
            return response;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no complete response within 10 s", e);
        }
    }

    private Response readOne(boolean head) throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new AssertionError("the server closed the connection before a response");
        }
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new AssertionError("not an HTTP/1 status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        List<Header> headers = new ArrayList<>();
        for (String line; !(line = requireLine()).isEmpty(); ) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new AssertionError("malformed response header line: " + line);
            }
            headers.add(new Header(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
        Response withoutBody = new Response(statusLine, status, List.copyOf(headers), new byte[0], Framing.NONE);
        if (head || (status >= 100 && status < 200) || status == 204 || status == 304) {
            return withoutBody;
        }
        String transferEncoding = withoutBody.header("Transfer-Encoding");
        if (transferEncoding != null) {
            if (!transferEncoding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
                throw new AssertionError("response with Transfer-Encoding not ending in chunked: " + transferEncoding);
            }
            return new Response(statusLine, status, withoutBody.headers(), readChunked(), Framing.CHUNKED);
        }
        List<String> lengths = withoutBody.headers("Content-Length");
        if (!lengths.isEmpty()) {
            if (lengths.size() > 1) {
                throw new AssertionError("response with several Content-Length headers: " + lengths);
            }
            int length = Integer.parseInt(lengths.get(0));
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new AssertionError("body cut short: " + body.length + " of " + length + " bytes");
            }
            return new Response(statusLine, status, withoutBody.headers(), body, Framing.LENGTH);
        }
        return new Response(statusLine, status, withoutBody.headers(), in.readAllBytes(), Framing.CLOSE);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = requireLine();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
            if (size == 0) {
                while (!requireLine().isEmpty()) {
                    // trailer fields: not asserted on
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new AssertionError("chunk cut short: " + chunk.length + " of " + size + " bytes");
            }
            body.writeBytes(chunk);
            if (!requireLine().isEmpty()) {
                throw new AssertionError("chunk not followed by CRLF");
            }
        }
    }

    private String requireLine() throws IOException {
        String line = readLine();
        if (line == null) {
            throw new AssertionError("the server closed the connection in the middle of a response");
        }
        return line;
    }

    /** A CRLF-terminated line without its CRLF, or null at end of stream before any byte. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new AssertionError("the server closed the connection mid-line: "
                        + line.toString(StandardCharsets.ISO_8859_1));
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length;
                if (end == 0 || bytes[end - 1] != '\r') {
                    throw new AssertionError("response line ends in a bare LF: " + line.toString(StandardCharsets.ISO_8859_1));
                }
                return new String(bytes, 0, end - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    /**
     * Waits (at most ten seconds) for the server to close the connection, failing if it sends any
     * further byte first or keeps the connection open.
     */
    public void assertClosedByServer() throws IOException {
        int b;
        try {
            b = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for 10 s", e);
        } catch (SocketException e) {
            // reset: closed too, and without reading what was left of our request
            return;
        }
        if (b >= 0) {
            byte[] rest = new byte[Math.max(0, in.available())];
            int n = in.read(rest);
            throw new AssertionError("the server sent more instead of closing: " + (char) b
                    + new String(rest, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1));
        }
    }

    /** Everything the server sends until it closes the connection (ten seconds at most). */
    public String readUntilClosed() throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                rest.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for 10 s after sending: "
                    + rest.toString(StandardCharsets.ISO_8859_1), e);
        } catch (SocketException e) {
            // reset after its last bytes: they are in rest
        }
        return rest.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** How a response body was delimited on the wire. */
    public enum Framing {
        /** No body by definition (HEAD, 1xx, 204, 304). */
        NONE,
        LENGTH,
        CHUNKED,
        /** No length and not chunked: the body ran until the server closed the connection. */
        CLOSE
    }

    /** A response header line, as received. */
    public record Header(String name, String value) {
    }

    /** A response as received: the status line, header lines in order, the decoded body and its framing. */
    public record Response(String statusLine, int status, List<Header> headers, byte[] body, Framing framing) {
        /** The value of the first header {@code name} (case-insensitive), or null. */
        public String header(String name) {
            for (Header header : headers) {
                if (header.name().equalsIgnoreCase(name)) {
                    return header.value();
                }
            }
            return null;
        }

        /** The values of every header line {@code name} (case-insensitive), in order. */
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (Header header : headers) {
                if (header.name().equalsIgnoreCase(name)) {
                    values.add(header.value());
                }
            }
            return values;
        }

        /** Whether a {@code Connection} header lists {@code token}. */
        public boolean connectionHas(String token) {
            for (String value : headers("Connection")) {
                for (String listed : value.split(",")) {
                    if (listed.strip().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
            return false;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(statusLine).append("\r\n");
            headers.forEach(h -> text.append(h.name()).append(": ").append(h.value()).append("\r\n"));
            return text.append("\r\n").append(bodyText()).toString();
        }
    }
}
