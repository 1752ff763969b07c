package io.jingress.jetty.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A Jetty HTTPS server on 127.0.0.1:0 wired as the proxy wires its HTTPS connector (TLS, ALPN with
 * h2 and http/1.1, SNI host check off), by default answering 200 with the Host it saw; and a TLS
 * client that trusts everything and reports what the server presented.
 */
public final class TlsTestServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    /** Serves with {@code sslContextFactory}, answering 200 with {@code host=} and the Host it saw. */
    public TlsTestServer(SslContextFactory.Server sslContextFactory) throws Exception {
        this(sslContextFactory, new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                Content.Sink.write(response, true, "host=" + Request.getServerName(request), callback);
                return true;
            }
        });
    }

    /** Serves with {@code sslContextFactory} through {@code handler}. */
    public TlsTestServer(SslContextFactory.Server sslContextFactory, Handler handler) throws Exception {
        server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        config.addCustomizer(secure);
        HttpConnectionFactory http1 = new HttpConnectionFactory(config);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol(http1.getProtocol());
        SslConnectionFactory tls = new SslConnectionFactory(sslContextFactory, alpn.getProtocol());
        connector = new ServerConnector(server, tls, alpn, h2, http1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
    }

    /**
     * An HTTPS endpoint (one the proxy reaches through Jetty's client) with a certificate of the
     * test CA that answers every request {@code status} with the body "answered STATUS", counting
     * them in {@code requests}.
     */
    public static TlsTestServer answering(int status, java.util.concurrent.atomic.AtomicInteger requests) throws Exception {
        return new TlsTestServer(io.jingress.jetty.internal.tls.TlsCertificates.create().sslContextFactory(),
                new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) {
                        requests.incrementAndGet();
                        response.setStatus(status);
                        org.eclipse.jetty.io.Content.Sink.write(response, true, "answered " + status, callback);
                        return true;
                    }
                });
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** What one TLS connection saw: the server's leaf certificate, the ALPN protocol, and an HTTP status line. */
    public record Exchange(X509Certificate certificate, String applicationProtocol, String statusLine) {
    }

    /** Connects with {@code sni} (null: no SNI), sends {@code GET /} with {@code host}, reads the status line. */
    public Exchange get(String sni, String host) throws IOException {
        try (SSLSocket socket = open(sni, List.of("http/1.1"))) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String statusLine = in.readLine();
            return new Exchange(leaf(socket), socket.getApplicationProtocol(), statusLine);
        }
    }

    /** The leaf certificate the server presents for {@code sni} (null: no SNI). */
    public X509Certificate certificateFor(String sni) throws IOException {
        try (SSLSocket socket = open(sni, List.of())) {
            return leaf(socket);
        }
    }

    /** A handshaken connection; a fresh client context each time, so no session is resumed. */
    public SSLSocket open(String sni, List<String> applicationProtocols) throws IOException {
        return open(sni, applicationProtocols, null);
    }

    /** As {@link #open(String, List)}, limited to one TLS version (e.g. "TLSv1.2") when not null. */
    public SSLSocket open(String sni, List<String> applicationProtocols, String tlsVersion) throws IOException {
        return connect(port(), sni, applicationProtocols, tlsVersion);
    }

    /**
     * A handshaken connection to any TLS listener on 127.0.0.1 {@code port} (a proxy's HTTPS port),
     * saying {@code sni} (null: none) and offering {@code applicationProtocols} by ALPN (empty: no
     * ALPN); reads time out after 10 s.
     */
    public static SSLSocket connect(int port, String sni, List<String> applicationProtocols) throws IOException {
        return connect(port, sni, applicationProtocols, null);
    }

    private static SSLSocket connect(int port, String sni, List<String> applicationProtocols, String tlsVersion)
            throws IOException {
        SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters parameters = socket.getSSLParameters();
        List<SNIServerName> names = sni == null ? List.of() : List.of(new SNIHostName(sni));
        parameters.setServerNames(names);
        if (!applicationProtocols.isEmpty()) {
            parameters.setApplicationProtocols(applicationProtocols.toArray(new String[0]));
        }
        if (tlsVersion != null) {
            parameters.setProtocols(new String[] {tlsVersion});
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    public static X509Certificate leaf(SSLSocket socket) throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    /** A client context that accepts any server certificate: tests look at the certificate, they need not trust it. */
    public static SSLContext trustAll() {
        TrustManager trustAll = new X509TrustManager() {
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
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
