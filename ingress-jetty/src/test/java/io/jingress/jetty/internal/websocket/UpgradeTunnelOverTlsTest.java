package io.jingress.jetty.internal.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.TlsSecret;
import io.jingress.jetty.internal.tls.TlsCertificates;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.junit.jupiter.api.Test;

/** wss: TLS with the certificate chosen by SNI, ALPN http/1.1, then the tunnel, on one connection. */
class UpgradeTunnelOverTlsTest {

    @Test
    void webSocketOverTlsIsTunnelledWithTheCertificateOfItsSniName() throws Exception {
        TlsCertificates certificates = TlsCertificates.create();
        assertEquals(List.of(), certificates.update(Map.of("chat.example.test",
                new TlsSecret("chat", "chat-tls", resource("pkcs8.crt"), resource("pkcs8.key")))));
        try (WebSocketEchoBackend backend = new WebSocketEchoBackend()) {
            Server server = new Server();
            try {
                HttpConfiguration config = new HttpConfiguration();
                SecureRequestCustomizer secure = new SecureRequestCustomizer();
                secure.setSniHostCheck(false);
                config.addCustomizer(secure);
                HttpConnectionFactory http1 = new HttpConnectionFactory(config);
                ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
                alpn.setDefaultProtocol(http1.getProtocol());
                ServerConnector connector = new ServerConnector(server,
                        new SslConnectionFactory(certificates.sslContextFactory(), alpn.getProtocol()),
                        alpn, new HTTP2ServerConnectionFactory(config), http1);
                connector.setHost("127.0.0.1");
                server.addConnector(connector);
                UpgradeTunnel tunnel = UpgradeTunnel.create();
                server.addBean(tunnel);
                server.setHandler(new TunnelTestHandler(tunnel,
                        Balancers.create().endpoint("127.0.0.1", backend.port(), null, null, 1)));
                server.start();

                try (SSLSocket socket = (SSLSocket) trustAll().getSocketFactory()
                        .createSocket("127.0.0.1", connector.getLocalPort())) {
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setServerNames(List.of(new SNIHostName("chat.example.test")));
                    parameters.setApplicationProtocols(new String[] {"http/1.1"});
                    socket.setSSLParameters(parameters);
                    socket.setSoTimeout(10_000);
                    socket.startHandshake();
                    X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                    assertEquals("CN=pkcs8.example.test", served.getSubjectX500Principal().getName());

                    OutputStream out = socket.getOutputStream();
                    out.write(("GET /chat HTTP/1.1\r\nHost: chat.example.test\r\nConnection: Upgrade\r\n"
                            + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(maskedTextFrame("secure hello"));
                    out.flush();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    assertTrue(WebSocketEchoBackend.readHead(in).startsWith("HTTP/1.1 101 "));
                    assertEquals(0x81, in.read());
                    int length = in.read();
                    assertEquals("secure hello", new String(in.readNBytes(length), StandardCharsets.UTF_8));
                }
            } finally {
                server.stop();
            }
        }
    }

    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x0a, 0x0b, 0x0c, 0x0d};
        ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
        frame.put((byte) 0x81).put((byte) (0x80 | payload.length)).put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i % 4]));
        }
        return frame.array();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = UpgradeTunnelOverTlsTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static SSLContext trustAll() throws Exception {
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
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
        return context;
    }
}
