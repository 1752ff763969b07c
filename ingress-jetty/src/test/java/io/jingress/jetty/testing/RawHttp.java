package io.jingress.jetty.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A raw socket HTTP/1.1 client, for requests no well-behaved client library sends (absolute-form
 * targets, CONNECT, hand-written hop-by-hop headers) and for reading exactly what came back.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /**
     * Sends {@code request} (CRLF line ends) to 127.0.0.1:{@code port} and returns the response: its
     * head and its Content-Length body, or everything until the server closes when there is no
     * Content-Length.
     */
    public static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try {
                String head = readHead(in);
                received.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
                String length = header(head, "Content-Length");
                if (length != null) {
                    received.writeBytes(in.readNBytes(Integer.parseInt(length)));
                } else {
                    byte[] buffer = new byte[8192];
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        received.write(buffer, 0, n);
                    }
                }
            } catch (SocketTimeoutException e) {
                throw new IOException("no complete response within 10 s; received so far: "
                        + received.toString(StandardCharsets.ISO_8859_1), e);
            }
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads a request or response head, up to and including the blank line. */
    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads a chunked body (its chunks, last chunk and trailer section) and returns its length: the
     * sum of its chunk sizes. Ends early, with what it read, at the end of the stream.
     */
    public static int readChunkedBody(InputStream in) throws IOException {
        int length = 0;
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                return length;
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                for (String trailer = readLine(in); trailer != null && !trailer.isEmpty(); trailer = readLine(in)) {
                    // trailer fields: dropped
                }
                return length;
            }
            length += in.readNBytes(size).length;
            readLine(in);  // the CRLF after the chunk
        }
    }

    /** A CRLF-ended line without its CRLF, or null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return null;
    }

    /** The status code of a raw response. */
    public static int status(String response) {
        if (!response.startsWith("HTTP/1.")) {
            throw new IllegalArgumentException("not an HTTP response: " + response);
        }
        return Integer.parseInt(response.substring(9, 12));
    }

    /** Every value of the header {@code name} in a raw message's head (a request's or a response's), in order. */
    public static java.util.List<String> headerValues(String message, String name) {
        java.util.List<String> values = new java.util.ArrayList<>();
        int end = message.indexOf("\r\n\r\n");
        for (String line : message.substring(0, end < 0 ? message.length() : end).split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                values.add(line.substring(name.length() + 1).trim());
            }
        }
        return values;
    }

    /** The value of the first header {@code name} in a raw head, or null. */
    public static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
