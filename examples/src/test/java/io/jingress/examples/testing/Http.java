package io.jingress.examples.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A minimal HTTP/1.1 client over a plain socket, so tests can send any Host header (the JDK's
 * client refuses to), as {@code curl -H 'Host: myapp.kubia.com' localhost:30880} does.
 */
public final class Http {

    /** A response: status code and body. */
    public record Response(int status, String body) {
    }

    /** A response with its head, for the headers: the status line and header lines, without the empty line. */
    public record Full(Response response, String head) {
        /** The first value of header {@code name} (any case), or {@code null}. */
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private Http() {
    }

    public static Response get(int port, String host, String path) throws IOException {
        return getFull(port, host, path).response();
    }

    /** {@link #get} with the response's head. */
    public static Full getFull(int port, String host, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return exchange(socket, host, path);
        }
    }

    /**
     * The same over TLS, with {@code host} as the SNI name; any certificate is accepted (the
     * listener's default one is self-signed).
     */
    public static Response getTls(int port, String host, String path) throws IOException {
        return getTlsFull(port, host, path).response();
    }

    /** {@link #getTls} with the response's head. */
    public static Full getTlsFull(int port, String host, String path) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            try (SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket(plain, host, port, true)) {
                socket.startHandshake();
                return exchange(socket, host, path);
            }
        }
    }

    private static SSLContext trustAll() throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static Full exchange(Socket socket, String host, String path) throws IOException {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.UTF_8);
        int headersEnd = text.indexOf("\r\n\r\n");
        if (headersEnd < 0) {
            throw new IOException("no complete response: " + text);
        }
        String head = text.substring(0, headersEnd);
        int status = Integer.parseInt(head.substring(9, 12));
        String body = text.substring(headersEnd + 4);
        if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
            body = unchunk(body);
        }
        return new Full(new Response(status, body), head);
    }

    private static String unchunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
